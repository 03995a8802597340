"""Interrupting a job the way a kill would: at the n-th call of a chosen function, a
BaseException that nothing in the product catches escapes, leaving files and the catalog as
they were at that instant (uncommitted rows are lost, as with SIGKILL)."""
from __future__ import annotations


# a sidecar as an editor leaves it before any decision: a title, no rating or label
NEUTRAL_SIDECAR = ('<?xml version="1.0" encoding="UTF-8"?>\n<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
                   ' <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
                   '  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">\n'
                   '   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>\n'
                   '  </rdf:Description>\n </rdf:RDF>\n</x:xmpmeta>\n')


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
