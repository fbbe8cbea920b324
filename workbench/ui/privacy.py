"""Screen-share safety: one switch that hides personal data in every view until revealed.

:class:`PrivacyMask` holds the redaction policy (the same one support bundles
use, :mod:`workbench.store.redaction_policy`) and whether personal data is
hidden. Views never decide this themselves: the JSON tree model, the diff
table, tooltips, the copy actions and the window's exports all ask the mask
(:meth:`PrivacyMask.value`, :meth:`PrivacyMask.document`,
:meth:`PrivacyMask.text`), so a new view is covered by using them.

There is one mask per application, like the palette: the switch is about the
screen, not about one window. :func:`privacy_mask` returns it (creating it as
a child of the ``QApplication``).

Signals:
    changed(bool): personal data was hidden (True) or revealed (False), or the
        policy changed; views repaint.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QObject, Signal

# The policy (and the diff selectors it matches paths with) loads when a view first asks
# about personal data: the window shows before that, with nothing hidden.
if TYPE_CHECKING:
    from workbench.core.diff import Selector
    from workbench.core.redaction import RedactionPolicy

__all__ = ["MASK", "PrivacyMask", "app_privacy_mask", "privacy_mask"]

MASK = "●●●●"
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
_IPV4 = re.compile(r"(?:\d{1,3}\.){3}\d{1,3}")
_TRACARDI_ROOTS = ("event@", "profile@", "session@", "payload@", "flow@", "memory@", "source@")


class PrivacyMask(QObject):
    """Whether personal data is hidden, and the policy that says what is personal."""

    changed = Signal(bool)

    def __init__(self, policy: RedactionPolicy | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.setObjectName("privacyMask")
        self._policy = policy
        self._hidden = False
        self._cache: dict[tuple[str, ...], bool] = {}

    # --- state --------------------------------------------------------------------------

    @property
    def hidden(self) -> bool:
        return self._hidden

    def set_hidden(self, hidden: bool) -> None:
        if hidden != self._hidden:
            self._hidden = hidden
            self.changed.emit(hidden)

    @property
    def policy(self) -> RedactionPolicy:
        if self._policy is None:
            from workbench.core.redaction import RedactionPolicy

            self._policy = RedactionPolicy()
        return self._policy

    def set_policy(self, policy: RedactionPolicy) -> None:
        self._policy = policy
        self._cache.clear()
        self.changed.emit(self._hidden)

    # --- deciding -------------------------------------------------------------------------

    def is_personal_path(self, path: tuple[Any, ...]) -> bool:
        """True when the policy names the value at *path* (list positions are skipped)."""
        selector = _selector_type()
        keys = tuple(str(p) for p in path if isinstance(p, str) and not isinstance(p, selector))
        known = self._cache.get(keys)
        if known is None:
            known = self.policy.category(keys) is not None
            self._cache[keys] = known
        return known

    def text(self, text: str) -> str:
        """*text* with e-mail and IP addresses hidden (when hidden and the policy detects them)."""
        if not self._hidden or not self.policy.detect_values:
            return text
        if "@" in text:
            text = _EMAIL.sub(_hide_email, text)
        if "." in text and _IPV4.search(text):
            text = _IPV4.sub(_hide_ip, text)
        return text

    def value(self, path: tuple[Any, ...], value: Any) -> Any:
        """What a view shows for *value* at *path*: the value, or :data:`MASK` for personal data.

        Containers come back with their personal leaves masked (for previews and copies)."""
        if not self._hidden:
            return value
        if self.is_personal_path(path):
            return _mask_all(value)
        if isinstance(value, dict):
            return {k: self.value((*path, k), v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.value(path, v) for v in value]
        if isinstance(value, str):
            return self.text(value)
        return value

    def document(self, value: Any) -> Any:
        """A whole document as views, copies and exports must show it now."""
        return self.value((), value)


@functools.cache
def _selector_type() -> type[Selector]:
    """The diff selector type (a path step that is not a key), imported on first use."""
    from workbench.core.diff import Selector

    return Selector


def _hide_email(match: re.Match[str]) -> str:
    found = match.group(0)
    return found if found.lower().startswith(_TRACARDI_ROOTS) else MASK


def _hide_ip(match: re.Match[str]) -> str:
    found = match.group(0)
    parts = found.split(".")
    if any(int(p) > 255 for p in parts) or found.startswith(("127.", "0.")):
        return found
    return MASK


def _mask_all(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _mask_all(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_mask_all(v) for v in value]
    if value is None or value == "":
        return value
    return MASK


def app_privacy_mask() -> PrivacyMask | None:
    """The application's mask, or None before a ``QCoreApplication`` exists."""
    return privacy_mask() if QCoreApplication.instance() is not None else None


def privacy_mask() -> PrivacyMask:
    """The application's mask (created on first use as a child of the application)."""
    app = QCoreApplication.instance()
    if app is None:
        raise RuntimeError("privacy_mask() needs a QApplication")
    found = app.findChild(PrivacyMask, "privacyMask")
    if isinstance(found, PrivacyMask):
        return found
    return PrivacyMask(parent=app)
