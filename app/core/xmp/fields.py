"""The XMP properties PhotoTriage manages, one by one, as they sit in a packet (``Fields``):
read them, tell what an editor changed since a base (``external_changes``) and write only the
ones whose value has to change (``write_fields``). See docs/xmp-sync.md.

- ``xmp:Rating``: 0-5, -1 rejected. A rating is a rating, never a pick: an editor's default
  1 star is "rated 1". A rating that goes from -1 to 0-5 is an un-reject (darktable), unless
  digiKam keeps the sidecar and its pick label still says rejected.
- ``digiKam:PickLabel``: 1 rejected, 3 accepted, 0 none.
- ``xmp:Label`` and ``darktable:colorlabels``: the user's own unless the label setting is on;
  even then only a label PhotoTriage wrote itself is ever replaced or removed. A colour label
  the user gives in PhotoTriage (keys 6-9: Red, Yellow, Green, Blue, as in Lightroom) is written
  as ``xmp:Label`` (in a sidecar darktable keeps: among ``darktable:colorlabels``) and wins over
  the pick/reject label; taken off in PhotoTriage, it is removed only while the sidecar still
  holds the one PhotoTriage wrote. ``digiKam:ColorLabel`` (where a sidecar has it: digiKam reads
  it before xmp:Label) is read as the colour label and kept in step with xmp:Label.
- ``dc:subject``: the best keyword marks the user's best frame only; a distinct keyword marks
  an unconfirmed suggestion when the user turns that on. Both also go into the tag lists
  darktable and digiKam read first (``lr:hierarchicalSubject``, ``digiKam:TagsList``) where a
  sidecar holds them.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace

from .convention import COLOURS, SUGGESTED_KEYWORD, Convention
from .document import DARKTABLE, DC, DIGIKAM, LIGHTROOM, XMP, XmpDocument


@dataclass(frozen=True)
class Fields:
    rating: int | None = None            # xmp:Rating as written (-1 rejected); None when absent
    pick_label: str | None = None        # digiKam:PickLabel
    label: str | None = None             # xmp:Label
    colours: tuple[str, ...] = ()        # darktable:colorlabels, sorted
    best: bool = False                   # the best keyword in dc:subject
    suggested: bool = False              # the suggestion keyword in dc:subject
    digikam: bool = False                # digiKam keeps this sidecar (its colour label, tags, Windows rating)
    darktable: bool = False              # darktable keeps this sidecar (darktable:xmp_version)

    def to_json(self) -> dict:
        return {**asdict(self), "colours": list(self.colours)}

    @classmethod
    def from_json(cls, doc: dict | None) -> "Fields | None":
        if doc is None:
            return None
        return cls(doc.get("rating"), doc.get("pick_label"), doc.get("label"), tuple(doc.get("colours") or ()),
                   bool(doc.get("best")), bool(doc.get("suggested")), bool(doc.get("digikam")),
                   bool(doc.get("darktable")))


@dataclass
class Ours:
    """The label and colour PhotoTriage wrote itself (the only ones it may replace or remove),
    the rating it wrote (taken back as 0 when the rating is undone or cleared, while the sidecar
    still holds it) and the best keyword it wrote (taken off after that keyword is renamed)."""
    label: str | None = None
    colour: str | None = None
    user_label: str | None = None        # the colour label the user gave in PhotoTriage, as written
    user_colour: str | None = None       # that label as a darktable colour (index), where written so
    rating: int | None = None            # 1-5 as written from the catalog
    keyword: str | None = None           # the best keyword as written

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, doc: dict | None) -> "Ours":
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in (doc or {}).items() if k in known})


# properties only digiKam writes (PhotoTriage writes digiKam:PickLabel itself): their presence in
# a sidecar darktable does not keep says digiKam writes it
MICROSOFT_PHOTO = "http://ns.microsoft.com/photo/1.0/"
DIGIKAM_OWN = ((DIGIKAM, "ColorLabel"), (DIGIKAM, "TagsList"), (MICROSOFT_PHOTO, "Rating"))


def _rating(text: str | None) -> int | None:
    if text in (None, ""):
        return None
    try:
        value = int(float(text))
    except ValueError:
        return None
    return max(-1, min(5, value))


# The tag lists editors read before dc:subject: darktable reads lr:hierarchicalSubject where a
# sidecar has it, digiKam digiKam:TagsList first; each rebuilds dc:subject from its own tags on
# its next write. PhotoTriage's keywords go into those of them a sidecar holds, so the editor
# sees them and keeps them (a trial: darktable never saw the best keyword and its next write
# took it away, unmarking the best frame).
TAG_LISTS = ((LIGHTROOM, "hierarchicalSubject"), (DIGIKAM, "TagsList"))


# digiKam keeps its colour label in digiKam:ColorLabel (photoshop:Urgency beside it) and reads
# xmp:Label only where that is absent; its own changes (to Orange, Gray or none too) touch only
# those. Where a sidecar has it, the colour label is read from it, and written to it with xmp:Label.
DIGIKAM_COLOURS = {1: "Red", 2: "Orange", 3: "Yellow", 4: "Green", 5: "Blue", 6: "Purple", 7: "Gray", 8: "Black",
                   9: "White"}
PHOTOSHOP = "http://ns.adobe.com/photoshop/1.0/"


def _digikam_label(doc: XmpDocument) -> tuple[bool, str | None]:
    """(whether the sidecar holds a digiKam colour label, that label: None for none)."""
    code = (doc.get(DIGIKAM, "ColorLabel") or "").strip()
    if not code.isdigit() or int(code) > 9:
        return False, None
    return True, DIGIKAM_COLOURS.get(int(code))


def _label(doc: XmpDocument) -> str | None:
    held, label = _digikam_label(doc)
    return label if held else doc.get(XMP, "Label")


def _follow_digikam(doc: XmpDocument, label: str | None) -> None:
    """digiKam's colour label (and photoshop:Urgency where it is) says ``label`` too."""
    if not _digikam_label(doc)[0]:
        return
    code = next((str(k) for k, v in DIGIKAM_COLOURS.items() if label and v.lower() == label.strip().lower()), "0")
    doc.set(DIGIKAM, "ColorLabel", code)
    if doc.get(PHOTOSHOP, "Urgency") is not None:
        doc.set(PHOTOSHOP, "Urgency", code)


