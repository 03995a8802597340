"""Shared test helpers: where the public test data lives, hashing a tree."""
import hashlib
from pathlib import Path


REPO = Path(__file__).resolve().parents[1]
TESTDATA = REPO / "tests" / "data"       # the public test photos, in the repository (MANIFEST.tsv)


class MissingTestData(RuntimeError):
    """The repository's test data is incomplete: an error of the checkout, never a skip."""


def missing_testdata() -> list[str]:
    """The files MANIFEST.tsv lists that are not in ``tests/data`` (all of them when the
    manifest itself is missing)."""
    manifest = TESTDATA / "MANIFEST.tsv"
    if not manifest.is_file():
        return [str(manifest.relative_to(REPO))]
    rows = manifest.read_text(encoding="utf-8").splitlines()[1:]
    return [rel for rel in (row.split("\t", 1)[0] for row in rows if row.strip()) if not (TESTDATA / rel).is_file()]


def sample(rel: str) -> Path:
    """A file or folder of the public test data (``tests/data``); an error when it is absent."""
    path = TESTDATA / rel
    if not path.exists():
        raise MissingTestData(f"test data not found: {path} (tests/data is part of the repository: "
                              "is the checkout complete?)")
    return path


def tree_hashes(root: Path) -> dict[str, str]:
    out = {}
    for p in sorted(root.rglob("*")):
        if p.is_file() and not p.is_symlink():
            out[str(p.relative_to(root))] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


MOSAIC = ["pillow_fujifilm.jpg", "tuxpaint-data_cliff.jpg", "tuxpaint-data_rocks.jpg", "opencv-doc_scenetext02.jpg"]


def mosaic_2048():
    """A 2048 x 1700 frame of four public photos at their own resolution (no resampling):
    native detail of a camera-sized picture, for tests of quality at 100 %."""
    from PIL import Image

    canvas = Image.new("RGB", (2048, 1700))
    for i, name in enumerate(MOSAIC):
        tile = Image.open(sample(f"photos/{name}")).convert("RGB")
        left, top = (tile.width - 1024) // 2, (tile.height - 850) // 2
        canvas.paste(tile.crop((left, top, left + 1024, top + 850)), ((i % 2) * 1024, (i // 2) * 850))
    return canvas


def indexed_catalog(tmp_path: Path, root: Path):
    """A catalog (open, at tmp_path/c.db) of ``root`` indexed with the full feature pipeline."""
    from app.core.catalog import Catalog
    from app.core.features.compute import FeaturePipeline
    from app.core.indexer import index_library
    from app.core.jobs import drive

    cat = Catalog(tmp_path / "c.db")
    drive(index_library(cat, str(root), features=FeaturePipeline(), workers=2))
    return cat
