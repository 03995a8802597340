"""The loupe's facts and histogram, Qt-free."""
import numpy as np

from app.core.histogram import clipping_overlay, histogram
from app.core.photo_facts import photo_facts, shutter


def test_facts_read_as_a_photographer_writes_them():
    photo = {"camera_make": "Canon", "camera_model": "Canon EOS 5D Mark IV", "lens": "EF 70-200mm f/2.8L",
             "f_number": 2.8, "iso": 1600, "exposure_time": 1 / 250, "focal_length": 135.0, "width": 6720,
             "height": 4480, "size": 9_437_184, "path": "/photos/2024/wedding/IMG_0001.CR2",
             "captured_at": "2024-06-01T14:03:22.120+02:00", "format": "CR2"}
    facts = dict(photo_facts(photo, {"sharpness": 0.1234, "face_count": 2, "highlights_clipped": 0.013},
                             ["sharpest", "eyes open"]))
    assert facts["Camera"] == "Canon EOS 5D Mark IV"              # the make is not said twice
    assert facts["Shutter"] == "1/250 s" and facts["Aperture"] == "f/2.8" and facts["ISO"] == "1600"
    assert facts["Focal length"] == "135 mm" and facts["Lens"] == "EF 70-200mm f/2.8L"
    assert facts["Size"] == "6720 × 4480 (30.1 MP), 9.0 MiB" and facts["File"] == "IMG_0001.CR2"
    assert facts["Captured"].startswith("2024-06-01 14:03:22")
    assert facts["Faces"] == "2" and facts["Highlights clipped"] == "1.3%" and facts["Sharpness"] == "0.123"
    assert facts["Suggested because"] == "sharpest, eyes open"
    assert shutter(2.0) == "2 s" and shutter(0.5) == "0.5 s" and shutter(None) is None
    assert "Shutter" not in dict(photo_facts({"path": "/a.jpg"}))  # unknown facts are left out


def test_histogram_and_clipping():
    img = np.full((100, 200, 3), 128, np.uint8)
    img[:10] = 255                                                 # 10 % blown
    img[-5:] = 0                                                   # 5 % black
    h = histogram(img)
    assert abs(h.highlights - 0.10) < 1e-6 and abs(h.shadows - 0.05) < 1e-6
    assert h.luma[128] == 85 * 200 and h.red[255] == 10 * 200
    assert h.warnings() == ["highlights clipped: 10.0 % of the picture", "shadows clipped: 5.0 % of the picture"]
    over = clipping_overlay(img)
    assert tuple(over[0, 0]) == (255, 0, 0, 255) and tuple(over[-1, 0])[2] == 255 and over[50, 50, 3] == 0
    assert histogram(np.full((10, 10, 3), 128, np.uint8)).warnings() == []


def test_a_make_without_a_model_is_said_not_a_crash():
    """A catalog row carries every column: a camera that wrote its make but no model has
    camera_model None (not absent)."""
    facts = dict(photo_facts({"camera_make": "Canon", "camera_model": None, "path": "/a.jpg", "width": None,
                              "height": None, "size": None, "f_number": None, "iso": None}))
    assert facts["Camera"] == "Canon"
