"""Index speed vs a plain Pillow full decode of the same files, measured in one run.

    python -m benchmarks.index_speed [--photos N] [--rescan N] [--folder DIR] [--grain mono|camera]

Prints photos/second for scan+EXIF+thumbnails (fresh catalog), the time a
plain single-threaded full decode (``Image.open().convert('RGB')``) of the same
files takes, and their ratio; then the time of an unchanged rescan of a
library of --rescan photos. Camera-sized (12 MP) JPEGs are generated from the
public test photos unless --folder is given.
"""
from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

from app.core.catalog import Catalog
from app.core.indexer import index_library
from app.core.jobs import drive
from training.config import testdata_root

TESTDATA = testdata_root()     # tests/data, or the library PHOTOTRIAGE_TESTDATA names


GRAINS = ("mono", "camera")


def make_camera_jpegs(dest: Path, n: int, size=(4000, 3000), grain: str = "mono", quality: int = 92) -> list[Path]:
    """12 MP JPEGs with camera-like detail: real photos upscaled, plus sensor-like noise.
    ``grain``: "mono" is one gray noise (sigma 6) on all channels; "camera" is what a camera's
    JPEG engine leaves of sensor noise: luminance grain correlated over about a pixel (the
    demosaic), plus blotchy chroma noise at half resolution, per channel. Camera grain costs
    the entropy decoder more than upscaled (smooth) pictures do, as real files do."""
    if grain not in GRAINS:
        raise ValueError(f"grain is one of {GRAINS}")
    import cv2

    dest.mkdir(parents=True, exist_ok=True)
    sources = sorted((TESTDATA / "photos").glob("*.jpg"))
    rng = np.random.default_rng(0)
    out = []
    w, h = size
    for i in range(n):
        src = Image.open(sources[i % len(sources)]).convert("RGB").resize(size, Image.Resampling.BICUBIC)
        arr = np.asarray(src, dtype=np.float32)
        if grain == "mono":
            arr = arr + rng.normal(0, 6, (h, w, 1)).astype(np.int16)
        else:
            luma = cv2.GaussianBlur(rng.standard_normal((h, w), dtype=np.float32), (0, 0), 0.7) * 9.0
            chroma = cv2.resize(rng.standard_normal((h // 2, w // 2, 3), dtype=np.float32) * 3.0, size,
                                interpolation=cv2.INTER_LINEAR)
            arr = arr + luma[..., None] + chroma
        path = dest / f"IMG_{i:04d}.jpg"
        Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8)).save(path, "JPEG", quality=quality)
        out.append(path)
    return out


def full_decode_seconds(files: list[Path]) -> float:
    t = time.perf_counter()
    for f in files:
        with Image.open(f) as im:
            im.convert("RGB")
    return time.perf_counter() - t


def index_seconds(folder: Path, db: Path, workers: int | None = None) -> float:
    with Catalog(db) as cat:
        t = time.perf_counter()
        summary = drive(index_library(cat, str(folder), workers=workers))
        elapsed = time.perf_counter() - t
    assert not summary.skipped, summary.skipped
    return elapsed


def compare(label: str, folder: Path, files: list[Path], work: Path) -> None:
    base = full_decode_seconds(files)
    runs = {w: index_seconds(folder, work / f"{label}-w{w}.db", workers=w) for w in (1, 2)}
    n = len(files)
    mp = np.mean([np.prod(Image.open(f).size) for f in files]) / 1e6
    print(f"[{label}] {n} files, {mp:.1f} MP average")
    print(f"  plain full decode (1 thread)   {base:7.2f} s  {n / base:7.1f} photos/s")
    for w, secs in runs.items():
        print(f"  index, {w} worker(s)            {secs:7.2f} s  {n / secs:7.1f} photos/s"
              f"  ratio to full decode {secs / base:.2f}x")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--photos", type=int, default=24, help="12 MP JPEGs to generate")
    ap.add_argument("--rescan", type=int, default=1000, help="library size for the rescan timing")
    ap.add_argument("--folder", type=Path, help="use these photos instead of generated ones")
    ap.add_argument("--grain", default="camera", choices=GRAINS, help="noise of the generated 12 MP photos")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if args.folder:
            files = sorted(p for p in args.folder.rglob("*") if p.suffix.lower() in (".jpg", ".jpeg"))
            compare("given", args.folder, files, work)
        else:
            cam = work / "camera"
            compare("12MP", cam, make_camera_jpegs(cam, args.photos, grain=args.grain), work)
            small = work / "small"
            shutil.copytree(TESTDATA / "photos", small)
            compare("small", small, sorted(small.glob("*.jpg")), work)
        lib = work / "rescan"
        lib.mkdir()
        pool = sorted(TESTDATA.rglob("*.jpg"))
        for i in range(args.rescan):
            shutil.copy2(pool[i % len(pool)], lib / f"{i:05d}.jpg")
        db = work / "rescan.db"
        first = index_seconds(lib, db)
        second = index_seconds(lib, db)
        print(f"[rescan] {args.rescan} photos: first index {first:.2f} s, unchanged rescan {second:.3f} s")


if __name__ == "__main__":
    main()
