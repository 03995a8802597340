"""Face-verification family (seed 000)."""
from .backbone_network import BackboneNetwork
from .custom_cnn import CustomCNN
from .siamese import SiameseNetwork, SiameseV2

__all__ = ["BackboneNetwork", "CustomCNN", "SiameseNetwork", "SiameseV2"]
