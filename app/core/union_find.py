"""Disjoint sets over hashable items (grouping pairs into groups)."""
from __future__ import annotations


class UnionFind:
    def __init__(self) -> None:
        self.parent: dict = {}

    def find(self, x):
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a, b) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)

    def groups(self) -> list[list]:
        out: dict = {}
        for x in self.parent:
            out.setdefault(self.find(x), []).append(x)
        return [sorted(g) for g in out.values() if len(g) > 1]


def star_groups(edges: list[tuple]) -> list[list]:
    """Precision-first grouping of verified pairs: no chaining. Within each connected
    component, the node with most verified partners becomes a group's centre and takes its
    not-yet-grouped partners; repeat. Every member of a group was verified against the centre
    (A~B and B~C never puts A and C together unless B is their centre)."""
    partners: dict = {}
    components = UnionFind()
    for a, b in edges:
        if a != b:
            partners.setdefault(a, set()).add(b)
            partners.setdefault(b, set()).add(a)
            components.union(a, b)
    groups = []
    for component in components.groups():
        taken: set = set()
        while True:
            free = {n: partners[n] - taken for n in component if n not in taken}
            free = {n: p for n, p in free.items() if p}
            if not free:
                break
            centre = min(free, key=lambda n: (-len(free[n]), n))
            group = sorted({centre} | free[centre])
            taken.update(group)
            groups.append(group)
    return groups
