"""A catalog over real files without indexing them (the decision commands need paths, sizes,
times and content hashes, not features)."""
from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "resources" / "demo"


def digest(path: Path) -> str:
    return hashlib.blake2b(Path(path).read_bytes(), digest_size=16).hexdigest()


def add_photo(catalog, path: Path) -> int:
    st = os.stat(path)
    pid = catalog.photos.upsert(str(path), {"status": "ok", "size": st.st_size, "mtime_ns": st.st_mtime_ns,
                                            "content_hash": digest(path), "width": 100, "height": 100})
    catalog.conn.commit()
    return pid


def library(tmp_path: Path, names: list[str]) -> list[Path]:
    """Copies of demo photos at the given relative paths under tmp_path/lib."""
    sources = sorted(DEMO.rglob("*.jpg"))
    out = []
    for i, name in enumerate(names):
        dest = tmp_path / "lib" / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(sources[i % len(sources)], dest)
        out.append(dest)
    return out


def checksums(paths) -> dict[str, str]:
    return {str(p): digest(p) for p in paths}


def make_readonly(path: Path):
    """Make a file or folder unwritable even for the superuser (chmod for a user, the immutable
    attribute for root); returns the function that undoes it. Skips where neither works."""
    import subprocess

    import pytest

    if os.geteuid() != 0:
        path.chmod(0o555 if path.is_dir() else 0o444)
        return lambda: path.chmod(0o755 if path.is_dir() else 0o644)
    if shutil.which("chattr") is None or subprocess.run(["chattr", "+i", str(path)]).returncode != 0:
        pytest.skip("cannot make a file read-only for the superuser here")
    return lambda: subprocess.run(["chattr", "-i", str(path)], check=True)
