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


def test_a_file_saved_over_is_decoded_again(qtbot, tmp_path, monkeypatch):
    monkeypatch.setattr(PreviewCache, "FRESH_EVERY_S", 0.0)
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
    assert cache.get(str(path)) is first                   # a lookup does not touch the disk
    cache.request(str(path))                               # the loupe asks for it again: read anew
    assert _colour(cache.get(str(path)))[2] > 180 and cache.fitted[str(path)] is not first


def test_a_broken_file_replaced_by_a_good_one_is_tried_again(qtbot, tmp_path, monkeypatch):
    monkeypatch.setattr(PreviewCache, "FRESH_EVERY_S", 0.0)
    path = tmp_path / "b.jpg"
    path.write_bytes(b"not a picture")
    cache = PreviewCache(_NowWorkers())
    cache.request(str(path))
    assert cache.get(str(path)) is None and (str(path), False) in cache.failed
    cache.request(str(path))
    assert (str(path), False) in cache.failed              # unchanged: said once, not tried again
    Image.new("RGB", (64, 48), (20, 200, 20)).save(path)
    cache.request(str(path))
    assert cache.get(str(path)) is not None and (str(path), False) not in cache.failed


def test_a_file_that_changed_while_it_was_read_is_read_again(qtbot, tmp_path, monkeypatch):
    """The stamp is taken before the read: a write that lands during a failed read is not
    mistaken for the file that failed."""
    monkeypatch.setattr(PreviewCache, "FRESH_EVERY_S", 0.0)
    path = tmp_path / "c.jpg"
    path.write_bytes(b"half written")

    class _Racing(_NowWorkers):
        def start(self, fn, pool=None, on_result=None, on_error=None):
            def finish_write_then_fail(cancel):
                Image.new("RGB", (64, 48), (20, 20, 200)).save(path)      # the writer finishes meanwhile
                raise OSError("cannot identify image file")
            super().start(finish_write_then_fail, pool, on_result, on_error)

    cache = PreviewCache(_Racing())
    cache.request(str(path))
    assert (str(path), False) in cache.failed
    cache.workers = _NowWorkers()
    cache.request(str(path))
    assert cache.get(str(path)) is not None and (str(path), False) not in cache.failed


def test_pictures_pushed_out_of_the_cache_leave_no_stamps(qtbot, tmp_path):
    cache = PreviewCache(_NowWorkers(), fit_capacity=2)
    for i in range(5):
        p = tmp_path / f"{i}.jpg"
        Image.new("RGB", (16, 16), (i * 40, 0, 0)).save(p)
        cache.request(str(p))
    assert len(cache._stamps) == 2
