import io
import struct

import pytest
from PIL import Image

from app.core import exif
from app.core.decode import decode
from tests.helpers import sample


def _meta(rel):
    with Image.open(sample(rel)) as im:
        return exif.from_pillow(im)


def test_canon_capture_time_with_subseconds_and_offset():
    m = _meta("faces/deepface_P01/img1.jpg")
    assert m.captured_at == "2019-07-20T17:45:22.160000-07:00"
    assert m.captured_ts == pytest.approx(1563669922.16)
    assert (m.camera_make, m.camera_model) == ("Canon", "Canon EOS 5D Mark IV")
    assert m.lens == "EF300mm f/2.8L IS USM +1.4x"
    assert m.exposure_time == pytest.approx(1 / 200) and m.f_number == 4.0 and m.iso == 3200


def test_nikon_and_old_compact_metadata():
    m = _meta("faces/Alex_Lacamoire/alex_lacamoire1.jpg")
    assert m.camera_make == "NIKON CORPORATION" and m.camera_model == "NIKON D810"
    assert m.captured_at == "2016-05-04T11:49:48" and m.iso == 100
    m = _meta("photos/opencv-doc_board.jpg")
    assert m.camera_model == "C2000Z" and m.captured_at.startswith("2002-09-13")


def test_fujifilm_maker_note_is_read_without_error():
    m = _meta("photos/pillow_fujifilm.jpg")
    assert m.camera_make == "FUJIFILM" and m.sequence_number is None  # 0 means "not in a sequence"


def test_file_without_exif_gives_empty_meta():
    m = _meta("photos/scikit-image_chelsea.jpg")
    assert m.captured_ts is None and m.orientation == 1


def test_parse_datetime_rejects_garbage_and_handles_offsets():
    assert exif.parse_datetime("0000:00:00 00:00:00") == (None, None)
    assert exif.parse_datetime("not a date") == (None, None)
    iso, ts = exif.parse_datetime("2020:01:01 12:00:00", "5", "+02:00")
    assert iso == "2020-01-01T12:00:00.500000+02:00"
    assert ts == pytest.approx(1577872800.5)


def _jpeg_with_exif(exif_obj, size=(64, 48)):
    buf = io.BytesIO()
    Image.new("RGB", size, (200, 50, 50)).save(buf, "JPEG", exif=exif_obj)
    return buf.getvalue()


def test_gps_orientation_and_apple_burst_uuid_from_crafted_exif():
    ex = Image.Exif()
    ex[0x010F] = "Apple"
    ex[0x0112] = 6
    gps = ex.get_ifd(0x8825)
    gps.update({1: "N", 2: (48.0, 51.0, 29.6), 3: "W", 4: (2.0, 17.0, 40.2), 5: b"\x00", 6: 35.5})
    uuid = b"9C3A5E1B-0000-4F1E-A5C2-1234567890AB\x00"
    ifd_offset = 14
    entry_data_offset = ifd_offset + 2 + 12 + 4
    note = (b"Apple iOS\x00\x00\x01MM" + struct.pack(">H", 1)
            + struct.pack(">HHII", 0x000B, 2, len(uuid), entry_data_offset) + b"\x00\x00\x00\x00" + uuid)
    ex.get_ifd(0x8769).update({0x9003: "2023:05:01 10:00:00", 0x9291: "25", 0x927C: note})
    data = _jpeg_with_exif(ex)
    with Image.open(io.BytesIO(data)) as im:
        m = exif.from_pillow(im)
    assert m.gps_lat == pytest.approx(48.858222, abs=1e-5)
    assert m.gps_lon == pytest.approx(-2.294500, abs=1e-5)
    assert m.gps_alt == pytest.approx(35.5)
    assert m.burst_id == "9C3A5E1B-0000-4F1E-A5C2-1234567890AB"
    assert m.captured_at == "2023-05-01T10:00:00.250000"
    d = decode(data, "x.jpg")
    assert (d.width, d.height) == (48, 64) and d.image.size == (48, 64)  # rotated upright


def test_exifread_tags_for_raw_files():
    class Tag:
        def __init__(self, values):
            self.values = values

        def __str__(self):
            return str(self.values)

    class R:
        def __init__(self, n, d):
            self.num, self.den = n, d

    tags = {"Image Make": Tag("NIKON CORPORATION"), "Image Model": Tag("NIKON Z 6"),
            "Image Orientation": Tag([8]), "EXIF DateTimeOriginal": Tag("2021:06:01 08:30:00"),
            "EXIF SubSecTimeOriginal": Tag("07"), "EXIF ExposureTime": Tag([R(1, 1000)]),
            "EXIF FNumber": Tag([R(28, 10)]), "EXIF ISOSpeedRatings": Tag([400]),
            "MakerNote ContinuousDrive": Tag("Continuous High"),
            "MakerNote SequenceNumber": Tag([3])}
    m = exif.from_exifread(tags)
    assert m.camera_model == "NIKON Z 6" and m.orientation == 8
    assert m.captured_at == "2021-06-01T08:30:00.070000"
    assert m.exposure_time == pytest.approx(0.001) and m.f_number == pytest.approx(2.8) and m.iso == 400
    assert m.drive_mode == "Continuous High" and m.sequence_number == 3
