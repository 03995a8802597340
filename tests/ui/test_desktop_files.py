"""The launcher, icon and AppStream metainfo: valid by the freedesktop validators, and
installed per user (XDG_DATA_HOME) with the launcher pointing at this checkout's GUI."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

REPO = Path(__file__).resolve().parents[2]
LINUX = REPO / "packaging" / "linux"
APP_ID = "io.github.phototriage.PhotoTriage"
sys.path.insert(0, str(REPO / "packaging"))

import install_desktop  # noqa: E402


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        if os.environ.get("PHOTOTRIAGE_REQUIRE_XVFB"):
            pytest.fail(f"{name} is not installed (CI installs it: .ci/run)")
        pytest.skip(f"{name} is not installed (Debian: desktop-file-utils, appstream)")
    return path


def test_the_launcher_is_valid(tmp_path):
    tool = _tool("desktop-file-validate")
    shipped = subprocess.run([tool, str(LINUX / f"{APP_ID}.desktop")], capture_output=True, text=True)
    assert shipped.returncode == 0 and not shipped.stdout.strip(), shipped.stdout + shipped.stderr
    for gui in ("/opt/with space/phototriage-gui", '/home/o"brien/$HOME/phototriage-gui'):
        installed = tmp_path / f"{APP_ID}.desktop"
        installed.write_text(install_desktop.launcher_text(Path(gui)))
        proc = subprocess.run([tool, str(installed)], capture_output=True, text=True)
        assert proc.returncode == 0 and not proc.stdout.strip(), proc.stdout + proc.stderr


def test_the_metainfo_is_valid():
    tool = _tool("appstreamcli")
    proc = subprocess.run([tool, "validate", "--no-net", str(LINUX / f"{APP_ID}.metainfo.xml")],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "E:" not in proc.stdout and "W:" not in proc.stdout, proc.stdout


def test_install_and_uninstall_for_one_user(tmp_path):
    gui = tmp_path / "venv" / "bin" / "phototriage-gui"
    placed = install_desktop.install(tmp_path / "share", gui)
    desktop = placed["desktop"].read_text()
    assert f"Exec={gui} %f" in desktop and f"TryExec={gui}" in desktop and f"Icon={APP_ID}" in desktop
    for size in install_desktop.SIZES:
        img = Image.open(placed[f"png{size}"])
        assert img.size == (size, size) and img.mode == "RGBA"
        assert img.getextrema()[3][1] == 255              # drawn, not a blank transparent square
    assert placed["svg"].read_bytes() == install_desktop.ICON.read_bytes()
    assert placed["metainfo"].read_text().count(f"<id>{APP_ID}</id>") == 1
    removed = install_desktop.uninstall(tmp_path / "share")
    assert sorted(removed) == sorted(placed.values()) and not any(p.exists() for p in placed.values())
