"""What the window does with the embedded collector: its sources in the composer,
stored entities in their own window, and Collector → Load demo flow.

It gets what it uses: the task runner (every store call runs there, never on the
GUI thread), the collector (``None`` until it runs; the owner sets :attr:`collector`
when it arrives) and a parent widget for the dialogs it opens. What it finds out it
says through its own signals; it knows nothing of the window.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from workbench.settings import EMBEDDED_TARGET_NAME, TargetSettings

if TYPE_CHECKING:
    from workbench.collector import CollectorServer
    from workbench.ui.tasks import TaskOutcome, TaskRunner

__all__ = ["CollectorActions"]

DEFAULT_EMBEDDED_URL = "http://127.0.0.1:8686"


class CollectorActions(QObject):
    """The embedded collector's sources, entities and demo flow.

    Signals:
        can_open(bool): entity links make sense for the current target (or not).
        sources_loaded(list): the collector's event source ids, for the composer.
        failed(str): something asked for did not happen (the message says what).
        notice(str, int): a status line and how long to show it (ms).
        demo_flow_loaded(str): the demo flow is in; the text says what it holds.
    """

    can_open = Signal(bool)
    sources_loaded = Signal(list)
    failed = Signal(str)
    notice = Signal(str, int)
    demo_flow_loaded = Signal(str)

    def __init__(
        self,
        runner: TaskRunner,
        parent: QWidget,
        collector: CollectorServer | None = None,
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._parent = parent
        self.collector = collector

    def embedded_target(self) -> TargetSettings:
        """The target that sends to the embedded collector (its default address while
        it is not running).

        The same target as ``workbench.client.embedded_target(url)``, built here so
        the window does not import the client (httpx) before it is shown.
        """
        collector = self.collector
        return TargetSettings(
            name=EMBEDDED_TARGET_NAME,
            base_url=collector.url if collector is not None else DEFAULT_EMBEDDED_URL,
            kind="embedded",
            response_format="auto",
            # Beyond loopback the collector needs one.
            token=collector.token if collector is not None else None,
        )

    def target_changed(self, target: TargetSettings) -> None:
        """Offer the embedded collector's sources (and entity links) when it is the target."""
        if target.kind != "embedded" or self.collector is None:
            self.can_open.emit(False)
            return
        self.can_open.emit(True)
        store = self.collector.store
        self._runner.submit(
            lambda: [s.id for s in store.list_sources()],
            channel="sources",
            on_done=self._on_sources_loaded,
        )

    def _on_sources_loaded(self, outcome: TaskOutcome) -> None:
        if outcome.ok and not outcome.stale:
            self.sources_loaded.emit(list(outcome.result))

    def open_entity(self, kind: str, ident: str) -> None:
        """Open a stored profile/session/event of the embedded collector in its own window."""
        if self.collector is None:
            return
        store = self.collector.store
        getter = {
            "profile": store.get_profile,
            "session": store.get_session,
            "event": store.get_event,
        }[kind]

        def show(outcome: TaskOutcome) -> None:
            from workbench.ui.entity_dialog import EntityDialog

            document = outcome.result if outcome.ok else None
            dialog = EntityDialog(kind, ident, document, self._parent)
            dialog.show()

        self._runner.submit(getter, ident, channel=f"entity-{kind}", on_done=show)

    def load_demo_flow(self) -> None:
        """Collector → Load demo flow: the shipped demo pack into the embedded collector.

        It replaces the collector's flow (schemas, rules, segments), so a flow that
        holds anything is only replaced after the user said yes.
        """
        collector = self.collector
        if collector is None:
            self.notice.emit("The embedded collector is not running.", 5000)
            return
        from workbench.collector.flow_routes import flow_store_of
        from workbench.ui.prompts import Prompts

        store = flow_store_of(collector.app)
        current = store.config
        sizes = (len(current.schemas), len(current.rules), len(current.segments))
        if any(sizes) and not Prompts.confirm(
            self._parent,
            "Load the demo flow?",
            "The embedded collector's event flow has {} schemas, {} rules and {} segments. "
            "Replace them with the demo pack?".format(*sizes),
        ):
            return
        self._runner.submit(
            store.load_pack, "demo", channel="flow", on_done=self._on_demo_flow_loaded
        )

    def _on_demo_flow_loaded(self, outcome: TaskOutcome) -> None:
        if outcome.error is not None:
            self.failed.emit(f"The demo flow was not loaded: {outcome.error}")
            return
        flow = outcome.result
        text = (
            f"Demo flow loaded: {len(flow.schemas)} event schemas, {len(flow.rules)} rules, "
            f"{len(flow.segments)} segments. Send with the debugger on to see execution "
            "and segmentation."
        )
        self.notice.emit(text, 8000)
        self.demo_flow_loaded.emit(text)
