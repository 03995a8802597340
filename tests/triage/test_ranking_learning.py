"""The shipped ranker on real photos it was not trained on, and learning from picks."""
import json
import shutil
import subprocess
import sys

import numpy as np
import pytest
import torch
from PIL import Image

from app.core.jobs import drive
from benchmarks.triage_library import _save
from tests.helpers import REPO, TESTDATA, sample
from training.datasets.degradations import DEGRADATIONS, close_eyes, degrade

SOURCES = ["bursts/hamilton-burst02_t5s/f01.jpg", "bursts/visp-cube-burst02_from0040/f01.jpg",
           "bursts/tree-burst01_frame60/f01.jpg", "bursts/ocv-basketball/basketball1.jpg"]
FACE = "faces/Kit_Harington/john2.jpg"


def _index(root, db):
    from app.core.catalog import Catalog
    from app.core.features.compute import FeaturePipeline
    from app.core.indexer import index_library

    cat = Catalog(db)
    drive(index_library(cat, str(root), features=FeaturePipeline(), workers=2))
    return cat


@pytest.fixture(scope="module")
def degraded(tmp_path_factory):
    sample("bursts")
    base = tmp_path_factory.mktemp("degraded")
    root = base / "lib"
    pairs = []
    for n, rel in enumerate(SOURCES):
        folder = root / f"s{n}"
        folder.mkdir(parents=True)
        clean = Image.open(TESTDATA / rel).convert("RGB")
        clean.save(folder / "clean.jpg", quality=95)
        for kind in DEGRADATIONS:
            degrade(clean, kind, seed=100 + n).save(folder / f"{kind}.jpg", quality=95)
            pairs.append((folder / "clean.jpg", folder / f"{kind}.jpg", kind))
    face_dir = root / "face"
    face_dir.mkdir()
    img = Image.open(TESTDATA / FACE).convert("RGB")
    img.save(face_dir / "clean.jpg", quality=95)
    from models.face.detection import FaceAnalyzer

    faces = FaceAnalyzer().detect(np.asarray(img))
    import random

    close_eyes(img, max(faces, key=lambda f: f.box[2]).landmarks, random.Random(5)).save(face_dir / "closed_eyes.jpg", quality=95)
    pairs.append((face_dir / "clean.jpg", face_dir / "closed_eyes.jpg", "closed_eyes"))
    cat = _index(root, base / "catalog.db")
    yield cat, pairs
    cat.close()


def test_ranker_prefers_the_clean_frame_for_every_degradation(degraded):
    from app.core.ranking import BurstRanker

    cat, pairs = degraded
    ranker = BurstRanker()
    wrong = []
    for clean, worse, kind in pairs:
        ids = [cat.photos.id_for_path(str(worse)), cat.photos.id_for_path(str(clean))]
        ranked = ranker.rank(cat, ids)
        if ranked.best != ids[1]:
            wrong.append((clean.parent.name, kind))
    print(f"clean frame lost {len(wrong)} of {len(pairs)} pairs: {wrong}")
    for kind in {k for _, _, k in pairs}:
        sources = [p for p in pairs if p[2] == kind]
        lost = [w for w in wrong if w[1] == kind]
        assert len(lost) * 2 < len(sources) or not lost and sources, f"{kind}: lost on {lost}"
    assert len(wrong) <= 2, wrong


def test_ranker_beats_the_sharpness_rule_and_explains(degraded):
    from app.core.ranking import BurstRanker

    cat, pairs = degraded
    ranker = BurstRanker()
    ours = rule = 0
    for clean, worse, kind in pairs:
        a, b = cat.photos.id_for_path(str(clean)), cat.photos.id_for_path(str(worse))
        ours += ranker.rank(cat, [b, a]).best == a
        q = cat.features.quality([a, b])
        rule += q[a]["sharpness_fine"] > q[b]["sharpness_fine"]
    print(f"held-out degraded pairs: ranker {ours}/{len(pairs)}, sharpness rule {rule}/{len(pairs)}")
    assert ours > rule
    noisy = next(p for p in pairs if p[2] == "noise")
    ids = [cat.photos.id_for_path(str(noisy[1])), cat.photos.id_for_path(str(noisy[0]))]
    assert "less noise" in ranker.rank(cat, ids).reasons


@pytest.fixture(scope="module")
def exposure_library(tmp_path_factory):
    """24 bursts of 4 exposures each (EXIF times 0.5 s apart, bursts a minute apart)."""
    sample("photos")
    base = tmp_path_factory.mktemp("taste")
    root = base / "lib"
    photos = sorted((TESTDATA / "photos").glob("*.jpg"))[:24]
    gains = (0.55, 0.75, 1.0, 1.25)
    bursts = []
    for b, src in enumerate(photos):
        img = np.asarray(Image.open(src).convert("RGB"), np.float32)
        folder = root / f"b{b:02d}"
        folder.mkdir(parents=True)
        frames = []
        for i, g in enumerate(gains):
            path = folder / f"f{i}.jpg"
            _save(Image.fromarray(np.clip(img * g, 0, 255).astype(np.uint8)), path, 1.7e9 + 60 * b + 0.5 * i,
                  ("Fujifilm", "X-T4"))
            frames.append(path)
        bursts.append(frames)
    cat = _index(root, base / "catalog.db")
    yield cat, bursts
    cat.close()


