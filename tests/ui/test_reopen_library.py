"""Opening a library again (the same or another) leaves no handler of the old one behind: a
tab change runs its handler once, and the old library's views are deleted, not kept hidden
with their closed catalog."""
import pytest

pytest.importorskip("pytestqt")

from shiboken6 import isValid  # noqa: E402

from app.ui.main_window import MainWindow  # noqa: E402


def test_reopening_a_library_does_not_stack_tab_handlers_or_keep_old_views(qtbot, isolated_settings, tmp_path):
    first, second = tmp_path / "one", tmp_path / "two"
    first.mkdir()
    second.mkdir()
    window = MainWindow()
    qtbot.addWidget(window)
    window.open_library(str(first), index=False)
    old_views = [window.tabs.widget(i) for i in range(window.tabs.count())]
    window.open_library(str(second), index=False)
    window.open_library(str(first), index=False)
    calls = []
    window.training.refresh = lambda: calls.append(1)
    window.tabs.setCurrentWidget(window.training)
    assert calls == [1]
    qtbot.waitUntil(lambda: not any(isValid(w) for w in old_views), timeout=5000)
    window.close()
