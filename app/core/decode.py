"""Decode a photo once, at reduced size, upright, as 8-bit RGB.

JPEGs use DCT-scaled draft decoding, or, where the full resolution is wanted,
libjpeg-turbo straight into an array that the analysis crops (``simplejpeg``; Pillow
where the file is odd); camera RAW files use their embedded preview for the overview
(thumbnails, embeddings, faces); HEIC/HEIF go through pillow-heif. Every failure becomes
a :class:`DecodeError` with a reason a person can read.

Quality at 100 % (``native=True``) needs the sensor's pixels. Where a RAW file's
preview is smaller than half the sensor (a Sony ILCE-7RM3 ARW: 1616 x 1080 of
5184 x 3464), the file is developed with LibRaw instead: at half size for the
index (one pixel per 2 x 2 Bayer block, no demosaic) or in full, linear
demosaic, for the burst-relative pass (``raw_develop="full"``).
"""
from __future__ import annotations

import io
import math
import struct
import time
import warnings
from dataclasses import dataclass, field

import numpy as np
from PIL import Image, UnidentifiedImageError

from models.features.shrink import WORK_SIZE, work_factor, work_image
from models.features.upright import TRANSPOSES, UprightView

from . import exif as exif_mod
from .formats import HEIF, JPEG, extension, is_raw

PIXEL_LIMIT = 300_000_000   # above any current camera (150 MP medium format), below a bomb
NATIVE_LIMIT = 64_000_000   # full-resolution pixels kept for analysis; larger JPEGs are DCT-halved first
BACKGROUND = (255, 255, 255)
RAW_DEVELOPS = ("half", "full")

# Set once, not per call: decoding runs in several threads. Pillow then warns only above
# our limit (we refuse such images ourselves) and raises only far above it.
if Image.MAX_IMAGE_PIXELS is not None and Image.MAX_IMAGE_PIXELS < PIXEL_LIMIT:
    Image.MAX_IMAGE_PIXELS = PIXEL_LIMIT
warnings.filterwarnings("ignore", category=Image.DecompressionBombWarning)



class DecodeError(Exception):
    """A photo that cannot be decoded; ``str(err)`` is the reason shown to the user."""


@dataclass
class Decoded:
    image: Image.Image            # RGB, upright, long side about WORK_SIZE (or the source size)
    width: int                    # full-resolution width, upright
    height: int                   # full-resolution height, upright
    format: str
    meta: exif_mod.PhotoMeta = field(default_factory=exif_mod.PhotoMeta)
    frames: int = 1
    # RGB, full resolution (when asked for): quality at 100 %. Kept as stored and seen upright
    # through the view, so a portrait frame is never turned whole (the analysis reads crops).
    native_view: UprightView | None = None
    native_source: str = ""             # "decode", "preview", "raw-half" or "raw-full": what native_view holds
    develop_seconds: float = 0.0        # time spent developing the RAW file for native_view

    @property
    def native(self) -> Image.Image | None:
        """The full-resolution picture turned upright (a copy for a turned frame)."""
        return None if self.native_view is None else self.native_view.upright()


_heif_ready = False


def _ensure_heif() -> None:
    global _heif_ready
    if not _heif_ready:
        import pillow_heif

        pillow_heif.register_heif_opener()
        _heif_ready = True


def to_rgb(im: Image.Image) -> Image.Image:
    """Any Pillow mode -> 8-bit RGB (16-bit scaled, alpha over white, CMYK/palette converted)."""
    mode = im.mode
    if mode == "RGB":
        return im
    if mode.startswith("I") or mode == "F":
        arr = np.asarray(im).astype(np.float64)
        top = 65535.0 if (mode.startswith("I;16") or arr.max(initial=0) > 255) else 255.0
        if mode == "F":
            top = 1.0 if arr.max(initial=0) <= 1.0 else max(float(arr.max()), 1.0)
        arr = np.clip(arr * (255.0 / top), 0, 255).astype(np.uint8)
        return Image.fromarray(arr, "L").convert("RGB")
    if mode == "P" and "transparency" in im.info:
        im = im.convert("RGBA")
        mode = "RGBA"
    if mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        rgba = im.convert("RGBA")
        canvas = Image.new("RGB", rgba.size, BACKGROUND)
        canvas.paste(rgba, mask=rgba.getchannel("A"))
        return canvas
    return im.convert("RGB")


