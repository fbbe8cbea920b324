"""Reading the answer: Debugger, Body (tree and raw), Headers, Request as sent.

Everything is shown from an :class:`~workbench.core.exchange.Exchange` (what a
send produces and history returns), so a fresh answer, a history entry and a file
a customer sent look the same. *Open…* accepts a file, a drop or pasted text: an
exchange, or a bare ``/track`` response (normalised with
``normalize_response``). Big bodies stay cheap: trees are lazy, and the raw text
is only put in its editor when that tab is looked at (and cut at 2 MB).

Every row is named by one answer path (``debug@…``, ``profile@…`` in the
Debugger, ``response@…`` or a JSON Pointer in the Body): Copy path gives it, and
the same path typed or pasted into any tree's search (Ctrl+F) brings its row
into view and selects it, whichever tab holds it; a header's path selects its
row in Headers, ``status`` and ``time_ms`` say their value.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from workbench.core.masking import mask_headers
from workbench.ui.models.json_tree import find_paths, preview
from workbench.ui.privacy import privacy_mask
from workbench.ui.widgets.debugger_view import (
    ELSEWHERE_LIMIT,
    SECTIONS,
    DebuggerView,
    answer_row_path,
    shown_section,
)
from workbench.ui.widgets.json_view import JsonView

# The exchange and its answer paths are read when there is one to show or a path is
# searched: an empty panel at start-up needs neither.
if TYPE_CHECKING:
    from workbench.core.answer_paths import AnswerRoots
    from workbench.core.exchange import Exchange
    from workbench.ui.widgets.code_edit import CodeEdit

__all__ = [
    "OPEN_LIMIT",
    "RAW_TEXT_LIMIT",
    "ResponsePanel",
    "exchange_from_document",
    "load_json_file",
]

RAW_TEXT_LIMIT = 2 * 1024 * 1024
#: The largest file File → Open reads as a response (bytes).
OPEN_LIMIT = 100_000_000


def load_json_file(path: str | Path) -> Any:
    """Read a JSON file; a ValueError names the file and where the JSON breaks.

    Files over :data:`OPEN_LIMIT` are refused before they are read (decoded, a JSON
    document takes many times its size in memory).
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > OPEN_LIMIT:
            raise ValueError(
                f"{path.name} is {size / 1e6:,.0f} MB; Workbench opens response files of up "
                f"to {OPEN_LIMIT // 1_000_000} MB; cut out the response you need"
            )
        data = path.read_bytes()
    except OSError as exc:
        raise ValueError(f"cannot read {path}: {exc.strerror or exc}") from exc
    try:
        return json.loads(data)
    except RecursionError:
        raise ValueError(
            f"{path.name} nests its JSON too deeply to be shown (hundreds of levels)"
        ) from None
    except json.JSONDecodeError as exc:
        raise ValueError(
            f"{path.name} is not JSON: line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from exc
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path.name} is not UTF-8 text: {exc.reason}") from exc


def exchange_from_document(document: Any, *, origin: str = "opened") -> Exchange:
    """The exchange in *document* when it holds one, else *document* read as a response body."""
    from workbench.core.exchange import Exchange, ExchangeTarget

    if (
        isinstance(document, dict)
        and isinstance(document.get("request"), dict)
        and isinstance(document.get("response"), dict)
    ):
        return Exchange.from_dict(document)
    from workbench.core.response_view import normalize_response  # loads after the first paint

    return Exchange(
        id="",
        started_at="",
        target=ExchangeTarget(),
        request=None,
        json=document,
        view=normalize_response(document),
        origin=origin,
    )


