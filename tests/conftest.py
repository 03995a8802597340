import shutil
from pathlib import Path

import pytest

from tests.helpers import sample


@pytest.fixture
def library(tmp_path) -> Path:
    """A small real library: two bursts and a handful of single photos, in sub-folders."""
    root = tmp_path / "library"
    shutil.copytree(sample("bursts/tree-burst01_frame60"), root / "tree")
    shutil.copytree(sample("bursts/hamilton-burst01_t1s"), root / "2024" / "hamilton")
    singles = root / "2024" / "singles"
    singles.mkdir(parents=True)
    for name in ["scikit-image_chelsea.jpg", "pillow_xmp_test.jpg", "opencv-doc_fruits.jpg",
                 "pillow_fujifilm.jpg"]:
        shutil.copy2(sample(f"photos/{name}"), singles / name)
    shutil.copy2(sample("faces/deepface_P01/img1.jpg"), singles / "canon.jpg")
    return root


@pytest.fixture
def catalog(tmp_path):
    from app.core.catalog import Catalog

    cat = Catalog(tmp_path / "cat" / "catalog.db")
    yield cat
    cat.close()
