"""Duplicates as one group per picture: pairwise precision, recall and F1 of ``duplicates`` on a
generated library with many versions of each picture and time-shifted copies, next to a PHash
rule in the same run; and the same-exposure test (copies of one exposure against two exposures
of one tripod view) measured on its own.

    python -m benchmarks.duplicates_quality [--split tune|report] [--pictures N] [--keep DIR]

The public test photos (tests/data/photos) are split by their sorted position: even ones are
``tune`` sources (thresholds were set on them), odd ones ``report`` sources (the figures
reported). Per picture, eleven files: the original (EXIF capture time), a byte copy
``name (1).jpg``, re-encodes at q92 (no EXIF) and q35, a half-size copy (no EXIF), a crop, a
grayscale copy (no EXIF), a colour edit, a crop made smaller (no EXIF), and two backup copies
whose capture time was fixed: one hour later (a time-zone fix, re-encoded q90) and one day
later (a date fixed by hand). Distinct pictures around them: two exposures of one tripod view
(independent noise, a sub-pixel shift) taken an hour apart and two seconds apart, and burst
frames (tests/data/bursts) 0.4 s apart. Targets (issue 31): F1 >= 0.97 at precision >= 0.99;
time-shifted copies found; tripod exposures not taken for copies."""
from __future__ import annotations

import argparse
import itertools
import json
import shutil
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageEnhance, ImageOps

from training.config import testdata_root

TESTDATA = testdata_root()
BASE_TS = 1_650_000_000.0
SPACING_S = 4999.0                 # between pictures: never whole hours apart
PHASH_BITS = 10                    # the PHash rule: Hamming distance <= this of 64 bits


def sources(split: str) -> list[Path]:
    photos = sorted((TESTDATA / "photos").glob("*.jpg"))
    return photos[0::2] if split == "tune" else photos[1::2]


def _exif(ts: float | None) -> bytes:
    exif = Image.Exif()
    if ts is None:
        return exif.tobytes()
    exif[0x010F], exif[0x0110] = "Canon", "EOS 5D Mark II"
    exif.get_ifd(0x8769)[0x9003] = datetime.fromtimestamp(ts, timezone.utc).strftime("%Y:%m:%d %H:%M:%S")
    return exif.tobytes()


def _save(im: Image.Image, path: Path, quality: int, ts: float | None) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    im.convert("RGB").save(path, "JPEG", quality=quality, exif=_exif(ts))
    return str(path)


