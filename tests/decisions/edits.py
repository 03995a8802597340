"""Sidecar edits exactly as the editors make them (issue 28), applied to a sidecar on disk:
each changes only the properties that tool changes and leaves the rest as that tool leaves it.

- darktable 4.2 writes ``xmp:Rating`` (-1 rejected; an un-reject writes the rating back) and
  ``darktable:colorlabels``, keeps other properties (exiv2) and never writes digiKam's pick label;
- digiKam writes ``digiKam:PickLabel`` (1 rejected, 3 accepted) and ``xmp:Rating``, colour as
  ``digiKam:ColorLabel`` (not managed) and keeps ``xmp:Label``;
- Lightroom Classic and Bridge write ``xmp:Rating`` (Bridge: -1 rejected) and ``xmp:Label``
  (colour label by name);
- Capture One writes ``xmp:Rating`` and ``xmp:Label`` in ``name.xmp``.

Every tool writes a keyword as an item of ``dc:subject``. The sidecar's time is moved on so it
is newer than any decision made before the edit."""
from __future__ import annotations

import os
from pathlib import Path

from app.core.xmp.document import DARKTABLE, DC, DIGIKAM, XMP, XmpDocument


def edit(side: Path, *, rating: int | None | str = "keep", pick_label: str | None = "keep",
         label: str | None = "keep", colours: list[str] | str = "keep", add_keyword: str | None = None,
         remove_keyword: str | None = None, later_s: float = 5) -> None:
    doc = XmpDocument(side.read_text(encoding="utf-8-sig"))
    if rating != "keep":
        doc.set(XMP, "Rating", None if rating is None else str(rating))
    if pick_label != "keep":
        doc.set(DIGIKAM, "PickLabel", pick_label)
    if label != "keep":
        doc.set(XMP, "Label", label)
    if colours != "keep":
        doc.set_list(DARKTABLE, "colorlabels", list(colours), kind="Seq")
    keywords = doc.get_list(DC, "subject")
    if add_keyword and add_keyword not in keywords:
        keywords.append(add_keyword)
    if remove_keyword:
        keywords = [k for k in keywords if k != remove_keyword]
    doc.set_list(DC, "subject", keywords, kind="Bag")
    side.write_text(doc.serialize(), encoding="utf-8")
    st = os.stat(side)
    os.utime(side, ns=(st.st_atime_ns, st.st_mtime_ns + int(later_s * 1e9)))


# what each tool does for each change (issue 28's matrix): keyword arguments of ``edit``
TOOL_EDITS = {
    "darktable": {"rating": {"rating": 4}, "reject": {"rating": -1}, "unreject": {"rating": 3},
                  "accept": None, "label": {"colours": ["3"]}, "clear": {"rating": 0},
                  "best": {"add_keyword": "PhotoTriage best"}},
    "digikam": {"rating": {"rating": 4}, "reject": {"pick_label": "1"}, "unreject": {"pick_label": "0"},
                "accept": {"pick_label": "3"}, "label": {"label": "Yellow"}, "clear": {"pick_label": "0"},
                "best": {"add_keyword": "PhotoTriage best"}},
    "lightroom": {"rating": {"rating": 4}, "reject": {"rating": -1}, "unreject": {"rating": 0},
                  "accept": None, "label": {"label": "Yellow"}, "clear": {"rating": 0},
                  "best": {"add_keyword": "PhotoTriage best"}},
    "captureone": {"rating": {"rating": 4}, "reject": None, "unreject": None, "accept": None,
                   "label": {"label": "Purple"}, "clear": {"rating": 0},
                   "best": {"add_keyword": "PhotoTriage best"}},
}
