"""The window starts or says why: missing system libraries for Qt's platform plugin are named
with the install command of the user's distribution, before Qt can abort the process."""
import os
import subprocess
import sys
from pathlib import Path

from app.ui import platform_check as pc


def test_the_platform_qt_will_use():
    assert pc.chosen_platform({"DISPLAY": ":0"}) == "xcb"
    assert pc.chosen_platform({"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0"}) == "wayland"
    assert pc.chosen_platform({"QT_QPA_PLATFORM": "offscreen", "DISPLAY": ":0"}) == "offscreen"
    assert pc.chosen_platform({"QT_QPA_PLATFORM": "wayland;xcb"}) == "wayland"
    assert pc.chosen_platform({}) is None


def test_distribution_families_from_os_release():
    assert pc.distro_family('ID=ubuntu\nID_LIKE=debian\n') == "debian"
    assert pc.distro_family('ID="rocky"\nID_LIKE="rhel centos fedora"\n') == "fedora"
    assert pc.distro_family('ID=endeavouros\nID_LIKE=arch\n') == "arch"
    assert pc.distro_family('ID=gentoo\n') is None


def test_install_commands_name_the_packages_of_each_family():
    missing = ["libxcb-cursor.so.0", "libxcb-icccm.so.4", "libxcb-keysyms.so.1"]
    assert pc.install_hint(missing, "debian") == "sudo apt-get install libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1"
    assert pc.install_hint(missing, "fedora") == "sudo dnf install xcb-util-cursor xcb-util-keysyms xcb-util-wm"
    assert pc.install_hint(missing, "arch") == "sudo pacman -S xcb-util-cursor xcb-util-keysyms xcb-util-wm"
    assert "libmystery.so.2" in pc.install_hint(["libmystery.so.2"], "debian")
    assert "libxcb-cursor.so.0" in pc.install_hint(missing, None)


def test_missing_libraries_stop_the_start_with_the_command(monkeypatch, tmp_path):
    plugins = tmp_path / "plugins"
    (plugins / "platforms").mkdir(parents=True)
    monkeypatch.setattr(pc.sys, "platform", "linux")
    monkeypatch.setattr(pc, "missing_libraries", lambda plugin, platform: ["libxcb-cursor.so.0"])
    env = {"DISPLAY": ":0"}
    message = pc.preflight(env, plugins, os_release="ID=debian\n")
    assert "libxcb-cursor.so.0" in message and "sudo apt-get install libxcb-cursor0" in message
    # Qt is pointed at this plugin folder only, never at another package's (cv2/qt/plugins)
    assert env["QT_QPA_PLATFORM_PLUGIN_PATH"] == str(plugins / "platforms")
    monkeypatch.setattr(pc, "missing_libraries", lambda plugin, platform: [])
    assert pc.preflight({"DISPLAY": ":0"}, plugins) is None
    assert pc.preflight({"QT_QPA_PLATFORM": "offscreen"}, plugins) is None


def test_the_plugin_folder_is_pyside6s_own():
    plugins = pc.pyside_plugins()
    assert plugins is not None and "PySide6" in str(plugins) and "cv2" not in str(plugins)
    assert (plugins / "platforms").is_dir()


def test_ldd_finds_what_a_real_plugin_lacks():
    plugin = pc.pyside_plugins() / "platforms" / "libqxcb.so"
    missing = pc.missing_libraries(plugin, "xcb")
    assert all(m.startswith("lib") and ".so" in m for m in missing), missing


def test_the_gui_without_a_display_says_so_and_exits_1(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    proc = subprocess.run([sys.executable, "-m", "app.ui.main", str(tmp_path)], env=env, capture_output=True,
                          text=True, timeout=120, cwd=Path(__file__).resolve().parents[2])
    assert proc.returncode == 1, proc.stderr
    assert "desktop session" in proc.stderr and "Traceback" not in proc.stderr
    assert not any(tmp_path.iterdir())              # nothing created for a window that never opened
