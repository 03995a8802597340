"""One featured library for the feature tests (indexed once per module: models load once)."""
import shutil

import pytest
from PIL import Image, ImageEnhance

from tests.helpers import TESTDATA, sample

DISTINCT = sorted(p.name for p in (TESTDATA / "photos").glob("*.jpg"))[:24]
SOURCE = "tuxpaint-data_cliff.jpg"


def _save(im, path, **kw):
    im.convert("RGB").save(path, "JPEG", quality=kw.pop("quality", 92), **kw)


def make_copies(src, folder):
    """Crafted copies of one photo: what duplicates must group."""
    im = Image.open(src).convert("RGB")
    folder.mkdir()
    shutil.copy2(src, folder / "exact_copy.jpg")
    _save(im.resize((im.width // 2, im.height // 2)), folder / "resized.jpg")
    _save(im, folder / "reencoded.jpg", quality=35)
    w, h = im.size
    _save(im.crop((int(w * .1), int(h * .1), int(w * .9), int(h * .9))), folder / "cropped.jpg")
    _save(ImageEnhance.Color(ImageEnhance.Brightness(im).enhance(1.15)).enhance(1.4), folder / "colour.jpg")
    _save(im.rotate(90, expand=True), folder / "rotated.jpg")
    return 6


def exif_rotated(src, dest):
    """Pixels stored turned, with an EXIF orientation tag that turns them back upright."""
    im = Image.open(src).convert("RGB")
    exif = Image.Exif()
    exif[0x0112] = 6       # display = rotate 90 CW of the stored pixels
    im.transpose(Image.Transpose.ROTATE_90).save(dest, "JPEG", quality=92, exif=exif.tobytes())


@pytest.fixture(scope="module")
def featured(tmp_path_factory):
    from app.core.catalog import Catalog
    from app.core.features.compute import FeaturePipeline
    from app.core.indexer import index_library
    from app.core.jobs import drive

    sample("photos")
    base = tmp_path_factory.mktemp("featured")
    root = base / "library"
    (root / "photos").mkdir(parents=True)
    for name in DISTINCT:
        shutil.copy2(TESTDATA / "photos" / name, root / "photos" / name)
    if SOURCE not in DISTINCT:
        shutil.copy2(TESTDATA / "photos" / SOURCE, root / "photos" / SOURCE)
    make_copies(TESTDATA / "photos" / SOURCE, root / "copies")
    for person in ("deepface_P01", "deepface_P02", "deepface_P03", "Kit_Harington"):
        shutil.copytree(TESTDATA / "faces" / person, root / "faces" / person)
    catalog = Catalog(base / "catalog.db")
    pipeline = FeaturePipeline()
    summary = drive(index_library(catalog, str(root), features=pipeline, workers=2))
    yield {"root": root, "catalog": catalog, "pipeline": pipeline, "summary": summary, "base": base}
    catalog.close()
