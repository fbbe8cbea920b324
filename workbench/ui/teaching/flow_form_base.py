"""What the flow editor's forms share: a field-level error, marks, and the base form.

A form loads one definition (the collector's JSON) into its fields and builds it
back (:meth:`DefinitionForm.build`); it marks the field the collector names when it
refuses a definition. Forms never talk to the collector themselves.
"""

from __future__ import annotations

import re
from abc import ABCMeta, abstractmethod
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QCheckBox, QFormLayout, QLineEdit, QWidget

__all__ = [
    "FIELD_PATH",
    "DefinitionForm",
    "FormError",
    "mark_invalid",
    "mono",
    "unmark",
]

_INVALID = "border: 2px solid #c62828;"
# A field path the collector names: ``condition``, ``operations[1].target``...
FIELD_PATH = re.compile(r"^(\w+)(?:\[(\d+)\])?(?:\.(\w+))?")


class FormError(ValueError):
    """A field the form itself can tell is wrong (JSON that does not parse...)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def mono(widget: QWidget) -> None:
    """Show *widget* in the system's fixed-width font."""
    widget.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))


def mark_invalid(widget: QWidget, message: str) -> None:
    """Outline *widget* in red with *message* as its tooltip."""
    widget.setStyleSheet(_INVALID)
    widget.setToolTip(message)
    widget.setProperty("invalid", True)


def unmark(widget: QWidget) -> None:
    """Take back :func:`mark_invalid`."""
    if widget.property("invalid"):
        widget.setStyleSheet("")
        widget.setToolTip("")
        widget.setProperty("invalid", False)


# mypy cannot follow a metaclass computed from a value (Shiboken's type(QWidget)).
class _FormMeta(ABCMeta, type(QWidget)):  # type: ignore[misc]
    """:class:`ABCMeta` over Qt's metaclass: abstract methods on a widget class.

    ``ABCMeta`` comes first so that its bookkeeping (``__abstractmethods__``,
    ``isinstance``) runs on top of Qt's class creation. Qt builds an object without
    the check ``object.__new__`` makes, so the check is made here: a form with an
    unwritten abstract method is refused.
    """

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        missing = sorted(cls.__abstractmethods__)
        if missing:
            raise TypeError(
                f"Can't instantiate abstract class {cls.__name__} without {', '.join(missing)}"
            )
        return super().__call__(*args, **kwargs)


class DefinitionForm(QWidget, metaclass=_FormMeta):
    """Common ground of the three forms: a form layout, fields by name, marks.

    A form subclass fills its fields in :meth:`_load` and reads them back in
    :meth:`build`; the class is abstract until both are written.

    Signals:
        edited(): any field changed (the editor enables Apply).
    """

    edited = Signal()
    kind = ""
    key = "id"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.fields: dict[str, QWidget] = {}
        self.original_id: str | None = None

    def _line(self, name: str, label: str, placeholder: str = "") -> QLineEdit:
        edit = QLineEdit(self)
        edit.setObjectName(f"field-{name}")
        edit.setPlaceholderText(placeholder)
        edit.textEdited.connect(lambda _text: self.edited.emit())
        self.form.addRow(label, edit)
        self.fields[name] = edit
        return edit

    def _check(self, name: str, label: str) -> QCheckBox:
        box = QCheckBox(label, self)
        box.setObjectName(f"field-{name}")
        box.toggled.connect(lambda _on: self.edited.emit())
        self.form.addRow("", box)
        self.fields[name] = box
        return box

    # -- the editor's side ----------------------------------------------------------------

    def load(self, item: dict[str, Any] | None) -> None:
        """Show *item* (None: a blank new definition)."""
        self.clear_marks()
        self.original_id = None if item is None else str(item.get(self.key, ""))
        self._load(item or {})

    @abstractmethod
    def _load(self, item: dict[str, Any]) -> None:
        """Fill the fields from *item* (empty for a new definition)."""

    @abstractmethod
    def build(self) -> dict[str, Any]:
        """The definition the fields hold; :class:`FormError` for what the form can tell."""

    def local_problem(self) -> FormError | None:
        """What is wrong before asking the collector (None when nothing the form can see)."""
        try:
            self.build()
        except FormError as exc:
            return exc
        return None

    def widget_for(self, field: str) -> QWidget | None:
        match = FIELD_PATH.match(field)
        if match is None:
            return None
        return self.fields.get(match.group(1))

    def mark(self, field: str, message: str) -> bool:
        """Mark the widget of *field* (a path such as ``condition``); False when none fits."""
        widget = self.widget_for(field)
        if widget is None:
            return False
        mark_invalid(widget, message)
        return True

    def clear_marks(self) -> None:
        for widget in self._all_marked():
            unmark(widget)

    def _all_marked(self) -> list[QWidget]:
        return list(self.fields.values())