def _darktable_keeps(doc: XmpDocument) -> bool:
    """Whether darktable keeps this sidecar (it writes darktable:xmp_version every time)."""
    return doc.get(DARKTABLE, "xmp_version") is not None


def read_fields(doc: XmpDocument, conv: Convention) -> Fields:
    keywords = doc.get_list(DC, "subject") + [k for ns, name in TAG_LISTS for k in doc.get_list(ns, name)]
    darktable = _darktable_keeps(doc)
    return Fields(_rating(doc.get(XMP, "Rating")), doc.get(DIGIKAM, "PickLabel"), _label(doc),
                  tuple(sorted(c.strip() for c in doc.get_list(DARKTABLE, "colorlabels"))),
                  conv.best_keyword in keywords, bool(conv.suggested_keyword) and conv.suggested_keyword in keywords,
                  not darktable and any(doc.get(ns, name) is not None or doc.get_list(ns, name)
                                        for ns, name in DIGIKAM_OWN),
                  darktable)


# darktable shows xmp:Label, where a sidecar has one, instead of its own colour labels, and never
# writes or removes it: a colour label given in PhotoTriage and written there hid the user's
# darktable colours, and darktable's own colour changes never took (a trial). In a sidecar
# darktable keeps, the user's label therefore goes into darktable:colorlabels, beside theirs, and
# a change of it there comes back.
DARKTABLE_NAMES = {str(v): k.capitalize() for k, v in COLOURS.items()}


def _darktable_colour(label: str | None, conv: Convention) -> str | None:
    """The darktable colour (index) a user's colour label is written as in a sidecar darktable
    keeps; None where it has none, or where the label setting reads that colour as a pick."""
    if not label:
        return None
    if conv.labels and label.strip().lower() in (conv.pick_label.lower(), conv.reject_label.lower()):
        return None
    idx = COLOURS.get(label.strip().lower())
    return None if idx is None else str(idx)


def _label_pick(label: str | None, conv: Convention) -> int | None:
    text = (label or "").strip().lower()
    return {conv.reject_label.lower(): -1, conv.pick_label.lower(): 1}.get(text) if text else None


