"""What the main window does with the embedded collector: its sources in the composer,
stored entities in their own window, and Collector → Load demo flow.

A small collaborator of :class:`~workbench.ui.main_window.MainWindow`; every store
call runs on the window's task runner, never on the GUI thread.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from workbench.settings import TargetSettings
    from workbench.ui.main_window import MainWindow
    from workbench.ui.tasks import TaskOutcome

__all__ = ["CollectorActions"]


class CollectorActions:
    """The embedded collector as *window* reaches it (``window.collector``, maybe None)."""

    def __init__(self, window: MainWindow) -> None:
        self._window = window

    def target_changed(self, target: TargetSettings) -> None:
        """Offer the embedded collector's sources (and entity links) when it is the target."""
        window = self._window
        debugger = window.response_panel.debugger
        if target.kind != "embedded" or window.collector is None:
            debugger.set_can_open(False)
            return
        debugger.set_can_open(True)
        store = window.collector.store
        window.runner.submit(
            lambda: [s.id for s in store.list_sources()],
            channel="sources",
            on_done=self._on_sources_loaded,
        )

    def _on_sources_loaded(self, outcome: TaskOutcome) -> None:
        if outcome.ok and not outcome.stale:
            self._window.composer.form.set_sources(list(outcome.result))

    def open_entity(self, kind: str, ident: str) -> None:
        """Open a stored profile/session/event of the embedded collector in its own window."""
        window = self._window
        if window.collector is None:
            return
        store = window.collector.store
        getter = {
            "profile": store.get_profile,
            "session": store.get_session,
            "event": store.get_event,
        }[kind]

        def show(outcome: TaskOutcome) -> None:
            from workbench.ui.entity_dialog import EntityDialog

            document = outcome.result if outcome.ok else None
            dialog = EntityDialog(kind, ident, document, window)
            dialog.show()

        window.runner.submit(getter, ident, channel=f"entity-{kind}", on_done=show)

    def load_demo_flow(self) -> None:
        """Collector → Load demo flow: the shipped demo pack into the embedded collector.

        It replaces the collector's flow (schemas, rules, segments), so a flow that
        holds anything is only replaced after the user said yes.
        """
        window = self._window
        collector = window.collector
        if collector is None:
            window.statusBar().showMessage("The embedded collector is not running.", 5000)
            return
        from workbench.collector.flow_routes import flow_store_of
        from workbench.ui.prompts import Prompts

        store = flow_store_of(collector.app)
        current = store.config
        sizes = (len(current.schemas), len(current.rules), len(current.segments))
        if any(sizes) and not Prompts.confirm(
            window,
            "Load the demo flow?",
            "The embedded collector's event flow has {} schemas, {} rules and {} segments. "
            "Replace them with the demo pack?".format(*sizes),
        ):
            return
        window.runner.submit(
            store.load_pack, "demo", channel="flow", on_done=self._on_demo_flow_loaded
        )

    def _on_demo_flow_loaded(self, outcome: TaskOutcome) -> None:
        window = self._window
        if outcome.error is not None:
            window.composer.show_error(f"The demo flow was not loaded: {outcome.error}", "")
            return
        flow = outcome.result
        text = (
            f"Demo flow loaded: {len(flow.schemas)} event schemas, {len(flow.rules)} rules, "
            f"{len(flow.segments)} segments. Send with the debugger on to see execution "
            "and segmentation."
        )
        window.statusBar().showMessage(text, 8000)
        # The status bar forgets in seconds; the debugger keeps it until the next answer.
        window.response_panel.debugger.show_flow_notice(text)
        window.demo_flow_loaded.emit()
