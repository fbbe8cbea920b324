"""The composer's tool row: Templates, Save to collection, Copy as, Paste curl.

Templates are the collection's built-in ones (from the user's document), the
shipped examples and the user's saved requests, one click away in a menu.
*Copy as* renders the request exactly as it would be sent (variables expanded,
identity filled, via ``Sender.prepare``) with :mod:`workbench.core.snippets`;
*Paste curl* imports with :func:`workbench.core.curl_import.parse_curl`.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMenu, QToolButton, QWidget

from workbench.resources import resource_path
from workbench.settings import TargetSettings
from workbench.store.collections import (
    TEMPLATES_FOLDER,
    CollectionError,
    CollectionStore,
    SavedRequest,
)
from workbench.ui.composer.composer import Composer, PayloadNotReady
from workbench.ui.widgets.text_only import add_action

# Snippets, curl import and the dialogs load when first used: not before the first paint.
if TYPE_CHECKING:
    from workbench.client import RequestSpec
    from workbench.core.snippets import HttpRequest

__all__ = ["SNIPPET_KINDS", "ComposerTools", "example_templates"]

Prepare = Callable[[TargetSettings, "RequestSpec"], "HttpRequest"]


def _curl(request: HttpRequest) -> str:
    from workbench.core import snippets

    return snippets.to_curl(request, pretty=True)


def _httpx(request: HttpRequest) -> str:
    from workbench.core import snippets

    return snippets.to_httpx(request)


def _fetch(request: HttpRequest) -> str:
    from workbench.core import snippets

    return snippets.to_fetch(request)


def _httpie(request: HttpRequest) -> str:
    from workbench.core import snippets

    return snippets.to_httpie(request)


SNIPPET_KINDS: dict[str, tuple[str, Callable[[HttpRequest], str]]] = {
    "curl": ("curl", _curl),
    "httpx": ("Python httpx", _httpx),
    "fetch": ("JavaScript fetch", _fetch),
    "httpie": ("HTTPie", _httpie),
}


def example_templates() -> list[SavedRequest]:
    """The shipped example payloads (``resources/examples/track-*.json``)."""
    out = []
    for path in sorted(resource_path("examples").glob("track-*.json")):
        payload = json.loads(path.read_text(encoding="utf-8"))
        out.append(SavedRequest(name=path.stem, folder="Examples", payload=payload, builtin=True))
    return out


def _simple_prepare(target: TargetSettings, spec: RequestSpec) -> HttpRequest:
    from workbench.core.snippets import HttpRequest

    url = target.base_url.rstrip("/") + spec.path()
    if spec.query_params():
        url += "?" + "&".join(f"{k}={v}" for k, v in spec.query_params().items())
    body = json.dumps(spec.payload, ensure_ascii=False)
    return HttpRequest(spec.method, url, {"Content-Type": "application/json"}, body)


class ComposerTools(QObject):
    """Builds the tool buttons into *composer* and runs their actions.

    Signals:
        notice(str): something to show in the status bar (saved, copied...).
        target_imported(object): Paste curl produced a new ad-hoc ``TargetSettings``.
        request_saved(object): *Save to collection* saved this ``SavedRequest``.
    """

    notice = Signal(str)
    target_imported = Signal(object)
    request_saved = Signal(object)

    def __init__(
        self,
        composer: Composer,
        *,
        collections: CollectionStore | None = None,
        prepare: Prepare | None = None,
    ) -> None:
        super().__init__(composer)
        self.composer = composer
        self.collections = collections
        self.prepare = prepare or _simple_prepare
        parent: QWidget = composer

        self.templates_button = QToolButton(parent)
        self.templates_button.setText("Templates")
        self.templates_button.setToolTip("Start from a built-in template or a saved request")
        self.templates_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.templates_menu = QMenu(self.templates_button)
        self.templates_menu.aboutToShow.connect(self._fill_templates_menu)
        self.templates_button.setMenu(self.templates_menu)

        self.save_button = QToolButton(parent)
        self.save_button.setText("Save to collection")
        self.save_button.setToolTip("Save this payload and route in a collection folder")
        self.save_button.clicked.connect(self.save_to_collection)
        self.save_button.setEnabled(collections is not None)

        self.copy_button = QToolButton(parent)
        self.copy_button.setText("Copy as")
        self.copy_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.copy_menu = QMenu(self.copy_button)
        self.copy_menu.aboutToShow.connect(self._fill_copy_menu)  # its entries, when opened
        self.copy_button.setMenu(self.copy_menu)

        self.paste_button = QToolButton(parent)
        self.paste_button.setText("Paste curl")
        self.paste_button.setToolTip("Import a request from a curl command")
        self.paste_button.clicked.connect(self.ask_and_paste_curl)

        for button in (
            self.templates_button,
            self.save_button,
            self.copy_button,
            self.paste_button,
        ):
            composer.add_tool(button)
        composer.finish_toolbar()

    def _fill_copy_menu(self) -> None:
        if self.copy_menu.actions():
            return
        for kind, (label, _render) in SNIPPET_KINDS.items():
            add_action(self.copy_menu, label, functools.partial(self.copy_as, kind))

    # --- templates ----------------------------------------------------------------------
    def templates(self) -> list[SavedRequest]:
        """Built-in templates, shipped examples, then the user's saved requests."""
        found: list[SavedRequest] = []
        if self.collections is not None:
            try:
                found.extend(self.collections.templates())
            except (OSError, ValueError) as exc:
                self.notice.emit(f"Built-in templates could not be read: {exc}")
        found.extend(example_templates())
        if self.collections is not None:
            try:
                found.extend(self.collections.list())
            except (OSError, CollectionError) as exc:
                self.notice.emit(f"Collections could not be read: {exc}")
        return found

    def _fill_templates_menu(self) -> None:
        self.templates_menu.clear()
        groups: dict[str, QMenu] = {}
        found = self.templates()
        for saved in found:
            if saved.builtin and saved.folder == TEMPLATES_FOLDER:
                menu = (
                    self.templates_menu
                )  # the built-in ones at the top, not Templates → Templates
            else:
                group = saved.folder or "Saved"
                if group not in groups:
                    if not groups:
                        self.templates_menu.addSeparator()
                    groups[group] = self.templates_menu.addMenu(group)
                menu = groups[group]
            action = add_action(menu, saved.name, functools.partial(self.use_template, saved))
            if saved.note:
                action.setToolTip(saved.note)
        if not found:
            self.templates_menu.addAction("(no templates)").setEnabled(False)

    def use_template(self, saved: SavedRequest) -> bool:
        """Load *saved*; edits not sent or saved yet are only replaced if the user agrees."""
        if self.composer.is_modified():
            from workbench.ui.prompts import Prompts

            if not Prompts.confirm(
                self.composer,
                "Replace the payload?",
                f"The composer holds changes that were neither sent nor saved. Replace them "
                f"with {saved.name!r}?",
            ):
                self.notice.emit("Template not loaded: the composer keeps your changes")
                return False
        self.composer.load_request(saved.payload, saved.route, saved.target_name)
        self.notice.emit(f"Loaded template {saved.name!r}")
        return True

    def save_to_collection(self) -> SavedRequest | None:
        """Ask for ``folder/name`` and save the current payload and route."""
        if self.collections is None:
            return None
        try:
            payload = self.composer.document()
        except PayloadNotReady as exc:
            self.composer.show_error(str(exc), "Fix the JSON before saving it.")
            return None
        from workbench.ui.prompts import Prompts

        answer = Prompts.get_line(
            self.composer,
            "Save to collection",
            "Name (use folder/name to put it in a folder):",
            _suggest_name(payload),
        )
        if not answer or not answer.strip():
            return None
        folder, _, name = answer.strip().rpartition("/")
        request = SavedRequest(
            name=name,
            folder=folder,
            route=self.composer.route_label(),
            payload=payload,
            target_name=self.composer.current_target().name,
        )
        try:
            saved = self.collections.save(request)
        except CollectionError as exc:
            self.composer.show_error(f"Not saved: {exc}", "Pick another name or folder.")
            return None
        self.notice.emit(f"Saved {saved.folder + '/' if saved.folder else ''}{saved.name}")
        self.composer.mark_clean()
        self.request_saved.emit(saved)
        return saved

    # --- snippets -----------------------------------------------------------------------
    def snippet(self, kind: str) -> str:
        """The current request as a *kind* snippet (curl, httpx, fetch, httpie)."""
        spec = self.composer.build_spec()
        request = self.prepare(self.composer.current_target(), spec)
        return SNIPPET_KINDS[kind][1](request)

    def copy_as(self, kind: str) -> str | None:
        try:
            text = self.snippet(kind)
        except (PayloadNotReady, ValueError) as exc:
            self.composer.show_error(f"Cannot build the {kind} snippet: {exc}", "")
            return None
        QGuiApplication.clipboard().setText(text)
        self.notice.emit(f"Copied as {SNIPPET_KINDS[kind][0]}")
        return text

    def ask_and_paste_curl(self) -> bool:
        from workbench.ui.prompts import Prompts

        text = Prompts.get_text(
            self.composer,
            "Paste curl",
            "A curl command (e.g. from the browser's Copy as cURL):",
            QGuiApplication.clipboard().text(),
        )
        return bool(text) and self.paste_curl(text or "")

    def paste_curl(self, text: str) -> bool:
        """Import a curl command: route and payload into the composer, target matched or added."""
        from workbench.client import target_from_import
        from workbench.core.curl_import import CurlImportError, parse_curl

        try:
            imported = parse_curl(text)
        except CurlImportError as exc:
            self.composer.show_error(
                f"Could not import the curl command: {exc}",
                "Paste a whole command that starts with 'curl' and posts to /track or /collect.",
            )
            return False
        bar = self.composer.request_bar
        base = imported.base_url.rstrip("/")
        match = next((t for t in bar.targets() if t.base_url.rstrip("/") == base), None)
        if match is None:
            host = urlsplit(imported.url).netloc or base
            target = target_from_import(imported, name=f"Imported {host}")
            bar.set_targets([*bar.targets(), target], select=target.name)
            self.target_imported.emit(target)
        else:
            bar.select_target(match.name)
        route = imported.route
        if route.startswith("/track") and imported.profile_less:
            route = "/track?profile_less=true"
        self.composer.load_request(imported.payload, route)
        self.composer.clear_error()
        self.notice.emit(f"Imported {imported.method} {imported.route}")
        return True


def _suggest_name(payload: Any) -> str:
    events = payload.get("events") if isinstance(payload, dict) else None
    if isinstance(events, list) and events and isinstance(events[0], dict):
        kind = events[0].get("type")
        if isinstance(kind, str) and kind.strip():
            return kind.strip()
    return "request"