def _colour_pick(colours: tuple[str, ...], conv: Convention) -> int | None:
    reject, pick = COLOURS.get(conv.reject_label.lower()), COLOURS.get(conv.pick_label.lower())
    if reject is not None and str(reject) in colours:
        return -1
    if pick is not None and str(pick) in colours:
        return 1
    return None


def external_changes(base: Fields | None, cur: Fields, conv: Convention, user_label: str | None = None) -> dict:
    """What the editor changed since ``base`` (None: never seen; every value set is a change),
    in PhotoTriage's terms: {"pick": -1/0/1, "rating": 0-5, "best": bool, "label": text or None},
    only the fields that changed. A label is the user's colour label, unless the label setting
    is on and the change is from or to the pick/reject label: then it is read as a pick or
    reject. ``user_label``: the colour label the user gave in PhotoTriage as the base wrote it;
    a change from it is a colour label change even where its colour is the pick/reject one."""
    b = base or Fields()
    out: dict = {}
    if cur.rating != b.rating:
        if cur.rating is not None and cur.rating < 0:
            out["pick"] = -1
        else:
            # un-rejected (darktable, Lightroom, Bridge: each leaves the pick label PhotoTriage
            # wrote as it was); digiKam ignores a rating of -1 and keeps its reject in the pick
            # label: a rating given there while that still says rejected is a rating (a trial:
            # it un-rejected)
            if b.rating is not None and b.rating < 0 and not (cur.digikam and (cur.pick_label or "").strip() == "1"):
                out["pick"] = 0
            out["rating"] = max(cur.rating or 0, 0)
    if cur.pick_label != b.pick_label:
        value = {"3": 1, "1": -1}.get((cur.pick_label or "").strip(), 0)
        if value or b.pick_label in ("1", "3"):
            if out.get("pick") != -1 or value == -1:
                out["pick"] = value
    label_changed = (cur.label or None) != (b.label or None)
    users_label = (not conv.labels or (user_label is not None and (b.label or None) == user_label)
                   or (_label_pick(b.label, conv) is None and _label_pick(cur.label, conv) is None))
    if label_changed and users_label:
        out["label"] = (cur.label or "").strip() or None          # Lightroom's colour label, edited there
    mine = _darktable_colour(user_label, conv) if cur.darktable and not cur.label else None
    if "label" not in out and mine is not None and mine in b.colours and mine not in cur.colours:
        added = [c for c in cur.colours if c not in b.colours]    # changed in darktable (to one other), or off
        out["label"] = DARKTABLE_NAMES.get(added[0]) if len(added) == 1 else None
    if conv.labels and "pick" not in out:
        for changed, before, after in ((label_changed and not users_label, _label_pick(b.label, conv),
                                        _label_pick(cur.label, conv)),
                                       (cur.colours != b.colours, _colour_pick(b.colours, conv),
                                        _colour_pick(cur.colours, conv))):
            if changed and after != before:
                out["pick"] = after or 0
                break
    if cur.best != b.best:
        out["best"] = cur.best
    return out


def write_fields(doc: XmpDocument, state, best: bool, suggested: bool, conv: Convention, ours: Ours) -> Ours:
    """Set in ``doc`` the managed properties whose value differs from the decision state;
    nothing else is touched. Returns what PhotoTriage now owns of the labels."""
    label_before = doc.get(XMP, "Label")
    new_ours = _write_fields(doc, state, best, suggested, conv, ours)
    if doc.get(XMP, "Label") != label_before or (state.label and _label(doc) != state.label):
        _follow_digikam(doc, doc.get(XMP, "Label"))
    return new_ours


