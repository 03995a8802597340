"""What the editors read from a sidecar, asked of the real programs: darktable through
``darktable-cli`` importing a folder into a throw-away library (its configuration and library
in a temp folder, never the user's), exiftool as Lightroom/Bridge and Capture One read XMP, and
exiv2 as digiKam (and darktable) read it."""
from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

DARKTABLE_CLI = shutil.which("darktable-cli")
EXIFTOOL = shutil.which("exiftool")
EXIV2 = shutil.which("exiv2")
REQUIRED = bool(os.environ.get("PHOTOTRIAGE_REQUIRE_XVFB"))        # .ci/run installed them: never skip
needs_darktable = pytest.mark.skipif(DARKTABLE_CLI is None and not REQUIRED,
                                     reason="darktable-cli is not installed (Debian: darktable)")
needs_exiftool = pytest.mark.skipif(EXIFTOOL is None and not REQUIRED,
                                    reason="exiftool is not installed (Debian: libimage-exiftool-perl)")
needs_exiv2 = pytest.mark.skipif(EXIV2 is None and not REQUIRED, reason="exiv2 is not installed (Debian: exiv2)")
COLOURS = ["red", "yellow", "green", "blue", "purple"]


def darktable_view(folder: Path, work: Path) -> dict[str, dict]:
    """file name -> {"stars": 0-5 or "rejected", "colours": set of names, "tags": set} as
    darktable 4.2 shows each photo of ``folder`` after importing it with its sidecars (one
    darktable-cli run for the whole folder)."""
    cfg, out = work / "dt-config", work / "dt-out"
    cfg.mkdir(parents=True, exist_ok=True)
    out.mkdir(exist_ok=True)
    library = work / "dt-library.db"
    run = subprocess.run([DARKTABLE_CLI, str(folder), str(out / "$(FILE_NAME).jpg"), "--width", "16", "--height", "16",
                          "--core", "--configdir", str(cfg), "--library", str(library),
                          "--conf", "write_sidecar_files=never"],
                         capture_output=True, text=True, timeout=300, env={**os.environ, "HOME": str(work)})
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    lib = sqlite3.connect(library)
    data = sqlite3.connect(cfg / "data.db")
    tag_names = dict(data.execute("SELECT id, name FROM tags"))
    view = {}
    for image_id, name, flags in lib.execute("SELECT id, filename, flags FROM images"):
        colours = {COLOURS[c] for (c,) in lib.execute("SELECT color FROM color_labels WHERE imgid = ?", (image_id,))}
        tags = {tag_names.get(t, "") for (t,) in lib.execute("SELECT tagid FROM tagged_images WHERE imgid = ?",
                                                            (image_id,))}
        view[name] = {"stars": "rejected" if flags & 8 else flags & 7, "colours": colours,
                      "tags": {t for t in tags if not t.startswith("darktable|")}}
    lib.close()
    data.close()
    return view


def exiftool_view(path: Path) -> dict:
    """Rating, Label and keywords as exiftool (Lightroom, Bridge, Capture One) reads them."""
    out = subprocess.run([EXIFTOOL, "-j", "-G1", "-XMP-xmp:Rating", "-XMP-xmp:Label", "-XMP-dc:Subject", str(path)],
                         capture_output=True, text=True, check=True)
    tags = json.loads(out.stdout)[0]
    subject = tags.get("XMP-dc:Subject", [])
    return {"rating": tags.get("XMP-xmp:Rating"), "label": tags.get("XMP-xmp:Label"),
            "keywords": set(subject if isinstance(subject, list) else [subject])}


def exiv2_view(path: Path) -> dict:
    """Rating and pick label as exiv2 (digiKam) reads them."""
    out = subprocess.run([EXIV2, "-px", str(path)], capture_output=True, text=True).stdout
    props = {}
    for line in out.splitlines():
        parts = line.split(None, 3)
        if len(parts) >= 3:
            props[parts[0]] = parts[3] if len(parts) == 4 else ""
    return {"rating": props.get("Xmp.xmp.Rating"), "pick": props.get("Xmp.digiKam.PickLabel"),
            "label": props.get("Xmp.xmp.Label")}
