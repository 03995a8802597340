from app.core.union_find import UnionFind, star_groups


def test_union_find_groups_chains():
    uf = UnionFind()
    for a, b in [(1, 2), (2, 3), (5, 6)]:
        uf.union(a, b)
    uf.find(9)
    assert sorted(uf.groups()) == [[1, 2, 3], [5, 6]]


def test_star_groups_do_not_chain():
    # a chain of near-identical burst frames: 1~2, 2~3, 3~4, 4~5 but 1 !~ 3
    assert star_groups([(1, 2), (2, 3), (3, 4), (4, 5)]) == [[1, 2, 3], [4, 5]]


def test_star_groups_keep_a_clique_whole_and_pick_the_best_connected_centre():
    clique = [(1, 2), (1, 3), (2, 3), (1, 4), (2, 4), (3, 4)]
    assert star_groups(clique) == [[1, 2, 3, 4]]
    # 7 is verified against 10 only; 10 is the original every copy matches
    assert star_groups([(10, 11), (10, 12), (10, 13), (7, 10)]) == [[7, 10, 11, 12, 13]]
    assert star_groups([(1, 2), (3, 4), (2, 2)]) == [[1, 2], [3, 4]]
    assert star_groups([]) == []
