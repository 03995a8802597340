"""Before any window: can Qt start here? On a fresh Linux desktop Qt's X11 (xcb) platform
plugin needs system libraries that PySide6's wheels do not ship (libxcb-cursor0 and friends);
without them Qt aborts the process. This module finds out first, without importing Qt's GUI,
and says which packages to install for the user's distribution. It also keeps Qt on PySide6's
own plugin folder (another package's Qt plugins, e.g. a non-headless OpenCV's, must not be
picked up)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

# library soname -> (Debian/Ubuntu, Fedora, Arch) package
PACKAGES: dict[str, tuple[str, str, str]] = {
    "libxcb-cursor.so.0": ("libxcb-cursor0", "xcb-util-cursor", "xcb-util-cursor"),
    "libxcb-icccm.so.4": ("libxcb-icccm4", "xcb-util-wm", "xcb-util-wm"),
    "libxcb-keysyms.so.1": ("libxcb-keysyms1", "xcb-util-keysyms", "xcb-util-keysyms"),
    "libxcb-image.so.0": ("libxcb-image0", "xcb-util-image", "xcb-util-image"),
    "libxcb-render-util.so.0": ("libxcb-render-util0", "xcb-util-renderutil", "xcb-util-renderutil"),
    "libxcb-util.so.1": ("libxcb-util1", "xcb-util", "xcb-util"),
    "libxkbcommon-x11.so.0": ("libxkbcommon-x11-0", "libxkbcommon-x11", "libxkbcommon-x11"),
    "libxkbcommon.so.0": ("libxkbcommon0", "libxkbcommon", "libxkbcommon"),
    "libxcb-xkb.so.1": ("libxcb-xkb1", "libxcb", "libxcb"),
    "libxcb-shape.so.0": ("libxcb-shape0", "libxcb", "libxcb"),
    "libxcb-randr.so.0": ("libxcb-randr0", "libxcb", "libxcb"),
    "libxcb-render.so.0": ("libxcb-render0", "libxcb", "libxcb"),
    "libxcb-shm.so.0": ("libxcb-shm0", "libxcb", "libxcb"),
    "libxcb-sync.so.1": ("libxcb-sync1", "libxcb", "libxcb"),
    "libxcb-xfixes.so.0": ("libxcb-xfixes0", "libxcb", "libxcb"),
    "libxcb-xinput.so.0": ("libxcb-xinput0", "libxcb", "libxcb"),
    "libxcb-glx.so.0": ("libxcb-glx0", "libxcb", "libxcb"),
    "libxcb.so.1": ("libxcb1", "libxcb", "libxcb"),
    "libX11-xcb.so.1": ("libx11-xcb1", "libX11-xcb", "libx11"),
    "libX11.so.6": ("libx11-6", "libX11", "libx11"),
    "libSM.so.6": ("libsm6", "libSM", "libsm"),
    "libICE.so.6": ("libice6", "libICE", "libice"),
    "libEGL.so.1": ("libegl1", "libglvnd-egl", "libglvnd"),
    "libGL.so.1": ("libgl1", "libglvnd-glx", "libglvnd"),
    "libOpenGL.so.0": ("libopengl0", "libglvnd-opengl", "libglvnd"),
    "libfontconfig.so.1": ("libfontconfig1", "fontconfig", "fontconfig"),
    "libfreetype.so.6": ("libfreetype6", "freetype", "freetype2"),
    "libdbus-1.so.3": ("libdbus-1-3", "dbus-libs", "dbus"),
    "libglib-2.0.so.0": ("libglib2.0-0", "glib2", "glib2"),
    "libwayland-client.so.0": ("libwayland-client0", "libwayland-client", "wayland"),
    "libwayland-cursor.so.0": ("libwayland-cursor0", "libwayland-cursor", "wayland"),
    "libwayland-egl.so.1": ("libwayland-egl1", "libwayland-egl", "wayland"),
}
FAMILIES = {"debian": ("sudo apt-get install", 0), "fedora": ("sudo dnf install", 1), "arch": ("sudo pacman -S", 2)}
FAMILY_IDS = {"debian": "debian", "ubuntu": "debian", "linuxmint": "debian", "pop": "debian", "raspbian": "debian",
              "fedora": "fedora", "rhel": "fedora", "centos": "fedora", "rocky": "fedora", "almalinux": "fedora",
              "arch": "arch", "manjaro": "arch", "endeavouros": "arch"}


def pyside_plugins() -> Path | None:
    """PySide6's own Qt plugin folder (found without importing Qt)."""
    import importlib.util

    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return None
    for base in spec.submodule_search_locations:
        for candidate in (Path(base) / "Qt" / "plugins", Path(base) / "plugins"):
            if (candidate / "platforms").is_dir():
                return candidate
    return None


