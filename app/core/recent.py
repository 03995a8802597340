"""A bounded map that keeps the entries used last: the per-process memos of the core (focus
points, highlight comparisons, registrations, prepared pictures) and the window's picture
caches share it, so "how much is kept and what goes first" is written once. Not locked: a
memo read from several threads takes its own lock around it."""
from __future__ import annotations

from collections import OrderedDict

_MISSING = object()


class Recent(OrderedDict):
    """An ``OrderedDict`` of at most ``capacity`` entries, oldest use first. :meth:`recall`
    reads an entry and marks it used; :meth:`keep` stores one (marked used) and drops the
    entries used longest ago beyond the capacity, returning their keys. Plain reads (``in``,
    ``[]``, ``get``) do not count as a use."""

    def __init__(self, capacity: int) -> None:
        super().__init__()
        if capacity < 1:
            raise ValueError(f"a bounded map keeps at least one entry, not {capacity}")
        self.capacity = capacity

    def recall(self, key, default=None):
        """The entry for ``key``, marked used; ``default`` when there is none (an entry whose
        value is None is returned as None: ask ``key in`` first where that matters)."""
        value = self.get(key, _MISSING)
        if value is _MISSING:
            return default
        try:
            self.move_to_end(key)
        except KeyError:            # dropped by another thread in between: still the value read
            pass
        return value

    def keep(self, key, value) -> list:
        """Store ``value`` for ``key`` as the latest used; the keys dropped to stay in capacity."""
        self[key] = value
        self.move_to_end(key)
        return self.trim()

    def touch(self, keys) -> None:
        """Mark ``keys`` used (those held), in their order: the last is the last to go."""
        for key in keys:
            if key in self:
                self.move_to_end(key)

    def trim(self) -> list:
        """Drop the entries used longest ago beyond the capacity; their keys."""
        gone = []
        while len(self) > self.capacity:
            gone.append(self.popitem(last=False)[0])
        return gone
