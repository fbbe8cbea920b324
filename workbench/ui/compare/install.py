"""Puts the support tools into the main window: a History menu and the compare window.

``install_support(window, history_panel)`` adds a **History** menu (before
Tools and Help) with *Compare…* (Ctrl+Shift+D: the compare window, its sides
preset to the two selected history entries, or the shown answer and the
selected entry), *Reproduce locally* (Ctrl+Shift+Y), *Export support bundle…*
and *Open support bundle…* (:mod:`workbench.ui.compare.bundle_actions`), and
puts the same actions at the end of the History panel's context menu.
The tools keep a :class:`~workbench.ui.compare.host.SupportHost` (what they use:
the task runner, the status bar, the settings, callables for the sender, the
collector, the history and the shown answer), built here from the window; the
compare window reads through
:class:`~workbench.ui.compare.compare_window.CompareSources`: callables over the
shown exchange, the panel's selection, the history store, the embedded
collector's store and the targets. None of them keeps the window.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QMenu

from workbench.core.exchange import Exchange
from workbench.settings import TargetSettings
from workbench.ui.compare.bundle_actions import BundleActions
from workbench.ui.compare.compare_window import CompareSources, CompareWindow, Side
from workbench.ui.compare.host import SupportHost
from workbench.ui.privacy import privacy_mask
from workbench.ui.tasks import TaskOutcome

if TYPE_CHECKING:
    from workbench.client import Sender
    from workbench.collector import CollectorServer
    from workbench.store.collector import CollectorStore
    from workbench.ui.main_window import MainWindow
    from workbench.ui.panels.history_panel import HistoryPanel

__all__ = ["SupportTools", "install_support"]

COMPARE_SHORTCUT = "Ctrl+Shift+D"
PRIVACY_SHORTCUT = "Ctrl+Shift+H"
REPRODUCE_SHORTCUT = "Ctrl+Shift+Y"


class _StoreTable(Mapping[str, dict[str, Any]]):
    """A collector store's profiles or sessions, read by id (a bundle window's local data)."""

    def __init__(self, get: Callable[[str], dict[str, Any] | None]) -> None:
        self._get = get

    def __getitem__(self, key: str) -> dict[str, Any]:
        found = self._get(key)
        if found is None:
            raise KeyError(key)
        return found

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._get(key) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


def _read_entity(target: TargetSettings, kind: str, entity_id: str) -> Any:
    """A profile or session of a remote target (admin read, on a worker thread)."""
    import httpx

    from workbench.client.admin import AdminReader

    with httpx.Client(verify=target.verify_tls) as client:
        return AdminReader().get(client, target, f"/{kind}/{entity_id}")


class SupportTools:
    """The History menu's actions and the one compare window they share."""

    def __init__(
        self, host: SupportHost, history_panel: HistoryPanel | None, home: Path | None = None
    ) -> None:
        self.host = host
        self.history_panel = history_panel
        self.compare_window: CompareWindow | None = None
        self.targets: list[TargetSettings] = list(host.settings.targets)
        host.targets_changed.connect(self._on_targets_changed)
        self.menu = QMenu("H&istory", host.parent)
        self.compare_action = self.add_action(
            "&Compare…",
            self.open_compare,
            COMPARE_SHORTCUT,
            "Compare two answers, history entries, files, profiles or sessions side by side",
        )
        self.reproduce_action = self.add_action(
            "&Reproduce locally",
            self.reproduce,
            REPRODUCE_SHORTCUT,
            "Load the profile and session the exchange refers to into the embedded collector, "
            "send its payload there and compare the customer's answer with the local one",
        )
        self.menu.addSeparator()
        self.bundles = BundleActions(
            host, home, add_action=self.add_action, say=self.say, selected=self.selected_history_ids
        )
        self.privacy = PrivacySwitch(host, home)
        if history_panel is not None:
            history_panel.extra_actions.extend(
                [self.compare_action, self.reproduce_action, self.bundles.export_action]
            )

    def add_action(
        self, text: str, slot: Callable[[], object], shortcut: str | None, tip: str
    ) -> QAction:
        """An entry of the History menu (its key, if any, works in the whole window)."""
        action = QAction(text, self.host.parent)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
            self.host.register_shortcut(action)
        action.setStatusTip(tip)
        action.setToolTip(tip)
        action.triggered.connect(slot)
        self.menu.addAction(action)
        return action

    def _on_targets_changed(self, targets: list[TargetSettings]) -> None:
        self.targets = [t for t in targets if t.kind != "embedded"]
        if self.compare_window is not None:
            self.compare_window.refresh_targets()

    # --- what the compare window reads ---------------------------------------------------

    def selected_history_ids(self) -> list[str]:
        if self.history_panel is None:
            return []
        return [str(s.id) for s in self.history_panel.selected_summaries()]

    def sources(self) -> CompareSources:
        host = self.host

        def store() -> CollectorStore | None:
            server = host.collector()
            return server.store if server is not None else None

        return CompareSources(
            shown=host.shown,
            selected_history=self.selected_history_ids,
            history=host.history(),
            collector_store=store,
            targets=lambda: list(self.targets),
            read_entity=_read_entity,
        )

    # --- actions -------------------------------------------------------------------------

    def open_compare(self, preset: bool = True) -> CompareWindow:
        """Show the compare window; preset its sides from the selection and the shown answer."""
        if self.compare_window is None:
            self.compare_window = CompareWindow(self.sources(), self.host.runner, self.host.parent)
        compare = self.compare_window
        compare.sources.history = self.host.history()
        selected = self.selected_history_ids() if preset else []
        if len(selected) >= 2:
            compare.set_sides(Side("selected", position=0), Side("selected", position=1))
        elif len(selected) == 1 and self.host.shown() is not None:
            compare.set_sides(Side("history", selected[0]), Side("shown"))
        compare.show()
        compare.raise_()
        compare.activateWindow()
        if len(selected) >= 2:
            compare.compare()
        return compare

    # --- reproduce locally ------------------------------------------------------------------

    def _customer_exchange(self, then: Callable[[str, Exchange], None]) -> None:
        """The exchange to reproduce: the one selected entry, else the shown answer."""
        selected = self.selected_history_ids()
        history = self.host.history()
        if len(selected) == 1 and history is not None:
            entry_id = selected[0]

            def done(outcome: TaskOutcome) -> None:
                if outcome.stale:
                    return
                if outcome.error is not None or outcome.result is None:
                    self.say(f"Cannot reproduce: history entry {entry_id} cannot be read")
                    return
                then(f"history {entry_id[:8]}", outcome.result.exchange)

            self.host.runner.submit(history.get, entry_id, channel="reproduce", on_done=done)
            return
        shown = self.host.shown()
        if shown is None:
            self.say("Cannot reproduce: select one history entry or open an exchange first")
            return
        then("the answer shown", shown)

    def say(self, text: str) -> None:
        """Tell the user (the status bar, and the compare window when it is open)."""
        self.host.status.showMessage(text, 10_000)
        if self.compare_window is not None and self.compare_window.isVisible():
            self.compare_window.status.setText(text)

    def reproduce(self) -> None:
        """Reproduce the selected (or shown) exchange against the embedded collector."""
        server = self.host.collector()
        sender = self.host.client()
        if server is None or sender is None:
            self.say("Cannot reproduce: the embedded collector is not running")
            return
        self._customer_exchange(
            lambda label, exchange: self._replay(label, exchange, server, sender)
        )

    def _replay(
        self, label: str, exchange: Exchange, server: CollectorServer, sender: Sender
    ) -> None:
        history = self.host.history()
        in_bundle = history is not None and history.read_only
        targets = {t.name: t for t in self.targets}
        target = targets.get(exchange.target.name)

        def work() -> Any:
            from workbench.client import embedded_target
            from workbench.client.replay import PRODUCTION, plan_replay, replay, replay_context

            # The data set the exchange used (x-context): its profile and session are
            # looked up there, loaded there, and the payload is replayed into it.
            context = replay_context(exchange)
            store = server.contexts.get("production") if context == PRODUCTION else server.store
            remote = None
            if target is not None:
                read_from = target
                if context == PRODUCTION and not target.x_context:
                    read_from = target.replace(x_context=context)

                def remote(kind: str, entity_id: str) -> Any:
                    return _read_entity(read_from, kind, entity_id)

            plan = plan_replay(
                exchange,
                profiles=_StoreTable(store.get_profile) if in_bundle else None,
                sessions=_StoreTable(store.get_session) if in_bundle else None,
                remote=remote,
                context=context,
            )
            return replay(plan, store=store, sender=sender, target=embedded_target(server.url))

        self.say(f"Reproducing {label} against the embedded collector…")
        self.host.runner.submit(
            work, channel="reproduce", on_done=lambda outcome: self._replayed(label, outcome)
        )

    def _replayed(self, label: str, outcome: TaskOutcome) -> None:
        if outcome.stale:
            return
        if outcome.error is not None:
            self.say(f"Cannot reproduce {label}: {outcome.error}")
            return
        result = outcome.result
        local = result.local
        answer = local.json if local.json is not None else local.body_text
        compare = self.open_compare(preset=False)
        compare.compare_documents(
            f"customer ({label})", result.plan.customer_answer, "local replay", answer
        )
        status = "no answer" if local.status is None else f"HTTP {local.status}"
        where = " (production data set)" if result.plan.context == "production" else ""
        lines = [f"Replayed {label} against the embedded collector{where}: {status}."]
        lines += [f"Loaded {what}." for what in result.loaded]
        lines += [f"Note: {note}." for note in result.plan.notes]
        compare.status.setText(" ".join(lines))
        self.host.status.showMessage(f"Reproduced {label}: {result.diff.summary()}", 10_000)


