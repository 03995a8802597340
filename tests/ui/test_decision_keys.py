"""The one table of decision keys every view asks (app/ui/shortcuts.decision_key)."""
from app.ui.shortcuts import decision_key


def test_decision_keys():
    none = lambda: []                                   # noqa: E731
    assert decision_key("p", none) == decision_key(" ", none) == ("pick", 1, None)
    assert decision_key("x", none) == ("pick", -1, None) and decision_key("u", none) == ("pick", 0, None)
    assert decision_key("b", none) == ("best", 1, None) and decision_key("b", none, best=False) is None
    assert decision_key("0", none) == ("rating", 0, None) and decision_key("5", none) == ("rating", 5, None)
    assert decision_key("6", none) == ("label", None, "Red")
    assert decision_key("6", lambda: ["red", "Red"]) == ("label", None, None)      # the same key again: off
    assert decision_key("7", lambda: ["Red"]) == ("label", None, "Yellow")
    for other in ("", "z", "²", "12", "n"):
        assert decision_key(other, none) is None
