"""Light and dark palettes that follow the system's colour scheme.

Qt reports the scheme through ``QStyleHints.colorScheme()`` (and a signal when
it changes). Where the platform does not say (plain X11), ``WORKBENCH_THEME``
(``light``/``dark``) decides, else light.
"""

from __future__ import annotations

import os

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

__all__ = ["ENV_THEME", "apply_system_palette", "dark_palette", "follow_system_scheme", "is_dark"]

ENV_THEME = "WORKBENCH_THEME"


def is_dark() -> bool:
    """True when the user asked for dark (env) or the system's scheme is dark."""
    wanted = os.environ.get(ENV_THEME, "").strip().lower()
    if wanted in ("dark", "light"):
        return wanted == "dark"
    return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark


def dark_palette() -> QPalette:
    palette = QPalette()
    window, base, text = QColor(45, 45, 48), QColor(30, 30, 32), QColor(230, 230, 230)
    role = QPalette.ColorRole
    for r, colour in (
        (role.Window, window),
        (role.WindowText, text),
        (role.Base, base),
        (role.AlternateBase, QColor(40, 40, 44)),
        (role.ToolTipBase, window),
        (role.ToolTipText, text),
        (role.Text, text),
        (role.Button, window),
        (role.ButtonText, text),
        (role.BrightText, QColor(255, 80, 80)),
        (role.Highlight, QColor(42, 130, 218)),
        (role.HighlightedText, QColor(255, 255, 255)),
        (role.Link, QColor(90, 160, 240)),
        (role.PlaceholderText, QColor(150, 150, 150)),
    ):
        palette.setColor(r, colour)
    for r in (role.Text, role.ButtonText, role.WindowText):
        palette.setColor(QPalette.ColorGroup.Disabled, r, QColor(120, 120, 120))
    return palette


def apply_system_palette(app: QApplication) -> None:
    """Fusion style with a dark or the standard light palette, as the system wants."""
    app.setStyle("Fusion")
    app.setPalette(dark_palette() if is_dark() else app.style().standardPalette())


def follow_system_scheme(app: QApplication) -> None:
    """Apply the palette now and again whenever the system switches scheme."""
    apply_system_palette(app)
    app.styleHints().colorSchemeChanged.connect(lambda _scheme: apply_system_palette(app))
