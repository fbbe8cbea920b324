"""Window geometry, dock layout and splitter positions, saved apart from the settings.

Stored as JSON (Qt's byte arrays as base64) in ``app_paths().window_state_file``,
written atomically. A missing or unreadable file just means default geometry.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QMainWindow, QSplitter

from workbench.store.atomic import atomic_write_json

# QByteArray (and its enums) loads when a state is saved or read back: a first start
# has none to read before its first paint.
if TYPE_CHECKING:
    from PySide6.QtCore import QByteArray

__all__ = ["restore_window_state", "save_window_state", "saved_collapsed_docks"]

VERSION = 1


# base64 and logging are imported where used: the window reads no saved state on a
# first start, and each module imported before the first paint costs start-up time.
def _encode(data: QByteArray) -> str:
    import base64

    return base64.b64encode(bytes(data.data())).decode("ascii")


def _decode(text: Any) -> QByteArray | None:
    if not isinstance(text, str):
        return None
    import base64

    from PySide6.QtCore import QByteArray

    try:
        return QByteArray(base64.b64decode(text.encode("ascii"), validate=True))
    except ValueError:
        return None


def save_window_state(
    path: Path,
    window: QMainWindow,
    splitters: dict[str, QSplitter],
    *,
    collapsed: list[str] | None = None,
) -> None:
    """Write geometry, dock state, each named splitter's sizes and the collapsed docks."""
    document = {
        "version": VERSION,
        "geometry": _encode(window.saveGeometry()),
        "state": _encode(window.saveState(VERSION)),
        "splitters": {name: _encode(s.saveState()) for name, s in splitters.items()},
        "collapsed": list(collapsed or []),
    }
    try:
        atomic_write_json(path, document)
    except OSError as exc:
        import logging

        logging.getLogger(__name__).warning("could not save the window state to %s: %s", path, exc)


def saved_collapsed_docks(path: Path) -> list[str]:
    """The object names of the docks that were collapsed when the state was saved."""
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    names = document.get("collapsed") if isinstance(document, dict) else None
    return [n for n in names if isinstance(n, str)] if isinstance(names, list) else []


def restore_window_state(path: Path, window: QMainWindow, splitters: dict[str, QSplitter]) -> bool:
    """Restore what :func:`save_window_state` wrote; False when there was nothing usable."""
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(document, dict) or document.get("version") != VERSION:
        return False
    geometry = _decode(document.get("geometry"))
    restored = bool(geometry is not None and window.restoreGeometry(geometry))
    state = _decode(document.get("state"))
    if state is not None:
        window.restoreState(state, VERSION)
    saved = document.get("splitters")
    for name, splitter in splitters.items():
        data = _decode(saved.get(name)) if isinstance(saved, dict) else None
        if data is not None:
            splitter.restoreState(data)
    return restored
