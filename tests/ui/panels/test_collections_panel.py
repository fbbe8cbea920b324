"""The collections panel over a real CollectionStore in tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from workbench.store.collections import CollectionStore, SavedRequest
from workbench.ui.models.collection_tree import TEMPLATES
from workbench.ui.panels.collections_panel import CollectionsPanel
from workbench.ui.panels.dialogs import PanelDialogs
from workbench.ui.prompts import Prompts

PAYLOAD = {"source": {"id": "source-id"}, "events": [{"type": "page-view"}]}


@pytest.fixture
def store(tmp_path: Path) -> CollectionStore:
    collections = CollectionStore(tmp_path / "collections")
    collections.create_folder("shop")
    collections.save(SavedRequest(name="checkout", folder="shop", payload=PAYLOAD))
    collections.save(SavedRequest(name="home", payload=PAYLOAD))
    return collections


@pytest.fixture
def panel(qtbot, store) -> CollectionsPanel:
    widget = CollectionsPanel(store)
    qtbot.addWidget(widget)
    widget.current_request = lambda: SavedRequest(name="", payload={"events": []})
    return widget


def answer(monkeypatch, text: str | None = None, confirm: bool = True) -> None:
    monkeypatch.setattr(PanelDialogs, "ask_text", classmethod(lambda cls, *a, **k: text))
    monkeypatch.setattr(Prompts, "confirm", classmethod(lambda cls, *a: confirm))


def test_tree_shows_folders_requests_and_templates_apart(panel, store, qtmodeltester) -> None:
    model = panel.model
    assert model.find("request", "checkout", "shop").isValid()
    assert model.find("request", "home", "").isValid()
    templates = model.group_index(TEMPLATES)
    assert model.rowCount(templates) == len(store.templates()) > 0
    first = model.index(0, 0, templates)
    assert not model.flags(first) & Qt.ItemFlag.ItemIsDragEnabled
    qtmodeltester.check(model)


def test_open_emits_the_saved_request(qtbot, panel) -> None:
    panel.select(panel.model.find("request", "checkout", "shop"))
    with qtbot.waitSignal(panel.request_opened) as opened:
        panel.open_action.trigger()
    assert opened.args[0].payload == PAYLOAD
    assert opened.args[0].folder == "shop"


def test_save_current_as_into_selected_folder_and_overwrite_asks(panel, store, monkeypatch) -> None:
    panel.select(panel.model.find("folder", "shop", "shop"))
    answer(monkeypatch, "empty")
    saved = panel.save_current_as()
    assert saved is not None
    assert saved.folder == "shop"
    assert store.get("empty", "shop").payload == {"events": []}
    answer(monkeypatch, "empty", confirm=False)
    assert panel.save_current_as() is None  # name taken, user said no
    answer(monkeypatch, "bad/name")
    assert panel.save_current_as() is None
    assert "Not saved" in panel.message_label.text()


def test_rename_and_delete_with_confirmation(panel, store, monkeypatch) -> None:
    panel.select(panel.model.find("request", "home", ""))
    answer(monkeypatch, "landing")
    panel.rename_selected()
    assert store.exists("landing")
    assert not store.exists("home")
    panel.select(panel.model.find("request", "landing", ""))
    answer(monkeypatch, confirm=False)
    panel.delete_selected()
    assert store.exists("landing")
    answer(monkeypatch, confirm=True)
    panel.delete_selected()
    assert not store.exists("landing")


def test_drag_and_drop_moves_a_request_into_a_folder(qtbot, panel, store) -> None:
    model = panel.model
    source = model.find("request", "home", "")
    data = model.mimeData([source])
    folder = model.find("folder", "shop", "shop")
    assert model.canDropMimeData(data, Qt.DropAction.MoveAction, -1, 0, folder)
    assert not model.canDropMimeData(
        data, Qt.DropAction.MoveAction, -1, 0, model.group_index(TEMPLATES)
    )
    with qtbot.waitSignal(model.modelReset):
        assert model.dropMimeData(data, Qt.DropAction.MoveAction, -1, 0, folder)
    assert store.exists("home", "shop")
    assert not store.exists("home", "")
    assert model.find("request", "home", "shop").isValid()


def test_new_folder_and_templates_are_read_only(panel, store, monkeypatch) -> None:
    answer(monkeypatch, "archive")
    panel.new_folder()
    assert "archive" in store.folders()
    template = panel.model.index(0, 0, panel.model.group_index(TEMPLATES))
    panel.select(template)
    answer(monkeypatch, "never")
    panel.rename_selected()
    panel.delete_selected()
    assert panel.model.index(0, 0, panel.model.group_index(TEMPLATES)).isValid()
