"""Set kinds: are bursts, exposure brackets, panoramas, focus stacks and timelapses found whole
and told apart, and do the sets shot on purpose stay free of a best / reject suggestion?

    python -m benchmarks.sets_quality [--split tune|report] [--keep DIR]

Generated sequences (tests/data; sources split as in benchmarks/duplicates_quality.py: even
sorted positions ``tune``, odd ``report``), one camera, each sequence in its own folder:
- burst: the public burst frames (tests/data/bursts), 0.4 s apart, one exposure; and the same
  frames as a burst to cull (all but one frame with a defect: under- or overexposed, defocus,
  motion blur, noise, compression), with and without EXIF;
- bracket: one photo at -1, 0, +1 EV (or -2..+2 in five frames), the exposure time stepping in
  EXIF with the exposure bias, 0.5 s apart; also brackets without EXIF (file times only), and
  EXIF-less ladders of 1 or 2 stops a step (0, -s, +s) on views brightened by up to a stop;
- panorama: five overlapping crops (40% of a wide photo's width, 25% steps, a rotation of up to
  2 degrees), 2.5 s apart;
- focus_stack: four frames of one photo on a tripod, each sharp in its own band, 1 s apart;
- timelapse: ten frames of one view (light drifting, noise), 6 s apart;
- brackets back to back (three brackets of one view, 2 s apart: each its own set), and a long
  panorama of 20 frames (Facet's 33-frame panorama was split into 7 groups).
- not brackets: EXIF-less bursts with one frame a stop darker, or the light drifting by 0.4
  stop a frame (``false_brackets``: sequences of another kind taken for a bracket).
Per kind: sequences found as one set of the right kind; sequences whose set got a best.
``--exifless``: pair precision / recall of bursts copied without EXIF with one file time
(issue 31: recall >= 0.97 at precision 1.0)."""
from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
from collections import Counter, defaultdict
from datetime import datetime, timezone
from fractions import Fraction
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter, TiffImagePlugin

from benchmarks.duplicates_quality import exposure, sources
from training.config import testdata_root
from training.datasets.degradations import degrade

TESTDATA = testdata_root()
BASE_TS = 1_660_000_000.0
DEFECTS = ("underexpose", "overexpose", "defocus", "motion_blur", "noise", "compression")


def _rational(x: float) -> TiffImagePlugin.IFDRational:
    f = Fraction(x).limit_denominator(10000)
    return TiffImagePlugin.IFDRational(f.numerator, f.denominator)


