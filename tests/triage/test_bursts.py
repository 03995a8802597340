import numpy as np

from app.core.bursts import BurstSettings, Frame, group

RNG = np.random.default_rng(0)


def _scene():
    v = RNG.normal(size=64)
    return v / np.linalg.norm(v)


def _frame_of(scene, jitter=0.05):
    v = scene + jitter * RNG.normal(size=scene.shape)
    return v / np.linalg.norm(v)


def _frames(spec):
    """spec: (id, ts, camera, scene vector) -> frames and vectors."""
    frames = [Frame(i, f"/lib/{i:03d}.jpg", ts, cam, None) for i, ts, cam, _ in spec]
    return frames, {i: _frame_of(s) for i, _, _, s in spec}


def _ids(groups):
    return [[f.id for f in g] for g in groups]


def test_slow_sequence_of_one_scene_is_one_burst():
    s = _scene()
    frames, vecs = _frames([(i, 100 + 4.0 * i, ("Fuji", "X", ""), s) for i in range(5)])
    assert _ids(group(frames, vecs)) == [[0, 1, 2, 3, 4]]


def test_scene_change_one_second_later_starts_a_new_burst():
    a, b = _scene(), _scene()
    spec = [(0, 10.0, ("C", "1", ""), a), (1, 10.3, ("C", "1", ""), a), (2, 10.6, ("C", "1", ""), a),
            (3, 11.6, ("C", "1", ""), b), (4, 11.9, ("C", "1", ""), b)]
    frames, vecs = _frames(spec)
    assert _ids(group(frames, vecs)) == [[0, 1, 2], [3, 4]]


def test_singletons_and_long_gaps_are_not_bursts():
    s = _scene()
    frames, vecs = _frames([(0, 0.0, ("C", "1", ""), s), (1, 60.0, ("C", "1", ""), s), (2, 200.0, ("C", "1", ""), _scene())])
    assert group(frames, vecs) == []


def test_photos_without_exif_still_group_by_file_time_and_look():
    a, b = _scene(), _scene()
    unknown = ("", "", "")
    frames, vecs = _frames([(0, 5.0, unknown, a), (1, 5.0, unknown, a), (2, 5.0, unknown, b), (3, 5.0, unknown, b)])
    assert sorted(_ids(group(frames, vecs))) == [[0, 1], [2, 3]]


def test_two_cameras_interleaved_stay_apart():
    a, b = _scene(), _scene()
    spec = []
    for i in range(4):
        spec.append((i, 50 + i * 0.5, ("Canon", "R6", "111"), a))
        spec.append((10 + i, 50.2 + i * 0.5, ("Sony", "A7", "222"), b))
    frames, vecs = _frames(spec)
    assert sorted(_ids(group(frames, vecs))) == [[0, 1, 2, 3], [10, 11, 12, 13]]


def test_camera_burst_tag_joins_frames_even_when_the_subject_changes():
    frames = [Frame(i, f"/l/{i}.jpg", 1.0 + i * 12, ("F", "X", ""), "seq-1") for i in range(3)]
    vecs = {i: _scene() for i in range(3)}
    assert _ids(group(frames, vecs)) == [[0, 1, 2]]


def test_thresholds_are_configurable():
    s = _scene()
    frames, vecs = _frames([(i, 8.0 * i, ("C", "1", ""), s) for i in range(3)])
    assert group(frames, vecs, BurstSettings(max_gap_s=5)) == []
    assert _ids(group(frames, vecs, BurstSettings(max_gap_s=10))) == [[0, 1, 2]]


def test_a_strongly_overexposed_frame_keeps_its_burst_by_layout_rank():
    """Real frames: the layout of a clipped, over-exposed copy still ranks like the original,
    while a different photo's layout does not."""
    from PIL import Image

    from app.core.bursts import layout_similarity, layout_views
    from app.core.features.compute import layout_vector
    from tests.helpers import sample
    from training.datasets.degradations import degrade

    img = Image.open(sample("bursts/vtest-burst06_t53s/f03.jpg")).convert("RGB")
    bright = degrade(img, "overexpose", seed=0)
    other = Image.open(sample("photos/opencv-doc_fruits.jpg")).convert("RGB")
    views = {k: layout_views(layout_vector(im)) for k, im in (("a", img), ("b", bright), ("c", other))}
    linear = float(views["a"][0] @ views["b"][0])
    assert layout_similarity(views["a"], views["b"]) >= BurstSettings().min_layout > linear
    assert layout_similarity(views["a"], views["c"]) < BurstSettings().quick_layout
    s, t = _scene(), _scene()
    frames, vecs = _frames([(0, 0.0, ("C", "1", ""), s), (1, 4.0, ("C", "1", ""), t), (2, 8.0, ("C", "1", ""), s)])
    layouts = {0: views["a"], 1: views["b"], 2: views["a"]}
    assert _ids(group(frames, vecs, layouts=layouts)) == [[0, 1, 2]]
