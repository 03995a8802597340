"""Interrupting a job the way a kill would: at the n-th call of a chosen function, a
BaseException that nothing in the product catches escapes, leaving files and the catalog as
they were at that instant (uncommitted rows are lost, as with SIGKILL)."""
from __future__ import annotations


class Killed(BaseException):
    pass


def kill_at(monkeypatch, owner, name: str, nth: int, when=lambda *a, **k: True) -> list[int]:
    """Make ``owner.name`` raise Killed on its ``nth`` call (1-based) that ``when`` accepts.
    Returns a counter list: [calls seen]."""
    real = getattr(owner, name)
    seen = [0]

    def wrapper(*args, **kwargs):
        if when(*args, **kwargs):
            seen[0] += 1
            if seen[0] == nth:
                raise Killed(f"{name} call {nth}")
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, wrapper)
    return seen
