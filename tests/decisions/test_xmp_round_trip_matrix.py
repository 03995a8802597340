"""Issue 28's round-trip matrix: for darktable, digiKam, Lightroom/Bridge and Capture One and
each change (rating, reject, un-reject, accept, label, clear, best), both ways:

- editor -> PhotoTriage: the sidecar edited as that tool writes it (darktable: starting from
  darktable 4.2.1's own sidecar, tests/decisions/data), imported, the catalog checked; then
  written back and read by the tool (darktable: ``darktable-cli`` into a throw-away library;
  digiKam: exiv2; Lightroom, Capture One: exiftool) - the two views must agree;
- PhotoTriage -> editor: the decision made in PhotoTriage, written, read by the tool.

A cell a tool cannot express (darktable and Lightroom keep no accept flag in XMP, Capture One
no reject) is left out. Set PHOTOTRIAGE_MATRIX_OUT to a file to get the matrix as JSON."""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from app.core.catalog import Catalog
from app.core.culling import decide
from app.core.jobs import drive
from app.core.xmp.convention import LABELS
from app.core.xmp.sidecars import sidecar_names
from app.core.xmp.sync import import_xmp, write_sidecars
from tests.decisions.edits import edit
from tests.decisions.fixtures import LIGHTROOM
from tests.decisions.helpers import add_photo, library
from tests.decisions.real_tools import (darktable_view, exiftool_view, exiv2_view, needs_darktable, needs_exiftool,
                                        needs_exiv2)

BEST = "PhotoTriage best"
DT_IMPORTED = Path(__file__).parent / "data" / "darktable-4.2.1" / "imported.jpg.xmp"
NAMING = {"darktable": "ext", "digikam": "ext", "lightroom": "base", "captureone": "base"}
CHECKED_BY = {"darktable": "darktable-cli 4.2.1", "digikam": "exiv2", "lightroom": "exiftool",
              "captureone": "exiftool"}

# editor -> PhotoTriage: (PhotoTriage's decision before: pick, rating), the tool's edit,
# (PhotoTriage's decision after the index: pick, rating, best), the tool's view after the next write
IMPORTS = {
    "darktable": {
        "rating": ((0, 2), {"rating": 4}, (0, 4, False), (4, set(), set())),
        "reject": ((0, 2), {"rating": -1}, (-1, 2, False), ("rejected", set(), set())),
        "unreject": ((-1, 3), {"rating": 3}, (0, 3, False), (3, set(), set())),
        "label": ((0, 2), {"colours": ["3"]}, (0, 2, False), (2, {"blue"}, set())),
        "clear": ((0, 2), {"rating": 0}, (0, 0, False), (0, set(), set())),
        "best": ((0, 2), {"add_keyword": BEST}, (1, 2, True), (2, set(), {BEST})),
    },
    "digikam": {
        "rating": ((0, 2), {"rating": 4}, (0, 4, False), ("4", None, None)),
        "reject": ((0, 2), {"pick_label": "1"}, (-1, 2, False), ("-1", "1", None)),
        "unreject": ((-1, 3), {"pick_label": "0"}, (0, 3, False), ("3", "0", None)),
        "accept": ((0, 2), {"pick_label": "3"}, (1, 2, False), ("2", "3", None)),
        "label": ((0, 2), {"label": "Yellow"}, (0, 2, False), ("2", None, "Yellow")),
        "clear": ((1, 2), {"pick_label": "0"}, (0, 2, False), ("2", "0", None)),
        "best": ((0, 2), {"add_keyword": BEST}, (1, 2, True), ("2", "3", None)),
    },
    "lightroom": {
        "rating": ((0, 2), {"rating": 4}, (0, 4, False), (4, None, False)),
        "reject": ((0, 2), {"rating": -1}, (-1, 2, False), (-1, None, False)),
        "unreject": ((-1, 3), {"rating": 0}, (0, 0, False), (0, None, False)),
        "label": ((0, 2), {"label": "Yellow"}, (0, 2, False), (2, "Yellow", False)),
        "clear": ((0, 2), {"rating": 0}, (0, 0, False), (0, None, False)),
        "best": ((0, 2), {"add_keyword": BEST}, (1, 2, True), (2, None, True)),
    },
    "captureone": {
        "rating": ((0, 2), {"rating": 4}, (0, 4, False), (4, None, False)),
        "label": ((0, 2), {"label": "Purple"}, (0, 2, False), (2, "Purple", False)),
        "clear": ((0, 2), {"rating": 0}, (0, 0, False), (0, None, False)),
        "best": ((0, 2), {"add_keyword": BEST}, (1, 2, True), (2, None, True)),
    },
}

# PhotoTriage -> editor: the decisions made in PhotoTriage ("write": a sync in between), whether
# the label setting is on, and what each tool reads after the write
STEPS = {
    "rating": ([("rating", 4)], False),
    "reject": ([("rating", 2), ("pick", -1)], False),
    "unreject": ([("rating", 3), ("pick", -1), "write", ("pick", 0)], False),
    "accept": ([("rating", 2), ("pick", 1)], False),
    "label": ([("rating", 2), ("pick", 1)], True),
    "clear": ([("rating", 2), ("pick", 1), "write", ("pick", 0)], True),
    "best": ([("rating", 2), ("best", 1)], False),
}
WRITES = {
    "darktable": {"rating": (4, set(), set()), "reject": ("rejected", set(), set()), "unreject": (3, set(), set()),
                  "accept": (2, set(), set()), "label": (2, {"green"}, set()), "clear": (2, set(), set()),
                  "best": (2, set(), {BEST})},
    "digikam": {"rating": ("4", None, None), "reject": ("-1", "1", None), "unreject": ("3", "0", None),
                "accept": ("2", "3", None), "label": ("2", "3", "Green"), "clear": ("2", "0", None),
                "best": ("2", "3", None)},
    "lightroom": {"rating": (4, None, False), "reject": (-1, None, False), "unreject": (3, None, False),
                  "accept": (2, None, False), "label": (2, "Green", False), "clear": (2, None, False),
                  "best": (2, None, True)},
}
WRITES["captureone"] = WRITES["lightroom"]