def orient(im: Image.Image, orientation: int) -> Image.Image:
    for op in TRANSPOSES.get(orientation, ()):
        im = im.transpose(op)
    return im


def _upright_size(size: tuple[int, int], orientation: int) -> tuple[int, int]:
    return (size[1], size[0]) if orientation in (5, 6, 7, 8) else size


def _open(source, pixel_limit: int) -> Image.Image:
    im = Image.open(source)
    w, h = im.size
    if w * h > pixel_limit:
        raise DecodeError(
            f"too large: {w}x{h} = {w * h / 1e6:.0f} MP exceeds the {pixel_limit / 1e6:.0f} MP limit")
    if w <= 0 or h <= 0:
        raise DecodeError("image has no pixels")
    return im


def _reduce(im: Image.Image, work_size: int, native: bool = False) -> tuple[Image.Image, Image.Image | None]:
    """(the reduced image, the full-resolution one or None). The reduced image is loaded at the
    smallest JPEG draft scale that keeps the long side >= work_size, unless the full
    resolution is wanted too: then it is decoded once, in full, and reduced from that."""
    w, h = im.size
    long_side = max(w, h)
    if im.format == "JPEG":
        if not native and long_side > work_size:
            scale = work_size / long_side
            im.draft("RGB", (math.ceil(w * scale), math.ceil(h * scale)))
        elif native and w * h > NATIVE_LIMIT:
            im.draft("RGB", (math.ceil(w / 2), math.ceil(h / 2)))
    im.load()
    im = to_rgb(im)
    return work_image(im, work_size), (im if native else None)


def _decode_pillow(source, work_size: int, pixel_limit: int, native: bool) -> Decoded:
    im = _open(source, pixel_limit)
    meta = exif_mod.from_pillow(im)
    frames = getattr(im, "n_frames", 1) or 1
    size = _upright_size(im.size, meta.orientation)
    fmt = im.format or "unknown"
    image, full = _reduce(im, work_size, native)
    return Decoded(orient(image, meta.orientation), size[0], size[1], fmt, meta, frames,
                   None if full is None else UprightView(full, meta.orientation), "decode" if native else "")


class Scratch:
    """A full-resolution buffer that one worker thread decodes into, photo after photo, so
    the system does not map and zero-fill 36 MB afresh for every 12-MP frame. A
    :class:`Decoded` made with it is valid only until the next decode with the same scratch."""

    LIMIT = 24_000_000 * 3          # larger pictures get their own memory: kept, they would stay

    def __init__(self) -> None:
        self._buf: np.ndarray | None = None

    def take(self, shape: tuple[int, ...]) -> np.ndarray | None:
        n = math.prod(shape)
        if n > self.LIMIT:
            return None
        if self._buf is None or self._buf.size < n:
            self._buf = np.empty(n, np.uint8)
        return self._buf[:n]


def _overview(rgb: np.ndarray, work_size: int) -> Image.Image:
    """:func:`work_image` of an (H, W, 3) array: area-reduced by the largest integer factor
    that keeps the long side >= ``work_size``, a partial box at the right and bottom edges
    averaged over the pixels it has, as Pillow's ``reduce`` does (the same size; values
    within one level)."""
    import cv2

    h, w = rgb.shape[:2]
    f = work_factor((w, h), work_size)
    if f < 2:
        return Image.fromarray(rgb)
    oh, ow = h // f, w // f
    if not oh or not ow:                        # a sliver (thinner than one box): Pillow does it
        return Image.fromarray(rgb).reduce(f)

    def area(part: np.ndarray, size: tuple[int, int]) -> np.ndarray:
        return cv2.resize(part, size, interpolation=cv2.INTER_AREA).reshape(size[1], size[0], 3)

    out = area(rgb[:oh * f, :ow * f], (ow, oh))
    if w > ow * f:
        out = np.concatenate([out, area(rgb[:oh * f, ow * f:], (1, oh))], axis=1)
    if h > oh * f:
        out = np.concatenate([out, area(rgb[oh * f:, :], (out.shape[1], 1)) if w == ow * f else
                              np.concatenate([area(rgb[oh * f:, :ow * f], (ow, 1)),
                                              area(rgb[oh * f:, ow * f:], (1, 1))], axis=1)], axis=0)
    return Image.fromarray(out)