def _dark_agreement(cat, bursts):
    from app.core.learning import load_current_ranker

    ranker = load_current_ranker(cat)
    good = total = 0
    for frames in bursts:
        ids = [cat.photos.id_for_path(str(p)) for p in frames]
        x, _ = ranker.features(cat, ids)
        s = ranker.scores(x)
        for i in range(len(ids)):
            for j in range(i + 1, len(ids)):
                good += bool(s[i] > s[j])          # the user prefers the darker frame (lower index)
                total += 1
    return good / total


def _dark_top1(cat, bursts):
    """Share of bursts whose suggested best is the user's choice, the darkest frame."""
    from app.core.learning import load_current_ranker

    ranker = load_current_ranker(cat)
    ids = [[cat.photos.id_for_path(str(p)) for p in frames] for frames in bursts]
    return sum(ranker.rank(cat, burst).best == burst[0] for burst in ids) / len(ids)


def test_learning_from_a_darker_taste_then_rollback(exposure_library):
    from app.core import learning
    from app.core.ranking import BurstRanker

    cat, bursts = exposure_library
    train, held = bursts[:16], bursts[16:]
    too_few = drive(learning.train_job(cat))
    assert not too_few.adopted and too_few.needed == learning.MIN_PAIRS and "needs" in too_few.message
    for frames in train:
        ids = [cat.photos.id_for_path(str(p)) for p in frames]
        cat.decisions.record(ids[0], "best", 1)
        cat.decisions.record(ids[1], "pick", 1)
        cat.decisions.record(ids[2], "pick", -1)
        cat.decisions.record(ids[3], "pick", -1)
    before = _dark_agreement(cat, held)
    outcome = drive(learning.train_job(cat))
    after = _dark_agreement(cat, held)
    top1 = _dark_top1(cat, held)
    print(f"darker-taste user, held-out bursts: agreement {before:.2f} -> {after:.2f}, darkest suggested in "
          f"{top1:.2f}; cross-validated {outcome.current_agreement:.2f} -> {outcome.new_agreement:.2f}")
    assert outcome.adopted and outcome.version == "v1" and learning.current_version(cat) == "v1"
    assert after > before + 0.2
    assert top1 >= 0.9
    v1 = torch.load(learning.version_path(cat, "v1"), weights_only=True)["model_state_dict"]
    assert learning.rollback(cat) == "default"
    restored = learning.load_current_ranker(cat).model.state_dict()
    shipped = BurstRanker().model.state_dict()
    assert all(torch.equal(restored[k], shipped[k]) for k in shipped)
    assert any(not torch.equal(v1[k], shipped[k]) for k in shipped)
    assert [v["version"] for v in learning.list_versions(cat)] == ["default", "v1"]
    assert learning.use_version(cat, "v1") == "v1" and learning.current_version(cat) == "v1"   # forward again
    with pytest.raises(ValueError, match="kept: default, v1"):
        learning.use_version(cat, "v7")
    learning.use_version(cat, "default")


def test_cli_bursts_pick_and_train_status(exposure_library, tmp_path):
    cat, bursts = exposure_library
    db = str(cat.path)
    run = lambda *a: subprocess.run([sys.executable, "-m", "app.cli", *a, "--db", db, "--json"],  # noqa: E731
                                    capture_output=True, text=True, cwd=REPO)
    res = run("bursts")
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert len(out) == len(bursts)
    first = out[0]
    assert set(first) >= {"id", "photos", "best", "scores", "reasons"} and first["best"] in first["photos"]
    res = run("pick", str(bursts[20][3]), "--reject")
    assert res.returncode == 0 and json.loads(res.stdout)["pick"] == -1
    res = run("train", "--status")
    assert json.loads(res.stdout)["versions"][0]["version"] == "default"
    res = run("pick", "/nowhere.jpg", "--accept")
    assert res.returncode == 1 and "not in this catalog" in res.stderr


def test_evaluate_phototriage_on_a_tiny_pair_list(degraded, tmp_path):
    from training.evaluate_phototriage import evaluate

    cat, pairs = degraded
    images = tmp_path / "images"
    images.mkdir()
    lines = []
    for n, (clean, worse, kind) in enumerate(pairs[:8]):
        shutil.copy(clean, images / f"{n}-1.jpg")
        shutil.copy(worse, images / f"{n}-2.jpg")
        ratio = 0.9 if n % 2 == 0 else 0.1
        first, second = ("1.jpg", "2.jpg") if ratio > 0.5 else ("2.jpg", "1.jpg")
        lines.append(f"{n} {first} {second} {ratio} 1 2")
    pair_file = tmp_path / "val_pairlist.txt"
    pair_file.write_text("\n".join(lines) + "\n")
    report = evaluate(str(pair_file), str(images))
    assert report["pairs"] == 8 and report["missing_images"] == 0
    assert report["pairwise_accuracy"] >= 0.75
