"""Issue 31: sets as photographers shoot them. An exposure bracket and a handheld panorama are
each one set of their kind, kept whole (no best, so nothing suggested for rejection); a burst
of one moment stays a burst with a best."""
import json
import os
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from app.core.jobs import drive  # noqa: F401  (integ's registration test uses it)
from app.core.sets.kinds import BRACKET, BURST, FrameFacts, is_bracket, visible_ladder
from benchmarks.sets_quality import expose, save
from tests.helpers import REPO, indexed_catalog, sample

T = 1_660_000_000.0


def _index(tmp_path, root):
    with indexed_catalog(tmp_path, root) as cat:
        return cat.path


def _bursts_json(db):
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    r = subprocess.run([sys.executable, "-m", "app.cli", "bursts", "--db", str(db), "--json"], cwd=REPO, env=env,
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    """A Canon EOS 5D Mark II bracket (1/8 s, 1 s, 8 s within 3 s), an EXIF-less bracket, six
    frames of a handheld panorama 3 s apart, and a real burst."""
    tmp = tmp_path_factory.mktemp("sets")
    root = tmp / "lib"
    view = Image.open(sample("photos/tuxpaint-data_cliff.jpg")).convert("RGB")
    for i, (seconds, ev) in enumerate(((1 / 8, 0), (1.0, 3), (8.0, 6))):
        save(expose(view, ev - 3), root / "bracket" / f"IMG_{i + 1:04d}.jpg", T + 1.5 * i, (seconds, 11.0, 100))
    wide = Image.open(sample("photos/tuxpaint-data_jellyfish.jpg")).convert("RGB")
    w, h = wide.size
    for i, angle in enumerate((0.0, 1.2, -0.8, 1.5, -1.0, 0.6)):
        x = int(i * 0.12 * w)
        turned = wide.rotate(angle, resample=Image.Resampling.BICUBIC, center=(x + 0.2 * w, h / 2))
        save(turned.crop((x, int(h * 0.05), x + int(0.38 * w), int(h * 0.95))), root / "pano" / f"IMG_{i + 10:04d}.jpg",
             T + 100 + 3.0 * i, (1 / 125, 8.0, 100))
    # the same bracket stripped of EXIF (an export): a -1 / 0 / +1 ladder of a bright view whose
    # +1 frame clips (its mean brightness climbs by 0.15 stop only)
    bright = expose(Image.open(sample("photos/opencv-doc_building.jpg")).convert("RGB"), 1.0)
    for i, ev in enumerate((0, -1, 1)):
        save(expose(bright, ev), root / "stripped" / f"IMG_{i + 30:04d}.jpg", T + 300 + 0.5 * i, None)
    # and a -2 / 0 / +2 ladder stripped of EXIF whose +2 frame is mostly white: its embedding and
    # layout no longer look like the others', the pictures still show one view two stops apart
    lifted = expose(Image.open(sample("photos/opencv-doc_scenetext05.jpg")).convert("RGB"), 0.5)
    for i, ev in enumerate((0, -2, 2)):
        save(expose(lifted, ev), root / "clipped" / f"IMG_{i + 40:04d}.jpg", T + 400 + 0.5 * i, None)
    # a burst copied without EXIF (one file time) whose third frame is blown out ...
    from training.datasets.degradations import degrade

    for i, frame in enumerate(sorted(sample("bursts/vtest-burst03_t23s").glob("*.jpg"))):
        img = Image.open(frame).convert("RGB")
        save(degrade(img, "overexpose", 7, 1.0) if i == 2 else img, root / "spoiled" / frame.name, T + 500, None)
    for i, frame in enumerate(sorted(sample("bursts/vtest-burst05_t43s").glob("*.jpg"))):     # ... or its last
        img = Image.open(frame).convert("RGB")
        save(degrade(img, "overexpose", 8, 1.0) if i == 4 else img, root / "spoiled_last" / frame.name, T + 600,
             None)
    for i, frame in enumerate(sorted(sample("bursts/hamilton-burst01_t1s").glob("*.jpg"))):
        save(Image.open(frame), root / "burst" / frame.name, T + 200 + 0.4 * i, (1 / 250, 4.0, 200))
    db = _index(tmp, root)
    return root, _bursts_json(db), db


def _sets_in(doc, folder):
    return [s for s in doc if any(f"/{folder}/" in p for p in s["photos"])]


def test_an_exposure_bracket_is_one_bracket_without_a_best(library):
    root, doc, _db = library
    sets = _sets_in(doc, "bracket")
    assert len(sets) == 1 and len(sets[0]["photos"]) == 3, sets
    assert sets[0]["kind"] == "bracket"
    assert sets[0]["best"] is None and sets[0]["scores"] == {} and "reasons" not in sets[0]


def test_a_bracket_stripped_of_exif_is_one_bracket_without_a_best(library):
    root, doc, _db = library
    sets = _sets_in(doc, "stripped")
    assert len(sets) == 1 and len(sets[0]["photos"]) == 3, sets
    assert sets[0]["kind"] == "bracket"
    assert sets[0]["best"] is None and sets[0]["scores"] == {}


def test_a_stripped_bracket_whose_bright_frame_clips_stays_one_bracket(library):
    root, doc, db = library
    sets = _sets_in(doc, "clipped")
    assert len(sets) == 1 and len(sets[0]["photos"]) == 3, sets
    assert sets[0]["kind"] == "bracket" and sets[0]["best"] is None


def test_without_the_pictures_the_clipped_frame_falls_out(library):
    """The grouping needs the pictures' evidence for it (the test above cannot pass by chance)."""
    from app.core.bursts import group, layout_views_all, load_frames
    from app.core.catalog import Catalog
    from app.core.library_models import embedding_model
    from app.core.sets.intent import Pictures, exposure_step

    root, doc, db = library
    with Catalog(db) as cat:
        ids, vecs = cat.features.vectors(embedding_model(cat), dtype=np.float16)
        vectors = dict(zip(ids.tolist(), vecs))
        ids, vecs = cat.features.vectors("layout16")
        layouts = dict(zip(ids.tolist(), layout_views_all(vecs)))
        frames = [f for f in load_frames(cat) if "/clipped/" in f.path]
        pictures = Pictures(cat)
        blind = group(frames, vectors, layouts=layouts)
        seeing = group(frames, vectors, layouts=layouts, same_view=lambda a, b: exposure_step(pictures, a.id, b.id))
    assert [len(g) for g in seeing] == [3]
    assert [len(g) for g in blind] != [3]


@pytest.mark.parametrize("folder", ["spoiled", "spoiled_last"])
def test_an_exif_less_burst_with_a_blown_out_frame_stays_one_burst(library, folder):
    root, doc, _db = library
    sets = _sets_in(doc, folder)
    assert len(sets) == 1 and len(sets[0]["photos"]) == 5, sets
    assert sets[0]["kind"] == "burst" and sets[0]["best"] is not None


def _grays(view, evs):
    return [np.asarray(expose(view, ev).convert("L")) for ev in evs]


def test_the_visible_ladder_is_one_even_gain_of_one_layout():
    """Without EXIF a bracket is read from the pictures: the light steps by one even gain in
    linear light, measured where both frames are exposed (clipping does not flatten it)."""
    from app.core.sets.kinds import linear_gain

    view = Image.open(sample("photos/opencv-doc_building.jpg")).convert("RGB")
    view.thumbnail((320, 320))
    bright = expose(view, 1.0)
    gain, on_peak, layout = linear_gain(*_grays(bright, (0, 1)))
    assert abs(gain - 1.0) < 0.15 and on_peak > 0.5 and layout > 0.9
    ladder = _grays(bright, (0, -1, 1))
    assert visible_ladder([FrameFacts(i, float(i), brightness=float(g.mean()) / 255, gray=g)
                           for i, g in enumerate(ladder)])
    assert visible_ladder([FrameFacts(i, float(i), gray=g) for i, g in enumerate(_grays(view, (0, -2, 2, -1, 1)))])

    def ladder_of(grays):
        return visible_ladder([FrameFacts(i, float(i), gray=g) for i, g in enumerate(grays)])

    assert not ladder_of(_grays(view, (0.1, 0.1, -0.9, 0.1)))          # a burst with one darker frame
    assert not ladder_of(_grays(view, (0, -0.3, -0.6, -0.9)))           # light drifting: steps under half a stop
    assert not ladder_of(_grays(view, (0, -0.7, 2.5)))                  # uneven steps: not one bracket
    others = [Image.open(sample(f"photos/{n}")).convert("RGB").resize(view.size)
              for n in ("opencv-doc_fruits.jpg", "opencv-doc_baboon.jpg")]
    assert not ladder_of([np.asarray(expose(im, ev).convert("L")) for im, ev in zip([view, *others], (0, -1, 1))])
    stamped = [FrameFacts(i, float(i), gray=g, camera_time=True) for i, g in enumerate(ladder)]
    assert not visible_ladder(stamped)                                  # camera metadata kept, no settings: no ladder


def test_a_handheld_panorama_is_one_panorama_without_a_best(library):
    root, doc, _db = library
    sets = _sets_in(doc, "pano")
    assert len(sets) == 1 and len(sets[0]["photos"]) == 6, sets
    assert sets[0]["kind"] == "panorama"
    assert sets[0]["best"] is None


def test_a_burst_stays_a_burst_with_a_best_and_the_contract_keeps_its_fields(library):
    root, doc, _db = library
    sets = _sets_in(doc, "burst")
    assert len(sets) == 1 and sets[0]["kind"] == "burst"
    assert {"id", "photos", "best", "best_is_users", "scores", "order", "reasons"} <= set(sets[0])


def _facts(brightness=None, seconds=None, bias=None):
    return [FrameFacts(i, float(i), seconds[i] if seconds else None, 8.0 if seconds else None, 100 if seconds else None,
                       bias[i] if bias else None, False, brightness[i] if brightness else None) for i in range(
        len(brightness or seconds or bias))]


def test_bracket_evidence_and_what_is_not_a_bracket():
    assert is_bracket(_facts(seconds=[1 / 60, 1 / 120, 1 / 30]))                        # time stepping
    assert is_bracket(_facts(seconds=[1 / 60] * 3, bias=[0.0, -1.0, 1.0]))              # bias tags
    assert not is_bracket(_facts(seconds=[1 / 250, 1 / 200, 1 / 250, 1 / 320]))        # auto exposure wobble
    assert not is_bracket(_facts(seconds=[1 / 250] * 4, brightness=[0.5, 0.2, 0.5, 0.8]))   # a dark frame is a defect
    # a trial: aperture priority following the light (shutter 1/125 -> 1/50, the pictures alike)
    # was a "bracket": kept whole, no best; a real bracket's pictures get lighter with its settings
    assert not is_bracket(_facts(seconds=[1 / 125, 1 / 80, 1 / 50, 1 / 50, 1 / 80], brightness=[0.45, 0.46, 0.44, 0.47, 0.45]))
    assert not is_bracket(_facts(seconds=[1 / 250, 1 / 60, 1 / 250, 1 / 60], brightness=[0.42, 0.5, 0.41, 0.52]))
    assert is_bracket(_facts(seconds=[1 / 60, 1 / 240, 1 / 15], brightness=[0.45, 0.24, 0.8]))        # +-2 stops
    assert is_bracket(_facts(seconds=[1 / 60, 1 / 120, 1 / 30], brightness=[0.45, 0.34, 0.6]))        # +-1 stop
    assert visible_ladder(_facts(brightness=[0.45, 0.25, 0.7]))                          # no EXIF: a ladder
    assert not visible_ladder(_facts(brightness=[0.45, 0.2, 0.46, 0.8]))                 # two frames on one level
    assert BRACKET != BURST


def test_brackets_shot_back_to_back_split_at_each_ladder():
    from app.core.sets.kinds import bracket_period

    series = _facts(seconds=[1 / 60, 1 / 240, 1 / 15] * 3)
    assert bracket_period(series) == 3
    assert bracket_period(_facts(seconds=[1 / 60, 1 / 240, 1 / 15, 1 / 60, 1 / 30, 1 / 15])) is None
    assert bracket_period(_facts(brightness=[0.45, 0.25, 0.7, 0.45, 0.25, 0.7])) == 3


def test_registrations_are_stored_and_reused(library, monkeypatch):
    """A panorama's steps are registered once and kept in the catalog (frame_steps): a new
    process finds the same sets without registering a frame again."""
    from app.core.catalog import Catalog
    from app.core.sets import intent
    from app.core.triage import ranked_bursts

    root, doc, db = library
    with Catalog(db) as cat:
        stored = cat.conn.execute("SELECT count(*), count(step) FROM frame_steps").fetchone()
        assert stored[0] >= 5 and stored[1] >= 4      # the panorama's steps (one may join through the frame after)
        intent._STEPS.clear()
        intent._KINDS.clear()
        monkeypatch.setattr(intent, "register", lambda a, b: pytest.fail("registered again"))
        sets = drive(ranked_bursts(cat))
    assert sorted((s.kind, len(s.photo_ids)) for s in sets) == sorted((d["kind"], len(d["photos"])) for d in doc)


def test_a_brackets_facts_are_read_once_per_run(library, monkeypatch):
    """The set's kind and its split into brackets read the frames' exposure facts (catalog rows,
    file headers) once for the two: each set's quality rows are read by frame_facts a single time."""
    from app.core.catalog import Catalog
    from app.core.sets import intent
    from app.core.triage import ranked_bursts

    root, doc, db = library
    reads: list[tuple[int, ...]] = []
    with Catalog(db) as cat:
        intent._KINDS.clear()
        quality = cat.features.quality

        def counted(ids, *a, **k):
            reads.append(tuple(ids))
            return quality(ids, *a, **k)

        original = intent.frame_facts

        def spying(catalog, frames, pictures):
            catalog.features.quality = counted
            try:
                return original(catalog, frames, pictures)
            finally:
                catalog.features.quality = quality

        monkeypatch.setattr(intent, "frame_facts", spying)
        sets = drive(ranked_bursts(cat))
    brackets = [s for s in sets if s.kind == "bracket"]
    assert brackets, "the library holds brackets"
    assert len(reads) == len(set(reads)), f"a set's facts were read twice: {reads}"


@pytest.mark.parametrize("pause", [0.3, 2.0])
def test_a_burst_then_a_bracket_of_the_same_scene_are_two_sets(tmp_path, pause):
    """A trial: five frames of a burst, then (2 s later, or at once) an auto-bracket 0 / -2 / +2
    of the same scene became one bracket of eight frames kept whole: no best, and a best frame
    marked before was stranded."""
    root = tmp_path / "lib"
    frames = sorted(sample("bursts/hamilton-burst02_t5s").glob("*.jpg"))
    for i, f in enumerate(frames):
        save(Image.open(f), root / f"IMG_{i + 1:04d}.jpg", T + 0.3 * i, (1 / 250, 4.0, 200), 0.0)
    last, n = Image.open(frames[-1]).convert("RGB"), len(frames)
    for j, ev in enumerate((0, -2, 2)):
        save(expose(last, ev), root / f"IMG_{n + j + 1:04d}.jpg", T + 0.3 * (n - 1) + pause + 0.3 * j,
             (1 / 250 * 2 ** ev, 4.0, 200), float(ev))
    sets = [(s["kind"], [os.path.basename(p) for p in s["photos"]]) for s in _bursts_json(_index(tmp_path, root))]
    assert sets == [("burst", [f"IMG_{i + 1:04d}.jpg" for i in range(n)]),
                    ("bracket", [f"IMG_{n + j + 1:04d}.jpg" for j in range(3)])], sets