def _decode_jpeg_native(data: bytes, work_size: int, pixel_limit: int, scratch: Scratch | None) -> Decoded | None:
    """A JPEG decoded in full by libjpeg-turbo straight into an array (``simplejpeg``: a third
    cheaper than Pillow's decode, and three bytes a pixel where Pillow keeps four; the same
    pixels). None where Pillow should decide: not a plain RGB or gray JPEG, past the limits,
    or any warning from the decoder (Pillow then decodes or says why it cannot)."""
    try:
        import simplejpeg
    except ImportError:
        return None
    import cv2

    try:
        h, w, _, _ = simplejpeg.decode_jpeg_header(data)
        if w <= 0 or h <= 0 or w * h > min(pixel_limit, NATIVE_LIMIT):
            return None
        im = Image.open(io.BytesIO(data))
        # (a camera JPEG carrying its previews as an MPO: the first picture is the photo)
        if im.format not in ("JPEG", "MPO") or im.mode not in ("RGB", "L") or im.size != (w, h):
            return None
        meta, fmt, frames = exif_mod.from_pillow(im), im.format, getattr(im, "n_frames", 1) or 1
        buf = scratch.take((h, w, 3)) if scratch is not None else None
        rgb = simplejpeg.decode_jpeg(data, "RGB", strict=True, **({} if buf is None else {"buffer": buf}))
        overview = _overview(rgb, work_size)
    except (ValueError, OSError, SyntaxError, struct.error, cv2.error):
        return None
    size = _upright_size((w, h), meta.orientation)
    return Decoded(orient(overview, meta.orientation), size[0], size[1], fmt, meta, frames,
                   UprightView(rgb, meta.orientation), "decode")


def needs_develop(preview_size: tuple[int, int], sensor_size: tuple[int, int]) -> bool:
    """Is a RAW file's embedded preview too small to judge quality at 100 % on (smaller than
    half the sensor's size)?"""
    return 2 * max(preview_size) < max(sensor_size)


def develop(raw, full: bool) -> Image.Image:
    """8-bit sRGB of an open ``rawpy`` file, as stored (no turn), camera white balance: half
    size (2 x 2 Bayer blocks, no demosaic) or full resolution (linear demosaic)."""
    import rawpy

    rgb = raw.postprocess(half_size=not full, use_camera_wb=True, output_bps=8, user_flip=0,
                          demosaic_algorithm=rawpy.DemosaicAlgorithm.LINEAR)
    return Image.fromarray(rgb, "RGB")


