"""Templates, Save to collection, Copy as and Paste curl."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QGuiApplication

from workbench.client import Sender, embedded_target
from workbench.settings import TargetSettings
from workbench.store.collections import CollectionStore
from workbench.ui.composer.composer import Composer
from workbench.ui.composer.tools import ComposerTools, example_templates
from workbench.ui.prompts import Prompts


@pytest.fixture
def tools(qtbot, tmp_path: Path):
    composer = Composer()
    qtbot.addWidget(composer)
    composer.request_bar.set_targets([embedded_target()])
    sender = Sender()
    made = ComposerTools(
        composer,
        collections=CollectionStore(tmp_path / "collections"),
        prepare=lambda target, spec: sender.prepare(target, spec).as_http(),
    )
    yield made
    sender.close()


def test_examples_and_builtin_templates_are_offered(tools: ComposerTools) -> None:
    names = [t.name for t in tools.templates()]
    assert "track-full" in names
    assert len(names) >= len(example_templates())
    tools._fill_templates_menu()
    assert tools.templates_menu.actions()


def test_template_loads_payload(tools: ComposerTools) -> None:
    full = next(t for t in example_templates() if t.name == "track-full")
    tools.use_template(full)
    assert tools.composer.document() == full.payload
    assert tools.composer.form.events_editor.list.count() == 2


def test_save_to_collection_and_find_it_in_templates(tools: ComposerTools, monkeypatch) -> None:
    monkeypatch.setattr(Prompts, "get_line", classmethod(lambda cls, *a, **k: "shop/checkout"))
    saved = tools.save_to_collection()
    assert saved is not None
    assert saved.folder == "shop"
    assert saved.name == "checkout"
    assert saved.payload == tools.composer.document()
    assert any(t.name == "checkout" and t.folder == "shop" for t in tools.templates())
    assert tools.save_to_collection() is None  # same name again: refused, said next to the request
    assert "Not saved" in tools.composer.error_message.text()


def test_copy_as_each_kind(tools: ComposerTools) -> None:
    curl = tools.copy_as("curl")
    assert curl is not None
    assert curl.startswith("curl")
    assert "http://127.0.0.1:8686/track" in curl
    assert QGuiApplication.clipboard().text() == curl
    for kind in ("httpx", "fetch", "httpie"):
        text = tools.copy_as(kind)
        assert text
        assert "/track" in text


def test_paste_curl_imports_route_payload_and_target(tools: ComposerTools) -> None:
    command = (
        "curl -X POST 'https://tracardi.example.com/track?profile_less=true' "
        "-H 'Content-Type: application/json' "
        """--data-raw '{"source":{"id":"abc"},"events":[{"type":"page-view"}]}'"""
    )
    assert tools.paste_curl(command)
    composer = tools.composer
    assert composer.document() == {"source": {"id": "abc"}, "events": [{"type": "page-view"}]}
    assert composer.request_bar.route == "/track?profile_less=true"
    assert composer.current_target().base_url == "https://tracardi.example.com"
    assert composer.current_target().name == "Imported tracardi.example.com"


def test_paste_curl_matches_existing_target(tools: ComposerTools) -> None:
    bar = tools.composer.request_bar
    bar.set_targets([embedded_target(), TargetSettings(name="prod", base_url="https://t.example")])
    assert tools.paste_curl("""curl https://t.example/track --data '{"source": {"id": "x"}}'""")
    assert tools.composer.current_target().name == "prod"


def test_paste_curl_rejects_garbage_with_message(tools: ComposerTools) -> None:
    assert not tools.paste_curl("wget http://x")
    assert tools.composer.error_frame.isVisibleTo(tools.composer)
    assert "Could not import" in tools.composer.error_message.text()


def test_the_copy_as_menu_offers_every_kind_when_opened(qtbot, tools: ComposerTools) -> None:
    from PySide6.QtCore import QPoint

    from workbench.ui.composer.tools import SNIPPET_KINDS

    menu = tools.copy_button.menu()
    assert menu is not None
    menu.popup(QPoint(0, 0))
    qtbot.waitUntil(menu.isVisible)
    labels = [action.text() for action in menu.actions()]
    assert labels == [label for label, _render in SNIPPET_KINDS.values()]
    menu.actions()[0].trigger()
    assert QGuiApplication.clipboard().text().startswith("curl")
    menu.hide()
    menu.popup(QPoint(0, 0))  # opened again: the same entries, not twice over
    qtbot.waitUntil(menu.isVisible)
    assert len(menu.actions()) == len(SNIPPET_KINDS)
    menu.hide()
