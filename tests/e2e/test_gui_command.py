"""``workbench`` without a usable display: one clear message, no Qt stack dump."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import run_workbench
from workbench.cli import gui


def test_no_display_prints_one_clear_message(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)
    env["WORKBENCH_HOME"] = str(tmp_path)
    result = run_workbench(env=env)
    assert result.returncode == 2
    assert "neither DISPLAY nor WAYLAND_DISPLAY is set" in result.stderr
    assert "workbench collector" in result.stderr
    assert "Traceback" not in result.stderr
    assert "qt.qpa" not in result.stderr
    assert result.stdout == ""


def test_missing_xcb_libraries_name_debian_packages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gui, "_x_socket_missing", lambda display: False)
    monkeypatch.setattr(
        gui, "missing_xcb_libraries", lambda: ["libxcb-cursor.so.0", "libxcb-icccm.so.4"]
    )
    message = gui.display_problem({"DISPLAY": ":0"})
    assert message is not None
    assert "libxcb-cursor.so.0" in message
    assert "sudo apt-get install libxcb-cursor0 libxcb-icccm4" in message
    assert "workbench collector" in message


def test_dead_x_display_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gui, "missing_xcb_libraries", lambda: [])
    message = gui.display_problem({"DISPLAY": ":4711"})
    assert message is not None
    assert "X display :4711 is not running" in message


def test_offscreen_and_wayland_need_no_x(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gui, "missing_xcb_libraries", lambda: ["libxcb.so.1"])
    assert gui.display_problem({"QT_QPA_PLATFORM": "offscreen"}) is None
    assert gui.display_problem({"WAYLAND_DISPLAY": "wayland-0"}) is None
    assert "WAYLAND_DISPLAY" in (gui.display_problem({"QT_QPA_PLATFORM": "wayland"}) or "")


def test_probe_of_this_machine_returns_sonames() -> None:
    for name in gui.missing_xcb_libraries():
        assert ".so" in name
