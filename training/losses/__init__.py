from .bce import PairBCELoss
from .contrastive import ContrastiveLoss
from .focal import FocalLoss
from .margin_ranking import MarginRankingLoss
from .triplet import TripletLoss

__all__ = ["PairBCELoss", "ContrastiveLoss", "FocalLoss", "MarginRankingLoss", "TripletLoss"]
