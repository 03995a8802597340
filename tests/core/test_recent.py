"""The bounded map every per-process memo and picture cache shares (app/core/recent.py)."""
import pytest

from app.core.recent import Recent


def test_the_entry_used_longest_ago_goes_first():
    r = Recent(3)
    assert r.keep("a", 1) == [] and r.keep("b", 2) == [] and r.keep("c", 3) == []
    assert r.recall("a") == 1                  # a is now the latest used: b is the oldest
    assert r.keep("d", 4) == ["b"]
    assert list(r) == ["c", "a", "d"]
    assert r.keep("c", 30) == []               # stored again: replaced and marked used, nothing dropped
    assert list(r.items()) == [("a", 1), ("d", 4), ("c", 30)]


def test_plain_reads_do_not_count_as_a_use():
    r = Recent(2)
    r.keep("a", 1)
    r.keep("b", 2)
    assert "a" in r and r["a"] == 1 and r.get("a") == 1
    assert r.keep("c", 3) == ["a"]


def test_a_stored_none_is_told_from_a_missing_entry():
    r = Recent(2)
    r.keep("nothing", None)
    assert "nothing" in r and r.recall("nothing", "absent") is None
    assert r.recall("other", "absent") == "absent"
    assert r.recall("other") is None


def test_touched_keys_are_the_last_to_go_in_their_order():
    r = Recent(4)
    for k in "abcd":
        r[k] = k                               # filled without keep: over capacity is allowed until trim
    r["e"] = "e"
    r.touch(["b", "zz", "a"])                  # a key not held is ignored
    assert r.trim() == ["c"]
    assert list(r) == ["d", "e", "b", "a"]


def test_a_map_that_keeps_nothing_is_refused():
    with pytest.raises(ValueError):
        Recent(0)
