import os
import shutil
from pathlib import Path

import pytest

# PyTorch's OpenMP threads wait for each other by spinning: on a busy 2-core machine (other jobs,
# the index subprocesses of these tests) a spinning thread holds the core its partner needs, and
# a training step takes 5-10 times as long (test_siamese_e2e_pipeline_learns: 35-44 s against
# 7 s at a load of 4-5; measured only on a busy machine). Set before any test imports torch;
# subprocesses inherit it.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from tests.helpers import TESTDATA, missing_testdata, sample  # noqa: E402
from tests.skip_policy import (pytest_collection_modifyitems, pytest_make_collect_report,  # noqa: E402,F401 (hooks)
                               pytest_runtest_makereport, pytest_sessionfinish, pytest_terminal_summary)

HOME_VARS = ("HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME")
collect_ignore = ["data"]      # the test photos: no tests in there


def pytest_sessionstart(session):
    """Missing test data is an error of the checkout, never a reason to skip: the run stops."""
    missing = missing_testdata()
    if missing:
        shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
        pytest.exit(f"test data missing from {TESTDATA}: {shown} (tests/data is part of the repository)",
                    returncode=pytest.ExitCode.USAGE_ERROR)
    # the training code reads ${TESTDATA} from here: the tests use the repository's photos only
    os.environ["PHOTOTRIAGE_TESTDATA"] = str(TESTDATA)


@pytest.fixture(scope="session", autouse=True)
def isolated_home(tmp_path_factory):
    """Tests never touch the user's real settings, data or cache folders: HOME and the XDG
    folders point into a temporary directory for the whole run (subprocesses inherit them)."""
    home = tmp_path_factory.mktemp("home")
    saved = {k: os.environ.get(k) for k in HOME_VARS}
    os.environ.update(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"),
                      XDG_DATA_HOME=str(home / ".local" / "share"), XDG_CACHE_HOME=str(home / ".cache"))
    yield home
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture
def library(tmp_path) -> Path:
    """A small real library: two bursts and a handful of single photos, in sub-folders."""
    root = tmp_path / "library"
    shutil.copytree(sample("bursts/tree-burst01_frame60"), root / "tree")
    shutil.copytree(sample("bursts/hamilton-burst01_t1s"), root / "2024" / "hamilton")
    singles = root / "2024" / "singles"
    singles.mkdir(parents=True)
    for name in ["scikit-image_chelsea.jpg", "pillow_xmp_test.jpg", "opencv-doc_fruits.jpg",
                 "pillow_fujifilm.jpg"]:
        shutil.copy2(sample(f"photos/{name}"), singles / name)
    shutil.copy2(sample("faces/deepface_P01/img1.jpg"), singles / "canon.jpg")
    return root


@pytest.fixture
def catalog(tmp_path):
    from app.core.catalog import Catalog

    cat = Catalog(tmp_path / "cat" / "catalog.db")
    yield cat
    cat.close()
