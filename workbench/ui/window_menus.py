"""The main window's menu bar: every action, its shortcut and where it leads.

Kept apart from :mod:`workbench.ui.main_window` so the window reads as wiring and
reactions, and the full list of commands (and their keys) reads in one place.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

if TYPE_CHECKING:
    from workbench.ui.main_window import MainWindow

__all__ = ["WindowMenus", "build_menus"]


@dataclass(frozen=True)
class WindowMenus:
    """The menus and actions the window changes later (enable, add dock toggles)."""

    view_menu: QMenu
    collector_menu: QMenu
    help_menu: QMenu
    send_action: QAction
    cancel_action: QAction
    load_demo_action: QAction
    record_history_action: QAction


def build_menus(window: MainWindow) -> WindowMenus:
    """Fill *window*'s menu bar; actions with keys go to ``window.shortcut_actions``."""

    def action(
        menu: QMenu,
        text: str,
        slot: Callable[[], Any],
        shortcuts: tuple[str, ...] = (),
        tip: str = "",
    ) -> QAction:
        act = QAction(text, window)
        if shortcuts:
            act.setShortcuts([QKeySequence(s) for s in shortcuts])
            act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            window.shortcut_actions.append(act)
        if tip:
            act.setStatusTip(tip)
        act.triggered.connect(slot)
        menu.addAction(act)
        window.addAction(act)
        return act

    composer, tools = window.composer, window.tools
    bar = window.menuBar()
    file_menu = bar.addMenu("&File")
    action(file_menu, "&Open response, debug JSON or HAR…", window.ask_open_file, ("Ctrl+O",))
    action(file_menu, "&Paste response JSON", window.paste_response, ("Ctrl+Shift+V",))
    file_menu.addSeparator()
    action(file_menu, "&Quit", window.close, ("Ctrl+Q",))

    request_menu = bar.addMenu("&Request")
    send_action = action(request_menu, "&Send", window.send, ("Ctrl+Return", "Ctrl+Enter"))
    cancel_action = action(request_menu, "&Cancel", window.cancel, ("Esc",))
    action(
        request_menu,
        "&New visit (new session id)",
        lambda: composer.form.new_visit(),
        ("Ctrl+Shift+N",),
    )
    action(request_menu, "&Forget profile", lambda: composer.form.forget_profile())
    request_menu.addSeparator()
    action(request_menu, "&Validate now", composer.validate_now, ("Ctrl+Shift+E",))
    action(request_menu, "Save to &collection…", tools.save_to_collection, ("Ctrl+S",))
    action(request_menu, "Copy as c&url", lambda: tools.copy_as("curl"), ("Ctrl+Shift+U",))
    action(request_menu, "&Paste curl…", tools.ask_and_paste_curl)
    request_menu.addSeparator()
    record = QAction("&Record exchanges in history", window)
    record.setCheckable(True)
    record.setChecked(window.settings.history_enabled)
    record.toggled.connect(window.set_history_recording)
    request_menu.addAction(record)

    view_menu = bar.addMenu("&View")
    action(view_menu, "Focus &search", window.focus_search, ("Ctrl+F",))
    action(view_menu, "&Next tab", lambda: window.cycle_tab(1), ("Ctrl+PgDown", "Ctrl+Tab"))
    action(
        view_menu,
        "&Previous tab",
        lambda: window.cycle_tab(-1),
        ("Ctrl+PgUp", "Ctrl+Shift+Tab"),
    )
    action(view_menu, "Show &Raw JSON / Form", _toggle_raw_tab(window), ("Ctrl+Shift+R",))
    view_menu.addSeparator()

    collector_menu = bar.addMenu("&Collector")
    load_demo_action = action(
        collector_menu,
        "Load &demo flow",
        window.load_demo_flow,
        tip="Put the demo event flow (schemas, rules, segments) into the embedded collector",
    )
    load_demo_action.setEnabled(False)  # until the collector runs

    help_menu = bar.addMenu("&Help")
    action(help_menu, "&Shortcuts", window.show_shortcuts, ("F1",))
    return WindowMenus(
        view_menu=view_menu,
        collector_menu=collector_menu,
        help_menu=help_menu,
        send_action=send_action,
        cancel_action=cancel_action,
        load_demo_action=load_demo_action,
        record_history_action=record,
    )


def _toggle_raw_tab(window: MainWindow) -> Callable[[], None]:
    """Switch the composer between its Form and Raw JSON tabs."""

    def toggle() -> None:
        tabs = window.composer.tabs
        tabs.setCurrentIndex(1 - tabs.currentIndex())

    return toggle
