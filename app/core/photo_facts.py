"""The facts a photographer reads beside the picture (the loupe's info panel): capture time,
camera, lens, exposure, file and size, and the quality measurements behind the ranker's
reasons, as (label, text) rows. Qt-free."""
from __future__ import annotations

import os

from . import paths
from .text import size_text

QUALITY = [("sharpness", "Sharpness", "{:.3g}"), ("sharpness_subject", "Subject sharpness", "{:.3g}"),
           ("noise", "Noise", "{:.3g}"), ("brightness_mean", "Brightness", "{:.2f}"),
           ("highlights_clipped", "Highlights clipped", "{:.1%}"), ("shadows_clipped", "Shadows clipped", "{:.1%}"),
           ("contrast", "Contrast", "{:.3g}"), ("face_count", "Faces", "{:d}")]


def shutter(seconds: float | None) -> str | None:
    if not seconds or seconds <= 0:
        return None
    if seconds >= 0.5:
        return f"{seconds:.1f}".rstrip("0").rstrip(".") + " s"
    return f"1/{round(1 / seconds)} s"


def photo_facts(photo: dict, quality: dict | None = None, reasons: list[str] | None = None) -> list[tuple[str, str]]:
    """Rows for the photo (a catalog photos row), its quality measurements and, where it is a
    burst's suggested best, the reasons."""
    camera = " ".join(x for x in (photo.get("camera_make"), photo.get("camera_model")) if x)
    if photo.get("camera_make") and (photo.get("camera_model") or "").startswith(photo["camera_make"]):
        camera = photo["camera_model"]
    f = photo.get("f_number")
    focal = photo.get("focal_length")
    dims = f"{photo['width']} × {photo['height']}" if photo.get("width") and photo.get("height") else None
    mp = f" ({photo['width'] * photo['height'] / 1e6:.1f} MP)" if dims else ""
    path = photo.get("path") or ""
    rows = [("Captured", (photo.get("captured_at") or "").replace("T", " ") or None),
            ("Camera", camera or None), ("Lens", photo.get("lens")),
            ("Shutter", shutter(photo.get("exposure_time"))),
            ("Aperture", f"f/{f:.1f}".replace(".0", "") if f else None),
            ("ISO", str(int(photo["iso"])) if photo.get("iso") else None),
            ("Focal length", f"{focal:.0f} mm" if focal else None),
            ("File", os.path.basename(path) or None), ("Folder", paths.display(os.path.dirname(path)) or None),
            ("Size", (dims + mp + ", " if dims else "") + (size_text(photo["size"]) if photo.get("size") else "")),
            ("Format", photo.get("format"))]
    out = [(k, v) for k, v in rows if v]
    if quality:
        out.append(("Measured", "as the ranker reads it (on a reduced copy)"))
    for key, label, fmt in QUALITY:
        value = (quality or {}).get(key)
        if value is not None:
            out.append((label, fmt.format(int(value) if fmt == "{:d}" else value)))
    if reasons:
        out.append(("Suggested because", ", ".join(reasons)))
    return out