class PrivacySwitch(QObject):
    """View → Hide personal data: the application's one mask, its policy the user's.

    A child of the window, so its connection to the application's mask ends with it."""

    def __init__(self, host: SupportHost, home: Path | None) -> None:
        super().__init__(host.parent)
        self.mask = privacy_mask()
        self.notice = ""
        if home is not None:
            from workbench.store.redaction_policy import POLICY_FILE, PolicyError, load_policy

            try:
                self.mask.set_policy(load_policy(home / POLICY_FILE))
            except PolicyError as exc:
                self.notice = f"The redaction policy is not used: {exc}"
                host.status.showMessage(self.notice, 10_000)
        self.action = QAction("&Hide personal data", host.parent)
        self.action.setCheckable(True)
        self.action.setChecked(self.mask.hidden)
        self.action.setShortcut(QKeySequence(PRIVACY_SHORTCUT))
        self.action.setStatusTip(
            "Show e-mails, phone numbers, names and IP addresses as ●●●● in every view, "
            "copy and export (for screen sharing)"
        )
        self.action.toggled.connect(self.mask.set_hidden)
        host.register_shortcut(self.action)
        host.view_menu.addSeparator()
        host.view_menu.addAction(self.action)
        self.label = QLabel("● Personal data hidden", host.parent)
        self.label.setObjectName("privacyIndicator")
        self.label.setStyleSheet("color: #b00020; font-weight: bold; padding: 0 6px")
        self.label.setToolTip("Hide personal data is on (View menu, Ctrl+Shift+H)")
        host.status.addPermanentWidget(self.label)
        self.label.setVisible(self.mask.hidden)
        self.mask.changed.connect(self._on_mask_changed)

    def _on_mask_changed(self, hidden: bool) -> None:
        self.label.setVisible(hidden)
        if self.action.isChecked() != hidden:
            self.action.setChecked(hidden)


def install_support(
    window: MainWindow, history_panel: HistoryPanel | None, home: Path | None = None
) -> SupportTools:
    """Add the History menu and its tools to *window* (see the module docstring).

    *home* is the app's home folder (the redaction policy, where bundles unpack)."""

    def register_shortcut(action: QAction) -> None:
        window.shortcut_actions.append(action)
        window.addAction(action)

    host = SupportHost(
        parent=window,
        settings=window.settings,
        targets_changed=window.targets_changed,
        shown=window.response_panel.exchange,
        history=lambda: window.history,
        collector=lambda: window.collector,
        client=lambda: window.client,
        runner=window.runner,
        status=window.statusBar(),
        view_menu=window.view_menu,
        register_shortcut=register_shortcut,
    )
    tools = SupportTools(host, history_panel, home)
    bar = window.menuBar()
    tools_menu = next(
        (a for a in bar.actions() if a.menu() is not None and a.text() == "&Tools"), None
    )
    bar.insertMenu(tools_menu or window.help_menu.menuAction(), tools.menu)  # before Tools, Help
    return tools
