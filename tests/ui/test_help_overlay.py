"""Every shortcut is on screen (the ? overlay, the Cull tab's tooltip) and in docs/keyboard.md."""
from pathlib import Path

from PySide6.QtCore import Qt

from app.ui.shortcuts import CULL_KEYS, GRID_KEYS, LIST_KEYS, LOUPE_KEYS, SURVEY_KEYS, WINDOW_KEYS

KEYBOARD = Path(__file__).resolve().parents[2] / "docs" / "keyboard.md"


def test_the_keyboard_page_lists_every_key():
    text = KEYBOARD.read_text()
    for keys, what in CULL_KEYS + GRID_KEYS + LOUPE_KEYS + SURVEY_KEYS + LIST_KEYS + WINDOW_KEYS:
        assert f"| {keys} | {what} |" in text, keys


def test_question_mark_shows_every_key_and_any_key_closes(qtbot, library, isolated_settings, tmp_path):
    from app.ui.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    window.open_library(str(library), index=False)
    window.help.toggle()
    assert window.help.isVisible()
    shown = window.help.text.text()
    for keys, what in CULL_KEYS + GRID_KEYS + LOUPE_KEYS + SURVEY_KEYS + LIST_KEYS + WINDOW_KEYS:
        assert keys in shown and what in shown
    window.help.grab().save(str(tmp_path / "help.png"))
    qtbot.keyClick(window.help, Qt.Key_Escape)
    assert not window.help.isVisible()
    tip = window.tabs.tabToolTip(window.tabs.indexOf(window.cull))
    assert all(keys in tip for keys, _ in CULL_KEYS)


def test_a_colour_key_gives_its_label_and_takes_it_off_again_in_every_view():
    """One rule for the 6-9 keys (cull view, grid, loupe, survey, search and people grids): the
    same key again takes the label off, also a label an editor wrote in another case ("red"
    from a sidecar); a mixed selection gets the label first."""
    from app.ui.shortcuts import label_after

    assert label_after([None], "6") == "Red"
    assert label_after(["Red"], "6") is None
    assert label_after(["red "], "6") is None                  # as Lightroom or a script wrote it
    assert label_after(["Yellow"], "6") == "Red"
    assert label_after(["Red", None], "6") == "Red" and label_after(["Red", "Red"], "6") is None
    assert label_after([], "9") == "Blue"
