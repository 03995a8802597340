"""Datasets: PhotoTriage pair lists, synthetic quality pairs."""