def _start_sidecar(tool: str, photo: Path) -> None:
    """The sidecar the user's editor left before PhotoTriage came: darktable's own after its
    import (rated 1), Lightroom's with develop settings; digiKam and Capture One: none yet."""
    if tool == "darktable":
        shutil.copy(DT_IMPORTED, sidecar_names(photo)["ext"])
    elif tool == "lightroom":
        sidecar_names(photo)["base"].write_text(LIGHTROOM.replace('   xmp:Label="Yellow"\n', ""))


def _view(tool: str, photo: Path, dt_views: dict):
    if tool == "darktable":
        v = dt_views[photo.name]
        return v["stars"], v["colours"], v["tags"]
    side = sidecar_names(photo)[NAMING[tool]]
    if tool == "digikam":
        v = exiv2_view(side)
        return v["rating"], v["pick"], v["label"]
    v = exiftool_view(side)
    return v["rating"], v["label"], BEST in v["keywords"]


def _record(cells: list, tool: str, change: str, direction: str, ok: bool) -> None:
    cells.append({"tool": tool, "change": change, "direction": direction, "ok": ok, "checked_by": CHECKED_BY[tool]})
    out = os.environ.get("PHOTOTRIAGE_MATRIX_OUT")
    if out:
        with open(out, "a") as fh:
            fh.write(json.dumps(cells[-1]) + "\n")


@needs_darktable
@needs_exiftool
@needs_exiv2
def test_editor_to_phototriage_and_back(tmp_path):
    got_state, want_state, placed = {}, {}, {}
    for tool, cases in IMPORTS.items():
        photos = library(tmp_path / tool, [f"{change}.jpg" for change in cases])
        with Catalog(tmp_path / f"{tool}.db") as cat:
            cat.settings.set({"xmp.naming": NAMING[tool]})
            ids = {}
            for photo, (change, _case) in zip(photos, cases.items()):
                _start_sidecar(tool, photo)
                ids[change] = add_photo(cat, photo)
            drive(import_xmp(cat))                                 # the first index
            for change, ((pick, rating), _e, _a, _v) in cases.items():
                decide(cat, ids[change], "rating", rating)
                decide(cat, ids[change], "pick", pick)
            drive(write_sidecars(cat))
            for photo, (change, (_b, tool_edit, after, _v)) in zip(photos, cases.items()):
                edit(sidecar_names(photo)[NAMING[tool]], **tool_edit)
            drive(import_xmp(cat))                                 # the next index
            for change, (_b, _e, after, _v) in cases.items():
                s = cat.decisions.state(ids[change])
                got_state[tool, change], want_state[tool, change] = (s.pick, s.rating or 0, s.best), after
            drive(write_sidecars(cat))
        placed[tool] = photos
    dt_views = darktable_view(tmp_path / "darktable" / "lib", tmp_path)
    got_view = {(tool, p.stem): _view(tool, p, dt_views) for tool, photos in placed.items() for p in photos}
    want_view = {(tool, change): case[3] for tool, cases in IMPORTS.items() for change, case in cases.items()}
    cells: list = []
    for key in want_state:
        _record(cells, *key, "editor -> PhotoTriage -> editor",
                got_state[key] == want_state[key] and got_view[key] == want_view[key])
    assert got_state == want_state
    assert got_view == want_view


@needs_darktable
@needs_exiftool
@needs_exiv2
def test_phototriage_to_editor(tmp_path):
    placed = {}
    for tool in WRITES:
        photos = library(tmp_path / tool, [f"{change}.jpg" for change in STEPS])
        for labels in (False, True):
            with Catalog(tmp_path / f"{tool}-{labels}.db") as cat:
                cat.settings.set({"xmp.naming": NAMING[tool], LABELS: "1" if labels else "0"})
                mine = [(p, STEPS[p.stem][0]) for p in photos if STEPS[p.stem][1] == labels]
                ids = {}
                for photo, _steps in mine:
                    _start_sidecar(tool, photo)
                    ids[photo] = add_photo(cat, photo)
                drive(import_xmp(cat))
                for photo, steps in mine:
                    for step in steps:
                        if step == "write":
                            drive(write_sidecars(cat, [ids[photo]]))
                        else:
                            decide(cat, ids[photo], *step)
                report = drive(write_sidecars(cat))
                assert report.failed == [] and report.conflicts == []
        placed[tool] = photos
    dt_views = darktable_view(tmp_path / "darktable" / "lib", tmp_path)
    got = {(tool, p.stem): _view(tool, p, dt_views) for tool, photos in placed.items() for p in photos}
    want = {(tool, change): view for tool, views in WRITES.items() for change, view in views.items()}
    cells: list = []
    for key in want:
        _record(cells, *key, "PhotoTriage -> editor", got[key] == want[key])
    assert got == want