def save(im: Image.Image, path: Path, ts: float, exposure: tuple | None, bias: float | None = None) -> str:
    """``exposure``: (seconds, f-number, ISO) written to EXIF with the capture time; None: no
    EXIF at all (the file time says when)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    exif = Image.Exif()
    if exposure is not None:
        exif[0x010F], exif[0x0110] = "Canon", "EOS 5D Mark II"
        ifd = exif.get_ifd(0x8769)
        dt = datetime.fromtimestamp(ts, timezone.utc)
        ifd[0x9003] = dt.strftime("%Y:%m:%d %H:%M:%S")
        ifd[0x9291] = f"{dt.microsecond // 10000:02d}"
        ifd[0x829A], ifd[0x829D], ifd[0x8827] = _rational(exposure[0]), _rational(exposure[1]), int(exposure[2])
        if bias is not None:
            ifd[0x9204] = _rational(bias) if bias >= 0 else TiffImagePlugin.IFDRational(int(bias * 3), 3)
    im.convert("RGB").save(path, "JPEG", quality=92, exif=exif.tobytes())
    os.utime(path, (ts, ts))
    return str(path)


def expose(im: Image.Image, ev: float) -> Image.Image:
    lin = (np.asarray(im, np.float32) / 255) ** 2.2 * (2.0 ** ev)
    return Image.fromarray((np.clip(lin, 0, 1) ** (1 / 2.2) * 255).astype(np.uint8))


def build(root: Path, split: str) -> dict[str, tuple[str, list[str]]]:
    """sequence name -> (kind, its files)"""
    rng = np.random.default_rng(0 if split == "tune" else 1)
    photos = [Image.open(p).convert("RGB") for p in sources(split)]
    wide = [im for im in photos if im.width >= 1.3 * im.height and im.width >= 800]
    big = [im for im in photos if min(im.size) >= 300]
    seqs: dict[str, tuple[str, list[str]]] = {}
    ts = BASE_TS
    bursts = sorted(d for d in (TESTDATA / "bursts").iterdir() if d.is_dir())
    for n, folder in enumerate(bursts[0::2] if split == "tune" else bursts[1::2]):
        files = [save(Image.open(f), root / f"burst{n}" / f.name, ts + 0.4 * i, (1 / 250, 4.0, 200))
                 for i, f in enumerate(sorted(folder.glob("*.jpg")))]
        seqs[f"burst{n}"] = ("burst", files)
        ts += 1000
        # the same frames as a burst to cull: each frame but one with a defect (an under- or
        # overexposed frame among them), with EXIF and, every other one, without
        frames = sorted(folder.glob("*.jpg"))
        exif = n % 2 == 0
        files = []
        for i, f in enumerate(frames):
            img = exposure(Image.open(f).convert("RGB"), rng, 1.0, 0, 0)     # not the plain burst's identical file
            if i:
                img = degrade(img, DEFECTS[(n + i) % len(DEFECTS)], 100 * n + i, 1.0)
            files.append(save(img, root / f"culled{n}" / f.name, ts + 0.4 * i, (1 / 250, 4.0, 200) if exif else None))
        seqs[f"culled{n}"] = ("burst", files)
        ts += 1000
        # not brackets (false brackets are counted): EXIF-less bursts whose light changes, one
        # frame a stop darker, or the light drifting by 0.4 stop a frame (a cloud passing)
        # (a tenth or two of a stop up: not the plain burst's pixels, which would be copies of its frames)
        for name, evs in (("darker", [0.1, 0.1, -0.9, 0.1, 0.1]), ("drift", [0.2 - 0.4 * i for i in range(5)])):
            files = [save(expose(Image.open(f).convert("RGB"), ev), root / f"{name}{n}" / f.name, ts + 0.4 * i, None)
                     for i, (f, ev) in enumerate(zip(frames, evs))]
            if len(files) >= 3:
                seqs[f"{name}{n}"] = ("burst", files)
            ts += 1000
    for n, im in enumerate(big[:8]):
        evs = (0, -1, 1) if n % 2 == 0 else (0, -2, -1, 1, 2)
        exif = n % 4 != 3                                     # every fourth bracket without EXIF
        files = [save(expose(im, ev), root / f"bracket{n}" / f"IMG_{i:04d}.jpg", ts + 0.5 * i,
                      (1 / 60 * 2.0 ** ev, 8.0, 100) if exif else None, float(ev) if exif else None)
                 for i, ev in enumerate(evs)]
        seqs[f"bracket{n}"] = ("bracket", files)
        ts += 1000
    for n, im in enumerate(big[:8]):                  # EXIF-less ladders: 1 or 2 stops a step, a bright view clipping
        step = 1.0 if n % 2 == 0 else 2.0
        shot = expose(im, 0.5 * (n % 3))
        files = [save(expose(shot, ev), root / f"ladder{n}" / f"IMG_{i:04d}.jpg", ts + 0.5 * i, None)
                 for i, ev in enumerate((0, -step, step))]
        seqs[f"ladder{n}"] = ("bracket", files)
        ts += 1000
    for n, im in enumerate(big[16:18]):                      # brackets back to back: one set per bracket
        for k in range(3):
            shot = exposure(im, rng, 2.0, *rng.uniform(-1, 1, 2))          # each bracket: its own moment
            files = [save(expose(shot, ev), root / f"series{n}" / f"IMG_{3 * k + i:04d}.jpg", ts + 2.0 * k + 0.5 * i,
                          (1 / 60 * 2.0 ** ev, 8.0, 100), float(ev)) for i, ev in enumerate((0, -2, 2))]
            seqs[f"series{n}-{k}"] = ("bracket", files)
        ts += 1000
    if wide:                                                  # a long panorama: 20 frames (Facet's 33-frame case)
        im = max(wide, key=lambda x: x.width / x.height)
        w, h = im.size
        cw = int(w * 0.24)
        files = []
        for i in range(20):
            x = int(i * (w - cw) / 19)
            files.append(save(im.crop((x, 0, x + cw, h)), root / "longpano" / f"IMG_{i:04d}.jpg", ts + 1.5 * i,
                              (1 / 125, 8.0, 100)))
        seqs["longpano"] = ("panorama", files)
        ts += 1000
    for n, im in enumerate(wide[:4]):
        w, h = im.size
        cw = int(w * 0.4)
        files = []
        for i in range(5):
            x = int(i * 0.15 * w)
            angle = float(rng.uniform(-2, 2))
            turned = im.rotate(angle, resample=Image.Resampling.BICUBIC, center=(x + cw / 2, h / 2))
            crop = turned.crop((x, int(h * 0.05), x + cw, int(h * 0.95)))
            files.append(save(crop, root / f"panorama{n}" / f"IMG_{i:04d}.jpg", ts + 2.5 * i, (1 / 125, 8.0, 100)))
        seqs[f"panorama{n}"] = ("panorama", files)
        ts += 1000
    for n, im in enumerate(big[8:12]):
        w, h = im.size
        blurred = im.filter(ImageFilter.GaussianBlur(4))
        files = []
        for i in range(4):
            mask = Image.new("L", im.size, 0)
            mask.paste(255, (0, i * h // 4, w, (i + 1) * h // 4))
            mask = mask.filter(ImageFilter.GaussianBlur(h / 30))
            files.append(save(Image.composite(im, blurred, mask), root / f"stack{n}" / f"IMG_{i:04d}.jpg",
                              ts + 1.0 * i, (1 / 60, 5.6, 100)))
        seqs[f"stack{n}"] = ("focus_stack", files)
        ts += 1000
    for n, im in enumerate(big[12:16]):
        a = np.asarray(im, np.float32)
        files = []
        for i in range(10):
            frame = np.clip(a * (1 - 0.01 * i) + rng.normal(0, 2.0, a.shape), 0, 255).astype(np.uint8)
            files.append(save(Image.fromarray(frame), root / f"timelapse{n}" / f"IMG_{i:04d}.jpg", ts + 6.0 * i,
                              (1 / 60, 8.0, 100)))
        seqs[f"timelapse{n}"] = ("timelapse", files)
        ts += 1000
    return seqs


def run(root: Path, db: Path, seqs) -> dict:
    from app.core.catalog import Catalog
    from app.core.indexer import index_library
    from app.core.jobs import drive
    from app.core.library_models import feature_pipeline
    from app.core.sets.kinds import KEPT_WHOLE
    from app.core.triage import ranked_bursts

    with Catalog(db) as cat:
        drive(index_library(cat, str(root), features=feature_pipeline(cat)))
        views = drive(ranked_bursts(cat))
    set_of = {p: v for v in views for p in v.paths}
    per_kind: dict[str, Counter] = defaultdict(Counter)
    wrong = []
    for name, (kind, files) in seqs.items():
        c = per_kind[kind]
        c["sequences"] += 1
        found = {id(set_of[f]) for f in files if f in set_of}
        whole = len(found) == 1 and set(next(set_of[f] for f in files if f in set_of).paths) == set(files)
        v = set_of.get(files[0])
        c["found_whole"] += whole
        c["kind_right"] += whole and v.kind == kind
        if any(f in set_of and set_of[f].best is not None for f in files):
            c["with_a_best"] += 1
        if not (whole and v.kind == kind):
            wrong.append(f"{name}: {len(found)} set(s), kinds {sorted({set_of[f].kind for f in files if f in set_of})}")
    confusion = Counter((kind, set_of[files[0]].kind if files[0] in set_of else "none") for kind, files in seqs.values())
    out = {k: {**dict(c), "accuracy": round(c["kind_right"] / c["sequences"], 3)} for k, c in sorted(per_kind.items())}
    kept = [k for k in per_kind if k in KEPT_WHOLE]
    false_brackets = sum(n for (a, b), n in confusion.items() if a != "bracket" and b == "bracket")
    return {"per_kind": out, "false_brackets": false_brackets,
            "kept_whole_with_a_best": sum(per_kind[k]["with_a_best"] for k in kept),
            "kept_whole_sequences": sum(per_kind[k]["sequences"] for k in kept),
            "confusion": {f"{a}->{b}": n for (a, b), n in sorted(confusion.items())}, "wrong": wrong}


def exifless_bursts(base: Path) -> dict:
    """EXIF-less copies with one file time (a ``cp -r``, a messenger): every burst, face and
    photo of tests/data re-saved without EXIF; pairwise precision and recall of burst frames
    (a frame listed as a copy of a frame counts with it)."""
    import itertools

    from app.core.bursts import find_bursts
    from app.core.catalog import Catalog
    from app.core.indexer import index_library
    from app.core.jobs import drive
    from app.core.library_models import feature_pipeline

    root, stamp, truth = base / "exifless", 1_700_000_000, {}
    for kind in ("bursts", "faces", "photos"):
        for src in sorted((TESTDATA / kind).rglob("*.jpg")):
            rel = src.relative_to(TESTDATA)
            dest = root / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            Image.open(src).convert("RGB").save(dest, "JPEG", quality=92)
            os.utime(dest, (stamp, stamp))
            truth[str(dest)] = str(rel.parent) if kind == "bursts" else str(rel)
    with Catalog(base / "exifless.db") as cat:
        drive(index_library(cat, str(root), features=feature_pipeline(cat)))
        bursts = find_bursts(cat)
    groups = {v for v in truth.values() if v.startswith("bursts/")}
    want = {tuple(sorted(p)) for g in groups for p in itertools.combinations([k for k, v in truth.items() if v == g], 2)}
    found = {tuple(sorted(p)) for b in bursts
             for p in itertools.combinations([*b.paths, *(c for cs in b.copy_paths.values() for c in cs)], 2)}
    hits = len(want & found)
    return {"pairs": len(want), "precision": round(hits / max(1, len(found)), 3), "recall": round(hits / len(want), 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("tune", "report"), default="report")
    parser.add_argument("--keep", type=Path, default=None)
    parser.add_argument("--exifless", action="store_true", help="also EXIF-less burst recall (all of tests/data)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pt-sets-") as tmp:
        base = args.keep or Path(tmp)
        shutil.rmtree(base / "library", ignore_errors=True)
        shutil.rmtree(base / "catalog", ignore_errors=True)
        seqs = build(base / "library", args.split)
        out = {"split": args.split, **run(base / "library", base / "catalog" / "C.db", seqs)}
        if args.exifless:
            shutil.rmtree(base / "exifless", ignore_errors=True)
            (base / "exifless.db").unlink(missing_ok=True)
            out["exifless_bursts"] = exifless_bursts(base)
        print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
