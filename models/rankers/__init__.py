"""Pairwise photo-quality rankers (seeds 001, 002)."""
from .multifeature import MultiFeatureConfig, MultiFeaturePairwiseRanker
from .siamese_cnn import SiameseCNNRanker, pad_to_square

__all__ = ["MultiFeatureConfig", "MultiFeaturePairwiseRanker", "SiameseCNNRanker", "pad_to_square"]
