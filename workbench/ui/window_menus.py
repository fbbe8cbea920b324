"""The main window's menu bar: every action, its shortcut and where it leads.

Kept apart from :mod:`workbench.ui.main_window` so the window reads as wiring and
reactions, and the full list of commands (and their keys) reads in one place. It
knows the commands only as :class:`MenuCommands`, the callables the owner hands in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu

from workbench.ui.widgets.text_only import text_action

__all__ = ["MenuCommands", "WindowMenus", "build_menus"]


class MenuCommands(NamedTuple):
    """What each menu entry calls."""

    open_file: Callable[[], Any]
    paste_response: Callable[[], Any]
    quit: Callable[[], Any]
    send: Callable[[], Any]
    cancel: Callable[[], Any]
    new_visit: Callable[[], Any]
    forget_profile: Callable[[], Any]
    validate: Callable[[], Any]
    save_to_collection: Callable[[], Any]
    copy_as_curl: Callable[[], Any]
    paste_curl: Callable[[], Any]
    record_history: Callable[[bool], Any]
    focus_search: Callable[[], Any]
    cycle_tab: Callable[[int], Any]
    toggle_raw_json: Callable[[], Any]
    load_demo_flow: Callable[[], Any]
    show_shortcuts: Callable[[], Any]


class WindowMenus(NamedTuple):
    """The menus and actions the window changes later (enable, add dock toggles)."""

    view_menu: QMenu
    collector_menu: QMenu
    help_menu: QMenu
    send_action: QAction
    cancel_action: QAction
    load_demo_action: QAction
    record_history_action: QAction


def build_menus(
    window: QMainWindow,
    commands: MenuCommands,
    *,
    shortcut_actions: list[QAction],
    recording: bool,
) -> WindowMenus:
    """Fill *window*'s menu bar; actions with keys are appended to *shortcut_actions*.

    *recording* is the first state of Request → Record exchanges in history.
    """

    def action(
        menu: QMenu,
        text: str,
        slot: Callable[[], Any],
        shortcuts: tuple[str, ...] = (),
        tip: str = "",
    ) -> QAction:
        act = text_action(text, window)
        if shortcuts:
            act.setShortcuts([QKeySequence(s) for s in shortcuts])
            act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            shortcut_actions.append(act)
        if tip:
            act.setStatusTip(tip)
        act.triggered.connect(slot)
        menu.addAction(act)
        window.addAction(act)
        return act

    c = commands
    bar = window.menuBar()
    file_menu = bar.addMenu("&File")
    action(file_menu, "&Open response, debug JSON or HAR…", c.open_file, ("Ctrl+O",))
    action(file_menu, "&Paste response JSON", c.paste_response, ("Ctrl+Shift+V",))
    file_menu.addSeparator()
    action(file_menu, "&Quit", c.quit, ("Ctrl+Q",))

    request_menu = bar.addMenu("&Request")
    send_action = action(request_menu, "&Send", c.send, ("Ctrl+Return", "Ctrl+Enter"))
    cancel_action = action(request_menu, "&Cancel", c.cancel, ("Esc",))
    action(request_menu, "&New visit (new session id)", c.new_visit, ("Ctrl+Shift+N",))
    action(request_menu, "&Forget profile", c.forget_profile)
    request_menu.addSeparator()
    action(request_menu, "&Validate now", c.validate, ("Ctrl+Shift+E",))
    action(request_menu, "Save to &collection…", c.save_to_collection, ("Ctrl+S",))
    action(request_menu, "Copy as c&url", c.copy_as_curl, ("Ctrl+Shift+U",))
    action(request_menu, "&Paste curl…", c.paste_curl)
    request_menu.addSeparator()
    record = text_action("&Record exchanges in history", window)
    record.setCheckable(True)
    record.setChecked(recording)
    record.toggled.connect(c.record_history)
    request_menu.addAction(record)

    view_menu = bar.addMenu("&View")
    action(view_menu, "Focus &search", c.focus_search, ("Ctrl+F",))
    action(view_menu, "&Next tab", lambda: c.cycle_tab(1), ("Ctrl+PgDown", "Ctrl+Tab"))
    action(view_menu, "&Previous tab", lambda: c.cycle_tab(-1), ("Ctrl+PgUp", "Ctrl+Shift+Tab"))
    action(view_menu, "Show &Raw JSON / Form", c.toggle_raw_json, ("Ctrl+Shift+R",))
    view_menu.addSeparator()

    collector_menu = bar.addMenu("&Collector")
    load_demo_action = action(
        collector_menu,
        "Load &demo flow",
        c.load_demo_flow,
        tip="Put the demo event flow (schemas, rules, segments) into the embedded collector",
    )
    load_demo_action.setEnabled(False)  # until the collector runs

    help_menu = bar.addMenu("&Help")
    action(help_menu, "&Shortcuts", c.show_shortcuts, ("F1",))
    return WindowMenus(
        view_menu=view_menu,
        collector_menu=collector_menu,
        help_menu=help_menu,
        send_action=send_action,
        cancel_action=cancel_action,
        load_demo_action=load_demo_action,
        record_history_action=record,
    )
