"""The window's docks and how the room is shared: docks added with a View toggle,
first-start sizes by the screen, and the composer's share of the centre.

:class:`DockLayout` works on a ``QMainWindow`` and the few widgets it sizes (the
centre splitter, the composer, the events editor); it knows nothing else of the
window. The window's :meth:`add_dock` and :meth:`first_start_layout` hand over to it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QSplitter, QWidget

from workbench.ui.composer.composer import Composer
from workbench.ui.composer.events_editor import EVENTS_LIST_SHARE
from workbench.ui.widgets.splitter import ResizeSplitter
from workbench.ui.window_state import restore_window_state, saved_collapsed_docks

if TYPE_CHECKING:
    # Imported where the first dock is added: its buttons bring in QStyle (and its many
    # enums), and the docks come after the window is shown.
    from PySide6.QtWidgets import QDockWidget

    from workbench.ui.widgets.dock_title import DockTitleBar

__all__ = ["DockLayout", "fit_to_screen"]

DOCK_WIDTH, DOCK_HEIGHT = 300, 210
# First start, as shares of the window: side docks a fifth of the width (within
# bounds), a bottom dock a third of the height; below COLLAPSE_BELOW pixels of
# height a bottom dock starts collapsed to its title line.
SIDE_SHARE, SIDE_MIN, SIDE_MAX = 0.22, 250, 420
BOTTOM_SHARE = 0.36
COLLAPSE_BELOW = 780
# The composer's share of the centre (never less than it needs); the answer gets the
# rest: its trees need the width for values, its tabs for their titles.
COMPOSER_SHARE = 0.45

_SIDES = (Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea)


def fit_to_screen(window: QMainWindow) -> None:
    """The window's first size: roomy, but within the screen's available area."""
    screen = QGuiApplication.primaryScreen()
    available = screen.availableGeometry() if screen is not None else None
    width, height = 1360, 840
    if available is not None:
        width = min(width, available.width() - 40)
        height = min(height, available.height() - 60)
    window.resize(max(width, 800), max(height, 560))


class DockLayout(QObject):
    """The docks of *window* (by object name) and the sizes they start with.

    *splitters* gives the window's named splitters (what the state file restores);
    dock toggles go to *view_menu*, those with a key also to *shortcut_actions*.
    """

    def __init__(
        self,
        window: QMainWindow,
        centre: ResizeSplitter,
        composer: Composer,
        *,
        view_menu: QMenu,
        state_file: Path | None,
        splitters: Callable[[], dict[str, QSplitter]],
        shortcut_actions: list[QAction],
    ) -> None:
        super().__init__(window)
        self._window = window
        self._centre = centre
        self._composer = composer
        self._state_file = state_file
        self._splitters = splitters
        self._shortcut_actions = shortcut_actions
        self._view_menu = view_menu  # where the dock toggles go
        self.docks: dict[str, QDockWidget] = {}
        self.dock_titles: dict[str, DockTitleBar] = {}
        self.first_start_pending = False
        self._sharing_centre = False  # first start: keep the centre's shares until a drag
        self._sharing_events = False  # ... and the events list's share of the editor
        self._unsized_docks: list[tuple[QDockWidget, Qt.DockWidgetArea]] = []
        # Queued: after the splitter spread the change its own way.
        centre.resized.connect(self._on_centre_resized)
        centre.splitterMoved.connect(self._on_centre_splitter_moved)
        events_splitter = composer.form.events_editor.splitter
        events_splitter.resized.connect(self._on_events_splitter_resized)
        events_splitter.splitterMoved.connect(self._on_events_splitter_moved)

    def add_dock(
        self,
        widget: QWidget,
        area: Qt.DockWidgetArea,
        title: str,
        *,
        object_name: str | None,
        shortcut: str | None,
        visible: bool,
        tab_with: str | None = None,
    ) -> QDockWidget:
        """Put *widget* in a dock with a toggle in the View menu; its state is saved.

        With *tab_with* (a dock's object name) the new dock is a tab beside that one
        before it shows: shown first, it would stack under it for a moment, and the
        window, which grows to hold its docks' minimum heights, would stay that tall.
        """
        from PySide6.QtWidgets import QDockWidget

        from workbench.ui.widgets.dock_title import DockTitleBar

        window = self._window
        dock = QDockWidget(title or widget.windowTitle(), window)
        dock.setObjectName(object_name or f"dock-{(title or 'panel').lower().replace(' ', '-')}")
        dock.setWidget(widget)
        window.addDockWidget(area, dock)
        partner = self.docks.get(tab_with) if tab_with is not None else None
        if partner is not None:
            window.tabifyDockWidget(partner, dock)
        title_bar = DockTitleBar(dock, window)
        dock.setTitleBarWidget(title_bar)
        self.dock_titles[dock.objectName()] = title_bar
        toggle = dock.toggleViewAction()
        if shortcut:
            toggle.setShortcut(QKeySequence(shortcut))
            self._shortcut_actions.append(toggle)
        self._view_menu.addAction(toggle)
        dock.setVisible(visible)
        self.docks[dock.objectName()] = dock
        state_file = self._state_file
        restored = state_file is not None and restore_window_state(
            state_file, window, self._splitters()
        )
        if (
            restored
            and state_file is not None
            and dock.objectName() in saved_collapsed_docks(state_file)
        ):
            title_bar.set_collapsed(True)
        if not restored:
            self._unsized_docks.append((dock, area))
            if window.isVisible():  # after the layout took the new dock in
                QTimer.singleShot(0, self._size_new_docks)
        return dock

    def _size_new_docks(self) -> None:
        """First start: docks stay modest so the composer and the answer keep the room."""
        for dock, area in self._unsized_docks:
            side = area in _SIDES
            self._window.resizeDocks(
                [dock],
                [DOCK_WIDTH if side else DOCK_HEIGHT],
                Qt.Orientation.Horizontal if side else Qt.Orientation.Vertical,
            )
        self._unsized_docks.clear()

    def first_start_layout(self) -> None:
        """Share the window between the docks and the composer/answer by its size.

        Side docks get about a fifth of the width, a bottom dock a third of the height;
        on a short window (a 1280×720 laptop) a bottom dock starts collapsed to its title
        line, one click from its full height. Also *View → Reset layout*. Applied once
        the window is shown and its docks are laid out (sizes asked earlier are lost).
        """
        self._unsized_docks.clear()
        self.first_start_pending = True
        if self._window.isVisible():
            QTimer.singleShot(0, self._apply_first_start_layout)

    def window_shown(self) -> None:
        """The window is shown: size what waited for its layout."""
        if self._unsized_docks:
            QTimer.singleShot(0, self._size_new_docks)
        if self.first_start_pending:
            QTimer.singleShot(0, self._apply_first_start_layout)

    def _apply_first_start_layout(self) -> None:
        if not self.first_start_pending:
            return
        self.first_start_pending = False
        window = self._window
        width, height = window.width(), window.height()  # fitted to the screen at start
        side_width = int(min(max(width * SIDE_SHARE, SIDE_MIN), SIDE_MAX))
        bottom_height = int(height * BOTTOM_SHARE)
        for name, dock in self.docks.items():
            area = window.dockWidgetArea(dock)
            bar = self.dock_titles.get(name)
            if area in _SIDES:
                window.resizeDocks([dock], [side_width], Qt.Orientation.Horizontal)
            elif bar is not None:
                bar.set_collapsed(False, expanded_height=bottom_height)
                window.resizeDocks([dock], [bottom_height], Qt.Orientation.Vertical)
                if height < COLLAPSE_BELOW:
                    bar.set_collapsed(True, expanded_height=bottom_height)
        # The centre's final width is known only once the docks took theirs (and the
        # window its size): share it on every resize until the user drags the handle.
        self._sharing_centre = True
        self.share_centre()
        self._composer.form.events_editor.set_list_share(EVENTS_LIST_SHARE)
        self._sharing_events = True

    def share_centre(self) -> None:
        """Composer and answer share the centre: the composer COMPOSER_SHARE of it (at
        least what it needs), the answer the rest."""
        total = sum(self._centre.sizes())
        if total <= 0:
            return
        need = self._composer.minimumSizeHint().width()
        composer = min(max(need, int(total * COMPOSER_SHARE)), total)
        self._centre.setSizes([composer, total - composer])

    def _on_centre_resized(self) -> None:
        if self._sharing_centre:
            QTimer.singleShot(0, self.share_centre)

    def _on_events_splitter_resized(self) -> None:
        if self._sharing_events:
            QTimer.singleShot(0, self._share_events)

    def _share_events(self) -> None:
        if self._sharing_events:
            self._composer.form.events_editor.set_list_share(EVENTS_LIST_SHARE)

    def _on_events_splitter_moved(self, _pos: int, _index: int) -> None:
        self._sharing_events = False

    def _on_centre_splitter_moved(self, _pos: int, _index: int) -> None:
        self._sharing_centre = False  # the user chose: their sizes stay

    def collapsed_docks(self) -> list[str]:
        return [name for name, bar in self.dock_titles.items() if bar.collapsed]
