"""Photo metadata from EXIF: capture time (sub-seconds, offset), camera, lens,
exposure, orientation, GPS, and burst/sequence tags where a maker note has them."""
from __future__ import annotations

import struct
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone
from fractions import Fraction
from typing import Any

from PIL import ExifTags, Image

T = ExifTags.Base


@dataclass
class PhotoMeta:
    captured_at: str | None = None      # ISO 8601, with offset when the camera wrote one
    captured_ts: float | None = None    # seconds since epoch (naive times read as UTC)
    camera_make: str | None = None
    camera_model: str | None = None
    camera_serial: str | None = None
    lens: str | None = None
    exposure_time: float | None = None
    f_number: float | None = None
    iso: int | None = None
    focal_length: float | None = None
    orientation: int = 1
    gps_lat: float | None = None
    gps_lon: float | None = None
    gps_alt: float | None = None
    drive_mode: str | None = None
    sequence_number: int | None = None
    burst_id: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def columns(self) -> dict[str, Any]:
        d = asdict(self)
        d.pop("extra")
        return d


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bytes):
        value = value.split(b"\x00", 1)[0].decode("utf-8", "replace")
    text = str(value).replace("\x00", "").strip()
    return text or None


def _num(value: Any) -> float | None:
    try:
        if isinstance(value, tuple) and len(value) == 2:
            return float(Fraction(int(value[0]), int(value[1])))
        if isinstance(value, (tuple, list)):
            value = value[0]
        out = float(value)
    except (TypeError, ValueError, ZeroDivisionError, IndexError):
        return None
    return out if out == out and abs(out) != float("inf") else None


