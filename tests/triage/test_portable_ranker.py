"""The burst ranker runs in NumPy from a twin of its checkpoint, so the window ranks bursts
without PyTorch: the same scores as the PyTorch model, a twin per checkpoint content, and a
fresh process that ranks a library with the twin in place never imports torch."""
import json
import subprocess
import sys

import numpy as np
import pytest
import torch

from app.core.jobs import drive
from tests.helpers import REPO


@pytest.mark.parametrize("activation", ["relu", "gelu", "silu", "leaky_relu", "tanh"])
def test_twin_scores_equal_the_torch_model(tmp_path, activation):
    from models.checkpoints import save_checkpoint
    from models.rankers.multifeature import MultiFeatureConfig, MultiFeaturePairwiseRanker
    from models.rankers.portable import load_twin, twin_path
    from models.rankers.runtime import RankerRuntime, portable_twin

    torch.manual_seed(0)
    config = MultiFeatureConfig(embedding_dim=24, quality_dim=7, face_dim=5, hidden_dims=[16, 8],
                                activation=activation)
    model = MultiFeaturePairwiseRanker(config)
    model.set_standardization(torch.randn(50, config.input_dim) * 3 + 1)
    with torch.no_grad():
        model.norm.weight.uniform_(0.5, 1.5)
        model.norm.bias.uniform_(-0.2, 0.2)
    ckpt = save_checkpoint(tmp_path / "r.pt", model, {"architecture": model.get_architecture_metadata(),
                                                       "blocks": ["embedding", "quality", "face"]})
    runtime = RankerRuntime(ckpt)
    dest = twin_path(ckpt, tmp_path / "cache")
    made = portable_twin(runtime, dest)
    loaded = load_twin(dest)
    x = torch.randn(64, config.input_dim) * 2
    want = runtime.scores(x).numpy()
    for twin in (made, loaded):
        np.testing.assert_allclose(twin.scores(x.numpy()), want, rtol=1e-5, atol=1e-5)
    assert loaded.blocks == ["embedding", "quality", "face"]


def test_a_new_checkpoint_content_gets_its_own_twin(tmp_path):
    from models.rankers.portable import load_twin, save_twin, twin_path

    ckpt = tmp_path / "v1.pt"
    ckpt.write_bytes(b"one")
    first = twin_path(ckpt, tmp_path)
    ckpt.write_bytes(b"two")
    assert twin_path(ckpt, tmp_path) != first
    assert load_twin(tmp_path / "absent.npz") is None
    (tmp_path / "broken.npz").write_bytes(b"not a zip")
    assert load_twin(tmp_path / "broken.npz") is None
    save_twin(tmp_path / "other.npz", {"a": np.zeros(2)}, {"blocks": []})
    assert load_twin(tmp_path / "other.npz") is None         # not a ranker: no weights


def test_win_rates_by_hand():
    from models.rankers.portable import win_rates

    # two photos: P(0 beats 1) = sigmoid(1) = 0.7311; with +1 evidence for 0: sigmoid(2) = 0.8808
    assert win_rates(np.array([1.0, 0.0])) == pytest.approx([0.7311, 0.2689], abs=1e-4)
    offsets = np.array([[0.0, 1.0], [-1.0, 0.0]], np.float32)
    assert win_rates(np.array([1.0, 0.0]), offsets) == pytest.approx([0.8808, 0.1192], abs=1e-4)


def test_the_index_process_makes_the_twin_and_ranking_then_loads_no_torch(library, tmp_path):
    from app.core.catalog import Catalog
    from app.core.ranking import ranker_cache
    from app.core.triage import ranked_bursts

    db = tmp_path / "c.db"
    for twin in ranker_cache().glob("default_ranker-*.npz"):
        twin.unlink()
    subprocess.run([sys.executable, "-m", "app.cli", "index", str(library), "--db", str(db), "--json"],
                   cwd=REPO, capture_output=True, check=True)
    assert len(list(ranker_cache().glob("default_ranker-*.npz"))) == 1
    code = (
        "import json, sys\n"
        "from app.core.catalog import Catalog\n"
        "from app.core.jobs import drive\n"
        "from app.core.triage import ranked_bursts\n"
        f"with Catalog({str(db)!r}) as cat:\n"
        "    got = [(b.best, b.order, {str(k): v for k, v in b.scores.items()}) for b in drive(ranked_bursts(cat))]\n"
        "print(json.dumps({'torch': 'torch' in sys.modules, 'got': got}))\n")
    out = json.loads(subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                                    check=True).stdout)
    assert out["torch"] is False
    with Catalog(db) as cat:
        want = [(b.best, b.order, b.scores) for b in drive(ranked_bursts(cat))]
    assert want and all(best is not None for best, _, _ in want)
    assert out["got"] == [[best, order, {str(k): v for k, v in scores.items()}] for best, order, scores in want]