def _decode_raw(data: bytes, work_size: int, pixel_limit: int, native: bool, raw_develop: str) -> Decoded:
    import exifread
    import rawpy

    developed, seconds = None, 0.0
    try:
        with rawpy.imread(io.BytesIO(data)) as raw:
            sizes = raw.sizes
            thumb = raw.extract_thumb()
            preview_size = _thumb_size(thumb, rawpy)
            # a sensor past the pixel limit (none is) keeps the preview rather than refusing the file
            if native and needs_develop(preview_size, (sizes.width, sizes.height)) \
                    and sizes.width * sizes.height <= pixel_limit:
                t = time.perf_counter()
                try:
                    developed = develop(raw, raw_develop == "full")
                except (rawpy.LibRawError, MemoryError, ValueError):   # the preview stands in for it
                    developed = None
                seconds = time.perf_counter() - t
    except rawpy.LibRawNoThumbnailError:
        raise DecodeError("RAW file has no embedded preview (full RAW develop is not used for indexing)")
    except (rawpy.LibRawError, OSError, ValueError) as exc:
        raise DecodeError(f"unsupported or corrupt RAW file: {exc}") from exc
    try:
        meta = exif_mod.from_exifread(exifread.process_file(io.BytesIO(data), details=True))
    except Exception:  # metadata is optional; the preview is what matters
        meta = exif_mod.PhotoMeta()
    keep_preview = native and developed is None
    if thumb.format == rawpy.ThumbFormat.JPEG:
        preview = _open(io.BytesIO(thumb.data), pixel_limit)
        preview_meta = exif_mod.from_pillow(preview)
        image, full = _reduce(preview, work_size, keep_preview)
        if meta.captured_ts is None:
            meta.captured_at, meta.captured_ts = preview_meta.captured_at, preview_meta.captured_ts
    else:
        image, full = _reduce(Image.fromarray(np.ascontiguousarray(thumb.data)), work_size, keep_preview)
    orientation = meta.orientation
    if orientation == 1:
        orientation = {3: 3, 5: 8, 6: 6}.get(int(sizes.flip), 1)
        meta.orientation = orientation
    w, h = _upright_size((sizes.width, sizes.height), orientation)
    source = "" if not native else ("preview" if developed is None else f"raw-{raw_develop}")
    full = developed if developed is not None else full
    return Decoded(orient(image, orientation), w, h, "RAW", meta,
                   native_view=None if full is None else UprightView(full, orientation),
                   native_source=source, develop_seconds=seconds)


def _thumb_size(thumb, rawpy) -> tuple[int, int]:
    """Width and height of an extracted preview, from its header only."""
    if thumb.format == rawpy.ThumbFormat.JPEG:
        try:
            with Image.open(io.BytesIO(thumb.data)) as im:
                return im.size
        except (OSError, ValueError, SyntaxError):
            return (0, 0)
    shape = np.shape(thumb.data)
    return (shape[1], shape[0]) if len(shape) >= 2 else (0, 0)


def decode(data: bytes | None, path: str, work_size: int = WORK_SIZE,
           pixel_limit: int = PIXEL_LIMIT, native: bool = False, raw_develop: str = "half",
           scratch: Scratch | None = None) -> Decoded:
    """Decode ``data`` (the file's bytes; ``None`` to read lazily from ``path``); ``native``
    also keeps the full-resolution image (``Decoded.native_view``) for quality analysis.
    ``raw_develop``: how a RAW file whose preview is too small is developed for it, "half"
    (the index) or "full" (the burst-relative pass). ``scratch``: the calling thread's
    buffer for a full-resolution JPEG (see :class:`Scratch`)."""
    if raw_develop not in RAW_DEVELOPS:
        raise ValueError(f"raw_develop is one of {RAW_DEVELOPS}")
    if data is not None and len(data) == 0:
        raise DecodeError("empty file (0 bytes)")
    ext = extension(path)
    if ext in HEIF:
        _ensure_heif()
    try:
        raw, native_jpeg = is_raw(path), native and ext in JPEG
        if data is None and (raw or native_jpeg):        # these decoders take the bytes
            with open(path, "rb") as fh:
                data = fh.read()
        if raw:
            return _decode_raw(data, work_size, pixel_limit, native, raw_develop)
        if native_jpeg:
            fast = _decode_jpeg_native(data, work_size, pixel_limit, scratch)
            if fast is not None:
                return fast
        source = io.BytesIO(data) if data is not None else path
        return _decode_pillow(source, work_size, pixel_limit, native)
    except DecodeError:
        raise
    except UnidentifiedImageError:
        raise DecodeError("not a recognisable image (wrong extension or corrupt header)")
    except Image.DecompressionBombError as exc:
        raise DecodeError(f"too large: {exc}")
    except MemoryError:
        raise DecodeError("not enough memory to decode")
    except OSError as exc:
        msg = str(exc)
        if "truncated" in msg or "broken data stream" in msg or "premature end" in msg.lower():
            raise DecodeError(f"truncated or corrupt image data ({msg})")
        raise DecodeError(f"cannot decode: {msg}")
    except (ValueError, SyntaxError, struct.error, IndexError, TypeError) as exc:
        raise DecodeError(f"corrupt image: {type(exc).__name__}: {exc}")

