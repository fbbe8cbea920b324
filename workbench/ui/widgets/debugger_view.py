"""The Debugger view: a verdict line, the ids, and one tree per debugging section.

It reads a normalised debug view (``DebugView`` from ``workbench.core.response_view``,
or its ``to_dict()``), so old inline ``debugging`` bodies and newer servers look
the same here. Tab titles carry counts; tabs for errors and warnings turn red or
orange when they hold anything. Ids can be copied, and for the embedded
collector opened (the window connects :attr:`DebuggerView.open_requested`).

A normalised view keeps every section's keys and puts ``None`` where the server
sent nothing (``events.items`` when only ids came back, ``session.data``...).
Those placeholders are not shown as ``null`` rows: each section's page says in
plain words what the answer did not hold and why (the view's ``missing`` notes).

Every section is one click away: their buttons wrap onto a second line in a
narrow panel instead of hiding behind scroll arrows, and the verdict's parts
("2 warnings", "entered visitor") are links to the section they speak of. A
search says which other sections (and, through ``extra_places``, the body or the
request) also match.

Rows are named in the answer-path vocabulary (:mod:`workbench.core.answer_places`):
Copy path gives ``debug@events.saved``, or ``profile@traits.email`` inside the
stored profile, and a path typed or pasted into a section's search selects its
row, in whichever section holds it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication
from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QLabel,
    QMenu,
    QSizePolicy,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from workbench.core.sections import SECTIONS
from workbench.ui.models.json_tree import Path, find_paths, preview
from workbench.ui.widgets.debugger_sections import (
    ELSEWHERE_LIMIT,
    VerdictLabel,
    empty_note,
    has_content,
    has_problems,
    section_count,
    section_note,
    sections_of,
    shown_section,
    verdict_links,
    view_as_dict,
)
from workbench.ui.widgets.flow_layout import FlowLayout
from workbench.ui.widgets.json_view import JsonView
from workbench.ui.widgets.text_only import push_button

__all__ = [
    "ELSEWHERE_LIMIT",
    "SECTIONS",
    "DebuggerView",
    "answer_row_path",
    "empty_note",
    "section_count",
    "section_note",
    "shown_section",
    "verdict_links",
    "view_as_dict",
]

_ID_KINDS = {"session": "session", "events": "event", "profile": "profile"}
_ERROR_COLOUR = QColor(200, 40, 40)
_WARNING_COLOUR = QColor(200, 120, 0)
# Record lists read as one message line per row: their rows start collapsed.
_RECORD_LISTS = ("logs", "errors", "warnings")


class DebuggerView(QWidget):
    """Verdict, ids and section trees for one response.

    ``extra_places`` (optional): ``() -> [(key, title, document)]``, more places a
    search counts matches in (the response panel adds the body and the request).

    ``path_finder`` takes a section search that is an answer path to its row
    (see :attr:`JsonView.path_finder`); by default :meth:`find_path`, over this
    view's sections. The response panel replaces it with one that knows the body
    and headers too.

    Signals:
        open_requested(str, str): (kind, id) with kind "profile", "session" or "event",
            when the user asks to open an id (only offered when ``can_open`` is True).
        place_requested(str, str): (key, search text): the user followed a link from a
            section's search (``section:NAME`` is already shown; other keys are the
            owner's ``extra_places``).
        demo_flow_requested(): *Load demo flow* was pressed on the empty Execution page.
    """

    open_requested = Signal(str, str)
    place_requested = Signal(str, str)
    demo_flow_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.can_open = False
        self._data: dict[str, Any] = {}
        self.extra_places: Callable[[], list[tuple[str, str, Any]]] | None = None
        self.path_finder: Callable[[JsonView, str, bool], tuple[bool, str] | None] = self.find_path

        self.verdict_label = VerdictLabel(
            "No response yet — compose a payload and press Ctrl+Enter.", self
        )
        self.verdict_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
        )
        self.verdict_label.linkActivated.connect(self._on_verdict_label_link_activated)
        font = self.verdict_label.font()
        font.setBold(True)
        self.verdict_label.setFont(font)
        self.verdict_label.setWordWrap(True)
        self.verdict_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

        self.missing_label = QLabel(self)
        self.missing_label.setTextFormat(Qt.TextFormat.PlainText)
        self.missing_label.setWordWrap(True)
        self.missing_label.hide()

        self.id_labels: dict[str, QLabel] = {}
        self.open_buttons: dict[str, QToolButton] = {}
        ids_grid = QGridLayout()
        ids_grid.setContentsMargins(0, 0, 0, 0)
        ids_grid.setColumnStretch(1, 1)
        for row, kind in enumerate(("profile", "session")):
            caption = QLabel(f"{kind.capitalize()}:", self)
            value = QLabel("—", self)
            value.setTextFormat(Qt.TextFormat.PlainText)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setObjectName(f"{kind}IdLabel")
            # Long ids must not force the panel wider than the window.
            value.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            copy = QToolButton(self)
            copy.setText("Copy")
            copy.setToolTip(f"Copy the {kind} id")
            copy.clicked.connect(lambda _=False, k=kind: self.copy_id(k))
            open_button = QToolButton(self)
            open_button.setText("Open")
            open_button.setToolTip(f"Open the {kind} stored by the embedded collector")
            open_button.setEnabled(False)
            open_button.clicked.connect(lambda _=False, k=kind: self._open(k, self.id_of(k)))
            self.id_labels[kind] = value
            self.open_buttons[kind] = open_button
            for column, widget in enumerate((caption, value, copy, open_button)):
                ids_grid.addWidget(widget, row, column)

        # A notice that outlives the status bar's few seconds (e.g. "demo flow loaded").
        self.flow_notice_label = QLabel(self)
        self.flow_notice_label.setTextFormat(Qt.TextFormat.PlainText)
        self.flow_notice_label.setWordWrap(True)
        self.flow_notice_label.setObjectName("flowNotice")
        self.flow_notice_label.setStyleSheet(
            "#flowNotice { background: #e8f5e9; color: #1b5e20; border: 1px solid #81c784;"
            " padding: 3px; }"
        )
        self.flow_notice_label.hide()

        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        # The sections' own buttons (below) replace the tab bar: they wrap, never scroll.
        self.tabs.tabBar().hide()
        self.section_buttons: dict[str, QToolButton] = {}
        self._button_group = QButtonGroup(self)
        self._button_group.setExclusive(True)
        self.section_bar = QWidget(self)
        self.section_bar.setObjectName("debuggerSections")
        bar_layout = FlowLayout(self.section_bar, spacing=3)
        for i, name in enumerate(SECTIONS):
            button = QToolButton(self.section_bar)
            button.setText(name.capitalize())
            button.setCheckable(True)
            button.setAutoRaise(True)
            button.setObjectName(f"{name}SectionButton")
            button.setToolTip(f"Show the {name} section")
            button.clicked.connect(lambda _=False, index=i: self.tabs.setCurrentIndex(index))
            self._button_group.addButton(button, i)
            bar_layout.addWidget(button)
            self.section_buttons[name] = button
        self.section_buttons[SECTIONS[0]].setChecked(True)
        # One page per section; its tree is built when the page is first shown or asked
        # for (``trees[name]``): eight trees at start-up would slow the first paint.
        self._pages: dict[str, QWidget] = {}
        self.section_notes: dict[str, QLabel] = {}
        self.trees = _SectionTrees(self)
        for name in SECTIONS:
            page = QWidget(self)
            page_layout = QVBoxLayout(page)
            page_layout.setContentsMargins(0, 0, 0, 0)
            note = QLabel(page)
            note.setObjectName(f"{name}Note")
            note.setTextFormat(Qt.TextFormat.PlainText)
            note.setWordWrap(True)
            italic = note.font()
            italic.setItalic(True)  # an explanation, not data
            note.setFont(italic)
            note.hide()
            page_layout.addWidget(note)
            if name == "execution":
                self.demo_flow_button = push_button("Load demo flow", page)
                self.demo_flow_button.setToolTip(
                    "Collector → Load demo flow: schemas, rules and segments to try"
                )
                self.demo_flow_button.clicked.connect(self.demo_flow_requested)
                self.demo_flow_button.hide()
                page_layout.addWidget(self.demo_flow_button, 0, Qt.AlignmentFlag.AlignLeft)
            self.section_notes[name] = note
            self._pages[name] = page
            self.tabs.addTab(page, name.capitalize())
        self.tabs.currentChanged.connect(self._on_tabs_current_changed)
        self.current_tree()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.verdict_label)
        layout.addLayout(ids_grid)
        layout.addWidget(self.missing_label)
        layout.addWidget(self.flow_notice_label)
        layout.addWidget(self.section_bar)
        layout.addWidget(self.tabs, 1)

    # --- content ------------------------------------------------------------------------
    def set_view(self, view: Any) -> None:
        """Show a ``DebugView`` (or its dict); ``None`` clears the view."""
        data = view_as_dict(view)
        self._data = data
        verdict = getattr(view, "verdict", None)
        text = verdict() if callable(verdict) else data.get("verdict")
        if text:
            self.verdict_label.set_verdict(str(text))
        else:
            self.verdict_label.set_verdict(
                "No debugging information in this response.", links=False
            )
        if view is not None:
            self.flow_notice_label.hide()  # a new answer: the notice has done its job
        sections = sections_of(data)
        for i, name in enumerate(SECTIONS):
            value = sections.get(name)
            if self.trees.is_built(name):
                self._load_tree(self.trees[name], name)
            count = section_count(value)
            title = name.capitalize() + (f" ({count})" if count is not None else "")
            self.tabs.setTabText(i, title)
            colour = QColor()
            if name in ("errors", "warnings") and has_problems(value):
                colour = _ERROR_COLOUR if name == "errors" else _WARNING_COLOUR
            elif name != "logs" and has_problems(value):
                colour = _ERROR_COLOUR
            self.tabs.tabBar().setTabTextColor(i, colour)
            self._style_button(name, title, colour, has_content(value))
        missing = data.get("missing")
        for name in SECTIONS:
            value = sections.get(name)
            text = section_note(name, value, missing) if data else ""
            empty = empty_note(name, value, embedded=self.can_open) if data else ""
            text = "\n".join(t for t in (text, empty) if t)
            self.section_notes[name].setText(text)
            self.section_notes[name].setVisible(bool(text))
        self.demo_flow_button.setVisible(
            self.can_open
            and bool(data)
            and bool(empty_note("execution", sections.get("execution"), embedded=True))
        )
        for kind in ("profile", "session"):
            ident = self.id_of(kind)
            self.id_labels[kind].setText(ident or "—")
            self.open_buttons[kind].setEnabled(bool(ident) and self.can_open)
        # Section-wide explanations sit in each section's page; general notes stay on top.
        notes = data.get("notes")
        lines = [str(n) for n in notes] if isinstance(notes, list) else []
        self.missing_label.setText("\n".join(lines))
        self.missing_label.setVisible(bool(lines))

    def _style_button(self, name: str, title: str, colour: QColor, content: bool) -> None:
        button = self.section_buttons[name]
        button.setText(title)
        rules = []
        if colour.isValid():
            rules.append(f"color: {colour.name()}; font-weight: bold;")
        elif not content:
            rules.append("color: palette(placeholder-text);")
        button.setStyleSheet(f"QToolButton {{ {' '.join(rules)} }}" if rules else "")
        button.setToolTip(
            f"Show the {name} section" + ("" if content else " (nothing in this answer)")
        )

    def show_section(self, name: str) -> JsonView:
        """Bring the section *name* into view and return its tree."""
        self.tabs.setCurrentIndex(SECTIONS.index(name))
        return self.current_tree()

    def show_flow_notice(self, text: str) -> None:
        """Keep *text* (e.g. "Demo flow loaded…") above the sections until the next answer."""
        self.flow_notice_label.setText(text)
        self.flow_notice_label.setVisible(bool(text))

    def _on_verdict_label_link_activated(self, link: str) -> None:
        name = link.partition(":")[2]
        if name in SECTIONS:
            self.show_section(name)

    def elsewhere(self, section: str, text: str) -> list[tuple[str, str, int]]:
        """The other sections (and ``extra_places``) whose content matches *text*."""
        sections = sections_of(self._data)
        found = [
            (
                f"section:{other}",
                other.capitalize(),
                len(find_paths(shown_section(sections.get(other)), text, limit=ELSEWHERE_LIMIT)),
            )
            for other in SECTIONS
            if other != section
        ]
        for key, title, document in self.extra_places() if self.extra_places else []:
            found.append((key, title, len(find_paths(document, text, limit=ELSEWHERE_LIMIT))))
        return [place for place in found if place[2]]

    def _on_tree_elsewhere_activated(self, key: str, text: str) -> None:
        kind, _, name = key.partition(":")
        if kind == "section" and name in SECTIONS:
            self.show_section(name).search_for(text)
        self.place_requested.emit(key, text)  # the owner brings the place into view

    def find_path(self, origin: JsonView, text: str, move: bool) -> tuple[bool, str] | None:
        """Show the row an answer path in *text* names, among this view's sections."""
        from workbench.core.answer_paths import AnswerRoots
        from workbench.core.answer_places import place_of, search_path

        path = search_path(text)
        if path is None:
            return None
        data = self._data
        roots = AnswerRoots.from_exchange_dict({"view": data}) if data else AnswerRoots()
        place = place_of(roots, path)
        if place is None or place.kind in ("body", "headers"):
            return False, f"nothing at {path.text} here"
        if place.kind == "value":
            origin.show_note(f"{path.text} = {preview(roots.resolve(path))}")
            return True, ""
        focus = origin.search_has_focus()
        return self.show_path_row(origin, place.name, place.keys, text, move=move, focus=focus), ""

    def show_path_row(
        self, origin: JsonView, section: str, keys: Path, text: str, *, move: bool, focus: bool
    ) -> bool:
        """Show the row at *keys* of *section* for the path *text* typed in *origin*.

        Without *move*, a row of another section is only named in *origin*'s note;
        *focus*: the search box the path lands in takes the keyboard focus.
        """
        target = self.trees[section]
        if target is not origin:
            if not move:
                origin.show_note(f"{text}: in {section.capitalize()}")
                return True
            origin.clear_search()
            self.show_section(section)
            target.show_path(keys, text, focus=focus)
            return True
        target.show_path(keys, text)
        return True

    def _build_tree(self, name: str) -> JsonView:
        tree = JsonView(self._pages[name])
        tree.path_text = lambda keys, pointer: answer_row_path(name, keys, pointer)
        tree.path_finder = lambda view, text, move: self.path_finder(view, text, move)
        tree.menu_extender = lambda menu, path, value: self._extend_menu(name, menu, path, value)
        tree.value_activated.connect(lambda path: self._on_tree_value_activated(name, path))
        tree.elsewhere = lambda text: self.elsewhere(name, text)
        tree.elsewhere_activated.connect(self._on_tree_elsewhere_activated)
        layout = self._pages[name].layout()
        assert layout is not None
        layout.addWidget(tree)
        self._load_tree(tree, name)
        return tree

    def _load_tree(self, tree: JsonView, name: str) -> None:
        tree.set_document(shown_section(sections_of(self._data).get(name)), dot_root=None)
        if name not in _RECORD_LISTS:  # records: one message line each, keys on expand
            tree.expand_to_depth(1)

    def current_tree(self) -> JsonView:
        """The tree of the section in view (built now if it was not yet)."""
        return self.trees[SECTIONS[max(self.tabs.currentIndex(), 0)]]

    def _on_tabs_current_changed(self, index: int) -> None:
        button = self._button_group.button(index)
        if button is not None:
            button.setChecked(True)
        self.current_tree()

    def clear(self) -> None:
        self.set_view(None)
        self.verdict_label.set_verdict(
            "No response yet — compose a payload and press Ctrl+Enter.", links=False
        )

    def view_dict(self) -> dict[str, Any]:
        return self._data

    def id_of(self, kind: str) -> str | None:
        value = self._data.get(f"{kind}_id")
        return str(value) if value else None

    def set_can_open(self, on: bool) -> None:
        self.can_open = on
        for kind, button in self.open_buttons.items():
            button.setEnabled(on and bool(self.id_of(kind)))

    # --- ids ----------------------------------------------------------------------------
    def copy_id(self, kind: str) -> str:
        ident = self.id_of(kind) or ""
        if ident:
            QGuiApplication.clipboard().setText(ident)
        return ident

    def _open(self, kind: str, ident: str | None) -> None:
        if ident and self.can_open:
            self.open_requested.emit(kind, ident)

    def _extend_menu(self, section: str, menu: QMenu, path: Path, value: Any) -> None:
        kind = _ID_KINDS.get(section)
        if kind and isinstance(value, str) and value and "ids" in path:
            action = menu.addAction(f"Open {kind} {value[:12]}…", lambda: self._open(kind, value))
            action.setEnabled(self.can_open)

    def _on_tree_value_activated(self, section: str, path: Path) -> None:
        kind = _ID_KINDS.get(section)
        if not kind or "ids" not in path:
            return
        value: Any = sections_of(self._data).get(section)
        for key in path:
            value = value[key]
        if isinstance(value, str):
            self._open(kind, value)


class _SectionTrees(Mapping[str, JsonView]):
    """``trees[name]``: the section's tree, built on first access."""

    def __init__(self, view: DebuggerView) -> None:
        self._view = view
        self._built: dict[str, JsonView] = {}

    def is_built(self, name: str) -> bool:
        return name in self._built

    def __getitem__(self, name: str) -> JsonView:
        tree = self._built.get(name)
        if tree is None:
            if name not in SECTIONS:
                raise KeyError(name)
            tree = self._built[name] = self._view._build_tree(name)
        return tree

    def __iter__(self) -> Iterator[str]:
        return iter(SECTIONS)

    def __len__(self) -> int:
        return len(SECTIONS)


def answer_row_path(place: str, keys: Path, pointer: bool) -> str:
    """The answer path of a tree row (:func:`workbench.core.answer_places.row_path`),
    loaded when a row's path is first asked for, not when the trees are built."""
    from workbench.core.answer_places import row_path

    return row_path(place, keys, pointer=pointer)
