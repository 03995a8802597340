from app.core.union_find import UnionFind


def test_union_find_groups_chains():
    uf = UnionFind()
    for a, b in [(1, 2), (2, 3), (5, 6)]:
        uf.union(a, b)
    uf.find(9)
    assert sorted(uf.groups()) == [[1, 2, 3], [5, 6]]

