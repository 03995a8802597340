"""The user's decisions: an append-only log (so nothing is lost and undo is exact).

Kinds: ``pick`` (1 accept, -1 reject, 0 cleared), ``rating`` (0-5), ``label``
(text), ``best`` (1 marked best in its burst, 0 unmarked). Each call commits at once. The
rows one user action writes (a best moved from one frame to another, best implying accepted:
see app/core/culling.py) share an ``action_id``: undo and redo take back or restore whole
actions.

A decision belongs to a picture, not to a file name: it records the content hash of the photo
it was made on and is in effect only while its photo row holds that content. When another
picture takes the file's name, the decision waits in the log; :meth:`reconcile` hands it to
the row where its picture turns up (a rename or move seen in the same or a later index).
An edit of the same picture (same pixels, or an edited copy by geometric verification) carries
the decisions over (:meth:`carry`), remembering the original content in ``origin_hash``.
"""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Iterable

from .. import paths
from .connection import chunks, transaction
from .photos import now_iso

KINDS = {"pick", "rating", "label", "best"}
ARRIVED = "decisions.arrived"       # settings key: rows an index gave new content, not reconciled yet
# a decision in effect: not undone, and its photo still holds the picture it was made on
LIVE = ("d.undone = 0 AND (d.content_hash IS NULL OR d.content_hash = "
        "(SELECT p.content_hash FROM photos p WHERE p.id = d.photo_id))")


def _check(kind: str, value: int | None) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown decision kind {kind!r}")
    if kind == "pick" and value not in (-1, 0, 1):
        raise ValueError("pick is 1 (accept), -1 (reject) or 0 (clear)")
    if kind == "rating" and not (isinstance(value, int) and 0 <= value <= 5):
        raise ValueError("rating is 0-5")


@dataclass
class DecisionState:
    pick: int = 0
    rating: int | None = None
    label: str | None = None
    best: bool = False
    imported: bool = False              # the latest decision came from XMP (a sidecar, the file)

    def apply(self, kind: str, value: int | None, text: str | None, source: str | None = None) -> None:
        """The next decision of the log, read coherently (see app/core/culling.py)."""
        self.imported = source == "xmp"
        if kind == "pick":
            self.pick = value
            self.best = self.best and value == 1        # a rejected or unflagged frame is not the best
        elif kind == "rating":
            self.rating = value
        elif kind == "label":
            self.label = text
        elif kind == "best":
            self.best = bool(value)
            self.pick = 1 if value else self.pick        # the best frame is picked

    @property
    def decided(self) -> bool:
        return bool(self.pick or self.best or self.rating)


