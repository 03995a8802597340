"""The index analyses the one full-resolution decode through views, never a copy of it, and
gets the features the ranker was trained on: the training path (``extract_one`` on the
full-resolution picture turned upright) and the index path (decoder -> ``FeaturePipeline``)
agree to float noise, on upright and on turned (EXIF orientation) camera-sized frames."""
import io

import numpy as np
import pytest
from PIL import Image

from app.core.decode import decode
from models.features.photo_features import PhotoFeatureExtractor
from models.features.upright import UprightView, orient
from tests.helpers import mosaic_2048


def _frame(orientation: int) -> bytes:
    """A 3200 x 2400 camera-like JPEG (public photos at their own resolution, sensor grain),
    stored turned with an EXIF tag when ``orientation`` != 1."""
    arr = np.asarray(mosaic_2048().resize((3200, 2400), Image.Resampling.BICUBIC), np.int16)
    rng = np.random.default_rng(orientation)
    arr = np.clip(arr + rng.normal(0, 5, arr.shape).astype(np.int16), 0, 255).astype(np.uint8)
    upright = Image.fromarray(arr)
    stored = upright
    for op in reversed(_inverse(orientation)):
        stored = stored.transpose(op)
    buf = io.BytesIO()
    exif = Image.Exif()
    exif[0x0112] = orientation
    stored.save(buf, "JPEG", quality=92, exif=exif.tobytes())
    return buf.getvalue()


def _inverse(orientation: int):
    T = Image.Transpose
    return {1: (), 6: (T.ROTATE_90,), 8: (T.ROTATE_270,), 3: (T.ROTATE_180,)}[orientation]


@pytest.mark.parametrize("orientation", [1, 6, 3])
def test_index_path_equals_training_path(orientation):
    data = _frame(orientation)
    decoded = decode(data, "x.jpg", native=True)
    assert decoded.native_view.stored_size == Image.open(io.BytesIO(data)).size      # kept as stored
    extractor = PhotoFeatureExtractor()
    fast = extractor.extract_one(decoded.native_view, decoded.image)
    full = decoded.native                                             # turned upright: a copy
    assert full.size == (decoded.width, decoded.height)
    slow = extractor.extract_one(full.copy(), decoded.image.copy())
    assert fast.quality.keys() == slow.quality.keys()
    for name, value in slow.quality.items():
        assert abs(fast.quality[name] - value) <= 1e-6 * max(1.0, abs(value)), name


def test_the_view_crops_like_the_turned_image():
    rng = np.random.default_rng(0)
    stored = Image.fromarray(rng.integers(0, 255, (37, 53, 3), np.uint8))
    for o in range(1, 9):
        view, turned = UprightView(stored, o), orient(stored, o)
        assert view.size == turned.size
        w, h = turned.size
        for box in [(0, 0, 5, 7), (3, 4, 20, 30), (0, 0, w, h), (w - 6, h - 9, w, h)]:
            assert np.array_equal(np.asarray(view.crop(box)), np.asarray(turned.crop(box))), (o, box)
        assert np.array_equal(view.gray(), np.asarray(turned.convert("L"), np.float32))


def test_extraction_makes_no_full_resolution_copy(monkeypatch):
    decoded = decode(_frame(6), "x.jpg", native=True)
    big = decoded.native_view.stored_size[0] * decoded.native_view.stored_size[1]
    copies = []
    real_copy, real_transpose, real_fromarray = Image.Image.copy, Image.Image.transpose, Image.fromarray

    def copy(self):
        copies.append(("copy", self.size))
        return real_copy(self)

    def transpose(self, method):
        copies.append(("transpose", self.size))
        return real_transpose(self, method)

    def fromarray(arr, *args, **kw):                    # the decoder's array made a picture
        copies.append(("fromarray", (arr.shape[1], arr.shape[0])))
        return real_fromarray(arr, *args, **kw)

    monkeypatch.setattr(Image.Image, "copy", copy)
    monkeypatch.setattr(Image, "fromarray", fromarray)
    monkeypatch.setattr(Image.Image, "transpose", transpose)
    PhotoFeatureExtractor().extract_one(decoded.native_view, decoded.image)
    assert not [c for c in copies if c[1][0] * c[1][1] >= big // 4], copies


def test_the_index_embeds_through_the_onnx_copy_with_the_torch_vectors():
    """The index uses the cheapest embedder that gives the library's vectors: the ONNX copy
    (OpenCV's DNN, ~15 ms a photo on one core against torch's ~23) once it exists."""
    import time

    from app.core.features.compute import FeaturePipeline
    from app.core.features.embedders import default_embedding_model, load_embedder, onnx_path

    torch_embedder = load_embedder()                        # exports the ONNX copy in a child process
    path = onnx_path(default_embedding_model(), torch_embedder.size)
    deadline = time.monotonic() + 120
    while not path.exists() and time.monotonic() < deadline:
        time.sleep(0.5)
    assert path.exists()
    pipeline = FeaturePipeline(faces=False, iqa=False)
    decoded = decode(_frame(1), "x.jpg", native=True)
    record = pipeline.compute(decoded)
    assert type(pipeline.prepare().embedder).__name__ == "OnnxEmbedder"
    assert np.abs(record.embedding - torch_embedder.embed([decoded.image])[0]).max() < 1e-5
