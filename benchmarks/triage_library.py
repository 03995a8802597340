"""A generated triage library with known answers, from tests/data (burst grouping):

- every burst folder becomes a burst (frames 0.4 s apart, or 4 s apart for slow ones); one
  frame, chosen at random, stays clean (the known best); the others get one degradation each;
- bursts alternate between two cameras, some interleaved in time; two bursts carry no EXIF
  (their file times are set instead);
- the public single photos, each at its own time; exact and resized copies of a few of them
  without EXIF (duplicates, not bursts).
"""
from __future__ import annotations

import os
import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image

from training.datasets.degradations import degrade
from training.datasets.images import list_images

KINDS = ("defocus", "motion_blur", "noise", "underexpose", "overexpose", "compression")
BASE_TS = 1_700_000_000.0


@dataclass
class Truth:
    group: dict[str, str] = field(default_factory=dict)      # path -> burst id (singles: own id)
    best: dict[str, str] = field(default_factory=dict)       # burst id -> best path
    degraded: dict[str, str] = field(default_factory=dict)   # path -> degradation kind


def _exif(ts: float, camera: tuple[str, str] | None) -> bytes:
    from datetime import datetime, timezone

    exif = Image.Exif()
    if camera is None:
        return exif.tobytes()
    dt = datetime.fromtimestamp(ts, timezone.utc)
    ifd = exif.get_ifd(0x8769)
    exif[0x010F], exif[0x0110] = camera
    ifd[0x9003] = dt.strftime("%Y:%m:%d %H:%M:%S")          # DateTimeOriginal
    ifd[0x9291] = f"{dt.microsecond // 10000:02d}"          # SubSecTimeOriginal
    return exif.tobytes()


def _save(img: Image.Image, path: Path, ts: float, camera) -> None:
    img.convert("RGB").save(path, "JPEG", quality=92, exif=_exif(ts, camera))
    os.utime(path, (ts, ts))


def build(root: Path, testdata: Path, seed: int = 0, severity: float = 1.0) -> Truth:
    rng = random.Random(seed)
    truth = Truth()
    cameras = [("Fujifilm", "X-T4"), ("Canon", "EOS R6")]
    ts = BASE_TS
    bursts = sorted(d for d in (testdata / "bursts").iterdir() if d.is_dir())
    for b, folder in enumerate(bursts):
        frames = list_images(folder)
        burst_id = f"burst{b:02d}"
        best = rng.randrange(len(frames))
        no_exif = b in (3, 9)
        camera = None if no_exif else cameras[b % 2]
        step = 4.0 if b % 5 == 1 else 0.4
        start = ts if b % 4 != 2 else ts - 30 * 1.0      # every 4th burst overlaps the previous one in time
        out = root / ("bursts" if not no_exif else "noexif") / burst_id
        out.mkdir(parents=True)
        for i, frame in enumerate(frames):
            img = Image.open(frame).convert("RGB")
            path = out / f"DSC{b:02d}{i:02d}.jpg"
            if i != best:
                kind = rng.choice(KINDS)
                img = degrade(img, kind, seed * 1000 + b * 10 + i, severity)
                truth.degraded[str(path)] = kind
            _save(img, path, start + i * step, camera)
            truth.group[str(path)] = burst_id
        truth.best[burst_id] = str(out / f"DSC{b:02d}{best:02d}.jpg")
        ts += 60 + rng.uniform(0, 60)
    singles = root / "singles"
    singles.mkdir()
    photos = list_images(testdata / "photos")
    for i, src in enumerate(photos):
        path = singles / src.name
        _save(Image.open(src), path, ts, cameras[i % 2])
        truth.group[str(path)] = f"single{i}"
        ts += 20 + rng.uniform(0, 20)
    dups = root / "exports"
    dups.mkdir()
    for i, src in enumerate(photos[:6]):
        exact = dups / f"copy_{src.name}"
        shutil.copy2(singles / src.name, exact)
        os.utime(exact, (ts + 1000 * i, ts + 1000 * i))
        small = dups / f"small_{src.name}"
        img = Image.open(singles / src.name)
        img.resize((max(8, img.width // 2), max(8, img.height // 2))).save(small, "JPEG", quality=80)
        os.utime(small, (ts + 1000 * i + 500, ts + 1000 * i + 500))
        truth.group[str(exact)], truth.group[str(small)] = f"dup{i}a", f"dup{i}b"
    return truth


def pairwise_f1(predicted: list[list[str]], truth: dict[str, str]) -> dict[str, float]:
    """Precision/recall/F1 of the 'same burst' relation over all photo pairs."""
    pred_pairs = {(a, b) for g in predicted for a in g for b in g if a < b}
    groups: dict[str, list[str]] = {}
    for path, gid in truth.items():
        groups.setdefault(gid, []).append(path)
    true_pairs = {(a, b) for g in groups.values() for a in g for b in g if a < b}
    tp = len(pred_pairs & true_pairs)
    precision = tp / len(pred_pairs) if pred_pairs else 1.0
    recall = tp / len(true_pairs) if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def grouping_report(seed: int = 0) -> dict:
    """Burst grouping precision/recall/F1 on the generated library (real burst frames, two
    cameras, EXIF-less bursts, singles and duplicates)."""
    import tempfile

    from app.core.bursts import find_bursts
    from app.core.catalog import Catalog
    from app.core.indexer import index_library
    from app.core.jobs import drive
    from app.core.features.compute import FeaturePipeline
    from training.config import testdata_root

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "library"
        truth = build(root, testdata_root(), seed)
        with Catalog(Path(tmp) / "catalog.db") as cat:
            drive(index_library(cat, str(root), features=FeaturePipeline(), workers=2))
            bursts = find_bursts(cat)
            return {k: round(v, 4) for k, v in pairwise_f1([b.paths for b in bursts], truth.group).items()}
