"""The loupe's picture cache is keyed by path; a file saved over (an edit, a copy under the
same name) is decoded again instead of showing its old picture."""
import os

from PIL import Image

from app.ui.preview_cache import PreviewCache


class _NowWorkers:
    """Runs each job at once, on this thread."""

    def start(self, fn, pool=None, on_result=None, on_error=None):
        try:
            result = fn(lambda: False)
        except Exception as exc:          # noqa: BLE001 - handed over as the real pool does
            on_error(str(exc))
            return
        on_result(result)


def _colour(image) -> tuple[int, int, int]:
    c = image.pixelColor(image.width() // 2, image.height() // 2)
    return c.red(), c.green(), c.blue()


def test_a_file_saved_over_is_decoded_again(qtbot, tmp_path):
    path = tmp_path / "a.jpg"
    Image.new("RGB", (64, 48), (220, 20, 20)).save(path, quality=95)
    cache = PreviewCache(_NowWorkers())
    cache.area = (32, 24)
    cache.request(str(path))
    first = cache.get(str(path))
    assert first is not None and _colour(first)[0] > 180 and str(path) in cache.fitted
    assert cache.get(str(path)) is first                   # unchanged: served from the cache
    Image.new("RGB", (64, 48), (20, 20, 220)).save(path, quality=90)
    st = os.stat(path)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    assert cache.get(str(path)) is None and str(path) not in cache.fitted
    cache.request(str(path))
    assert _colour(cache.get(str(path)))[2] > 180


def test_a_broken_file_replaced_by_a_good_one_is_tried_again(qtbot, tmp_path):
    path = tmp_path / "b.jpg"
    path.write_bytes(b"not a picture")
    cache = PreviewCache(_NowWorkers())
    cache.request(str(path))
    assert cache.get(str(path)) is None and (str(path), False) in cache.failed
    Image.new("RGB", (64, 48), (20, 200, 20)).save(path)
    cache.request(str(path))
    assert cache.get(str(path)) is not None and (str(path), False) not in cache.failed
