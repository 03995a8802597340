"""The Decisions menu in the window: each action confirms with counts and sizes (from its dry
run) before it runs in a worker; trash and its undo leave the originals byte-identical; the
XMP settings are kept in the catalog."""
from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtWidgets import QMainWindow, QMessageBox

from app.core.catalog import Catalog
from app.core.culling import decide
from app.core.xmp.sidecars import sidecar_names
from app.core.xmp.sync import AUTO_WRITE
from app.ui.decisions_menu import DecisionsMenu
from app.ui.session import Session
from app.ui.views.settings_view import SettingsView
from app.ui.worker import WorkerPool
from tests.decisions.helpers import add_photo, checksums, library

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def _setup(qtbot, tmp_path):
    files = library(tmp_path, ["a.jpg", "b.jpg", "c.jpg"])
    session = Session(tmp_path / "c.db", str(tmp_path / "lib"))
    ids = [add_photo(session.catalog, p) for p in files]
    decide(session.catalog, ids[0], "pick", 1)
    decide(session.catalog, ids[1], "pick", -1)
    decide(session.catalog, ids[2], "pick", -1)
    window = QMainWindow()
    qtbot.addWidget(window)
    window.show()
    workers = WorkerPool(window)
    menu = DecisionsMenu(window, session, workers)
    messages = []
    menu.message.connect(messages.append)
    return window, session, workers, menu, messages, files, ids


def _answer(qtbot, menu, label: str) -> str:
    qtbot.waitUntil(lambda: menu.pending is not None, timeout=20_000)
    box = menu.pending
    text = box.text()
    button = next(b for b in box.buttons() if b.text() == label)
    button.click()
    return text


def test_trash_and_undo_confirm_with_counts_and_sizes(qtbot, tmp_path):
    window, session, workers, menu, messages, files, ids = _setup(qtbot, tmp_path)
    before = checksums(files)
    menu.start("trash")
    text = _answer(qtbot, menu, "Send to trash")
    assert "Send 2 rejected photos (" in text and re.search(r"\(\d[\d.]* (bytes|KiB|MiB)\)", text)
    qtbot.waitUntil(lambda: bool(messages), timeout=20_000)
    assert "2 rejected photos sent to the trash" in messages[-1]
    assert files[0].exists() and not files[1].exists() and not files[2].exists()
    menu.start("undo")
    text = _answer(qtbot, menu, "Put back")
    assert "Put 2 files" in text
    qtbot.waitUntil(lambda: len(messages) == 2, timeout=20_000)
    assert checksums(files) == before
    workers.shutdown()
    session.close()


def test_cancel_changes_nothing_and_nothing_to_do_is_said(qtbot, tmp_path):
    window, session, workers, menu, messages, files, ids = _setup(qtbot, tmp_path)
    menu.start("trash")
    qtbot.waitUntil(lambda: menu.pending is not None, timeout=20_000)
    menu.pending.button(QMessageBox.Cancel).click()
    qtbot.wait(200)
    assert all(f.exists() for f in files) and not messages
    menu.start("undo")
    qtbot.waitUntil(lambda: bool(messages), timeout=20_000)
    assert messages[-1] == "nothing to put back"
    workers.shutdown()
    session.close()


def test_export_and_xmp_write_from_the_menu(qtbot, tmp_path):
    window, session, workers, menu, messages, files, ids = _setup(qtbot, tmp_path)
    menu.export_dest = str(tmp_path / "out")
    menu.start("export")
    text = _answer(qtbot, menu, "Copy")
    assert "Export 1 picked photo" in text and str(tmp_path / "out") in text
    qtbot.waitUntil(lambda: bool(messages), timeout=20_000)
    assert (tmp_path / "out" / "a.jpg").exists() and files[0].exists()
    menu.start("xmp")
    window.resize(900, 500)
    qtbot.waitUntil(lambda: menu.pending is not None, timeout=20_000)
    qtbot.wait(100)
    menu.pending.grab().save(str(tmp_path / "confirm.png"))
    _answer(qtbot, menu, "Write")
    qtbot.waitUntil(lambda: len(messages) == 2, timeout=60_000)
    assert "3 sidecars written" in messages[-1], messages
    assert all(sidecar_names(f)["ext"].exists() for f in files)
    workers.shutdown()
    session.close()


def test_xmp_settings_are_saved_in_the_catalog(qtbot, tmp_path, isolated_settings):
    files = library(tmp_path, ["a.jpg"])
    session = Session(tmp_path / "c.db", str(tmp_path / "lib"))
    pid = add_photo(session.catalog, files[0])
    view = SettingsView(session)
    qtbot.addWidget(view)
    view.resize(900, 700)
    view.show()
    view.xmp_auto.setChecked(True)
    view.xmp_naming.setCurrentIndex(1)
    view.pick_label.setCurrentText("Blue")
    view.xmp_labels.setChecked(True)                   # labels are the user's unless this is on
    view.save()
    cat = session.catalog
    assert cat.settings.get(AUTO_WRITE) == "1" and cat.settings.get("xmp.naming") == "base"
    assert cat.settings.get("xmp.pick_label") == "Blue" and cat.settings.get("xmp.labels") == "1"
    decide(cat, pid, "pick", 1)                        # now each decision writes the sidecar
    assert 'xmp:Label="Blue"' in sidecar_names(files[0])["base"].read_text()
    # a trial: Save wrote every field, putting back what a command changed meanwhile
    with Catalog(tmp_path / "c.db") as cli:            # `xmp write --auto off --labels off`
        cli.settings.set({AUTO_WRITE: "0", "xmp.labels": "0"})
    view.gap.setValue(4.0)                             # only the burst gap changed here
    view.save()
    assert cat.settings.get(AUTO_WRITE) == "0" and cat.settings.get("xmp.labels") == "0"
    assert float(cat.settings.get("bursts.max_gap_s")) == 4.0
    session.close()


def test_trash_waits_for_a_running_index_and_says_so(qtbot, tmp_path):
    from tests.decisions.test_one_writer import _holder

    window, session, workers, menu, messages, files, ids = _setup(qtbot, tmp_path)
    holder = _holder(session.catalog.path)                       # another process indexes this library
    try:
        menu.start("trash")                                      # the dry run reads only: it does not wait
        _answer(qtbot, menu, "Send to trash")
        qtbot.waitUntil(lambda: bool(messages), timeout=20_000)
        assert f"(pid {holder.pid}) is indexing in this library: waiting for it to finish" in messages[-1]
        qtbot.wait(300)
        assert all(f.exists() for f in files)                    # nothing moved while it waits
    finally:
        holder.communicate("go\n", timeout=30)
    qtbot.waitUntil(lambda: "sent to the trash" in messages[-1], timeout=20_000)
    assert files[0].exists() and not files[1].exists() and not files[2].exists()
    workers.shutdown()
    session.close()
