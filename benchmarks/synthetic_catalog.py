"""A generated catalog of N photos, written through the catalog's own stores as an index run
writes them, for the scale benchmark (benchmarks/scale.py).

Every photo gets what a real indexed photo has: a photos row (path in year/event folders,
capture time, camera), its features row (the quality features of its real source photo), an
embedding and a scene layout (benchmarks/synthetic_library.py: events, scenes, bursts), the
source's faces (identity embedding jittered per event), a thumbnail file, and for a fifth of
them a decision. Thumbnails are real picture content: each scene is a mosaic of 12 tiles cut
from the real photos' thumbnails; a frame of a burst changes one tile (the subject moved), so
frames align but differ somewhere, as real frames do; a near copy is its original's picture
resized, re-encoded and brightened; an exact copy shares the original's content hash."""
from __future__ import annotations

import hashlib
import multiprocessing
import random
from pathlib import Path

import numpy as np
from PIL import Image, ImageEnhance

from benchmarks.synthetic_library import EMBEDDING_MODEL, LibraryGenerator, RealSample

TILE = 80
GRID = (4, 3)                         # a 320x240 thumbnail, the product's thumbnail size
BATCH = 5000
_TILES: np.ndarray | None = None      # (n, TILE, TILE, 3) uint8, shared with forked workers


def tile_pool(real: RealSample) -> np.ndarray:
    """80x80 tiles cut from the real photos' thumbnails."""
    from app.core.catalog import Catalog
    from app.core.thumbnails import thumb_path

    out = []
    with Catalog(real.catalog, readonly=True) as cat:
        hashes = list(cat.photos.content_hashes().values())
        thumbs = cat.thumbs_dir
    for h in hashes:
        p = thumb_path(thumbs, h) if h else None
        if p is None or not p.exists():
            continue
        im = np.asarray(Image.open(p).convert("RGB"))
        for y in range(0, im.shape[0] - TILE + 1, TILE):
            for x in range(0, im.shape[1] - TILE + 1, TILE):
                out.append(im[y:y + TILE, x:x + TILE])
    return np.stack(out)


def _mosaic(tiles: list[int]) -> Image.Image:
    w, h = GRID
    canvas = np.empty((h * TILE, w * TILE, 3), np.uint8)
    for k, t in enumerate(tiles):
        y, x = divmod(k, w)
        canvas[y * TILE:(y + 1) * TILE, x * TILE:(x + 1) * TILE] = _TILES[t]
    return Image.fromarray(canvas)


def _write_thumb(job: tuple[str, list[int], bool]) -> None:
    dest, tiles, near_copy = job
    im = _mosaic(tiles)
    quality = 85
    if near_copy:
        im = ImageEnhance.Brightness(im.resize((256, 192), Image.Resampling.LANCZOS)).enhance(1.15)
        quality = 60
    Path(dest).parent.mkdir(parents=True, exist_ok=True)
    im.save(dest, "JPEG", quality=quality)


def _face_records(rows: list[dict], rng: np.random.Generator, jitter: float):
    from app.core.features.compute import FaceRecord

    out = []
    for f in rows:
        emb = np.frombuffer(f["embedding"], np.float32) + rng.normal(0, jitter, 128).astype(np.float32)
        out.append(FaceRecord((f["x"], f["y"], f["w"], f["h"]), f["score"],
                              np.frombuffer(f["landmarks"], np.float32).reshape(5, 2), emb / np.linalg.norm(emb),
                              {k: f[k] for k in ("size", "sharpness", "brightness", "eyes_open")}))
    return out


