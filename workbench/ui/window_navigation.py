"""Keyboard navigation across the window: focus the search in view, cycle tabs.

Plain functions over the widgets they move through, so the rules (which tree's
search, which tab widget) read in one place.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QTabWidget, QWidget

from workbench.ui.response_panel import ResponsePanel
from workbench.ui.widgets.json_view import JsonView

__all__ = ["cycle_tab", "focus_search"]


def focus_search(panel: ResponsePanel) -> None:
    """Focus the search box in view: a debugger section's, a tree's or a raw text's find bar."""
    current = panel.tabs.currentWidget()
    view: JsonView | None = None
    if current is panel.debugger:
        view = panel.debugger.current_tree()
    elif current is panel.body_tabs:
        if panel.body_tabs.currentWidget() is panel.body_raw:
            panel.body_raw.focus_find()  # the raw text has its own find bar
            return
        panel.body_tabs.setCurrentWidget(panel.body_tree)
        view = panel.body_tree
    elif current is panel.request_tabs:
        if panel.request_tabs.currentWidget() is panel.request_raw:
            panel.request_raw.focus_find()
            return
        panel.request_tabs.setCurrentWidget(panel.request_tree)
        view = panel.request_tree
    else:
        panel.tabs.setCurrentWidget(panel.body_tabs)
        panel.body_tabs.setCurrentWidget(panel.body_tree)
        view = panel.body_tree
    if view is not None:
        view.focus_search()


def cycle_tab(fallback: QTabWidget, step: int) -> None:
    """Next/previous tab of the tab widget holding the focus (else *fallback*)."""
    widget: QObject | None = QGuiApplication.focusObject()
    tabs: QTabWidget | None = None
    while isinstance(widget, QWidget):
        if isinstance(widget, QTabWidget):
            tabs = widget
            break
        widget = widget.parentWidget()
    tabs = tabs or fallback
    if tabs.count():
        tabs.setCurrentIndex((tabs.currentIndex() + step) % tabs.count())
