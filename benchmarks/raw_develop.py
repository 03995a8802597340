"""RAW development time per frame, what quality at 100 % costs on RAW files:

    python -m benchmarks.raw_develop [FILE ...] [--repeat N]

For each RAW file (default: the real samples of ``tests/features/raw_samples.py``), the
preview-only decode the thumbnails use, the index's decode with a half-size development and
the burst-relative pass's full development (linear demosaic), each the best of ``--repeat``
runs, wall and CPU seconds (LibRaw may use more than one core; CPU seconds are what one core
would take). The full development is measured only where the preview is too small to judge
quality on (``app.core.decode.needs_develop``)."""
from __future__ import annotations

import argparse
import io
import json
import sys
import time
from pathlib import Path


def _best(fn, repeat: int) -> tuple[float, float]:
    wall, cpu = [], []
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return round(min(wall), 3), round(min(cpu), 3)


def measure(path: Path, repeat: int = 3) -> dict:
    import exifread
    import rawpy

    from app.core.decode import decode

    data = path.read_bytes()
    with rawpy.imread(io.BytesIO(data)) as raw:
        sensor = (raw.sizes.width, raw.sizes.height)
    tags = exifread.process_file(io.BytesIO(data), details=False)
    preview = decode(data, str(path))
    half = decode(data, str(path), native=True)
    out = {"file": path.name, "mb": round(len(data) / 1e6, 1), "make": str(tags.get("Image Make", "")).strip(),
           "model": str(tags.get("Image Model", "")).strip(), "sensor": sensor,
           "native_at_index": half.native_source, "native_size": half.native_view.size}
    out["preview_decode_s"], out["preview_decode_cpu_s"] = _best(lambda: decode(data, str(path)), repeat)
    out["index_decode_s"], out["index_decode_cpu_s"] = _best(lambda: decode(data, str(path), native=True), repeat)
    if half.native_source.startswith("raw"):
        out["full_decode_s"], out["full_decode_cpu_s"] = _best(
            lambda: decode(data, str(path), native=True, raw_develop="full"), repeat)
    out["half_develop_s"] = round(min(decode(data, str(path), native=True).develop_seconds for _ in range(repeat)), 3)
    out["full_develop_s"] = round(min(decode(data, str(path), native=True, raw_develop="full").develop_seconds
                                      for _ in range(repeat)), 3)
    out["overview"] = preview.image.size
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    files = list(args.files)
    if not files:
        from tests.features.raw_samples import SAMPLES, raw_sample

        files = [p for p in (raw_sample(s) for s in SAMPLES) if p is not None]
    for f in files:
        print(json.dumps(measure(f, args.repeat)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
