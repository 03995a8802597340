"""`duplicates` on a library of about 1,000 photos: first run and re-run, against the time the
index with features takes for the same photos (measured in the same run), with precision and
recall of the pairs it reports against a known truth; and the unchanged rescan.

    python -m benchmarks.duplicates_speed [--sources N] [--keep DIR]

The library is built from the public test photos (tests/data):
- edited copies (the positives): a source photo with one or two of resize, re-encode, crop,
  mirror, rotate by 90 degrees, grayscale, colour edit;
- distinct pictures (the negatives): non-overlapping tiles of other sources (similar content,
  never the same picture), the frames of the public bursts, photos of the same person.
Targets (issue 14): first run <= 2x the index time, re-run <= 2 s; rescan <= 0.05x the index."""
from __future__ import annotations

import argparse
import itertools
import json
import shutil
import tempfile
import time
from collections import Counter
from pathlib import Path

from PIL import Image, ImageEnhance, ImageOps

from training.config import testdata_root

TESTDATA = testdata_root()     # tests/data, or the library PHOTOTRIAGE_TESTDATA names
EDITS = ["resize", "reencode", "crop", "mirror", "rotate", "grayscale", "colour"]


def edit(im: Image.Image, kind: str) -> tuple[Image.Image, int]:
    """(edited picture, JPEG quality to save it at)."""
    w, h = im.size
    if kind == "resize":
        return im.resize((max(64, w // 2), max(64, h // 2)), Image.Resampling.LANCZOS), 90
    if kind == "reencode":
        return im, 35
    if kind == "crop":
        return im.crop((w // 10, h // 10, w - w // 10, h - h // 10)), 90
    if kind == "mirror":
        return ImageOps.mirror(im), 90
    if kind == "rotate":
        return im.transpose(Image.Transpose.ROTATE_90), 90
    if kind == "grayscale":
        return ImageOps.grayscale(im).convert("RGB"), 90
    return ImageEnhance.Brightness(ImageEnhance.Color(im).enhance(1.6)).enhance(1.15), 90


def build_library(root: Path, sources_limit: int | None = None) -> tuple[list[list[str]], Counter]:
    """Writes the library; returns the truth (groups of files that are one picture) and the
    number of copies per edit kind."""
    sources = sorted((TESTDATA / "photos").glob("*.jpg")) + sorted((TESTDATA / "faces").rglob("*.jpg"))
    # deepface's img11_reflection is img11 mirrored: one picture, so it is left out
    sources = [s for s in sources if "reflection" not in s.stem]
    sources = sources[:sources_limit] if sources_limit else sources
    truth: list[list[str]] = []
    kinds: Counter = Counter()
    edit_cycle = itertools.cycle(EDITS)
    for i, src in enumerate(sources):
        im = Image.open(src).convert("RGB")
        stem = f"{src.parent.name}-{src.stem}"
        if i % 5 in (0, 1):                                     # a picture and its edited copies
            folder = root / "edited"
            folder.mkdir(parents=True, exist_ok=True)
            group = [folder / f"{stem}.jpg"]
            shutil.copy2(src, group[0])
            for k in range(2 if i % 10 == 0 else 1):
                kind = next(edit_cycle)
                copy, quality = edit(im, kind)
                dest = folder / f"{stem}-{kind}.jpg"
                copy.save(dest, "JPEG", quality=quality)
                group.append(dest)
                kinds[kind] += 1
            truth.append([str(p) for p in group])
        else:                                                   # distinct tiles of one source
            folder = root / "tiles"
            folder.mkdir(parents=True, exist_ok=True)
            n = 3 if max(im.size) >= 600 else 2
            tw, th = im.width // n, im.height // n
            for r, c in itertools.product(range(n), range(n)):
                tile = im.crop((c * tw, r * th, (c + 1) * tw, (r + 1) * th))
                dest = folder / f"{stem}-t{r}{c}.jpg"
                tile.save(dest, "JPEG", quality=92)
                if (r + c + i) % 7 == 0:                        # some tiles get an edited copy too
                    kind = next(edit_cycle)
                    copy, quality = edit(tile, kind)
                    other = folder / f"{stem}-t{r}{c}-{kind}.jpg"
                    copy.save(other, "JPEG", quality=quality)
                    kinds[kind] += 1
                    truth.append([str(dest), str(other)])
    shutil.copytree(TESTDATA / "bursts", root / "bursts")
    return truth, kinds


def pairs_of(groups) -> set[tuple[str, str]]:
    return {tuple(sorted(p)) for g in groups for p in itertools.combinations(g, 2)}


def run(root: Path, db: Path, truth: list[list[str]], kinds: Counter) -> dict:
    from app.core.catalog import Catalog
    from app.core.duplicates import find_duplicates
    from app.core.indexer import index_library
    from app.core.jobs import drive
    from app.core.library_models import feature_pipeline

    n = sum(1 for p in root.rglob("*.jpg"))
    with Catalog(db) as cat:
        t = time.perf_counter()
        drive(index_library(cat, str(root), features=feature_pipeline(cat)))
        index_s = time.perf_counter() - t
    with Catalog(db) as cat:
        t = time.perf_counter()
        summary = drive(index_library(cat, str(root), features=feature_pipeline(cat)))
        rescan_s = time.perf_counter() - t
        assert summary.unchanged == n, summary.to_json()
    timings = []
    for _ in range(2):
        with Catalog(db) as cat:
            t = time.perf_counter()
            groups = drive(find_duplicates(cat))
            timings.append(time.perf_counter() - t)
    found = pairs_of([g.paths for g in groups])
    want = pairs_of(truth)
    hits = found & want
    by_kind = {}
    for kind in EDITS:
        kind_pairs = {p for p in want if any(Path(x).stem.endswith(f"-{kind}") for x in p)}
        by_kind[kind] = round(len(kind_pairs & found) / max(1, len(kind_pairs)), 3)
    return {
        "photos": n, "truth_pairs": len(want), "found_pairs": len(found),
        "precision": round(len(hits) / max(1, len(found)), 3), "recall": round(len(hits) / max(1, len(want)), 3),
        "recall_by_edit": by_kind, "copies_by_edit": dict(kinds),
        "false_pairs": sorted(f"{Path(a).name} ~ {Path(b).name}" for a, b in found - want)[:20],
        "index_s": round(index_s, 1), "duplicates_first_s": round(timings[0], 1),
        "duplicates_rerun_s": round(timings[1], 2), "first_vs_index": round(timings[0] / index_s, 2),
        "rescan_s": round(rescan_s, 2), "rescan_vs_index": round(rescan_s / index_s, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=int, default=None, help="use only the first N source photos")
    parser.add_argument("--keep", type=Path, default=None, help="build the library here and keep it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pt-dups-") as tmp:
        base = args.keep or Path(tmp)
        root = base / "library"
        if root.exists():
            shutil.rmtree(root)
        truth, kinds = build_library(root, args.sources)
        db = base / "catalog" / "C.db"
        if db.parent.exists():
            shutil.rmtree(db.parent)
        print(json.dumps(run(root, db, truth, kinds), indent=2))


if __name__ == "__main__":
    main()
