"""`phototriage index FOLDER --ray local`: the per-file work on a Ray cluster (started by the
test itself, 2 workers), the writes through this machine's single writer; the catalog comes
out as a single-machine run makes it, bad files reported the same, and a second run is
incremental."""
from __future__ import annotations

import json
import shutil
import sqlite3

import numpy as np
import pytest

from tests.helpers import TESTDATA, sample
from tests.test_cli import cli

pytest.importorskip("ray")
pytestmark = pytest.mark.slow


def _library(root):
    sample("bursts")
    shutil.copytree(TESTDATA / "bursts" / "vtest-burst01_t3s", root / "burst")
    for name in ("scikit-image_chelsea.jpg", "opencv-doc_fruits.jpg", "tuxpaint-data_cliff.jpg"):
        shutil.copy2(TESTDATA / "photos" / name, root / name)
    shutil.copytree(TESTDATA / "faces" / "deepface_P01", root / "faces")
    (root / "empty.jpg").write_bytes(b"")
    data = (TESTDATA / "photos" / "scikit-image_chelsea.jpg").read_bytes()
    (root / "truncated.jpg").write_bytes(data[: len(data) // 3])
    return root


def _rows(db, sql):
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_a_local_ray_cluster_indexes_as_this_machine_does(tmp_path):
    lib = _library(tmp_path / "lib")
    local_db, ray_db = tmp_path / "local.db", tmp_path / "ray.db"
    r = cli("index", str(lib), "--db", str(local_db), "--json")
    assert r.returncode == 0, r.stderr
    r = cli("index", str(lib), "--db", str(ray_db), "--ray", "local", "--workers", "2", "--json")
    assert r.returncode == 0, r.stderr[-3000:]
    doc = json.loads(r.stdout)
    assert doc["indexed"] + doc["skipped"] == len(list(lib.rglob("*.jpg"))) and doc["skipped"] == 2
    photos = "SELECT path, content_hash, status, status_reason, width, height, captured_ts FROM photos ORDER BY path"
    assert _rows(local_db, photos) == _rows(ray_db, photos)
    quality = "SELECT p.path, f.* FROM features f JOIN photos p ON p.id = f.photo_id ORDER BY p.path"
    a, b = _rows(local_db, quality), _rows(ray_db, quality)
    assert len(a) == len(b) == doc["featured"] > 0
    for ra, rb in zip(a, b):
        assert ra[0] == rb[0]
        nums = [(x, y) for x, y in zip(ra[1:], rb[1:]) if isinstance(x, float)]
        assert all(abs(x - y) <= 1e-4 * max(1.0, abs(x)) for x, y in nums), ra[0]
    vec = ("SELECT p.path, e.vector FROM embeddings e JOIN photos p ON p.id = e.photo_id "
           "WHERE e.model != 'layout16' ORDER BY p.path")
    for (pa, va), (pb, vb) in zip(_rows(local_db, vec), _rows(ray_db, vec)):
        x, y = np.frombuffer(va, np.float32), np.frombuffer(vb, np.float32)
        assert pa == pb and float(x @ y / np.linalg.norm(x) / np.linalg.norm(y)) > 0.9999
    faces = "SELECT p.path, COUNT(*) FROM faces f JOIN photos p ON p.id = f.photo_id GROUP BY p.path ORDER BY p.path"
    assert _rows(local_db, faces) == _rows(ray_db, faces)
    again = json.loads(cli("index", str(lib), "--db", str(ray_db), "--ray", "local", "--workers", "2",
                           "--json").stdout)
    assert again["indexed"] == 0 and again["unchanged"] == doc["indexed"]


def test_without_the_extra_the_reason_is_one_line(tmp_path, monkeypatch):
    from app.core import cluster

    monkeypatch.setitem(__import__("sys").modules, "ray", None)
    with pytest.raises(cluster.ClusterUnavailable, match=r"phototriage\[cluster\]"):
        cluster.connect("local")