def distro_family(os_release: str | None = None) -> str | None:
    """debian, fedora or arch from /etc/os-release (ID, then ID_LIKE); None when unknown."""
    if os_release is None:
        try:
            os_release = Path("/etc/os-release").read_text()
        except OSError:
            return None
    fields = dict(line.split("=", 1) for line in os_release.splitlines() if "=" in line)
    ids = [fields.get("ID", "").strip('"')] + fields.get("ID_LIKE", "").strip('"').split()
    for i in ids:
        if i in FAMILY_IDS:
            return FAMILY_IDS[i]
    return None


# Loaded by the xcb plugin at run time (dlopen since Qt 6.5), so ldd does not list it.
RUNTIME_LOADED = {"xcb": ("libxcb-cursor.so.0",)}


def _loadable(soname: str) -> bool:
    import ctypes

    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def missing_libraries(plugin: Path, platform: str = "xcb") -> list[str]:
    """Sonames ``plugin`` (a Qt platform plugin) needs and the system cannot find (ldd, plus
    the libraries Qt opens at run time)."""
    missing = [name for name in RUNTIME_LOADED.get(platform, ()) if not _loadable(name)]
    ldd = shutil.which("ldd")
    if ldd is not None and plugin.exists():
        try:
            out = subprocess.run([ldd, str(plugin)], capture_output=True, text=True, timeout=20).stdout
        except (OSError, subprocess.SubprocessError):
            out = ""
        missing += [line.split("=>")[0].strip() for line in out.splitlines() if "not found" in line]
    return sorted(dict.fromkeys(missing))


def install_hint(missing: list[str], family: str | None) -> str:
    if family is None:
        return "install the system packages that provide: " + ", ".join(missing)
    command, column = FAMILIES[family]
    packages = sorted({PACKAGES[m][column] for m in missing if m in PACKAGES})
    unknown = [m for m in missing if m not in PACKAGES]
    hint = f"{command} {' '.join(packages)}" if packages else ""
    if unknown:
        hint += ("\n  and the packages that provide: " if hint else "install the packages that provide: ") + ", ".join(unknown)
    return hint


def chosen_platform(env: os._Environ | dict) -> str | None:
    """The platform plugin Qt will load (xcb, wayland, offscreen, ...); None when no display."""
    forced = env.get("QT_QPA_PLATFORM", "").split(":")[0].split(";")[0].strip()
    if forced:
        return forced
    if env.get("WAYLAND_DISPLAY"):
        return "wayland"
    if env.get("DISPLAY"):
        return "xcb"
    return None


def preflight(env=None, plugins: Path | None = None, os_release: str | None = None) -> str | None:
    """None when Qt can start; otherwise the message to print before exiting 1. Also points
    Qt at PySide6's own plugins (``QT_QPA_PLATFORM_PLUGIN_PATH``/``QT_PLUGIN_PATH``)."""
    env = os.environ if env is None else env
    plugins = plugins or pyside_plugins()
    if plugins is not None:
        env["QT_PLUGIN_PATH"] = str(plugins)
        env["QT_QPA_PLATFORM_PLUGIN_PATH"] = str(plugins / "platforms")
    if not sys.platform.startswith("linux"):
        return None
    platform = chosen_platform(env)
    if platform is None:
        return ("PhotoTriage needs a desktop session to open its window (no DISPLAY or WAYLAND_DISPLAY is set).\n"
                "Index from the command line instead: phototriage index FOLDER")
    if platform not in ("xcb", "wayland") or plugins is None:
        return None
    plugin = plugins / "platforms" / f"libq{platform}.so"
    missing = missing_libraries(plugin, platform)
    if not missing:
        return None
    return (f"PhotoTriage cannot open its window: Qt's {platform} platform needs system libraries that are missing "
            f"({', '.join(missing)}).\nInstall them with:\n  {install_hint(missing, distro_family(os_release))}")
