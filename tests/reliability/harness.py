"""What the reliability tests share: a small real library, the CLI as a subprocess, and a
snapshot of everything a user would notice (integrity, photos, decisions, search answers)."""
from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.helpers import REPO, sample

PHOTOS = ["scikit-image_chelsea.jpg", "opencv-doc_fruits.jpg", "pillow_fujifilm.jpg", "opencv-doc_baboon.jpg",
          "tuxpaint-data_cliff.jpg", "tuxpaint-data_rocks.jpg", "opencv-doc_box.jpg", "pillow_xmp_test.jpg"]


def make_library(root: Path, copies: int = 1) -> Path:
    """Single photos, a burst and faces: every path of the index (exif, faces, features)."""
    root.mkdir(parents=True)
    for i in range(copies):
        sub = root / f"set{i}"
        sub.mkdir()
        for name in PHOTOS:
            shutil.copy2(sample(f"photos/{name}"), sub / name)
        shutil.copytree(sample("bursts/hamilton-burst01_t1s"), sub / "hamilton")
        shutil.copy2(sample("faces/deepface_P01/img1.jpg"), sub / "face1.jpg")
    return root


def env() -> dict:
    return {**os.environ, "PYTHONPATH": str(REPO), "PHOTOTRIAGE_DEBUG": ""}


def cli(*args, check: bool = True, **kw) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-m", "app.cli", *map(str, args)], cwd=REPO, env=env(),
                          capture_output=True, text=True, **kw)
    if check and proc.returncode != 0:
        raise AssertionError(f"phototriage {' '.join(map(str, args))} -> {proc.returncode}\n{proc.stderr}")
    return proc


def cli_json(*args, **kw):
    return json.loads(cli(*args, "--json", **kw).stdout)


def start(*args) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "app.cli", *map(str, args)], cwd=REPO, env=env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def integrity(db: Path) -> str:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def snapshot(db: Path, root: Path, queries: list[Path]) -> dict:
    """What a user sees: the photos (path, content, status), the decisions on each picture,
    each query's best search answers, and that the catalog and its derived stores agree."""
    from app.core.catalog import Catalog

    with Catalog(db, readonly=True) as cat:
        photos = sorted((os.path.relpath(p, root), h, s) for p, h, s in cat.photos.listing())
        decisions = {}
        for path, h, status in cat.photos.listing():
            if status != "ok":
                continue
            st = cat.decisions.state(cat.photos.id_for_path(path))
            if st.pick or st.rating is not None or st.best:
                decisions[os.path.relpath(path, root)] = (st.pick, st.rating, st.best)
    search = {}
    for q in queries:
        hits = cli_json("search", q, "--db", db, "-k", "2")
        search[q.name] = [(os.path.relpath(h["path"], root), round(h["similarity"], 3)) for h in hits]
    check = cli_json("check", "--db", db, check=False)
    return {"integrity": integrity(db), "photos": photos, "decisions": decisions, "search": search,
            "consistent": check["consistent"]}
