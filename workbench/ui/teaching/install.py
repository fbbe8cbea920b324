"""Puts the teaching tools into the window: the Story tab, Collector menu entries, presenter mode.

Called by the panels' installer once the services are there, which keeps the
:class:`Teaching` it returns. :func:`install_teaching` adds the menu entries and
the Story tab to the window and hands the tools only what they use: a
:class:`TeachingHost` (the running collector, the task runner, the status bar,
the dialogs' parent, ``exchange_shown``) and a
:class:`~workbench.ui.teaching.presenter.PresenterMode` built on a
:class:`~workbench.ui.teaching.presenter_stage.PresenterHost`. The dialogs get a
factory for the running collector's flow API, its store and the task runner; the
Story view the collector controller's request records. Nothing keeps the window.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QUrl, SignalInstance
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence
from PySide6.QtWidgets import QStatusBar, QWidget

from workbench.client.flow_api import FlowApi
from workbench.collector.records import RequestRecord
from workbench.core.exchange import Exchange
from workbench.ui.tasks import TaskRunner
from workbench.ui.teaching.flow_editor import FlowEditor
from workbench.ui.teaching.presenter import PresenterMode, load_story_file
from workbench.ui.teaching.presenter_stage import PresenterHost, PresenterStage
from workbench.ui.teaching.story_view import StoryView
from workbench.ui.teaching.timeline_view import TimelineDialog
from workbench.ui.teaching.why_not import WhyNotDialog

if TYPE_CHECKING:
    from workbench.collector import CollectorServer
    from workbench.store.collector import CollectorStore
    from workbench.ui.main_window import MainWindow

__all__ = ["Teaching", "TeachingHost", "install_teaching"]

PRESENTER_SHORTCUT = "Ctrl+Shift+P"


@dataclass(frozen=True)
class TeachingActions:
    """The actions :func:`install_teaching` added that change state later."""

    presenter: QAction


@dataclass(frozen=True)
class TeachingHost:
    """What the teaching tools use: the running collector (None when stopped), the task
    runner, the status bar, the parent of their dialogs (and of the Story view), and the
    window's ``exchange_shown`` signal."""

    collector: Callable[[], CollectorServer | None]
    runner: TaskRunner
    status: QStatusBar
    dialog_parent: QWidget
    story_parent: QWidget
    exchange_shown: SignalInstance


