"""Issue 27: pictures of extreme shape (a 1000 x 2 strip, a 1 x 1 dot) are indexed with their
features, and neither a search nor a duplicates run fails because of them (OpenCV's ORB
failed with `inv_scale_x > 0` on every query once one was in the library)."""
import shutil

import numpy as np
import pytest
from PIL import Image

from tests.helpers import sample

EXTREME = {"wide.png": (2, 1000), "tall.png": (1000, 2), "strip.png": (1, 3000), "pole.png": (3000, 1),
           "dot.png": (1, 1)}
PHOTOS = ["scikit-image_chelsea.jpg", "opencv-doc_fruits.jpg", "pillow_fujifilm.jpg"]


@pytest.fixture(scope="module")
def extreme_library(tmp_path_factory):
    from app.core.catalog import Catalog
    from app.core.features.compute import FeaturePipeline
    from app.core.indexer import index_library
    from app.core.jobs import drive

    base = tmp_path_factory.mktemp("extreme")
    root = base / "library"
    root.mkdir()
    for name in PHOTOS:
        shutil.copy2(sample(f"photos/{name}"), root / name)
    for seed, (name, (h, w)) in enumerate(EXTREME.items()):
        noise = np.random.default_rng(seed).integers(0, 256, (h, w, 3), dtype=np.uint8)
        Image.fromarray(noise).save(root / name)
    catalog = Catalog(base / "catalog.db")
    summary = drive(index_library(catalog, str(root), features=FeaturePipeline(), workers=1))
    yield root, catalog, summary
    catalog.close()


def test_extreme_shapes_are_indexed_with_features(extreme_library):
    root, catalog, summary = extreme_library
    assert summary.indexed == len(PHOTOS) + len(EXTREME)
    assert summary.skipped == [] and summary.failed == [] and summary.feature_errors == []
    assert summary.featured == len(PHOTOS) + len(EXTREME)


def test_search_and_duplicates_never_break_on_extreme_shapes(extreme_library):
    from app.core.duplicates import find_duplicates
    from app.core.jobs import drive
    from app.core.search import search_by_example

    root, catalog, _ = extreme_library
    for name in [*EXTREME, PHOTOS[0]]:
        results = search_by_example(catalog, str(root / name), k=3)
        assert results[0].path == str(root / name), name        # itself first
    assert drive(find_duplicates(catalog)) == []                 # eight different pictures
