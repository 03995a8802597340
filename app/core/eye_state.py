"""Whose eyes are open: each face's eye state as stored by the index (the eye-state model,
models/face/eye_state.py), the prominent faces of a frame, and a frame's state as its worst
prominent face ("everyone's eyes open"). The burst suggestion and its "eyes open" reason are
decided from these (app/core/ranking.py); the cull view shows them (:func:`frame_caption`)."""
from __future__ import annotations

from dataclasses import dataclass

from models.face.eye_state import CLOSED, OPEN, UNKNOWN, face_state, state, surely_open

# A face is prominent when it is at least this fraction of the frame's largest face (by width):
# the people the photograph is of, not the crowd behind them.
PROMINENT = 0.5
NO_FACE = "none"


@dataclass(frozen=True)
class FaceEyes:
    box: tuple[float, float, float, float]     # x, y, w, h in full-resolution pixels
    right: str                                 # open / closed / unknown, the subject's right eye
    left: str
    state: str                                 # the face's: closed if an eye is, open if they are
    prominent: bool
    sure: bool = False                         # open with the margin "eyes open" asks for


def faces_eyes(rows: list[dict]) -> list[FaceEyes]:
    """Face rows of one photo (catalog.features.faces) -> each face's eye state, largest first."""
    rows = sorted(rows, key=lambda r: -(r.get("w") or 0.0) * (r.get("h") or 0.0))
    largest = max([r.get("w") or 0.0 for r in rows], default=0.0)
    out = []
    for r in rows:
        openness = (r.get("eye_right"), r.get("eye_left"))
        out.append(FaceEyes((r["x"], r["y"], r["w"], r["h"]), state(openness[0]), state(openness[1]),
                            face_state(openness), (r.get("w") or 0.0) >= PROMINENT * largest, surely_open(openness)))
    return out


def frame_state(faces: list[FaceEyes]) -> str:
    """The frame's eye state from its prominent faces: closed when any of them has closed eyes,
    open when every one is open, unknown otherwise; ``none`` without a face."""
    states = [f.state for f in faces if f.prominent]
    if not states:
        return NO_FACE
    if CLOSED in states:
        return CLOSED
    return OPEN if all(s == OPEN for s in states) else UNKNOWN


def surely_open_frame(faces: list[FaceEyes]) -> bool:
    """Every prominent face open with the margin that "eyes open" as a reason asks for."""
    prominent = [f for f in faces if f.prominent]
    return bool(prominent) and all(f.sure for f in prominent)


def burst_states(catalog, photo_ids: list[int]) -> dict[int, str]:
    """Each frame's eye state (``frame_state``) for the photos of a burst."""
    rows: dict[int, list[dict]] = {pid: [] for pid in photo_ids}
    for row in catalog.features.faces(photo_ids):
        rows.setdefault(row["photo_id"], []).append(row)
    return {pid: frame_state(faces_eyes(rows[pid])) for pid in photo_ids}


def eyes_open_reason(best: str, others: list[str], sure: bool = True) -> bool:
    """"eyes open" is a reason for the best frame only when every prominent face in it was seen
    open (``sure``: with the margin of models.face.eye_state.SURE_OPEN_ABOVE) and some other
    frame of the burst was seen with closed eyes."""
    return best == OPEN and sure and CLOSED in others


def frame_caption(catalog, photo_id: int) -> str:
    """What the cull view shows under a frame: each prominent face's state, e.g.
    "eyes: open" (one face), "eyes: 2 open, 1 closed", "eyes: can't tell"; "" without a face."""
    faces = [f for f in faces_eyes(catalog.features.faces([photo_id])) if f.prominent]
    if not faces:
        return ""
    counts = {s: sum(f.state == s for f in faces) for s in (OPEN, CLOSED, UNKNOWN)}
    words = {OPEN: "open", CLOSED: "closed", UNKNOWN: "can't tell"}
    if len(faces) == 1:
        return f"eyes: {words[faces[0].state]}"
    return "eyes: " + ", ".join(f"{n} {words[s]}" for s, n in counts.items() if n)
