"""Shared test helpers: where the public test data lives, hashing a tree."""
import hashlib
import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
TESTDATA = Path(os.environ.get("PHOTOTRIAGE_TESTDATA", REPO.parent / "shared" / "testdata"))


def sample(rel: str) -> Path:
    """A file or folder of ../shared/testdata (the test is skipped when it is absent)."""
    path = TESTDATA / rel
    if not path.exists():
        pytest.skip(f"public test data not found at {TESTDATA}")
    return path


def tree_hashes(root: Path) -> dict[str, str]:
    out = {}
    for p in sorted(root.rglob("*")):
        if p.is_file() and not p.is_symlink():
            out[str(p.relative_to(root))] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out
