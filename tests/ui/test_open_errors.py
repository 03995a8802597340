"""A library that cannot be opened is explained in a dialog, and nothing is created for it."""
import os
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from app.ui.main_window import MainWindow


def _data_dir() -> Path:
    return Path(os.environ["XDG_DATA_HOME"])


@pytest.mark.parametrize("case", ["missing folder", "a file", "not sqlite", "db is a folder"])
def test_a_library_that_cannot_open_says_why_and_creates_nothing(qtbot, isolated_settings, tmp_path, case):
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(b"\xff\xd8 not really")
    bad_db = tmp_path / "notsqlite.db"
    bad_db.write_text("hello")
    folder, db = {"missing folder": (str(tmp_path / "nowhere"), None), "a file": (str(photo), None),
                  "not sqlite": (None, str(bad_db)), "db is a folder": (None, str(tmp_path))}[case]
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    assert window.open_library(folder, db) is False
    assert window.session is None and window.last_error
    boxes = [w for w in window.findChildren(QMessageBox) if w.isVisible()]
    assert len(boxes) == 1 and window.last_error in boxes[0].text()
    assert not _data_dir().exists() or not any(_data_dir().rglob("*.db"))
    assert bad_db.read_text() == "hello"                      # the user's file is left alone