def _write_fields(doc: XmpDocument, state, best: bool, suggested: bool, conv: Convention, ours: Ours) -> Ours:
    current = _rating(doc.get(XMP, "Rating"))
    if state.pick == -1:
        rating = -1
    elif state.rating is not None:
        rating = state.rating
    elif current is not None and current < 0:
        rating = 0                                       # no longer rejected
    elif ours.rating is not None and current == ours.rating:
        rating = 0                                       # the rating PhotoTriage wrote, undone or cleared here
    else:
        rating = current                                 # a rating set elsewhere stays
    if rating != current:
        doc.set(XMP, "Rating", None if rating is None else str(rating))
    pick_label = {1: "3", -1: "1"}.get(state.pick)
    if pick_label is None and doc.get(DIGIKAM, "PickLabel") in ("1", "3"):
        pick_label = "0"
    if pick_label is not None and doc.get(DIGIKAM, "PickLabel") != pick_label:
        doc.set(DIGIKAM, "PickLabel", pick_label)
    new_ours = Ours(rating=rating if state.rating and rating and rating > 0 else None,
                    keyword=conv.best_keyword if best else None)
    label = doc.get(XMP, "Label")
    colour = _darktable_colour(state.label, conv) if _darktable_keeps(doc) else None
    dt_colours = doc.get_list(DARKTABLE, "colorlabels")
    if ours.user_colour is not None and ours.user_colour != colour and ours.user_colour in dt_colours:
        dt_colours = [c for c in dt_colours if c != ours.user_colour]    # the colour it wrote for a label since changed
        doc.set_list(DARKTABLE, "colorlabels", dt_colours, kind="Seq")
    if colour is not None:                               # darktable keeps it: among darktable's own colours
        if ours.user_label is not None and label == ours.user_label:
            doc.set(XMP, "Label", None)                  # (written there before: it hid darktable's colours)
            ours = replace(ours, label=None)
        owned = ours.user_colour == colour               # (one the user had there already stays theirs)
        if colour not in dt_colours:
            doc.set_list(DARKTABLE, "colorlabels", dt_colours + [colour], kind="Seq")
            owned = True
        new_ours.user_label, new_ours.user_colour = state.label, colour if owned else None
    elif state.label:                                    # the user's own colour label (keys 6-9)
        if label != state.label or _label(doc) != state.label:
            doc.set(XMP, "Label", state.label)
        new_ours.user_label = state.label
    elif ours.user_label is not None and label == ours.user_label:
        doc.set(XMP, "Label", None)                      # taken off in PhotoTriage
        ours = replace(ours, label=None, user_label=None)
    if conv.labels:
        want = conv.pick_label if state.pick == 1 else conv.reject_label if state.pick == -1 else None
        label = doc.get(XMP, "Label")
        users_colours = [c for c in doc.get_list(DARKTABLE, "colorlabels") if c != ours.colour]
        # darktable shows xmp:Label instead of its own colour labels: none is added over the user's;
        # under the user's own colour label only the darktable colour follows the pick
        if not state.label and ((label is None and not users_colours) or (ours.label is not None and label == ours.label)):
            shown = None if _darktable_keeps(doc) else want   # darktable: its colour says it
            if label != shown:
                doc.set(XMP, "Label", shown)
            new_ours.label = shown
        colours = doc.get_list(DARKTABLE, "colorlabels")
        kept = [c for c in colours if c != ours.colour]
        colour = COLOURS.get(want.lower()) if want else None
        if colour is not None and str(colour) not in kept:
            kept.append(str(colour))
            new_ours.colour = str(colour)
        elif colour is not None and str(colour) == ours.colour:
            new_ours.colour = ours.colour
        if kept != colours:
            doc.set_list(DARKTABLE, "colorlabels", kept, kind="Seq")
    else:                                                # the label setting off: what it wrote is taken back
        if not state.label and ours.label is not None and doc.get(XMP, "Label") == ours.label:
            doc.set(XMP, "Label", None)
        colours = doc.get_list(DARKTABLE, "colorlabels")
        if ours.colour is not None and ours.colour in colours:
            doc.set_list(DARKTABLE, "colorlabels", [c for c in colours if c != ours.colour], kind="Seq")
    # the suggestion keyword goes also when its setting was turned off (it is PhotoTriage's)
    # and so does the best keyword it wrote before that keyword was renamed
    mine = [conv.best_keyword] if best else [conv.suggested_keyword] if suggested and conv.suggested_keyword else []
    for ns, name in ((DC, "subject"), *TAG_LISTS):
        keywords = doc.get_list(ns, name)
        if ns != DC and not keywords:
            continue                                     # a tag list the sidecar does not keep
        wanted = [k for k in keywords if k not in (conv.best_keyword, SUGGESTED_KEYWORD, ours.keyword)] + mine
        if sorted(wanted) != sorted(keywords):
            doc.set_list(ns, name, wanted, kind="Bag" if ns != DIGIKAM else "Seq")
    return new_ours

