"""PyTorch model families (no training code, no Qt)."""
