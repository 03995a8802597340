"""Feature extractors the rankers and the index consume (Qt-free, no catalog access)."""
