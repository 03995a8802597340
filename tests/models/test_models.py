import pytest
import torch

from models.architectures import ArchitectureFactory, count_parameters, predict_parameters
from models.backbones import BackboneUnavailable, load_trunk
from models.face import BackboneNetwork, CustomCNN, SiameseNetwork, SiameseV2
from models.rankers import MultiFeatureConfig, MultiFeaturePairwiseRanker, SiameseCNNRanker, pad_to_square
from models.rankers.siamese_cnn import SiameseCNNConfig


def test_face_embedding_models_give_unit_vectors():
    x = torch.rand(3, 3, 105, 105)
    for model in [BackboneNetwork("efficientnet_lite0"), CustomCNN()]:
        model.eval()
        e = model.forward_once(x)
        assert e.shape == (3, 16)
        assert torch.allclose(e.norm(dim=1), torch.ones(3), atol=1e-5)


def test_siamese_models_give_probabilities_and_their_sizes():
    a, b = torch.rand(2, 3, 105, 105), torch.rand(2, 3, 105, 105)
    for model, dim in [(SiameseNetwork(), 4096), (SiameseV2(), 512)]:
        model.eval()
        s = model(a, b)
        assert s.shape == (2,) and ((s >= 0) & (s <= 1)).all()
        assert model.forward_once(a).shape == (2, dim)
    assert 30e6 < count_parameters(SiameseNetwork()) < 45e6


def test_missing_pretrained_weights_fail_loudly(monkeypatch, tmp_path):
    monkeypatch.setattr(torch.hub, "get_dir", lambda: str(tmp_path))
    with pytest.raises(BackboneUnavailable, match="not on this machine"):
        load_trunk("resnet50", pretrained=True)
    assert load_trunk("resnet50", pretrained=False).channels == 2048   # explicit opt-in only


def test_multifeature_ranker_blocks_metadata_and_encode():
    cfg = MultiFeatureConfig(embedding_dim=32, quality_dim=6, face_dim=3)
    model = MultiFeaturePairwiseRanker(cfg).eval()
    blocks = {"embedding": torch.rand(4, 32), "quality": torch.rand(4, 6), "face": torch.rand(4, 3)}
    x = model.combine(blocks)
    assert x.shape == (4, 41) and model(x).shape == (4,) and model.encode(x).shape == (4, 256)
    meta = model.get_architecture_metadata()
    assert meta["input_dim"] == 41 and meta["embedding_dim"] == 256
    assert meta["architecture_summary"] == "Features(41) → Siamese(512 → 256) → Score(1) [embedding_dim=256]"
    with pytest.raises(KeyError):
        model.combine({"embedding": torch.rand(4, 32)})


def test_siamese_cnn_ranker_and_padding():
    from PIL import Image

    img = pad_to_square(Image.new("RGB", (200, 100), (255, 0, 0)), 64, (0.46, 0.45, 0.43))
    assert img.size == (64, 64) and img.getpixel((0, 0)) == (117, 115, 110) and img.getpixel((32, 32)) == (255, 0, 0)
    model = SiameseCNNRanker(SiameseCNNConfig(backbone="efficientnet_lite0", hidden_dims=[16])).eval()
    out = model(torch.rand(2, 3, 96, 96), torch.rand(2, 3, 96, 96))
    assert out.shape == (2, 2)
    groups = model.parameter_groups(1e-5, 1e-3)
    assert [g["lr"] for g in groups] == [1e-5, 1e-3]


@pytest.mark.parametrize("config", [
    {"architecture": "resnet", "depth": 18},
    {"architecture": "resnet", "depth": 50},
    {"architecture": "resnet", "depth": 34, "width_multiplier": 0.5, "use_se": True, "se_reduction": 8,
     "se_activation": "swish", "activation": "gelu", "normalization": "group_norm", "num_classes": 10},
    {"architecture": "resnet", "stages": [1, 1], "block_type": "bottleneck", "stem_channels": 16,
     "normalization": "layer_norm", "projection_type": "avgpool", "residual_scale": 0.5, "num_classes": 0},
    {"architecture": "resnet", "depth": 101, "activation": "leaky_relu", "num_classes": 8631},
    {"architecture": "convnext", "variant": "tiny"},
    {"architecture": "convnext", "depths": [1, 1], "dims": [16, 32], "use_se": True, "num_classes": 5},
])
def test_factory_parameter_counts_match_the_calculator(config):
    model = ArchitectureFactory().create_model(config)
    predicted = predict_parameters(config)
    assert abs(count_parameters(model) - predicted) <= 0.01 * predicted


def test_factory_matches_reference_implementations_and_forward_contract():
    import torchvision.models as tvm

    f = ArchitectureFactory()
    assert count_parameters(f.create_model({"architecture": "resnet", "depth": 50})) == count_parameters(tvm.resnet50())
    assert count_parameters(f.create_model({"architecture": "convnext", "variant": "tiny"})) == count_parameters(tvm.convnext_tiny())
    model = f.create_model({"architecture": "resnet", "depth": 18, "num_classes": 7}).eval()
    out = model(torch.rand(2, 3, 64, 64))
    assert out["feats"].shape == (2, 512) and out["out"].shape == (2, 7) and len(out["all_feats"]) == 4
    cnx = f.create_model({"architecture": "convnext", "depths": [1, 1], "dims": [16, 32], "num_classes": 0}).eval()
    out = cnx(torch.rand(1, 3, 64, 64))
    assert out["out"].shape == (1, 32) and [t.shape[1] for t in out["all_feats"]] == [16, 32]