def parse_datetime(stamp: Any, subsec: Any = None, offset: Any = None) -> tuple[str | None, float | None]:
    """EXIF 'YYYY:MM:DD HH:MM:SS' + SubSecTime + OffsetTime -> (ISO text, epoch seconds)."""
    text = _text(stamp)
    if not text:
        return None, None
    try:
        dt = datetime.strptime(text[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None, None
    sub = _text(subsec)
    if sub and sub.isdigit():
        dt = dt.replace(microsecond=int((sub + "000000")[:6]))
    off = _text(offset)
    if off and len(off) >= 6 and off[0] in "+-" and off[3] == ":":
        try:
            delta = timedelta(hours=int(off[1:3]), minutes=int(off[4:6]))
            dt = dt.replace(tzinfo=timezone(delta if off[0] == "+" else -delta))
        except ValueError:
            pass
    ts = (dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)).timestamp()
    return dt.isoformat(), ts


def _gps_coord(values: Any, ref: Any) -> float | None:
    if not values or len(values) != 3:
        return None
    parts = [_num(v) for v in values]
    if any(p is None for p in parts):
        return None
    deg = parts[0] + parts[1] / 60 + parts[2] / 3600
    return -deg if _text(ref) in ("S", "W") else deg


def _apple_burst_id(note: bytes) -> str | None:
    """Apple maker note: 'Apple iOS\\0' header, big-endian IFD at 14; tag 0x000B = BurstUUID."""
    if not note.startswith(b"Apple iOS\x00") or len(note) < 16:
        return None
    try:
        (count,) = struct.unpack_from(">H", note, 14)
        for i in range(count):
            tag, typ, n, value = struct.unpack_from(">HHI4s", note, 16 + 12 * i)
            if tag == 0x000B and typ == 2:
                raw = value[:n] if n <= 4 else note[struct.unpack(">I", value)[0]:][:n]
                return _text(raw)
    except struct.error:
        return None
    return None


FUJI_DRIVE = {0: "single", 1: "continuous-low", 2: "continuous-high"}


def _maker_note_tags(exif: Image.Exif, exif_ifd: dict, meta: PhotoMeta) -> None:
    note = exif_ifd.get(0x927C)
    if not isinstance(note, bytes):
        return
    if note.startswith(b"FUJIFILM"):
        try:
            fuji = exif.get_ifd(0x927C)
        except Exception:  # a malformed maker note is not worth failing a photo over
            fuji = {}
        seq = fuji.get(0x1101)
        if isinstance(seq, int) and seq > 0:
            meta.sequence_number = seq
        drive = fuji.get(0x1103)
        if isinstance(drive, int):
            meta.drive_mode = FUJI_DRIVE.get(drive & 0xFF, f"fuji-{drive & 0xFF}")
    elif note.startswith(b"Apple iOS"):
        meta.burst_id = _apple_burst_id(note)


def from_pillow(image: Image.Image) -> PhotoMeta:
    """Read metadata from an opened (not necessarily loaded) Pillow image."""
    meta = PhotoMeta()
    try:
        exif = image.getexif()
    except Exception:  # corrupt EXIF: the pixels may still be fine
        return meta
    if not exif:
        return meta
    try:
        ifd = exif.get_ifd(ExifTags.IFD.Exif)
    except Exception:
        ifd = {}
    try:
        gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    except Exception:
        gps = {}
    meta.camera_make = _text(exif.get(T.Make))
    meta.camera_model = _text(exif.get(T.Model))
    orientation = exif.get(T.Orientation)
    meta.orientation = orientation if isinstance(orientation, int) and 1 <= orientation <= 8 else 1
    if ifd.get(T.DateTimeOriginal):
        meta.captured_at, meta.captured_ts = parse_datetime(
            ifd.get(T.DateTimeOriginal), ifd.get(T.SubsecTimeOriginal), ifd.get(T.OffsetTimeOriginal))
    elif exif.get(T.DateTime):
        meta.captured_at, meta.captured_ts = parse_datetime(
            exif.get(T.DateTime), ifd.get(T.SubsecTime), ifd.get(T.OffsetTime))
    meta.camera_serial = _text(ifd.get(T.BodySerialNumber))
    lens = " ".join(filter(None, [_text(ifd.get(T.LensMake)), _text(ifd.get(T.LensModel))]))
    meta.lens = lens or None
    meta.exposure_time = _num(ifd.get(T.ExposureTime))
    meta.f_number = _num(ifd.get(T.FNumber))
    iso = _num(ifd.get(T.ISOSpeedRatings))
    meta.iso = int(iso) if iso is not None else None
    meta.focal_length = _num(ifd.get(T.FocalLength))
    if gps:
        meta.gps_lat = _gps_coord(gps.get(ExifTags.GPS.GPSLatitude), gps.get(ExifTags.GPS.GPSLatitudeRef))
        meta.gps_lon = _gps_coord(gps.get(ExifTags.GPS.GPSLongitude), gps.get(ExifTags.GPS.GPSLongitudeRef))
        alt = _num(gps.get(ExifTags.GPS.GPSAltitude))
        if alt is not None:
            meta.gps_alt = -alt if gps.get(ExifTags.GPS.GPSAltitudeRef) in (1, b"\x01") else alt
    _maker_note_tags(exif, ifd, meta)
    return meta


def from_exifread(tags: dict) -> PhotoMeta:
    """Metadata from exifread's tag dict (used for camera RAW files)."""
    def get(*names):
        for n in names:
            if n in tags:
                return tags[n].values if hasattr(tags[n], "values") else tags[n]
        return None

    def first(v):
        return v[0] if isinstance(v, list) and v else v

    def ratio(v):
        v = first(v)
        if v is None:
            return None
        try:
            return float(v.num) / float(v.den) if hasattr(v, "num") else float(v)
        except (ZeroDivisionError, TypeError, ValueError):
            return None

    meta = PhotoMeta()
    meta.camera_make = _text(get("Image Make"))
    meta.camera_model = _text(get("Image Model"))
    o = first(get("Image Orientation"))
    meta.orientation = o if isinstance(o, int) and 1 <= o <= 8 else 1
    meta.captured_at, meta.captured_ts = parse_datetime(
        get("EXIF DateTimeOriginal", "Image DateTime"), get("EXIF SubSecTimeOriginal"),
        get("EXIF OffsetTimeOriginal"))
    meta.lens = _text(get("EXIF LensModel"))
    meta.exposure_time = ratio(get("EXIF ExposureTime"))
    meta.f_number = ratio(get("EXIF FNumber"))
    iso = first(get("EXIF ISOSpeedRatings"))
    meta.iso = int(iso) if isinstance(iso, int) else None
    meta.focal_length = ratio(get("EXIF FocalLength"))
    for key, tag in tags.items():
        if not key.startswith("MakerNote"):
            continue
        name = key.split(" ", 1)[-1].lower()
        if meta.drive_mode is None and ("continuousdrive" in name or name == "drivemode"):
            meta.drive_mode = _text(tag)
        elif meta.sequence_number is None and "sequencenumber" in name:
            v = first(getattr(tag, "values", None))
            meta.sequence_number = v if isinstance(v, int) else None
    return meta