def build_catalog(root: Path, n: int, real: RealSample, seed: int = 0,
                  workers: int = 2) -> tuple[Path, list[tuple[str, str]]]:
    """Writes ``root/catalog.db`` (and its thumbnails) with ``n`` generated photos; returns it
    with the planted copies (copy path, original path)."""
    global _TILES
    from app.core.catalog import Catalog
    from app.core.features.compute import FeatureRecord
    from app.core.thumbnails import thumb_path

    _TILES = tile_pool(real)
    gen = LibraryGenerator(real, seed)
    vectors, s = gen.generate(n)
    rng = np.random.default_rng(seed + 1)
    prng = random.Random(seed)
    layouts = real.layouts[s.source].copy()
    layouts += rng.normal(0, 0.35, (s.scene.max() + 1, layouts.shape[1])).astype(np.float32)[s.scene]
    layouts += rng.normal(0, 0.1, layouts.shape).astype(np.float32)
    layouts = (layouts - layouts.mean(1, keepdims=True)) / layouts.std(1, keepdims=True)
    pipeline = real.quality[0]["pipeline"]
    cameras = [("Canon", "EOS R6"), ("NIKON CORPORATION", "NIKON Z 6_2"), ("SONY", "ILCE-7M4"), ("FUJIFILM", "X-T5")]
    scene_tiles = {int(sc): [prng.randrange(len(_TILES)) for _ in range(GRID[0] * GRID[1])] for sc in np.unique(s.scene)}
    db = root / "catalog.db"
    hashes, tiles_of, jobs, times, paths, truth = [], [], [], [], [], []
    ts, last_event, last_scene, last_shot = 1.45e9, -1, -1, None
    with Catalog(db) as cat:
        for start in range(0, n, BATCH):
            with cat.transaction():
                for i in range(start, min(n, start + BATCH)):
                    ev, sc, shot, copy_of = int(s.event[i]), int(s.scene[i]), int(s.shot[i]), int(s.copy_of[i])
                    if copy_of < 0:
                        ts += (prng.uniform(2e5, 2e6) if ev != last_event else prng.uniform(60, 900)
                               if sc != last_scene else prng.uniform(0.1, 0.5) if shot == last_shot
                               else prng.uniform(3, 40))
                        last_event, last_scene, last_shot = ev, sc, shot
                        captured, source_of_time = ts, "exif"
                    elif i % 2 == 0 and i % 4:          # a near copy through a messenger: no EXIF left
                        captured, source_of_time = times[copy_of] + prng.uniform(1e5, 1e7), "file"
                    else:                               # an export or an exact copy keeps the capture time
                        captured, source_of_time = times[copy_of], "exif"
                    times.append(captured)
                    if copy_of >= 0 and i % 2:                    # an exact copy: the same file content
                        h, tiles, near = hashes[copy_of], tiles_of[copy_of], False
                    else:
                        h = hashlib.md5(f"{seed}-{i}".encode()).hexdigest()
                        if copy_of >= 0:
                            tiles, near = tiles_of[copy_of], True
                        else:
                            tiles = list(scene_tiles[sc])
                            tiles[prng.randrange(len(tiles))] = prng.randrange(len(_TILES))
                            near = False
                        jobs.append((str(thumb_path(cat.thumbs_dir, h)), tiles, near))
                    hashes.append(h)
                    tiles_of.append(tiles)
                    src = int(s.source[i])
                    year = 2016 + int(captured - 1.45e9) // 31_557_600
                    make, model = cameras[ev % len(cameras)] if source_of_time == "exif" else (None, None)
                    if copy_of < 0:
                        paths.append(f"/photos/{year}/event-{ev:05d}/IMG_{i:06d}.jpg")
                    elif h == hashes[copy_of]:                  # a backup copy, under its own name
                        paths.append(f"/photos/backup/{i:06d}/{Path(paths[copy_of]).name}")
                    elif source_of_time == "exif":              # an export beside the original
                        paths.append(paths[copy_of][:-4] + f"-edit{i}.jpg")
                    else:                                       # received from a messenger
                        paths.append(f"/photos/messenger/IMG-{int(captured)}-WA{i:04d}.jpg")
                    if copy_of >= 0:
                        truth.append((paths[-1], paths[copy_of]))
                    pid = cat.photos.upsert(
                        paths[-1],
                        {"status": "ok", "content_hash": h, "size": 6_000_000 + i, "mtime_ns": int(captured * 1e9),
                         "captured_ts": captured, "time_source": source_of_time, "camera_make": make, "camera_model": model,
                         "width": 6000, "height": 4000, "format": "JPEG", "frames": 1, "orientation": 1})
                    quality = {k: v for k, v in real.quality[src].items()}
                    record = FeatureRecord(EMBEDDING_MODEL, vectors[i], quality,
                                           _face_records(real.faces.get(src, []), rng, 0.02),
                                           pixel_hash=f"px-{h}", layout=layouts[i])
                    cat.features.save(pid, record, pipeline)
                    cat.thumbnails.record(h, (256, 192) if copy_of >= 0 and h != hashes[copy_of] else (320, 240))
        ids = [r[0] for r in cat.photos.grid()]
        changes = [(pid, "pick", prng.choice((1, -1)), None) for pid in prng.sample(ids, n // 5)]
        cat.decisions.apply(changes)
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(workers) as pool:
        for _ in pool.imap_unordered(_write_thumb, jobs, chunksize=256):
            pass
    return db, truth
