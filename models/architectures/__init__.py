"""Configurable architectures built by :class:`models.architectures.factory.ArchitectureFactory`."""
from .base import BaseArchitecture
from .convnext import ConvNeXt
from .factory import ArchitectureFactory
from .parameter_calculator import count_parameters, predict_parameters
from .resnet import ResNet

__all__ = ["ArchitectureFactory", "BaseArchitecture", "ConvNeXt", "ResNet", "count_parameters",
           "predict_parameters"]
