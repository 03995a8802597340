"""Face-verification family (seed 000). The networks load on first use, so the torch-free
parts (``models.face.detection``: YuNet/SFace through OpenCV) import without torch."""
from ..lazy import lazy_exports

_HOME = {"BackboneNetwork": "backbone_network", "CustomCNN": "custom_cnn", "SiameseNetwork": "siamese",
         "SiameseV2": "siamese"}
__all__ = list(_HOME)
__getattr__ = lazy_exports(__name__, _HOME)