class DecisionStore:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.last_undo_photos: list[int] = []      # the photos the latest undo or redo changed
        self.mine: set[int] = set()                # the user's actions made through this connection (a window's)
        self.blocked_by_other = False              # the latest own undo/redo found another's action in the way
        self.merged_here: set[int] = set()         # imports this connection made after them (auto-write's merge)

    def record(self, photo_id: int, kind: str, value: int | None = None,
               text_value: str | None = None) -> int:
        """One decision as one action; returns the action id."""
        return self.apply([(photo_id, kind, value, text_value)])

    def apply(self, changes: list[tuple[int, str, int | None, str | None]], source: str | None = None) -> int:
        """(photo id, kind, value, text) rows written as one action (one undo step). ``source``:
        where they came from when not from the user ("xmp": imported from a sidecar or from XMP
        in the file)."""
        for _, kind, value, _ in changes:
            _check(kind, value)
        stamp = now_iso()
        with transaction(self.conn):
            # a new action of the user's ends what could be redone (also after it is undone in
            # turn): undone = 2. An import is not one: writing a sidecar after an undo first
            # imports what an editor changed there, and the user's redo must still work
            if source is None:
                self.conn.execute("UPDATE decisions SET undone = 2 WHERE undone = 1")
            action = self.conn.execute("SELECT COALESCE(MAX(action_id), 0) + 1 FROM decisions").fetchone()[0]
            for photo_id, kind, value, text_value in changes:
                row = self.conn.execute("SELECT content_hash FROM photos WHERE id = ?", (photo_id,)).fetchone()
                if row is None:
                    raise ValueError(f"no photo with id {photo_id}")
                self.conn.execute(
                    "INSERT INTO decisions (photo_id, kind, value, text_value, created_at, content_hash, action_id, "
                    "source) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (photo_id, kind, value, text_value, stamp, row[0], action, source))
        (self.mine if source is None else self.merged_here).add(action)
        return action

    def _latest(self, own: bool) -> int | None:
        """The latest action in effect; with ``own``, passing over the imports this connection
        merged after the user's own action (writing a decision's sidecar first imports what an
        editor changed there)."""
        rows = self.conn.execute(f"SELECT DISTINCT d.action_id FROM decisions d WHERE {LIVE} "
                                 "ORDER BY d.action_id DESC LIMIT 100")
        return next((a for (a,) in rows if not (own and a in self.merged_here)), None)

    def undo_last(self, own: bool = False) -> int | None:
        """Undo the latest action still in effect (all its decisions); returns the photo id it
        was made on (its first decision's). ``own``: only when that action was made through
        this connection (a window takes back its own: not a decision made since by the command
        line, another window or an editor's sidecar; then nothing is undone, None)."""
        with transaction(self.conn):
            action = self._latest(own)
            self.blocked_by_other = bool(own and action is not None and action not in self.mine)
            if action is None or (own and action not in self.mine):
                return None
            return self._set_undone(action, 1)

    def redo(self, own: bool = False) -> int | None:
        """Restore the earliest action undone since the latest one in effect (nothing once a new
        action was made after the undo); returns its photo id. ``own``: as for :meth:`undo_last`."""
        with transaction(self.conn):
            row = self.conn.execute("SELECT MIN(action_id) FROM decisions WHERE undone = 1 AND action_id > ?",
                                    (self._latest(own) or 0,)).fetchone()
            self.blocked_by_other = bool(own and row[0] is not None and row[0] not in self.mine)
            if row[0] is None or (own and row[0] not in self.mine):
                return None
            return self._set_undone(row[0], 0)

    def _set_undone(self, action: int, undone: int) -> int:
        self.conn.execute("UPDATE decisions SET undone = ? WHERE action_id = ?", (undone, action))
        self.last_undo_photos = [r[0] for r in self.conn.execute(
            "SELECT DISTINCT photo_id FROM decisions WHERE action_id = ?", (action,))]
        return self.conn.execute("SELECT photo_id FROM decisions WHERE action_id = ? ORDER BY id LIMIT 1",
                                 (action,)).fetchone()[0]

    def state(self, photo_id: int) -> DecisionState:
        state = DecisionState()
        rows = self.conn.execute(
            f"SELECT d.kind, d.value, d.text_value, d.source FROM decisions d WHERE d.photo_id = ? AND {LIVE} "
            "ORDER BY d.id", (photo_id,))
        for kind, value, text, source in rows:
            state.apply(kind, value, text, source)
        return state

    def states(self) -> dict[int, DecisionState]:
        """The state of every photo with a decision in effect, in one query (grids, filters)."""
        out: dict[int, DecisionState] = {}
        rows = self.conn.execute(
            f"SELECT d.photo_id, d.kind, d.value, d.text_value, d.source FROM decisions d WHERE {LIVE} ORDER BY d.id")
        for pid, kind, value, text, source in rows:
            out.setdefault(pid, DecisionState()).apply(kind, value, text, source)
        return out

    def best_since(self, states: dict[int, DecisionState] | None = None) -> dict[int, int]:
        """Photo id -> the action that made it best, for every photo best now (the latest of two
        bests in one burst, after bursts merged, is the user's latest choice). ``states``: the
        caller's :meth:`states`, when it has them."""
        out: dict[int, int] = {}
        for pid, value, action in self.conn.execute(
                f"SELECT d.photo_id, d.value, d.action_id FROM decisions d WHERE d.kind = 'best' AND {LIVE} "
                "ORDER BY d.id"):
            if value:
                out[pid] = action
            else:
                out.pop(pid, None)
        states = self.states() if states is None else states
        return {pid: a for pid, a in out.items() if states.get(pid) is not None and states[pid].best}

    def any_recorded(self) -> bool:
        """Whether any decision was ever recorded here, undone ones too."""
        return self.conn.execute("SELECT 1 FROM decisions LIMIT 1").fetchone() is not None

    def photos_with_decisions(self) -> int:
        return self.conn.execute(f"SELECT COUNT(DISTINCT d.photo_id) FROM decisions d WHERE {LIVE}").fetchone()[0]

    def waiting(self) -> int:
        """Decisions (not undone) whose picture is not in the library at present."""
        return self.conn.execute(
            "SELECT COUNT(*) FROM decisions d WHERE d.undone = 0 AND d.content_hash IS NOT NULL AND NOT EXISTS "
            "(SELECT 1 FROM photos p WHERE p.id = d.photo_id AND p.content_hash = d.content_hash "
            "AND p.status = 'ok')").fetchone()[0]

    def carry(self, photo_id: int, old_hash: str, new_hash: str, same_pixels: bool) -> None:
        """The photo's file now holds an edit of the same picture: its decisions stay with it.
        Call inside the writer's transaction."""
        origin = "origin_hash" if same_pixels else "COALESCE(origin_hash, content_hash)"
        self.conn.execute(f"UPDATE decisions SET origin_hash = {origin}, content_hash = ? "
                          "WHERE photo_id = ? AND content_hash = ?", (new_hash, photo_id, old_hash))

    def arrived(self, photo_ids: Iterable[int]) -> None:
        """Rows that got their content now (new files, new content), kept until the next
        :meth:`reconcile` hands waiting decisions to them: an index killed between its last
        commit and its reconcile leaves them for the next one (a review: the decisions of two
        swapped names waited for good). Call inside the writer's transaction."""
        ids = set(photo_ids)
        if ids:
            self.conn.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)",
                              (ARRIVED, json.dumps(sorted(ids | self._arrived()))))

    def _arrived(self) -> set[int]:
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", (ARRIVED,)).fetchone()
        return set(json.loads(row[0])) if row else set()

    def reconcile(self, arrived: Iterable[int] = ()) -> int:
        """Hand decisions to the row that holds their picture now; returns how many moved.
        A decision carried over to an edit goes back to its original picture where that
        turned up under another name in the same index (the edit was in fact a different photo:
        two names swapped); an original copied in again by a later index is another photo.

        A picture turns up only in ``arrived``: the rows that got their content in this index
        (new files, files with new content). A copy that was in the library all along is
        another photo with decisions of its own: a waiting decision never jumps to it (a
        review: the reject of a renumbered copy landed on the identical copy the user had
        picked, and the pick of an edited photo went back to an untouched copy of its
        original). Of several such rows, one with no decisions of its own comes first, then
        the one whose path is most like the photo's, then the oldest."""
        arrived = set(arrived) | self._arrived()
        if not arrived:
            return 0
        holding: dict[str, list[tuple[int, str]]] = {}
        for chunk in chunks(sorted(arrived)):
            marks = ",".join("?" * len(chunk))
            for pid, path, h in self.conn.execute(
                    f"SELECT id, path, content_hash FROM photos WHERE id IN ({marks}) AND status = 'ok' "
                    "AND content_hash IS NOT NULL", chunk):
                holding.setdefault(h, []).append((pid, paths.from_db(path)))
        count = 0
        with transaction(self.conn):
            self.conn.execute("DELETE FROM settings WHERE key = ?", (ARRIVED,))
            decided = {pid for (pid,) in self.conn.execute(f"SELECT DISTINCT d.photo_id FROM decisions d WHERE {LIVE}")}
            taken: set[int] = set()

            def target(photo_id: int, h: str) -> int | None:
                rows = [r for r in holding.get(h, ()) if r[0] != photo_id]
                if not rows:
                    return None
                row = self.conn.execute("SELECT path FROM photos WHERE id = ?", (photo_id,)).fetchone()
                was = paths.from_db(row[0]) if row else ""
                pid = min(rows, key=lambda r: (r[0] in taken, r[0] in decided, -paths.shared_tail(was, r[1]), r[0]))[0]
                taken.add(pid)
                return pid

            for photo_id, origin in self.conn.execute(
                    "SELECT DISTINCT photo_id, origin_hash FROM decisions WHERE origin_hash IS NOT NULL").fetchall():
                if photo_id not in arrived:
                    continue    # the edit is older: its original copied in again later is another photo
                to = target(photo_id, origin)
                if to is not None:
                    count += self.conn.execute(
                        "UPDATE decisions SET content_hash = origin_hash, origin_hash = NULL, photo_id = ? "
                        "WHERE photo_id = ? AND origin_hash = ?", (to, photo_id, origin)).rowcount
            for photo_id, h in self.conn.execute(
                    "SELECT DISTINCT d.photo_id, d.content_hash FROM decisions d WHERE d.content_hash IS NOT NULL "
                    "AND NOT EXISTS (SELECT 1 FROM photos p WHERE p.id = d.photo_id "
                    "AND p.content_hash = d.content_hash)").fetchall():
                to = target(photo_id, h)
                if to is not None:
                    count += self.conn.execute("UPDATE decisions SET photo_id = ? WHERE photo_id = ? "
                                               "AND content_hash = ?", (to, photo_id, h)).rowcount
        return count
