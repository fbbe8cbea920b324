"""The composer: request line, payload forms and raw JSON kept in sync, live validation.

One document is the truth (the tracker payload for ``/track``, the event
properties for ``/collect``). Form edits rewrite the raw JSON at once; raw edits
that parse reload the forms (debounced). Raw text that does not parse leaves the
forms alone and reports its line and column. A parsed document the form cannot
show faithfully (``"source": 42``) keeps the raw JSON as the authority and says
so. Validation against the payload schema runs debounced after every change;
each issue row focuses the field it names, and the fields are marked.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from workbench.settings import TargetSettings
from workbench.ui.composer.payload_form import PayloadForm
from workbench.ui.composer.raw_editor import JsonSyntaxProblem, RawJsonEditor
from workbench.ui.composer.request_bar import ROUTE_PROFILE_LESS, RequestBar
from workbench.ui.widgets.object_editor import ObjectEditor

if TYPE_CHECKING:
    from workbench.client import RequestSpec
    from workbench.core.validation import Issue

ISSUES_HEIGHT = 90  # the issues list's height when issues appear
_NO_LIMIT = 16_777_215  # QWIDGETSIZE_MAX

__all__ = ["DEFAULT_PAYLOAD", "Composer", "PayloadNotReady"]

DEFAULT_PAYLOAD: dict[str, Any] = {
    "source": {"id": "source-id"},
    "context": {},
    "properties": {},
    "events": [{"type": "page-view", "properties": {"page": "/home"}}],
    "options": {"debugger": True},
}
ISSUE_PATH_ROLE = Qt.ItemDataRole.UserRole + 1
_FORM_TAB, _RAW_TAB = 0, 1


class PayloadNotReady(ValueError):
    """The raw JSON does not parse; the message names the line and column."""


class Composer(QWidget):
    """Compose one request.

    Signals:
        document_changed(object): the payload (or /collect body) changed.
        validated(list): the issues of the latest validation (list of ``Issue``).
        send_requested(): Send was pressed (the window decides and sends).
        cancel_requested(): Cancel was pressed.
        target_changed(object): another target was picked.
    """

    document_changed = Signal(object)
    validated = Signal(list)
    send_requested = Signal()
    cancel_requested = Signal()
    target_changed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._track_doc: Any = copy.deepcopy(DEFAULT_PAYLOAD)
        self._collect_doc: Any = {}
        self._issues: list[Issue] = []
        self._syntax: JsonSyntaxProblem | None = None
        self._syncing = False
        self._error_until_parse = False  # the error shown is "the JSON does not parse"
        # The document as last loaded, sent or saved: anything else is unsaved work.
        self._clean: Any = copy.deepcopy(self._track_doc)

        self.request_bar = RequestBar(self)
        self.request_bar.send_clicked.connect(self.send_requested)
        self.request_bar.cancel_clicked.connect(self.cancel_requested)
        self.request_bar.route_changed.connect(self._on_request_bar_route_changed)
        self.request_bar.target_changed.connect(self.target_changed)

        self.toolbar = QHBoxLayout()
        self.toolbar.setContentsMargins(0, 0, 0, 0)
        self.progress_label = QLabel(self)
        self.progress_label.setTextFormat(Qt.TextFormat.PlainText)

        self.error_frame = QFrame(self)
        self.error_frame.setFrameShape(QFrame.Shape.StyledPanel)
        self.error_frame.setObjectName("sendError")
        self.error_frame.setStyleSheet(
            "#sendError { background: rgb(255, 235, 235); border: 1px solid rgb(200, 40, 40); }"
            "#sendError QLabel { color: rgb(120, 0, 0); }"
        )
        self.error_message = QLabel(self.error_frame)
        self.error_message.setTextFormat(Qt.TextFormat.PlainText)
        self.error_message.setWordWrap(True)
        self.error_message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.error_message.font()
        font.setBold(True)
        self.error_message.setFont(font)
        self.error_hint = QLabel(self.error_frame)
        self.error_hint.setTextFormat(Qt.TextFormat.PlainText)
        self.error_hint.setWordWrap(True)
        self.error_hint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        dismiss = QToolButton(self.error_frame)
        dismiss.setText("✕")
        dismiss.setToolTip("Dismiss")
        dismiss.clicked.connect(self.clear_error)
        error_layout = QHBoxLayout(self.error_frame)
        error_text = QVBoxLayout()
        error_text.addWidget(self.error_message)
        error_text.addWidget(self.error_hint)
        error_layout.addLayout(error_text, 1)
        error_layout.addWidget(dismiss, 0, Qt.AlignmentFlag.AlignTop)
        self.error_frame.hide()

        self.form = PayloadForm(self)
        self.form.changed.connect(self._on_form_changed)
        self.collect_editor = ObjectEditor(self, title="collect body", build_when_shown=True)
        self.collect_editor.changed.connect(self._on_form_changed)
        collect_page = QWidget(self)
        collect_layout = QVBoxLayout(collect_page)
        collect_layout.setContentsMargins(0, 0, 0, 0)
        collect_note = QLabel(
            "The /collect body becomes the properties of one event of the type in the route.",
            collect_page,
        )
        collect_note.setWordWrap(True)
        collect_layout.addWidget(collect_note)
        collect_layout.addWidget(self.collect_editor, 1)
        self.form_stack = QStackedWidget(self)
        self.form_stack.addWidget(self.form)
        self.form_stack.addWidget(collect_page)
        self.form_banner = QLabel(self)
        self.form_banner.setTextFormat(Qt.TextFormat.PlainText)
        self.form_banner.setWordWrap(True)
        self.form_banner.setStyleSheet("color: rgb(160, 90, 0);")
        self.form_banner.hide()
        form_page = QWidget(self)
        form_layout = QVBoxLayout(form_page)
        form_layout.setContentsMargins(0, 0, 0, 0)
        form_layout.addWidget(self.form_banner)
        # On a short screen the form scrolls instead of pushing the window off the screen.
        form_scroll = QScrollArea(self)
        form_scroll.setWidgetResizable(True)
        form_scroll.setFrameShape(QFrame.Shape.NoFrame)
        form_scroll.setWidget(self.form_stack)
        form_layout.addWidget(form_scroll, 1)

        self.raw = RawJsonEditor(self)
        self.raw.document_edited.connect(self._on_raw_document_edited)
        self.raw.syntax_failed.connect(self._on_raw_syntax_failed)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(form_page, "Form")
        self.tabs.addTab(self.raw, "Raw JSON")

        self.issues_label = QLabel(self)
        self.issues_label.setTextFormat(Qt.TextFormat.PlainText)
        self.issues_list = QListWidget(self)
        self.issues_list.setAccessibleName("validation issues")
        self.issues_list.setMinimumHeight(36)
        self.issues_list.itemActivated.connect(self._on_issues_list_item_activated)
        self.issues_list.itemClicked.connect(self._on_issues_list_item_activated)
        issues_page = QWidget(self)
        self.issues_page = issues_page
        issues_layout = QVBoxLayout(issues_page)
        issues_layout.setContentsMargins(0, 0, 0, 0)
        issues_layout.addWidget(self.issues_label)
        issues_layout.addWidget(self.issues_list, 1)

        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.addWidget(self.tabs)
        self.splitter.addWidget(issues_page)
        self.splitter.setStretchFactor(0, 4)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([560, 80])

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.request_bar)
        layout.addLayout(self.toolbar)
        layout.addWidget(self.error_frame)
        layout.addWidget(self.splitter, 1)

        self._validate_timer = QTimer(self)
        self._validate_timer.setSingleShot(True)
        self._validate_timer.setInterval(300)
        self._validate_timer.timeout.connect(self.validate_now)

        self._load_into_widgets(self._track_doc)
        # The first validation waits for the debounce: jsonschema loads after the window shows.
        self.issues_label.setText("Validating…")
        self._validate_timer.start()

    # --- toolbar ---------------------------------------------------------------------------
    def add_tool(self, widget: QWidget) -> None:
        """Add a button (templates, copy as...) to the row under the request line."""
        self.toolbar.insertWidget(self.toolbar.count(), widget)

    def finish_toolbar(self) -> None:
        self.toolbar.addSpacing(8)
        self.toolbar.addWidget(self.request_bar.url_label, 1)
        self.toolbar.addWidget(self.progress_label)

    # --- the document ----------------------------------------------------------------------
    @property
    def is_collect(self) -> bool:
        return self.request_bar.is_collect

    def document(self) -> Any:
        """The payload (or /collect body) to send; raises :class:`PayloadNotReady` on bad JSON."""
        if self.raw.has_pending_edit():
            self.raw.parse_now()
        if self._syntax is not None:
            raise PayloadNotReady(str(self._syntax))
        return copy.deepcopy(self._document)

    @property
    def _document(self) -> Any:
        """The document of the current route: the /collect body or the /track payload."""
        return self._collect_doc if self.is_collect else self._track_doc

    @_document.setter
    def _document(self, document: Any) -> None:
        if self.is_collect:
            self._collect_doc = document
        else:
            self._track_doc = document

    def set_document(self, document: Any) -> None:
        """Replace the payload (or /collect body) everywhere."""
        self._document = copy.deepcopy(document)
        self._syntax = None
        self._load_into_widgets(document)
        self._changed()
        self.mark_clean()

    def mark_clean(self) -> None:
        """The document as it is now is kept somewhere (loaded, sent, saved)."""
        self._clean = copy.deepcopy(self._document)

    def is_modified(self) -> bool:
        """True when the composer holds edits that were neither sent nor saved."""
        return (
            self._syntax is not None
            or self.raw.has_pending_edit()
            or (self._document != self._clean)
        )

    def load_request(
        self, payload: Any, route: str | None = None, target_name: str | None = None
    ) -> None:
        """Load a saved or historic request: route first (it decides the editor), then payload."""
        if target_name:
            self.request_bar.select_target(target_name)
        if route:
            self.request_bar.set_route(route)
        self.set_document(payload)

    def build_spec(self) -> RequestSpec:
        """The :class:`RequestSpec` for the current route and document."""
        # Imported here: the client (httpx) loads after the window is shown.
        from workbench.client import RequestSpec

        document = self.document()
        bar = self.request_bar
        if bar.is_collect:
            return RequestSpec(
                payload=document,
                route="collect",
                collect_event_type=bar.collect_type.text().strip() or None,
                collect_source_id=bar.collect_source.text().strip() or None,
                collect_session_id=bar.collect_session.text().strip() or None,
            )
        return RequestSpec(
            payload=document, route="track", profile_less=bar.route == ROUTE_PROFILE_LESS
        )

    def current_target(self) -> TargetSettings:
        return self.request_bar.current_target()

    def route_label(self) -> str:
        return self.request_bar.route_label()

    def raw_edit_in_progress(self) -> bool:
        """True while raw JSON text is being typed (not parsed yet, or not JSON yet).

        Ids the window fills in from an answer must not overwrite that text.
        """
        return self._syntax is not None or self.raw.has_pending_edit()

    # --- validation ------------------------------------------------------------------------
    def issues(self) -> list[Issue]:
        return list(self._issues)

    def syntax_problem(self) -> JsonSyntaxProblem | None:
        return self._syntax

    def validate_now(self) -> list[Issue]:
        """Validate at once (the timer does this debounced after edits)."""
        from workbench.core.validation import Issue, validate_payload

        self._validate_timer.stop()
        if self.raw.has_pending_edit():
            self.raw.parse_now()
        if self.is_collect:
            issues = (
                []
                if isinstance(self._collect_doc, dict)
                else [Issue((), "a /collect body must be a JSON object (else 500)", "type")]
            )
        else:
            issues = validate_payload(self._track_doc)
        self._issues = issues
        self.issues_list.clear()
        if self._syntax is not None:
            item = QListWidgetItem(f"Raw JSON: {self._syntax}")
            item.setData(ISSUE_PATH_ROLE, None)
            self.issues_list.addItem(item)
        for issue in issues:
            item = QListWidgetItem(issue.message)
            item.setData(ISSUE_PATH_ROLE, list(issue.path))
            item.setToolTip(f"{issue.location} ({issue.keyword})")
            self.issues_list.addItem(item)
        paths = [issue.path for issue in issues]
        if self.is_collect:
            self.collect_editor.mark_paths(paths)
        else:
            self.form.mark_paths(paths)
        total = len(issues) + (self._syntax is not None)
        self._fit_issues(total)
        if total:
            self.issues_label.setText(
                f"⚠ {total} issue{'s' if total != 1 else ''} — click one to go to it"
            )
            self.issues_label.setStyleSheet("color: rgb(200, 40, 40);")
        else:
            self.issues_label.setText("✓ The payload is valid")
            self.issues_label.setStyleSheet("color: rgb(30, 130, 60);")
        self.validated.emit(issues)
        return issues

    def _fit_issues(self, count: int) -> None:
        """No issues: the list folds away and the form gets the height (a laptop has
        none to spare); issues: the list opens with room for a few of them."""
        page = self.issues_page
        if not count:
            self.issues_list.hide()
            page.setMaximumHeight(self.issues_label.sizeHint().height() + 2)
            return
        if not self.issues_list.isHidden():
            return
        self.issues_list.show()
        page.setMaximumHeight(_NO_LIMIT)
        sizes = self.splitter.sizes()
        total = sum(sizes)
        want = min(ISSUES_HEIGHT, total // 3)
        if total > 0 and sizes[1] < want:
            self.splitter.setSizes([total - want, want])

    def focus_issue(self, row: int) -> None:
        """Go to the field that the issue in *row* names."""
        item = self.issues_list.item(row)
        if item is not None:
            self._on_issues_list_item_activated(item)

    def _on_issues_list_item_activated(self, item: QListWidgetItem) -> None:
        path = item.data(ISSUE_PATH_ROLE)
        if path is None:
            self.tabs.setCurrentIndex(_RAW_TAB)
            self.raw.go_to_problem()
            return
        self.tabs.setCurrentIndex(_FORM_TAB)
        if self.is_collect:
            self.collect_editor.focus_path(tuple(path))
        else:
            self.form.focus_path(tuple(path))

    # --- errors and progress ---------------------------------------------------------------
    def show_error(self, message: str, hint: str = "", *, until_json_parses: bool = False) -> None:
        """Show a send error next to the request (replaces the previous one; never a dialog).

        *until_json_parses*: the error is about the raw JSON, and goes once it parses.
        """
        self._error_until_parse = until_json_parses
        self.error_message.setText(message)
        self.error_hint.setText(hint)
        self.error_hint.setVisible(bool(hint))
        self.error_frame.show()

    def clear_error(self) -> None:
        self._error_until_parse = False
        self.error_frame.hide()
        self.error_message.clear()
        self.error_hint.clear()

    def set_busy(self, busy: bool, text: str = "") -> None:
        self.request_bar.set_busy(busy)
        self.progress_label.setText(text)

    # --- syncing ---------------------------------------------------------------------------
    def _load_into_widgets(self, document: Any) -> None:
        self._syncing = True
        try:
            if not self.is_collect and not isinstance(document, dict):
                self.form.set_payload({})  # no stale form under a document it cannot show
            faithful = self._fill_editor(document)
            self.raw.set_document(document)
        finally:
            self._syncing = False
        self._show_banner(document, faithful)

    def _fill_editor(self, document: Any) -> bool:
        """Show *document* in the form (or the /collect editor); False if it cannot show all."""
        if self.is_collect:
            self.collect_editor.set_value(document if isinstance(document, dict) else {})
            return isinstance(document, dict) and self.collect_editor.value() == document
        if isinstance(document, dict):
            self.form.set_payload(document)
            return self.form.payload() == document and not self.form.hidden_parts(document)
        return False

    def _show_banner(self, document: Any, faithful: bool) -> None:
        self.form_banner.setVisible(not faithful)
        if faithful:
            return
        if self.is_collect or not isinstance(document, dict):
            what = "the document is not a JSON object"
        else:
            what = (
                "; ".join(self.form.hidden_parts(document)) or "some values have unexpected types"
            )
        self.form_banner.setText(
            f"The form cannot show all of this payload ({what}). Raw JSON is what will be sent; "
            "editing the form replaces what it cannot show."
        )

    def _on_form_changed(self) -> None:
        if self._syncing:
            return
        document = self.collect_editor.value() if self.is_collect else self.form.payload()
        self._document = document
        self._syncing = True
        try:
            self.raw.set_document(document)
        finally:
            self._syncing = False
        self._syntax = None
        self.form_banner.hide()
        self._changed()

    def _on_raw_document_edited(self, document: Any) -> None:
        if self._syncing:
            return
        self._syntax = None
        self._document = document
        self._syncing = True
        try:
            faithful = self._fill_editor(document)
        finally:
            self._syncing = False
        self._show_banner(document, faithful)
        self._changed()

    def _on_raw_syntax_failed(self, problem: JsonSyntaxProblem) -> None:
        self._syntax = problem
        self.validate_now()

    def _on_request_bar_route_changed(self, _route: str) -> None:
        self.form_stack.setCurrentIndex(1 if self.is_collect else 0)
        self._syntax = None
        self._load_into_widgets(self._document)
        self._validate_timer.start()

    def _changed(self) -> None:
        if self._error_until_parse and self._syntax is None:
            self.clear_error()  # the JSON that could not be sent parses now
        self._validate_timer.start()
        self.document_changed.emit(self._document)

    # --- hooks for the window ----------------------------------------------------------------
    def connect_identity(
        self,
        on_new_visit: Callable[[str], None],
        on_forget_profile: Callable[[], None],
    ) -> None:
        """Let the window keep the sender's identity memory in step with the form's buttons."""
        self.form.new_visit_requested.connect(on_new_visit)
        self.form.forget_profile_requested.connect(on_forget_profile)
