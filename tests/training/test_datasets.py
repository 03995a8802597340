import numpy as np
import pytest
from PIL import Image

from training.datasets.degradations import DEGRADATIONS, degrade
from training.datasets.pair_list import parse_pair_list, series_split
from tests.helpers import sample

LINES = """# series photo1 photo2 ratio rank1 rank2
1 1-1.JPG 1-2.JPG 0.9 1 2
1 1-1.JPG 1-3.JPG 0.55 1 3
2 2-1.JPG 2-2.JPG 0.2 2 1
"""


def test_pair_list_parsing_and_agreement_filter():
    pairs = parse_pair_list(LINES.splitlines())
    assert len(pairs) == 3 and pairs[0].target == 1 and pairs[2].target == -1
    assert pairs[2].agreement == pytest.approx(0.8) and pairs[0].rank2 == 2
    assert [p.first for p in parse_pair_list(LINES.splitlines(), min_agreement=0.7)] == ["1-1.JPG", "2-1.JPG"]
    with pytest.raises(ValueError, match="line 1"):
        parse_pair_list(["1 a.jpg b.jpg 1.7"])


def test_series_split_never_leaks_a_series():
    lines = [f"{s} {s}-a.jpg {s}-b{i}.jpg 0.8" for s in range(300) for i in range(3)]
    splits = series_split(parse_pair_list(lines), {"train": 0.7, "val": 0.15, "test": 0.15}, seed=1)
    series = {name: {p.series for p in pairs} for name, pairs in splits.items()}
    assert not (series["train"] & series["val"]) and not (series["train"] & series["test"])
    assert not (series["val"] & series["test"])
    assert sum(len(v) for v in splits.values()) == 900
    assert 150 < len(series["train"]) < 270 and len(series["val"]) > 20


def test_quality_pair_split_does_not_depend_on_where_the_data_lives():
    from training.datasets.quality_pairs import make_quality_pairs

    names = [f"photos/p{i:02d}.jpg" for i in range(40)]

    def split_of(root):
        pairs = make_quality_pairs([f"{root}/{n}" for n in names], ("noise", "defocus"))
        return {k: sorted((p.series, p.kind) for p in v)
                for k, v in series_split(pairs, {"train": 0.7, "val": 0.3}, seed=0).items()}

    here, there = split_of("/home/someone/testdata"), split_of("/tmp/elsewhere/testdata")
    assert here == there and here["val"] and here["train"]


@pytest.mark.parametrize("kind", sorted(DEGRADATIONS))
def test_each_degradation_changes_a_real_photo_deterministically(kind):
    img = Image.open(sample("photos/scikit-image_coffee.jpg")).convert("RGB")
    a, b = degrade(img, kind, seed=3), degrade(img, kind, seed=3)
    assert a.size == img.size and np.array_equal(np.asarray(a), np.asarray(b))
    diff = np.abs(np.asarray(a, float) - np.asarray(img, float))
    assert diff.mean() > 2 or np.percentile(diff, 95) > 6       # missed focus on the subject is local
    mild = np.abs(np.asarray(degrade(img, kind, seed=3, severity=0.25), float) - np.asarray(img, float))
    assert mild.mean() < diff.mean()                             # a milder strength changes less


def test_training_and_heldout_families_are_disjoint():
    from training.datasets.degradations import HELDOUT_FAMILIES, TRAIN_FAMILIES
    from training.datasets.quality_pairs import make_quality_pairs

    assert not set(TRAIN_FAMILIES) & set(HELDOUT_FAMILIES)
    kinds = {p.kind for p in make_quality_pairs(["photos/a.jpg", "photos/b.jpg"], variants=2)}
    assert kinds == set(TRAIN_FAMILIES)


def test_low_key_tones_make_their_own_pairs_from_a_darkened_clean_photo():
    from training.datasets.quality_pairs import PairRenderer, apply_tone, make_quality_pairs

    src = str(sample("photos/scikit-image_coffee.jpg"))
    plain = make_quality_pairs([src], ("noise", "overexpose"), variants=2)
    both = make_quality_pairs([src], ("noise", "overexpose"), tones={1.0: 2, 2.5: 1})
    assert [p.key for p in both if p.tone == 1.0] == [p.key for p in plain]     # cached features stay valid
    low = [p for p in both if p.tone == 2.5]
    assert len(low) == 2 and all(p.key.endswith(":g2.5") for p in low)
    img = Image.open(src).convert("RGB")
    dark = np.asarray(apply_tone(img, 2.5), float)
    assert dark.mean() < 0.6 * np.asarray(img, float).mean()
    assert np.array_equal(np.asarray(apply_tone(Image.new("RGB", (2, 1), (255, 255, 255)), 2.5)), np.full((1, 2, 3), 255))
    renderer = PairRenderer(max_side=256)
    clean, worse = renderer.clean(src, 2.5), renderer.degraded(low[1])
    assert np.asarray(clean, float).mean() < np.asarray(renderer.clean(src), float).mean()
    assert np.asarray(worse, float).mean() > np.asarray(clean, float).mean()     # overexposed from the low-key photo
