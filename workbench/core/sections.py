"""The sections of a ``/track`` answer's debugging view, in the order they are shown.

Kept apart from :mod:`workbench.core.debug_view` (which re-exports it) so the window
can lay out its section buttons before the first paint without defining the
:class:`~workbench.core.debug_view.DebugView` dataclass, which waits for an answer.
"""

from __future__ import annotations

__all__ = ["SECTIONS"]

SECTIONS = (
    "session",
    "events",
    "profile",
    "execution",
    "segmentation",
    "logs",
    "errors",
    "warnings",
)
