"""The library grid names a set's kind on its frames' badge ("▣ bracket 3"), from the bursts the
cull view loaded, and the frame's tooltip says it is kept whole."""
import os

from PIL import Image
from PySide6.QtCore import Qt

from tests.helpers import sample
from tests.ui.set_library import open_indexed, write_bracket


def test_the_grid_badge_names_a_bracket(qtbot, isolated_settings, tmp_path):
    root = tmp_path / "lib"
    write_bracket(root)
    Image.open(sample("photos/scikit-image_gravel.jpg")).save(root / "single.jpg")
    window = open_indexed(qtbot, tmp_path, root)
    lib = window.library
    window.tabs.setCurrentWidget(lib)
    model = lib.model_
    qtbot.waitUntil(lambda: any(model.row_at(i).burst for i in range(model.rowCount())), timeout=10_000)
    texts = {model.row_at(i).path: model.data(model.index(i, 0)) for i in range(model.rowCount())}
    frames = [t for p, t in texts.items() if "bracket" + os.sep in p]
    assert len(frames) == 3 and all("▣ bracket 3" in t for t in frames)
    assert "◆ suggested" not in " ".join(frames)                    # kept whole: no best suggested
    assert "▣" not in texts[str(root / "single.jpg")]
    first = next(i for i in range(model.rowCount()) if model.row_at(i).burst)
    tip = model.data(model.index(first, 0), Qt.ToolTipRole)
    assert "a bracket of 3 frames, kept whole" in tip
    for i in range(model.rowCount()):
        model.data(model.index(i, 0), Qt.DecorationRole)
    qtbot.waitUntil(lambda: all(model.data(model.index(i, 0), Qt.DecorationRole) is not None
                                for i in range(model.rowCount())), timeout=10_000)
    qtbot.wait(50)
    lib.grid.grab().save(str(tmp_path / "grid_bracket.png"))
    if os.environ.get("SHOTS"):
        window.grab().save(os.path.join(os.environ["SHOTS"], "grid_bracket.png"))
    window.close()
