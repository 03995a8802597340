"""Pairwise photo-quality rankers (seeds 001, 002). The networks load on first use, so the
torch-free parts (``models.rankers.preferences``) import without torch."""
from ..lazy import lazy_exports

_HOME = {"MultiFeatureConfig": "multifeature", "MultiFeaturePairwiseRanker": "multifeature",
         "SiameseCNNRanker": "siamese_cnn", "pad_to_square": "siamese_cnn"}
__all__ = list(_HOME)
__getattr__ = lazy_exports(__name__, _HOME)
