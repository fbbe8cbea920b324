"""The composer follows the answers: the visitor's ids and the event types it met.

A send's answer names the profile and session the server used; the next send
carries them (as the JS tracker does), unless the user is editing by hand. Each
target keeps its own visitor, so switching targets shows that target's ids. Event
types sent or reported by the server are offered in completion.

:class:`ComposerFollow` gets the composer and the sender (``None`` until it
loaded; the owner sets :attr:`client`); what it tells the user it says through
:attr:`notice`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from workbench.ui.composer.composer import Composer, PayloadNotReady

if TYPE_CHECKING:
    from workbench.client import Sender
    from workbench.core.exchange import Exchange
    from workbench.settings import TargetSettings

__all__ = ["ComposerFollow"]


class ComposerFollow(QObject):
    """Threads ids and event types from the answers into *composer*.

    Signals:
        notice(str, int): a status line and how long to show it (ms).
    """

    notice = Signal(str, int)

    def __init__(self, composer: Composer, client: Sender | None = None) -> None:
        super().__init__(composer)
        self._composer = composer
        self.client = client
        self._seen_types: set[str] = set()
        composer.connect_identity(self._on_form_new_visit, self._on_form_forget_profile)

    def answer_arrived(self, exchange: Exchange) -> None:
        """A send finished and is shown: take its visitor's ids and its event types."""
        self.learn_event_types(exchange)
        composer = self._composer
        view = exchange.view
        if (
            view is None
            or exchange.error is not None
            or composer.is_collect
            or composer.raw_edit_in_progress()
        ):
            return
        was_clean = not composer.is_modified()
        if view.profile_id:
            composer.form.set_profile_id(view.profile_id)
        if view.session_id:
            composer.form.set_session_id(view.session_id)
        if was_clean:  # ids threaded from the answer are not the user's unsaved work
            composer.mark_clean()

    def learn_event_types(self, exchange: Exchange) -> None:
        """Offer the event types sent (and the server's, e.g. profile-created) in completion."""
        events = exchange.view.events if exchange.view is not None else None
        found = list(exchange.event_types)
        if isinstance(events, dict):
            found += [t for t in events.get("types") or [] if isinstance(t, str)]
        new = [t for t in found if isinstance(t, str) and t and t not in self._seen_types]
        if new:
            self._seen_types.update(new)
            self._composer.form.events_editor.set_known_types(sorted(self._seen_types))

    def show_remembered_identity(self, target: TargetSettings) -> None:
        """Each target keeps its own visitor (as the JS tracker does per site): show its ids."""
        composer = self._composer
        if self.client is None or composer.is_collect or composer.raw_edit_in_progress():
            return
        identity = self.client.identity.get(target, self._source_id())
        was_clean = not composer.is_modified()
        composer.form.set_profile_id(identity.profile_id)
        composer.form.set_session_id(identity.session_id)
        if was_clean:
            composer.mark_clean()

    def _source_id(self) -> str | None:
        try:
            return self._composer.build_spec().source_id
        except (PayloadNotReady, ValueError):
            return None

    def _on_form_new_visit(self, session_id: str) -> None:
        self.notice.emit(f"New visit: session {session_id}", 4000)

    def _on_form_forget_profile(self) -> None:
        if self.client is None:
            return
        identity = self.client.identity.forget_profile(
            self._composer.current_target(), self._source_id()
        )
        self._composer.form.set_session_id(identity.session_id)
        self.notice.emit("Profile forgotten: the next send is a first visit.", 4000)
