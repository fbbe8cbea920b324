"""The default command: open the window (``workbench`` or ``workbench gui``).

Before Qt is touched, it checks that a window can be shown at all: a display
(``DISPLAY`` or ``WAYLAND_DISPLAY``) and, for X11, the libraries Qt's ``xcb``
platform plugin needs. When something is missing it prints one message naming
it (with the Debian package names) and points to ``workbench collector``,
instead of letting Qt abort with a stack dump.

This module stays Qt-free (the import contract); the window is imported by
name at run time from :mod:`workbench.app`, the composition root.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

__all__ = ["DEBIAN_PACKAGES", "display_problem", "missing_xcb_libraries", "register", "run"]

# Shared objects Qt's xcb plugin loads, and the Debian/Ubuntu packages that ship them.
DEBIAN_PACKAGES = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-xinerama.so.0": "libxcb-xinerama0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-xinput.so.0": "libxcb-xinput0",
    "libxcb.so.1": "libxcb1",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libX11.so.6": "libx11-6",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libOpenGL.so.0": "libopengl0",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libdbus-1.so.3": "libdbus-1-3",
    "libglib-2.0.so.0": "libglib2.0-0",
}
_NOT_FOUND = re.compile(r"^\s*(\S+)\s*=>\s*not found", re.MULTILINE)
_HEADLESS_PLATFORMS = ("offscreen", "minimal", "vnc", "eglfs", "linuxfb", "vkkhrdisplay")


def register(sub: Any) -> None:
    parser = sub.add_parser("gui", help="open the Workbench window (the default)")
    parser.set_defaults(func=run)


def _xcb_plugin() -> Path | None:
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        candidate = Path(location) / "Qt" / "plugins" / "platforms" / "libqxcb.so"
        if candidate.exists():
            return candidate
    return None


def missing_xcb_libraries(plugin: Path | None = None) -> list[str]:
    """Shared objects the xcb platform plugin needs but the system lacks (Linux only)."""
    plugin = plugin or _xcb_plugin()
    if plugin is None or not sys.platform.startswith("linux"):
        return []
    ldd = shutil.which("ldd")
    if ldd is not None:
        try:
            out = subprocess.run(
                [ldd, str(plugin)], capture_output=True, text=True, timeout=20, check=False
            ).stdout
        except (OSError, subprocess.SubprocessError):
            out = ""
        found = sorted(set(_NOT_FOUND.findall(out)))
        if found or out:
            return found
    # No ldd: let the dynamic loader say what it cannot find (first missing library only).
    probe = (
        "import ctypes, sys\n"
        "try:\n    ctypes.CDLL(sys.argv[1])\n"
        "except OSError as exc:\n    print(exc)\n"
    )
    try:
        out = subprocess.run(
            [sys.executable, "-c", probe, str(plugin)],
            capture_output=True,
            text=True,
            timeout=20,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    match = re.search(r"(\S+\.so[.\d]*): cannot open shared object file", out)
    return [match.group(1)] if match else []


def _x_socket_missing(display: str) -> bool:
    """True for a local display (``:N``) whose X socket does not exist."""
    match = re.fullmatch(r"(?:unix)?:(\d+)(?:\.\d+)?", display.strip())
    if not match:
        return False  # a remote display (host:N): cannot tell without connecting
    return not Path(f"/tmp/.X11-unix/X{match.group(1)}").exists()


def display_problem(environ: dict[str, str] | None = None) -> str | None:
    """Why no window can be opened here, as one message; None when it looks possible."""
    env = dict(os.environ if environ is None else environ)
    platform = env.get("QT_QPA_PLATFORM", "").split(":")[0].strip().lower()
    if platform in _HEADLESS_PLATFORMS or not sys.platform.startswith("linux"):
        return None
    display, wayland = env.get("DISPLAY", ""), env.get("WAYLAND_DISPLAY", "")
    if platform.startswith("wayland"):
        return None if wayland else _message("WAYLAND_DISPLAY is not set (no Wayland session)")
    if not display and not wayland:
        return _message("no display: neither DISPLAY nor WAYLAND_DISPLAY is set")
    if not display:
        return None  # Wayland only: Qt picks its wayland plugin
    if _x_socket_missing(display):
        return _message(f"the X display {display} is not running (no X server socket)")
    missing = missing_xcb_libraries()
    if missing:
        packages = sorted({DEBIAN_PACKAGES.get(lib, lib) for lib in missing})
        return _message(
            "Qt's X11 (xcb) platform plugin cannot load: missing "
            + ", ".join(missing)
            + f".\nOn Debian/Ubuntu install them with:\n  sudo apt-get install {' '.join(packages)}"
        )
    return None


def _message(reason: str) -> str:
    return (
        f"workbench: cannot open the window: {reason}.\n"
        "For headless use run the collector without a window:\n"
        "  workbench collector        (then send with: workbench send ...)"
    )


def run(args: argparse.Namespace) -> int:
    problem = display_problem()
    if problem is not None:
        print(problem, file=sys.stderr)
        return 2
    app = importlib.import_module("workbench.app")
    code: int = app.run(args)
    return code