class Teaching:
    """The teaching tools of one window; dialogs open on first use."""

    def __init__(
        self,
        host: TeachingHost,
        presenter: PresenterMode,
        records_signal: SignalInstance | None = None,
    ) -> None:
        self.host = host
        self.story_view = StoryView(host.story_parent)
        self.profile_id: str | None = None
        self.flow_editor: FlowEditor | None = None
        self.why_not: WhyNotDialog | None = None
        self.timeline: TimelineDialog | None = None
        self.actions: TeachingActions | None = None  # set by install_teaching
        self.presenter = presenter
        host.exchange_shown.connect(self._on_window_exchange_shown)
        if records_signal is not None:
            records_signal.connect(self._on_collector_records)

    # -- what the tools need ------------------------------------------------------------

    def api(self) -> FlowApi | None:
        collector = self.host.collector()
        if collector is None:
            return None
        return FlowApi(collector.url, token=collector.token)

    def store(self) -> CollectorStore | None:
        collector = self.host.collector()
        return collector.store if collector is not None else None

    def _on_window_exchange_shown(self, exchange: Exchange) -> None:
        self.story_view.show_exchange(exchange)
        if exchange.view is not None and exchange.view.profile_id:
            self.profile_id = str(exchange.view.profile_id)

    def _on_collector_records(self, records: list[RequestRecord]) -> None:
        self.story_view.show_records(records)
        panel = self.presenter.panel
        if panel is not None:
            panel.story.show_records(records)
        for record in reversed(records):
            if record.profile_id and self.story_view.following:
                self.profile_id = record.profile_id
                break

    # -- opening ------------------------------------------------------------------------

    @classmethod
    def open_url(cls, url: str) -> bool:
        """Open *url* in the system browser (tests replace this)."""
        return bool(QDesktopServices.openUrl(QUrl(url)))

    def _collector_url(self, path: str) -> str | None:
        collector = self.host.collector()
        if collector is None:
            self.host.status.showMessage("The embedded collector is not running.", 5000)
            return None
        # The live page needs the token (it keeps it as a cookie); the demo shop must not
        # see it: its tracker reports the page's URL.
        token = collector.token if path.startswith("/_workbench/") else None
        return f"{collector.url}{path}" + (f"?token={token}" if token else "")

    def open_demo_shop(self) -> None:
        url = self._collector_url("/demo/")
        if url is not None and self.open_url(url):
            self.story_view.follow_box.setChecked(True)
            self.host.status.showMessage(
                f"The demo shop is open in your browser ({url}); its clicks appear in the "
                "Story tab and the Collector panel. Load the demo flow to give them meaning.",
                8000,
            )

    def open_live_view(self) -> None:
        url = self._collector_url("/_workbench/live")
        if url is not None:
            self.open_url(url)

    def open_flow_editor(self) -> FlowEditor:
        if self.flow_editor is None:
            self.flow_editor = FlowEditor(self.api, self.host.runner, self.host.dialog_parent)
        self.flow_editor.show()
        self.flow_editor.raise_()
        self.flow_editor.reload()
        return self.flow_editor

    def open_why_not(self) -> WhyNotDialog:
        if self.why_not is None:
            self.why_not = WhyNotDialog(self.api, self.host.runner, self.host.dialog_parent)
        dialog = self.why_not
        dialog.set_profile_id(self.profile_id)
        if self.flow_editor is not None:
            dialog.set_event_types([s["event_type"] for s in self.flow_editor.flow["schemas"]])
        dialog.show()
        dialog.raise_()
        if self.profile_id:
            dialog.explain()
        return dialog

    def open_timeline(self) -> TimelineDialog:
        if self.timeline is None:
            self.timeline = TimelineDialog(self.store, self.host.runner, self.host.dialog_parent)
        dialog = self.timeline
        dialog.set_profile_id(self.profile_id)
        dialog.show()
        dialog.raise_()
        if self.profile_id:
            dialog.load()
        return dialog

    def ask_story_file(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        path, _ = QFileDialog.getOpenFileName(
            self.host.dialog_parent,
            "Present a story or journey file",
            "",
            "Stories and journeys (*.json *.yaml *.yml);;All files (*)",
        )
        if path:
            self.open_story_file(path)

    def open_story_file(self, path: str) -> bool:
        try:
            title, steps = load_story_file(path)
        except (OSError, ValueError) as exc:
            self.host.status.showMessage(f"Not a story or journey file: {exc}", 8000)
            return False
        self.presenter.set_story(title, steps)
        self.presenter.set_active(True)
        return True


def install_teaching(window: MainWindow, records_signal: SignalInstance | None = None) -> Teaching:
    """Add the Story tab, the Collector menu entries and View → Presenter mode to *window*."""
    status = window.statusBar()
    host = TeachingHost(
        collector=lambda: window.collector,
        runner=window.runner,
        status=status,
        dialog_parent=window,
        story_parent=window.response_panel,
        exchange_shown=window.exchange_shown,
    )
    state_file = window.state_file
    presenter_file = state_file.with_name("presenter-state.json") if state_file else None
    stage = PresenterStage(window, window.docks)
    presenter_mode = PresenterMode(
        PresenterHost(
            stage=stage,
            composer=window.composer,
            send=window.send,
            client=lambda: window.client,
            collector=host.collector,
            runner=window.runner,
            status=status,
            exchange_shown=window.exchange_shown,
        ),
        presenter_file,
    )
    teaching = Teaching(host, presenter_mode, records_signal)
    tabs = window.response_panel.tabs
    tabs.insertTab(1, teaching.story_view, "Story")

    menu = window.collector_menu
    menu.addSeparator()

    def add(
        text: str, slot: Callable[[], object], shortcut: str | None = None, tip: str = ""
    ) -> QAction:
        action = QAction(text, window)
        action.triggered.connect(slot)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
            window.shortcut_actions.append(action)
        if tip:
            action.setStatusTip(tip)
        menu.addAction(action)
        window.addAction(action)
        return action

    add(
        "&Event flow…",
        teaching.open_flow_editor,
        "Ctrl+Shift+F",
        "Edit the embedded collector's event schemas, rules and segments",
    )
    add(
        "&Why (not)?…",
        teaching.open_why_not,
        "Ctrl+Shift+W",
        "Which segments the profile is in, and which part of a condition failed",
    )
    add("Profile &timeline…", teaching.open_timeline, "Ctrl+Shift+I")
    menu.addSeparator()
    add("Open demo &shop", teaching.open_demo_shop, tip="The collector's demo shop, in a browser")
    add("Open &live view", teaching.open_live_view, tip="/_workbench/live, for an audience")

    presenter = QAction("&Presenter mode", window)
    presenter.setCheckable(True)
    presenter.setShortcut(QKeySequence(PRESENTER_SHORTCUT))
    presenter.toggled.connect(teaching.presenter.set_active)
    teaching.presenter.active_changed.connect(presenter.setChecked)
    window.shortcut_actions.append(presenter)
    window.addAction(presenter)
    window.view_menu.addSeparator()
    window.view_menu.addAction(presenter)
    story_file = QAction("Present a story or journey &file…", window)
    story_file.triggered.connect(teaching.ask_story_file)
    window.view_menu.addAction(story_file)
    teaching.actions = TeachingActions(presenter)
    return teaching
