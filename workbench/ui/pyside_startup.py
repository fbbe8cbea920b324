"""A cheaper answer to PySide6's import-time question "does this module use PySide6?".

PySide6 replaces ``__import__`` so that ``from __feature__ import snake_case`` can
switch a module's API. To know which modules may switch, it asks of every module
imported after PySide6 whether its source mentions ``PySide6``, through
``inspect.getsource``: that goes through ``inspect.getmodule``, which walks all of
``sys.modules`` on each call, and linecache, which decodes and splits the file into
lines. Over the hundred-odd modules the window imports at start-up that is several
milliseconds before the first paint. :func:`quicken_feature_check` puts a function
in its place that gives the same answer from the file's bytes; anything it cannot
read as a plain ``.py`` file goes to PySide6's own check.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import ModuleType

__all__ = ["mentions_pyside", "quicken_feature_check"]

_MARK = b"PySide6"


def mentions_pyside(module: ModuleType, fallback: Callable[[ModuleType], bool]) -> bool:
    """Whether *module*'s source file mentions PySide6 (*fallback* when it has none to read)."""
    path = getattr(module, "__file__", None)
    if not isinstance(path, str) or not path.endswith(".py"):
        return fallback(module)
    try:
        with open(path, "rb") as source:
            return _MARK in source.read()
    except OSError:
        return fallback(module)


def quicken_feature_check() -> bool:
    """Replace PySide6's per-import source check; False when this PySide6 has none to replace."""
    feature = sys.modules.get("shibokensupport.feature")
    original = getattr(feature, "_mod_uses_pyside", None)
    if feature is None or not callable(original):
        return False
    if getattr(original, "_workbench", False):
        return True

    def check(module: ModuleType) -> bool:
        return mentions_pyside(module, original)

    check._workbench = True  # type: ignore[attr-defined]
    feature._mod_uses_pyside = check  # type: ignore[attr-defined]
    return True