class ResponsePanel(QWidget):
    """Tabs that show one exchange; accepts dropped JSON files.

    Signals:
        file_dropped(str): a file was dropped on the panel (the window opens it).
    """

    file_dropped = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)
        self._exchange: Exchange | None = None
        privacy_mask().changed.connect(self._on_privacy_changed)
        self._raw_filled = False

        self.title_label = QLabel("Response", self)
        self.title_label.setTextFormat(Qt.TextFormat.PlainText)
        self.debugger = DebuggerView(self)
        # A search in a section also counts matches in the body and the request as sent.
        self.debugger.extra_places = lambda: [
            p for p in self._places() if not p[0].startswith("section:")
        ]
        self.debugger.place_requested.connect(self.go_to_place)
        self.debugger.path_finder = self.find_path
        # The Body and Request pages build their trees and text views when first shown
        # (or asked for): hidden at start-up, they would only slow the first paint.
        self._body_tree: JsonView | None = None
        self._body_raw: CodeEdit | None = None
        self._request_tree: JsonView | None = None
        self._request_raw: CodeEdit | None = None
        self.body_tabs = QTabWidget(self)
        self.body_tabs.currentChanged.connect(self._on_body_tabs_current_changed)
        self.headers_table = QTableWidget(0, 2, self)
        self.headers_table.setHorizontalHeaderLabels(["Header", "Value"])
        self.headers_table.horizontalHeader().setSectionResizeMode(
            1, QHeaderView.ResizeMode.Stretch
        )
        self.headers_table.verticalHeader().hide()
        self.headers_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.request_tabs = QTabWidget(self)

        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.debugger, "Debugger")
        self.tabs.addTab(self.body_tabs, "Body")
        self.tabs.addTab(self.headers_table, "Headers")
        self.tabs.addTab(self.request_tabs, "Request as sent")

        self.tabs.currentChanged.connect(self._on_tabs_current_changed)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.title_label)
        layout.addWidget(self.tabs, 1)

    # --- pages built on first use ----------------------------------------------------------
    @property
    def body_tree(self) -> JsonView:
        self._build_body()
        assert self._body_tree is not None
        return self._body_tree

    @property
    def body_raw(self) -> CodeEdit:
        self._build_body()
        assert self._body_raw is not None
        return self._body_raw

    @property
    def request_tree(self) -> JsonView:
        self._build_request()
        assert self._request_tree is not None
        return self._request_tree

    @property
    def request_raw(self) -> CodeEdit:
        self._build_request()
        assert self._request_raw is not None
        return self._request_raw

    # --- places a search can lead to -----------------------------------------------------
    def _places(self) -> list[tuple[str, str, Any]]:
        """``(key, title, document)`` of every searchable place of the exchange shown."""
        exchange = self._exchange
        sent = exchange.request if exchange is not None else None
        sections = self.debugger.view_dict()
        sections = sections.get("sections", sections) if isinstance(sections, dict) else {}

        places = [
            (
                f"section:{name}",
                f"Debugger › {name.capitalize()}",
                shown_section(sections.get(name)),
            )
            for name in SECTIONS
        ]
        places.append(("body", "Body", exchange.json if exchange is not None else None))
        places.append(("request", "Request as sent", sent.to_dict() if sent is not None else None))
        return places

    def _elsewhere(self, here: str, text: str) -> list[tuple[str, str, int]]:
        return [
            (key, title, count)
            for key, title, document in self._places()
            if key != here and (count := len(find_paths(document, text, limit=ELSEWHERE_LIMIT)))
        ]

    def go_to_place(self, key: str, text: str) -> JsonView:
        """Show the place *key* (``section:NAME``, ``body``, ``request``) searching *text*."""
        view = self._bring(key)
        view.search_for(text)
        return view

    def _bring(self, key: str) -> JsonView:
        """Bring the tree of the place *key* into view."""
        kind, _, name = key.partition(":")
        if kind == "section":
            self.tabs.setCurrentWidget(self.debugger)
            return self.debugger.show_section(name)
        if key == "request":
            self.tabs.setCurrentWidget(self.request_tabs)
            self.request_tabs.setCurrentWidget(self.request_tree)
            return self.request_tree
        self.tabs.setCurrentWidget(self.body_tabs)
        self.body_tabs.setCurrentWidget(self.body_tree)
        return self.body_tree

    # --- answer paths ----------------------------------------------------------------------
    def roots(self) -> AnswerRoots:
        """The answer paths' roots of the exchange shown (the window's own reading of it)."""
        from workbench.core.answer_paths import AnswerRoots

        if self._exchange is None:
            return AnswerRoots()
        return AnswerRoots.from_exchange(self._exchange)

    def find_path(self, origin: JsonView, text: str, move: bool = True) -> tuple[bool, str] | None:
        """Show the row the answer path *text* names (a search in *origin*).

        ``None`` when *text* is no path; ``(False, why)`` when the answer has nothing
        there (the words are searched then); ``(True, "")`` when it was shown: its row
        selected in the tree that holds it (that tree comes into view unless *move*
        is False), a header's row in Headers, or a plain value said in *origin*.
        """
        from workbench.core.answer_places import place_of, search_path

        path = search_path(text)
        if path is None:
            return None
        if self._exchange is None:
            return False, "no answer shown yet"
        roots = self.roots()
        place = place_of(roots, path)
        focus = origin.search_has_focus()  # before another tab takes it away
        if place is None:
            return False, f"nothing at {path.text} in this answer{_absent_hint(path.root, roots)}"
        if place.kind == "value":
            origin.show_note(f"{path.text} = {preview(roots.resolve(path))}")
            return True, ""
        if place.kind == "headers":
            if move:
                self.select_header(place.name)
            origin.show_note(f"{path.text}: {'selected' if move else 'shown'} in Headers")
            return True, ""
        if place.kind == "section":
            if move:
                self.tabs.setCurrentWidget(self.debugger)
            shown = self.debugger.show_path_row(
                origin, place.name, place.keys, text, move=move, focus=focus
            )
            return shown, ""
        target = self.body_tree
        if target is not origin:
            if not move:
                origin.show_note(f"{path.text}: in Body")
                return True, ""
            origin.clear_search()
            self._bring("body")
            target.show_path(place.keys, text, focus=focus)
            return True, ""
        target.show_path(place.keys, text)
        return True, ""

    def select_header(self, name: str) -> bool:
        """Bring Headers into view with the row of header *name* selected."""
        self.tabs.setCurrentWidget(self.headers_table)
        for row in range(self.headers_table.rowCount()):
            item = self.headers_table.item(row, 0)
            if item is not None and item.text() == name:
                # Through the selection model: selectRow() reads the keyboard modifiers
                # (Shift extends, Ctrl toggles) left by whatever key was pressed last.
                from PySide6.QtCore import QItemSelectionModel

                index = self.headers_table.model().index(row, 0)
                self.headers_table.selectionModel().setCurrentIndex(
                    index,
                    QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QItemSelectionModel.SelectionFlag.Rows,
                )
                self.headers_table.scrollToItem(item)
                return True
        return False

    def _build_body(self) -> None:
        if self._body_tree is not None:
            return
        self._body_tree = JsonView(self)
        self._body_tree.path_text = lambda keys, pointer: answer_row_path("body", keys, pointer)
        self._body_tree.path_finder = self.find_path
        self._body_tree.elsewhere = lambda text: self._elsewhere("body", text)
        self._body_tree.elsewhere_activated.connect(self.go_to_place)
        self._body_raw = self._plain_text()
        self.body_tabs.addTab(self._body_tree, "Tree")
        self.body_tabs.addTab(self._body_raw, "Raw")
        self._fill_body()

    def _build_request(self) -> None:
        if self._request_tree is not None:
            return
        self._request_tree = JsonView(self)
        self._request_tree.path_finder = self.find_path  # an answer path leads to its row
        self._request_tree.elsewhere = lambda text: self._elsewhere("request", text)
        self._request_tree.elsewhere_activated.connect(self.go_to_place)
        self._request_raw = self._plain_text()
        self.request_tabs.addTab(self._request_tree, "Tree")
        self.request_tabs.addTab(self._request_raw, "Raw")
        self._fill_request()

    def _on_tabs_current_changed(self, _index: int) -> None:
        current = self.tabs.currentWidget()
        if current is self.body_tabs:
            self._build_body()
        elif current is self.request_tabs:
            self._build_request()

    def _plain_text(self) -> CodeEdit:
        # The text editor and the fixed-pitch font load with the first raw page shown.
        from PySide6.QtGui import QFontDatabase
        from PySide6.QtWidgets import QPlainTextEdit

        from workbench.ui.widgets.code_edit import CodeEdit

        edit = CodeEdit(self, findable=True)
        edit.setReadOnly(True)
        edit.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        edit.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        return edit

    # --- content -------------------------------------------------------------------------
    def exchange(self) -> Exchange | None:
        return self._exchange

    def show_exchange(self, exchange: Exchange, *, title: str | None = None) -> None:
        """Show every tab of *exchange*."""
        self._exchange = exchange
        body = exchange.json
        body_text = exchange.body_text
        self.debugger.set_view(exchange.view)
        if self._body_tree is not None:
            self._fill_body()
        self._fill_headers()
        if self._request_tree is not None:
            self._fill_request()
        if title is None:
            status = exchange.status
            title = (
                f"Response · HTTP {status}"
                if status is not None
                else ("Response (opened)" if body is not None or body_text else "Response")
            )
        self.title_label.setText(title)

    def _fill_body(self) -> None:
        assert self._body_tree is not None
        assert self._body_raw is not None
        self._body_tree.set_document(self._exchange.json if self._exchange is not None else None)
        self._body_tree.expand_to_depth(0)
        self._raw_filled = False
        self._body_raw.clear()
        if self.body_tabs.currentWidget() is self._body_raw:
            self._fill_raw()

    def _fill_request(self) -> None:
        assert self._request_tree is not None
        assert self._request_raw is not None
        sent = self._exchange.request if self._exchange is not None else None
        request = sent.to_dict() if sent is not None else None
        self._request_tree.set_document(request)
        self._request_tree.expand_to_depth(1)
        if isinstance(request, dict):
            self._request_raw.setPlainText(_request_text(privacy_mask().document(request)))
        elif self._exchange is not None:
            self._request_raw.setPlainText("(not sent from here)")
        else:
            self._request_raw.clear()

    def open_document(self, document: Any, *, title: str) -> None:
        """Show a JSON value that someone handed over: an exchange or a response body."""
        self.show_exchange(exchange_from_document(document), title=title)
        self.tabs.setCurrentWidget(self.debugger)

    def clear(self) -> None:
        self._exchange = None
        self.debugger.clear()
        if self._body_tree is not None:
            self._fill_body()
        self.headers_table.setRowCount(0)
        if self._request_tree is not None:
            self._fill_request()
        self.title_label.setText("Response")

    def _on_body_tabs_current_changed(self, _index: int) -> None:
        raw = self._body_raw
        if raw is not None and self.body_tabs.currentWidget() is raw and not self._raw_filled:
            self._fill_raw()

    def _fill_headers(self) -> None:
        headers = mask_headers(self._exchange.headers) if self._exchange is not None else {}
        mask = privacy_mask()
        self.headers_table.setRowCount(len(headers))
        for row, (name, value) in enumerate(headers.items()):
            shown = mask.value((str(name).lower(),), value)
            self.headers_table.setItem(row, 0, QTableWidgetItem(str(name)))
            self.headers_table.setItem(row, 1, QTableWidgetItem(str(shown)))

    def _on_privacy_changed(self, _hidden: bool) -> None:
        """The "hide personal data" switch moved: refill what is not a tree."""
        if self._exchange is None:
            return
        self._fill_headers()
        if self._request_tree is not None:
            self._fill_request()
        if self._raw_filled:
            self._fill_raw()

    def _fill_raw(self) -> None:
        self._raw_filled = True
        exchange = self._exchange
        text = exchange.body_text if exchange is not None else None
        parsed = exchange.json if exchange is not None else None
        mask = privacy_mask()
        if text is None or (mask.hidden and parsed is not None):
            body = mask.document(parsed)
            text = "" if body is None else json.dumps(body, indent=2, ensure_ascii=False)
        else:
            text = mask.text(text)
        if len(text) > RAW_TEXT_LIMIT:
            text = (
                text[:RAW_TEXT_LIMIT]
                + f"\n\n… cut: the body has {len(text):,} characters; the Tree tab shows all of it."
            )
        self.body_raw.setPlainText(text)

    # --- drag and drop -------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() or event.mimeData().hasText():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        mime = event.mimeData()
        if mime.hasUrls():
            for url in mime.urls():
                if url.isLocalFile():
                    self.file_dropped.emit(url.toLocalFile())
                    event.acceptProposedAction()
                    return
        if mime.hasText():
            text = mime.text()
            try:
                document = json.loads(text)
            except ValueError:
                return
            self.open_document(document, title="Response (dropped text)")
            event.acceptProposedAction()


def _absent_hint(root: str, roots: AnswerRoots) -> str:
    """Why a whole root has nothing to read, when that is why a path found nothing."""
    if root in ("profile", "session") and not roots.available(root):
        return f" (the answer holds no stored {root}: Open it from the Debugger)"
    return ""


def _request_text(request: dict[str, Any]) -> str:
    lines = [f"{request.get('method', 'POST')} {request.get('url', '')}"]
    for name, value in (request.get("headers") or {}).items():
        lines.append(f"{name}: {value}")
    lines.append("")
    body = request.get("body")
    if body is not None:
        lines.append(json.dumps(body, indent=2, ensure_ascii=False))
    elif request.get("body_text"):
        lines.append(str(request["body_text"]))
    return "\n".join(lines)
