"""Search by example among near-identical frames: a cropped or grayscale copy of one burst frame
finds that frame first, ahead of its neighbours a fraction of a second apart, verified on local
evidence; the local features are computed once and kept in the catalog."""
from __future__ import annotations

import shutil

import pytest
from PIL import Image, ImageOps

from app.core.catalog import Catalog
from app.core.features.compute import FeaturePipeline
from app.core.indexer import index_library
from app.core.jobs import drive
from app.core.search import search_by_example
from tests.helpers import TESTDATA, sample

BURSTS = ["vtest-burst01_t3s", "hamilton-burst01_t1s", "visp-cube-burst02_from0040"]


@pytest.fixture(scope="module")
def frames_library(tmp_path_factory):
    sample("bursts")
    base = tmp_path_factory.mktemp("frames")
    root = base / "library"
    for name in BURSTS:
        shutil.copytree(TESTDATA / "bursts" / name, root / name)
    photos = sorted((TESTDATA / "photos").glob("*.jpg"))[:6]
    for photo in photos:
        shutil.copy2(photo, root / photo.name)
    im = Image.open(photos[0]).convert("RGB")                     # one edited copy: a duplicate pair
    im.resize((im.width // 2, im.height // 2)).save(root / "copy-resized.jpg", quality=85)
    catalog = Catalog(base / "catalog.db")
    drive(index_library(catalog, str(root), features=FeaturePipeline(), workers=2))
    yield root, catalog, base
    catalog.close()


@pytest.mark.parametrize("burst", BURSTS)
@pytest.mark.parametrize("edit", ["crop70", "grayscale"])
def test_an_edited_copy_finds_its_own_frame_first(frames_library, burst, edit):
    root, catalog, base = frames_library
    src = root / burst / "f03.jpg"
    im = Image.open(src).convert("RGB")
    w, h = im.size
    query = base / f"{burst}-{edit}.jpg"
    copy = im.crop((int(w * .3), int(h * .3), w, h)) if edit == "crop70" else ImageOps.grayscale(im)
    copy.save(query, quality=90)
    results = search_by_example(catalog, str(query), k=5)
    assert results[0].path == str(src), [(r.path, r.verified) for r in results]
    assert results[0].verified
    neighbours = [r for r in results[1:] if r.path.startswith(str(root / burst))]
    assert neighbours, "the burst's other frames are among the results, after the source"


def test_local_features_are_kept_and_reused(frames_library, monkeypatch):
    root, catalog, base = frames_library
    query = base / "reuse.jpg"
    ImageOps.mirror(Image.open(root / BURSTS[0] / "f02.jpg")).save(query)
    search_by_example(catalog, str(query), k=5)
    stored = catalog.conn.execute("SELECT COUNT(*) FROM local_features").fetchone()[0]
    assert stored >= 5
    from app.core import local_features

    calls = []

    class Counting(local_features.Prepared):
        @classmethod
        def of(cls, gray):
            calls.append(1)
            return local_features.Prepared.of.__func__(cls, gray)

    monkeypatch.setattr(local_features, "Prepared", Counting)
    results = search_by_example(catalog, str(query), k=5)
    assert not calls, "the candidates' features came from the catalog"
    assert results[0].path == str(root / BURSTS[0] / "f02.jpg") and results[0].verified


def test_duplicates_and_search_share_the_local_features(frames_library):
    from app.core.duplicates import find_duplicates

    root, catalog, base = frames_library
    catalog.conn.execute("DELETE FROM local_features")
    catalog.conn.execute("DELETE FROM pair_checks")
    catalog.conn.commit()
    groups = drive(find_duplicates(catalog))
    copy = str(root / "copy-resized.jpg")
    assert any(copy in g.paths for g in groups)
    hashes = {catalog.photos.get(catalog.photos.id_for_path(p))["content_hash"]
              for g in groups if copy in g.paths for p in g.paths}
    stored = {r[0] for r in catalog.conn.execute("SELECT content_hash FROM local_features")}
    assert hashes <= stored                       # verification kept what it computed, for search too
