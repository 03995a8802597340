"""Redo follows the user's history: an action made after an undo ends what could be redone,
also once that new action is undone in turn (found by the decision machine)."""
from app.core.culling import decide, undo
from tests.decisions.helpers import add_photo, library


def test_redo_never_brings_back_an_action_a_newer_one_replaced(catalog, tmp_path):
    a, b = (add_photo(catalog, p) for p in library(tmp_path, ["a.jpg", "b.jpg"]))
    decide(catalog, a, "pick", 1)
    undo(catalog)
    decide(catalog, b, "pick", -1)          # a new action after the undo
    undo(catalog)
    assert undo(catalog, redo=True) == b     # the newer action comes back...
    assert undo(catalog, redo=True) is None  # ...and the one it replaced does not
    assert catalog.decisions.state(a).pick == 0 and catalog.decisions.state(b).pick == -1


def test_undo_and_redo_of_several_actions_go_in_order(catalog, tmp_path):
    a, b = (add_photo(catalog, p) for p in library(tmp_path, ["a.jpg", "b.jpg"]))
    decide(catalog, a, "rating", 2)
    decide(catalog, b, "rating", 4)
    assert [undo(catalog), undo(catalog)] == [b, a]
    assert [undo(catalog, redo=True), undo(catalog, redo=True), undo(catalog, redo=True)] == [a, b, None]
    assert (catalog.decisions.state(a).rating, catalog.decisions.state(b).rating) == (2, 4)
