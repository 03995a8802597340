"""How decisions are written in XMP, in the conventions the editors read (docs/xmp-sync.md):

- ``xmp:Rating`` 0-5; a rejected photo is -1 (darktable, Bridge and Lightroom read it so);
- digiKam's pick label (``digiKam:PickLabel``: 1 rejected, 3 accepted);
- only when the user turns it on (``xmp.labels``): pick/reject also as ``xmp:Label``
  (Lightroom, Capture One, digiKam) and the matching darktable colour label
  (``darktable:colorlabels``: 0 red, 1 yellow, 2 green, 3 blue, 4 purple); a label the user set
  is never replaced or removed;
- the user's best frame as a keyword (``dc:subject``), and, only when turned on
  (``xmp.suggested_keyword``), the ranker's unconfirmed suggestion as a distinct keyword.

Reading tells what an editor changed since PhotoTriage last synced (app/core/xmp/fields.py,
app/core/xmp/merge.py)."""
from __future__ import annotations

from dataclasses import dataclass

from .document import XmpDocument

LABELS = "xmp.labels"                     # "1": pick/reject also written as labels
SUGGESTED = "xmp.suggested_keyword"       # "1": the unconfirmed suggestion gets SUGGESTED_KEYWORD
SUGGESTED_KEYWORD = "PhotoTriage suggested best"
COLOURS = {"red": 0, "yellow": 1, "green": 2, "blue": 3, "purple": 4}


@dataclass(frozen=True)
class Convention:
    pick_label: str = "Green"
    reject_label: str = "Red"
    best_keyword: str = "PhotoTriage best"
    naming: str = "ext"                   # "ext": name.ext.xmp (darktable, digiKam); "base": name.xmp (Lightroom)
    labels: bool = False                  # also write pick/reject as xmp:Label and darktable colour labels
    suggested_keyword: str | None = None  # the keyword of an unconfirmed suggested best (None: not written)

    @classmethod
    def from_settings(cls, settings) -> "Convention":
        d = cls()
        return cls(settings.get("xmp.pick_label", d.pick_label) or d.pick_label,
                   settings.get("xmp.reject_label", d.reject_label) or d.reject_label,
                   settings.get("xmp.best_keyword", d.best_keyword) or d.best_keyword,
                   settings.get("xmp.naming", d.naming) if settings.get("xmp.naming") in ("ext", "base") else d.naming,
                   (settings.get(LABELS) or "0") == "1",
                   SUGGESTED_KEYWORD if (settings.get(SUGGESTED) or "0") == "1" else None)


@dataclass
class XmpDecision:
    """What an XMP packet says about a photo, in PhotoTriage's terms."""
    pick: int = 0                # 1 picked, -1 rejected, 0 neither
    rating: int | None = None    # 1-5, or None when unrated
    best: bool = False

    @property
    def empty(self) -> bool:
        return not (self.pick or self.rating or self.best)


def read_decision(doc: XmpDocument, conv: Convention) -> XmpDecision:
    """What a packet says on first sight (nothing synced before), in PhotoTriage's terms."""
    from .fields import external_changes, read_fields

    ch = external_changes(None, read_fields(doc, conv), conv)
    best = bool(ch.get("best"))
    pick = ch.get("pick", 0)
    return XmpDecision(1 if best and pick != -1 else pick, ch.get("rating") or None, best)