def versions(im: Image.Image, folder: Path, stem: str, ts: float) -> tuple[list[str], list[str]]:
    """The eleven files of one picture; (all, the time-shifted ones)."""
    w, h = im.size
    out = [_save(im, folder / f"{stem}.jpg", 95, ts)]
    shutil.copy2(out[0], folder / f"{stem} (1).jpg")
    out.append(str(folder / f"{stem} (1).jpg"))
    out.append(_save(im, folder / f"{stem} (2).jpg", 92, None))
    out.append(_save(im, folder / f"{stem} (3).jpg", 35, ts))
    out.append(_save(im.resize((max(64, w // 2), max(64, h // 2)), Image.Resampling.LANCZOS),
                     folder / f"{stem}-small.jpg", 90, None))
    out.append(_save(im.crop((w // 10, h // 10, w - w // 10, h - h // 10)), folder / f"{stem}-crop.jpg", 90, ts))
    out.append(_save(ImageOps.grayscale(im), folder / f"{stem}-gray.jpg", 90, None))
    out.append(_save(ImageEnhance.Brightness(ImageEnhance.Color(im).enhance(1.6)).enhance(1.15),
                     folder / f"{stem}-colour.jpg", 90, ts))
    crop = im.crop((w // 7, h // 7, w - w // 7, h - h // 7))
    out.append(_save(crop.resize((max(64, crop.width * 3 // 5), max(64, crop.height * 3 // 5)),
                                 Image.Resampling.LANCZOS), folder / f"{stem}-crop-small.jpg", 88, None))
    shifted = [_save(im, folder / "backup" / f"{stem}.jpg", 90, ts + 3600),
               _save(im, folder / "backup" / f"{stem}-datefix.jpg", 95, ts + 86400)]
    return out + shifted, shifted


def exposure(im: Image.Image, rng, sigma: float, dx: float, dy: float) -> Image.Image:
    """One exposure of a tripod view: the scene shifted by a fraction of a pixel, with its own noise."""
    a = np.asarray(im.convert("RGB"), np.float32)
    m = np.float32([[1, 0, dx], [0, 1, dy]])
    a = cv2.warpAffine(a, m, (a.shape[1], a.shape[0]), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
    return Image.fromarray(np.clip(a + rng.normal(0, sigma, a.shape), 0, 255).astype(np.uint8))


def build(root: Path, split: str, pictures: int, seed: int = 0) -> dict:
    rng = np.random.default_rng(seed)
    srcs = sources(split)
    truth, shifted, tripods = [], [], []
    for k, src in enumerate(srcs[:pictures]):
        im = Image.open(src).convert("RGB")
        files, moved = versions(im, root / "pictures", src.stem, BASE_TS + k * SPACING_S)
        truth.append(files)
        shifted += [(files[0], m) for m in moved]
    ts = BASE_TS + (pictures + 1) * SPACING_S
    for k, src in enumerate(srcs[pictures:pictures + 4]):           # tripod views: two exposures each
        im = Image.open(src).convert("RGB")
        sigma = 4.0
        for n, gap in enumerate((3600.0, 2.0)):
            pair = []
            for i in range(2):
                shot = exposure(im, rng, sigma, *(rng.uniform(-0.5, 0.5, 2) if i else (0.0, 0.0)))
                pair.append(_save(shot, root / "tripod" / f"{src.stem}-{n}-{i}.jpg", 95, ts + i * gap))
            tripods.append(tuple(pair))
            ts += SPACING_S
    for b, folder in enumerate(sorted(d for d in (TESTDATA / "bursts").iterdir() if d.is_dir())[:2]):
        for i, frame in enumerate(sorted(folder.glob("*.jpg"))):
            _save(Image.open(frame), root / "bursts" / folder.name / frame.name, 92, ts + 0.4 * i)
        ts += SPACING_S
    return {"truth": truth, "shifted": shifted, "tripods": tripods}


def pairs_of(groups) -> set[tuple[str, str]]:
    return {tuple(sorted(p)) for g in groups for p in itertools.combinations(g, 2)}


def scores(found: set, want: set) -> dict:
    hits = len(found & want)
    p, r = hits / max(1, len(found)), hits / max(1, len(want))
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(2 * p * r / max(p + r, 1e-9), 3),
            "pairs_found": len(found)}


def phash(path: str) -> np.ndarray:
    g = np.asarray(Image.open(path).convert("L").resize((32, 32), Image.Resampling.LANCZOS), np.float32)
    d = cv2.dct(g)[:8, :8].ravel()[1:]
    return d > np.median(d)


def phash_pairs(files: list[str]) -> set[tuple[str, str]]:
    """The PHash rule: pairs within PHASH_BITS, grouped transitively (one group per picture too)."""
    from app.core.union_find import UnionFind

    hashes = {f: phash(f) for f in files}
    uf = UnionFind()
    for a, b in itertools.combinations(files, 2):
        if int(np.count_nonzero(hashes[a] != hashes[b])) <= PHASH_BITS:
            uf.union(a, b)
    return pairs_of(uf.groups())


def same_exposure_test(split: str, seed: int = 1) -> dict:
    """The test alone: copies of one exposure (same size: re-encodes, colour edits, grayscale)
    against second exposures of the same tripod view (noise 2-6, shift 0-0.5 px)."""
    import io

    from app.core.sets.same_exposure import compare

    rng = np.random.default_rng(seed)

    def jpeg(im, q):
        buf = io.BytesIO()
        im.convert("RGB").save(buf, "JPEG", quality=q)
        return np.asarray(Image.open(buf).convert("L"))

    copies = shots = copy_ok = shot_ok = 0
    by_noise: dict[str, list[int]] = {}
    for src in sources(split):
        im = Image.open(src).convert("RGB")
        sigma = float(rng.choice([2.0, 4.0, 6.0]))
        first = exposure(im, rng, sigma, 0, 0)
        a = jpeg(first, 95)
        for edited, q in ((first, 92), (first, 60), (first, 35), (ImageOps.grayscale(first), 90),
                          (ImageEnhance.Brightness(ImageEnhance.Color(first).enhance(1.5)).enhance(1.1), 90)):
            copies += 1
            copy_ok += compare(a, jpeg(edited, q)).copy
        for shift in (0.0, 0.3):
            second = exposure(im, rng, sigma, shift * rng.choice([-1, 1]), shift * rng.uniform(-1, 1))
            ok = not compare(a, jpeg(second, 95)).copy
            shots += 1
            shot_ok += ok
            by_noise.setdefault(f"noise{sigma:g}", [0, 0])
            by_noise[f"noise{sigma:g}"][0] += ok
            by_noise[f"noise{sigma:g}"][1] += 1
    return {"copies_kept_as_copies": f"{copy_ok}/{copies}", "exposures_told_apart": f"{shot_ok}/{shots}",
            "exposures_by_noise": {k: f"{v[0]}/{v[1]}" for k, v in sorted(by_noise.items())}}


def run(root: Path, db: Path, built: dict) -> dict:
    from app.core.catalog import Catalog
    from app.core.duplicates import find_duplicates
    from app.core.indexer import index_library
    from app.core.jobs import drive
    from app.core.library_models import feature_pipeline

    with Catalog(db) as cat:
        drive(index_library(cat, str(root), features=feature_pipeline(cat)))
        groups = drive(find_duplicates(cat))
    files = sorted(str(p) for p in root.rglob("*.jpg"))
    want = pairs_of(built["truth"])
    found = pairs_of([g.paths for g in groups])
    ph = phash_pairs(files)
    shifted = {tuple(sorted(p)) for p in built["shifted"]}
    tripods = {tuple(sorted(p)) for p in built["tripods"]}
    per_picture = [sum(1 for g in groups if set(g.paths) & set(t)) for t in built["truth"]]
    return {
        "photos": len(files), "pictures": len(built["truth"]), "truth_pairs": len(want),
        "duplicates": scores(found, want), "phash_rule": scores(ph, want),
        "groups_per_picture": {"max": max(per_picture), "pictures_in_one_group": sum(n == 1 for n in per_picture)},
        "time_shifted_copies_found": f"{len(shifted & found)}/{len(shifted)}",
        "time_shifted_copies_phash": f"{len(shifted & ph)}/{len(shifted)}",
        "tripod_exposures_taken_for_copies": f"{len(tripods & found)}/{len(tripods)}",
        "tripod_exposures_phash": f"{len(tripods & ph)}/{len(tripods)}",
        "false_pairs": sorted(f"{Path(a).name} ~ {Path(b).name}" for a, b in found - want)[:10],
        "missed_pairs": sorted(f"{Path(a).name} ~ {Path(b).name}" for a, b in want - found)[:10],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("tune", "report"), default="report")
    parser.add_argument("--pictures", type=int, default=10)
    parser.add_argument("--keep", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pt-dupq-") as tmp:
        base = args.keep or Path(tmp)
        root = base / "library"
        shutil.rmtree(base / "library", ignore_errors=True)
        shutil.rmtree(base / "catalog", ignore_errors=True)
        built = build(root, args.split, args.pictures)
        out = {"split": args.split, **run(root, base / "catalog" / "C.db", built),
               "same_exposure_test": same_exposure_test(args.split)}
        print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
