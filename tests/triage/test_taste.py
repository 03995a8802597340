"""Taste without forgetting: a user who likes darker frames, but sharp ones.

Each burst holds four exposures of one photo plus a blurred copy of the darkest frame
(Gaussian sigma 2.5 px at 1600 px, scaled to the photo's size). The user marks the dark sharp
frame best and rejects the rest. After 10 and after 30 such bursts the fine-tuned ranker must
pick the dark sharp frame in >= 80 % and >= 90 % of 18 held-out bursts: it learns "darker"
without learning "blurred"."""
import numpy as np
import pytest
from PIL import Image, ImageFilter

from app.core.jobs import drive
from benchmarks.triage_library import _save
from tests.helpers import TESTDATA, sample

GAINS = (0.55, 0.75, 1.0, 1.25)
TRAIN_BURSTS, HELD_BURSTS = 30, 18


def _sources() -> list:
    """48 public photos, scenes and portraits mixed in a fixed random order (a user's library)."""
    import random

    photos = sorted((TESTDATA / "photos").glob("*.jpg")) + sorted((TESTDATA / "faces").rglob("*.jpg"))
    usable = [p for p in photos if min(Image.open(p).size) >= 240]
    chosen = usable[::max(1, len(usable) // (TRAIN_BURSTS + HELD_BURSTS))][:TRAIN_BURSTS + HELD_BURSTS]
    random.Random(0).shuffle(chosen)
    return chosen


@pytest.fixture(scope="module")
def dark_sharp_library(tmp_path_factory):
    from tests.triage.test_ranking_learning import _index

    sample("photos")
    base = tmp_path_factory.mktemp("dark-sharp")
    root = base / "lib"
    bursts = []
    for b, src in enumerate(_sources()):
        img = Image.open(src).convert("RGB")
        arr = np.asarray(img, np.float32)
        folder = root / f"b{b:02d}"
        folder.mkdir(parents=True)
        frames = []
        for i, g in enumerate(GAINS):
            frames.append(folder / f"f{i}.jpg")
            _save(Image.fromarray(np.clip(arr * g, 0, 255).astype(np.uint8)), frames[-1], 1.7e9 + 60 * b + 0.5 * i,
                  ("Fujifilm", "X-T4"))
        dark = Image.open(frames[0]).convert("RGB")
        blurred = dark.filter(ImageFilter.GaussianBlur(2.5 * max(img.size) / 1600))
        frames.append(folder / "f4.jpg")
        _save(blurred, frames[-1], 1.7e9 + 60 * b + 2.0, ("Fujifilm", "X-T4"))
        bursts.append(frames)
    assert len(bursts) == TRAIN_BURSTS + HELD_BURSTS
    cat = _index(root, base / "catalog.db")
    yield cat, bursts
    cat.close()


def _choices(cat, bursts) -> list[int]:
    """Index of the suggested best frame in each burst (0: dark and sharp, 4: the blurred copy)."""
    from app.core.learning import load_current_ranker

    ranker = load_current_ranker(cat)
    out = []
    for frames in bursts:
        ids = [cat.photos.id_for_path(str(p)) for p in frames]
        out.append(ids.index(ranker.rank(cat, ids).best))
    return out


def _decide(cat, bursts) -> None:
    for frames in bursts:
        ids = [cat.photos.id_for_path(str(p)) for p in frames]
        cat.decisions.record(ids[0], "best", 1)
        for pid in ids[1:]:
            cat.decisions.record(pid, "pick", -1)


def test_darker_but_sharp_taste_is_learnt_without_forgetting_sharpness(dark_sharp_library):
    from app.core import learning

    cat, bursts = dark_sharp_library
    # held-out bursts spread over the library (photos and portraits alike), as a user's would be
    held = [b for i, b in enumerate(bursts) if i % 8 in (1, 4, 6)]
    train = [b for i, b in enumerate(bursts) if i % 8 not in (1, 4, 6)]
    assert len(train) == TRAIN_BURSTS and len(held) == HELD_BURSTS
    before = _choices(cat, held)
    _decide(cat, train[:10])
    first = drive(learning.train_job(cat))
    after10 = _choices(cat, held)
    _decide(cat, train[10:])
    second = drive(learning.train_job(cat))
    after30 = _choices(cat, held)
    share = lambda chosen: chosen.count(0) / len(chosen)       # noqa: E731
    print(f"dark-but-sharp user, {len(held)} held-out bursts: shipped {share(before):.2f} {before}, "
          f"after 10 picked bursts {share(after10):.2f} {after10} ({first.message}), "
          f"after 30 {share(after30):.2f} {after30} ({second.message})")
    assert first.adopted
    assert share(after10) >= 0.8
    assert share(after30) >= 0.9
    assert after30.count(4) <= 1, f"the blurred copy was suggested in {after30.count(4)} held-out bursts"
