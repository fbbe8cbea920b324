"""Palette following the scheme (env override) and window-state files that are broken."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QMainWindow, QSplitter

from workbench.ui.theme import ENV_THEME, apply_system_palette, is_dark
from workbench.ui.window_state import restore_window_state, save_window_state


def test_dark_and_light_palettes(qapp: QApplication, monkeypatch: pytest.MonkeyPatch) -> None:
    original = qapp.palette()
    try:
        monkeypatch.setenv(ENV_THEME, "dark")
        assert is_dark()
        apply_system_palette(qapp)
        assert qapp.palette().color(QPalette.ColorRole.Window).lightness() < 80
        monkeypatch.setenv(ENV_THEME, "light")
        assert not is_dark()
        apply_system_palette(qapp)
        assert qapp.palette().color(QPalette.ColorRole.Window).lightness() > 180
    finally:
        qapp.setPalette(original)


def test_state_round_trip_and_broken_files(qtbot, tmp_path: Path) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    splitter = QSplitter()
    window.setCentralWidget(splitter)
    state = tmp_path / "state.json"
    assert not restore_window_state(state, window, {"main": splitter})  # missing: defaults
    save_window_state(state, window, {"main": splitter})
    assert restore_window_state(state, window, {"main": splitter})
    for broken in ("not json", '{"version": 99}', '{"version": 1, "geometry": "%%%"}', "[]"):
        state.write_text(broken, encoding="utf-8")
        assert not restore_window_state(state, window, {"main": splitter}), broken
