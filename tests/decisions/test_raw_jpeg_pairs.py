"""A raw + JPEG pair sharing ``name.xmp`` is one photo, as Lightroom and Capture One treat it:
a decision on either file is the decision of both (one undo step); with ``name.ext.xmp`` each
file keeps its own."""
import pytest

from app.core.catalog import Catalog
from app.core.culling import decide, undo
from tests.decisions.helpers import add_photo, library


@pytest.fixture
def pair(tmp_path):
    raw, jpg, other = library(tmp_path, ["IMG_3.dng", "IMG_3.jpg", "IMG_30.jpg"])
    cat = Catalog(tmp_path / "c.db")
    ids = [add_photo(cat, p) for p in (raw, jpg, other)]
    yield cat, ids
    cat.close()


def _states(cat, ids):
    return [(cat.decisions.state(i).pick, cat.decisions.state(i).rating or 0, cat.decisions.state(i).best) for i in ids]


def test_with_shared_sidecars_a_decision_on_either_file_is_the_pairs(pair):
    cat, (raw, jpg, other) = pair
    cat.settings.set({"xmp.naming": "base"})
    decide(cat, raw, "pick", 1)
    decide(cat, raw, "rating", 5)
    assert _states(cat, [raw, jpg, other]) == [(1, 5, False), (1, 5, False), (0, 0, False)]
    decide(cat, jpg, "pick", -1)                      # rejecting the JPEG rejects the raw too
    assert _states(cat, [raw, jpg]) == [(-1, 5, False), (-1, 5, False)]
    undo(cat)                                         # one action, one undo step
    assert _states(cat, [raw, jpg]) == [(1, 5, False), (1, 5, False)]
    decide(cat, jpg, "best", 1, burst=[raw, jpg])
    assert _states(cat, [raw, jpg]) == [(1, 5, False), (1, 5, True)]   # one best; the pair accepted


def test_with_own_sidecars_each_file_keeps_its_decision(pair):
    cat, (raw, jpg, other) = pair
    decide(cat, raw, "pick", 1)
    decide(cat, jpg, "pick", -1)
    assert _states(cat, [raw, jpg]) == [(1, 0, False), (-1, 0, False)]
