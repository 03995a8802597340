"""The keyboard, in one table: the cull view's keys, the help overlay (``?``), the toolbar's
tooltips and docs/keyboard.md's list all read it (a test checks that page against it)."""
from __future__ import annotations

COLOUR_KEYS = {"6": "Red", "7": "Yellow", "8": "Green", "9": "Blue"}     # colour labels, as in Lightroom


def label_after(labels, key: str) -> str | None:
    """The colour label a colour key gives photos whose labels are ``labels``: the same key
    again takes it off (when every one has it; a label read from an editor's sidecar counts
    whatever its case), else the key's colour. Every view's 6-9 keys ask this."""
    colour = COLOUR_KEYS[key]
    labels = list(labels)
    same = bool(labels) and all((label or "").strip().lower() == colour.lower() for label in labels)
    return None if same else colour

DECISION_LETTERS = {"p": ("pick", 1), " ": ("pick", 1), "x": ("pick", -1), "u": ("pick", 0), "b": ("best", 1)}


def decision_key(text: str, labels, best: bool = True) -> tuple[str, int | None, str | None] | None:
    """The decision a key makes, as (kind, value, text) for ``decide``, or None when the key
    makes none: P/Space pick, X reject, U unflag, B best (where ``best``), 0-5 rate, 6-9 a
    colour label (:func:`label_after` of ``labels()``, the labels of the photos it acts on).
    Every view that decides from the keyboard asks this."""
    if text in DECISION_LETTERS and (best or text != "b"):
        return (*DECISION_LETTERS[text], None)
    if text in COLOUR_KEYS:
        return ("label", None, label_after(labels(), text))
    if len(text) == 1 and text in "012345":
        return ("rating", int(text), None)
    return None


# (keys as shown, what they do)
CULL_KEYS: list[tuple[str, str]] = [
    ("Left / Right", "previous / next frame"),
    ("Up / Down", "previous / next burst"),
    ("P or Space", "pick (accept) the frame"),
    ("X", "reject the frame"),
    ("U", "unflag: neither picked nor rejected"),
    ("0-5", "rating"),
    ("6-9", "colour label red, yellow, green, blue (the same key again takes it off)"),
    ("B", "mark as the best frame of its burst (also picks it)"),
    ("Shift+P / Shift+X", "pick / reject every frame of a set (a bracket, panorama, focus stack, timelapse)"),
    ("Z", "100 % loupe on and off, opening on the main face or the sharpest detail"),
    ("C", "compare: the frame beside the suggested best and the next contenders, zoom and pan in step"),
    ("+ / -", "compare more or fewer frames (2 to 4)"),
    ("Ctrl+click", "choose the frames to compare in the filmstrip"),
    ("Ctrl+Z", "undo your last decision in this window (a whole action); when a decision was made since in "
               "another program, nothing is undone and the status bar says so"),
    ("Ctrl+Shift+Z or Ctrl+Y", "redo"),
]
GRID_KEYS: list[tuple[str, str]] = [
    ("Enter, F or double-click", "open the photo in the loupe"),
    ("N", "survey: the 2 to 12 selected photos side by side"),
    ("P or Space", "pick the selected photos"),
    ("X", "reject them"),
    ("U", "unflag them"),
    ("0-5", "rate them"),
    ("6-9", "colour label red, yellow, green, blue (the same key again takes it off)"),
    ("B", "mark a burst frame as its burst's best"),
    ("Ctrl+Z", "undo"),
    ("Ctrl+Shift+Z or Ctrl+Y", "redo"),
]
LOUPE_KEYS: list[tuple[str, str]] = [
    ("Left / Right", "previous / next photo (in the grid's filter and order)"),
    ("Home / End", "first / last photo"),
    ("P or Space", "pick the photo"),
    ("X", "reject it"),
    ("U", "unflag it"),
    ("0-5", "rating"),
    ("6-9", "colour label red, yellow, green, blue (the same key again takes it off)"),
    ("B", "mark a burst frame as its burst's best"),
    ("Z", "fit / 100 %"),
    ("+ / -", "zoom steps: fit, 50, 100, 200 %"),
    ("click", "zoom to 100 % at the point clicked; click again to fit; drag to pan"),
    ("E", "100 % on the eyes of the largest face; again: the next face's eyes"),
    ("J", "show clipped highlights (red) and shadows (blue) on the picture"),
    ("I", "info panel: histogram, exposure, camera, file, quality measurements"),
    ("F", "full screen on and off"),
    ("Esc, G or Enter", "back to the grid"),
    ("Ctrl+Z", "undo"),
    ("Ctrl+Shift+Z or Ctrl+Y", "redo"),
]
SURVEY_KEYS: list[tuple[str, str]] = [
    ("Left / Right or click", "choose the photo the keys act on (white frame)"),
    ("P or Space, X, U, 0-5, 6-9, B", "pick, reject, unflag, rate, colour label, best: that photo"),
    ("Esc, G, N or Enter", "back to the grid"),
]
LIST_KEYS: list[tuple[str, str]] = [
    ("Enter, F or double-click", "open the photo in the loupe"),
    ("P or Space, X, U, 0-5, 6-9", "pick, reject, unflag, rate, colour label the selected photos"),
    ("Ctrl+Z", "undo"),
]
WINDOW_KEYS: list[tuple[str, str]] = [
    ("Ctrl+O", "open a folder"),
    ("Ctrl+Q", "quit"),
    ("?", "this list of keys"),
]


def undo_request(event) -> bool | None:
    """For a key event: None when it is not undo or redo, else whether it asks for redo
    (Ctrl+Z undo; Ctrl+Shift+Z or Ctrl+Y redo), as both culling views read it."""
    from PySide6.QtCore import Qt

    mods = event.modifiers()
    if not mods & Qt.ControlModifier or event.key() not in (Qt.Key_Z, Qt.Key_Y):
        return None
    return event.key() == Qt.Key_Y or bool(mods & Qt.ShiftModifier)


def help_html() -> str:
    """Every key, in two columns so that the list fits a laptop's window."""
    def rows(keys):
        return "".join(f"<tr><td style='padding-right:14px' nowrap><b>{k}</b></td><td width='330'>{v}</td></tr>"
                       for k, v in keys)

    def section(title, keys):
        return f"<h3>{title}</h3><table cellspacing='0'>{rows(keys)}</table>"

    left = section("Cull view", CULL_KEYS) + section("Library grid", GRID_KEYS) + section("Window", WINDOW_KEYS)
    right = (section("Loupe", LOUPE_KEYS)
             + section("Survey (N in the grid)", SURVEY_KEYS)
             + section("Search results, a person's photos, duplicates", LIST_KEYS))
    return (f"<table><tr><td valign='top' style='padding-right:28px'>{left}</td>"
            f"<td valign='top'>{right}</td></tr></table>"
            "<p>Decisions are saved at once. Press any key or click to close.</p>")


def tooltip(keys: list[tuple[str, str]] = CULL_KEYS) -> str:
    return "\n".join(f"{k}: {v}" for k, v in keys)
