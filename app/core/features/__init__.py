"""Per-photo features at index time: embedding, quality and faces (Qt-free)."""
