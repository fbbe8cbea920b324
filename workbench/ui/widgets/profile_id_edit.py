"""The box the teaching dialogs ask for a profile id with."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit, QWidget

__all__ = ["ProfileIdEdit"]


class ProfileIdEdit(QLineEdit):
    """A profile id of the embedded collector, filled from the last answer's profile.

    :meth:`set_profile_id` leaves a typed id alone when there is none to give;
    :attr:`MISSING` is what a dialog says when it is asked with the box empty.
    """

    MISSING = "Give a profile id (send a request first: its profile is used)."

    def __init__(self, object_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setPlaceholderText("a profile id of the embedded collector")
        self.setAccessibleName("profile id")
        self.setClearButtonEnabled(True)

    def set_profile_id(self, profile_id: str | None) -> None:
        """Show *profile_id*; ``None`` or empty keeps what the box holds."""
        if profile_id:
            self.setText(profile_id)

    def profile_id(self) -> str:
        """The id in the box, without surrounding spaces (empty when none)."""
        return self.text().strip()
