from .batch_hard import BatchHardMiner, pairwise_distances
from .semi_hard import SemiHardMiner

__all__ = ["BatchHardMiner", "SemiHardMiner", "pairwise_distances"]
