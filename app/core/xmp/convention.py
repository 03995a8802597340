"""How decisions are written in XMP, in the conventions the editors read:

- ``xmp:Rating`` 0-5; a rejected photo is -1 (darktable and Lightroom read it as rejected);
- pick/reject also as a label the user chooses: ``xmp:Label`` (Lightroom, Capture One, digiKam),
  the matching darktable colour label (``darktable:colorlabels``: 0 red, 1 yellow, 2 green,
  3 blue, 4 purple) and digiKam's pick label (``digiKam:PickLabel``: 1 rejected, 3 accepted);
- the suggested best frame as a keyword (``dc:subject``) the user can filter on.

Only what PhotoTriage manages is touched: another label, colour or keyword the user set in an
editor stays. Reading does the reverse (a library rated in darktable or Lightroom opens with
those ratings and picks)."""
from __future__ import annotations

from dataclasses import dataclass

from .document import DARKTABLE, DC, DIGIKAM, XMP, XmpDocument

COLOURS = {"red": 0, "yellow": 1, "green": 2, "blue": 3, "purple": 4}


@dataclass(frozen=True)
class Convention:
    pick_label: str = "Green"
    reject_label: str = "Red"
    best_keyword: str = "PhotoTriage best"
    naming: str = "ext"                   # "ext": name.ext.xmp (darktable, digiKam); "base": name.xmp (Lightroom)

    @classmethod
    def from_settings(cls, settings) -> "Convention":
        d = cls()
        return cls(settings.get("xmp.pick_label", d.pick_label) or d.pick_label,
                   settings.get("xmp.reject_label", d.reject_label) or d.reject_label,
                   settings.get("xmp.best_keyword", d.best_keyword) or d.best_keyword,
                   settings.get("xmp.naming", d.naming) if settings.get("xmp.naming") in ("ext", "base") else d.naming)


@dataclass
class XmpDecision:
    """What an XMP packet says about a photo, in PhotoTriage's terms."""
    pick: int = 0                # 1 picked, -1 rejected, 0 neither
    rating: int | None = None    # 1-5, or None when unrated
    best: bool = False

    @property
    def empty(self) -> bool:
        return not (self.pick or self.rating or self.best)


def _colour(label: str) -> int | None:
    return COLOURS.get(label.strip().lower())


def read_decision(doc: XmpDocument, conv: Convention) -> XmpDecision:
    out = XmpDecision()
    rating = doc.get(XMP, "Rating")
    try:
        value = int(float(rating)) if rating not in (None, "") else 0
    except ValueError:
        value = 0
    if value < 0:
        out.pick = -1
    elif 1 <= value <= 5:
        out.rating = value
    label = (doc.get(XMP, "Label") or "").strip().lower()
    pick_label = doc.get(DIGIKAM, "PickLabel")
    colours = {c.strip() for c in doc.get_list(DARKTABLE, "colorlabels")}
    if out.pick == 0:
        if label and label == conv.reject_label.lower() or pick_label == "1":
            out.pick = -1
        elif label and label == conv.pick_label.lower() or pick_label == "3":
            out.pick = 1
        elif _colour(conv.reject_label) is not None and str(_colour(conv.reject_label)) in colours:
            out.pick = -1
        elif _colour(conv.pick_label) is not None and str(_colour(conv.pick_label)) in colours:
            out.pick = 1
    out.best = conv.best_keyword in doc.get_list(DC, "subject")
    if out.best and out.pick != -1:
        out.pick = 1                      # the best frame is picked (app/core/culling.py)
    return out


def write_decision(doc: XmpDocument, state, best: bool, conv: Convention) -> bool:
    """Put a photo's decision state (``DecisionState``) into ``doc``; returns whether the
    packet changed."""
    changed = False
    current = doc.get(XMP, "Rating")
    if state.pick == -1:
        rating = "-1"
    elif state.rating is not None:
        rating = str(state.rating)
    elif current is not None and current.strip().startswith("-"):
        rating = "0"                      # no longer rejected
    else:
        rating = current                  # leave a rating set elsewhere alone
    if rating != current:
        changed |= doc.set(XMP, "Rating", rating)
    ours = {conv.pick_label.lower(), conv.reject_label.lower()}
    label = conv.pick_label if state.pick == 1 else conv.reject_label if state.pick == -1 else None
    old_label = doc.get(XMP, "Label")
    if label is not None:
        changed |= doc.set(XMP, "Label", label)
    elif old_label is not None and old_label.strip().lower() in ours:
        changed |= doc.set(XMP, "Label", None)
    pick_label = {1: "3", -1: "1"}.get(state.pick)
    if pick_label is not None or doc.get(DIGIKAM, "PickLabel") in ("1", "3"):
        changed |= doc.set(DIGIKAM, "PickLabel", pick_label or "0")
    mine = {c for c in (_colour(conv.pick_label), _colour(conv.reject_label)) if c is not None}
    colours = [c for c in doc.get_list(DARKTABLE, "colorlabels") if not (c.isdigit() and int(c) in mine)]
    want = _colour(label) if label else None
    if want is not None:
        colours.append(str(want))
    changed |= doc.set_list(DARKTABLE, "colorlabels", colours, kind="Seq")
    keywords = [k for k in doc.get_list(DC, "subject") if k != conv.best_keyword]
    if best:
        keywords.append(conv.best_keyword)
    changed |= doc.set_list(DC, "subject", keywords, kind="Bag")
    return changed
