from .pk_sampler import PKBatchSampler

__all__ = ["PKBatchSampler"]
