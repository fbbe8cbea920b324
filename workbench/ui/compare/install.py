"""Puts the support tools into the main window: a History menu and the compare window.

``install_support(window, history_panel)`` adds a **History** menu (before
Tools and Help) with *Compare…* (Ctrl+Shift+D: the compare window, its sides
preset to the two selected history entries, or the shown answer and the
selected entry), and puts the same actions at the end of the History panel's
context menu. Everything the compare window reads it gets through
:class:`~workbench.ui.compare.compare_window.CompareSources`: callables over
the window's shown exchange, the panel's selection, the history store, the
embedded collector's store and the targets, never the window itself.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from workbench.ui.compare.compare_window import CompareSources, CompareWindow, Side

__all__ = ["SupportTools", "install_support"]

COMPARE_SHORTCUT = "Ctrl+Shift+D"


def _read_entity(target: Any, kind: str, entity_id: str) -> Any:
    """A profile or session of a remote target (admin read, on a worker thread)."""
    import httpx

    from workbench.client.admin import AdminReader

    with httpx.Client(verify=target.verify_tls) as client:
        return AdminReader().get(client, target, f"/{kind}/{entity_id}")


class SupportTools:
    """The History menu's actions and the one compare window they share."""

    def __init__(self, window: Any, history_panel: Any | None) -> None:
        self.window = window
        self.history_panel = history_panel
        self.compare_window: CompareWindow | None = None
        self.targets: list[Any] = list(getattr(window.settings, "targets", []))
        window.targets_changed.connect(self._on_targets_changed)
        self.menu = QMenu("H&istory", window)
        self.compare_action = self._action(
            "&Compare…",
            self.open_compare,
            COMPARE_SHORTCUT,
            "Compare two answers, history entries, files, profiles or sessions side by side",
        )
        help_menu = getattr(window, "help_menu", None)
        bar = window.menuBar()
        tools = next(
            (a for a in bar.actions() if a.menu() is not None and a.text() == "&Tools"), None
        )
        before = tools or (help_menu.menuAction() if help_menu is not None else None)
        if before is not None:
            bar.insertMenu(before, self.menu)
        else:
            bar.addMenu(self.menu)
        if history_panel is not None:
            history_panel.extra_actions.append(self.compare_action)

    def _action(self, text: str, slot: Any, shortcut: str | None, tip: str) -> QAction:
        action = QAction(text, self.window)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
            self.window.shortcut_actions.append(action)
            self.window.addAction(action)
        action.setStatusTip(tip)
        action.setToolTip(tip)
        action.triggered.connect(slot)
        self.menu.addAction(action)
        return action

    def _on_targets_changed(self, targets: list[Any]) -> None:
        self.targets = [t for t in targets if getattr(t, "kind", "") != "embedded"]
        if self.compare_window is not None:
            self.compare_window.refresh_targets()

    # --- what the compare window reads ---------------------------------------------------

    def selected_history_ids(self) -> list[str]:
        if self.history_panel is None:
            return []
        return [str(s.id) for s in self.history_panel.selected_summaries()]

    def sources(self) -> CompareSources:
        window = self.window

        def store() -> Any:
            server = getattr(window, "collector", None)
            return getattr(server, "store", None)

        return CompareSources(
            shown=window.response_panel.exchange,
            selected_history=self.selected_history_ids,
            history=getattr(window, "history", None),
            collector_store=store,
            targets=lambda: list(self.targets),
            read_entity=_read_entity,
        )

    # --- actions -------------------------------------------------------------------------

    def open_compare(self) -> CompareWindow:
        """Show the compare window; preset its sides from the selection and the shown answer."""
        if self.compare_window is None:
            self.compare_window = CompareWindow(self.sources(), self.window.runner, self.window)
        compare = self.compare_window
        compare.sources.history = getattr(self.window, "history", None)
        selected = self.selected_history_ids()
        if len(selected) >= 2:
            compare.set_sides(Side("selected", position=0), Side("selected", position=1))
        elif len(selected) == 1 and self.window.response_panel.exchange() is not None:
            compare.set_sides(Side("history", selected[0]), Side("shown"))
        compare.show()
        compare.raise_()
        compare.activateWindow()
        if len(selected) >= 2:
            compare.compare()
        return compare


def install_support(window: Any, history_panel: Any | None) -> SupportTools:
    """Add the History menu and its tools to *window* (see the module docstring)."""
    tools = SupportTools(window, history_panel)
    window.support_tools = tools
    return tools
