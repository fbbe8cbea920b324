"""Collections: saved payloads as files, checked names, read-only templates."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import load_example
from workbench.core.validation import validate_payload
from workbench.settings import app_paths
from workbench.store.collections import (
    CollectionError,
    CollectionStore,
    NameTakenError,
    ReadOnlyTemplateError,
    SavedRequest,
    check_folder,
    check_name,
)


@pytest.fixture
def store() -> CollectionStore:
    return CollectionStore(app_paths().collections_dir)


def test_builtin_templates_are_the_documented_payloads(store: CollectionStore) -> None:
    templates = {t.name: t for t in store.templates()}
    assert list(templates) == [
        "Full payload",
        "Minimal payload",
        "With context",
        "With options (debugger on)",
        "Profile-less event",
        "Webhook call (collect)",
    ]
    assert templates["Full payload"].payload == load_example("track-full.json")
    assert templates["Minimal payload"].payload == load_example("track-minimal.json")
    assert templates["With context"].payload == load_example("track-with-context.json")
    options = templates["With options (debugger on)"]
    assert options.payload == load_example("track-with-options.json")
    assert options.payload["options"]["debugger"] is True
    assert templates["Profile-less event"].route == "/track?profile_less=true"
    webhook = templates["Webhook call (collect)"]
    assert webhook.route.startswith("/collect/")
    assert isinstance(webhook.payload, dict)
    for template in templates.values():
        assert template.builtin
        assert template.note
        if template.route.startswith("/track"):
            assert validate_payload(template.payload) == []


def test_save_writes_a_pretty_diff_friendly_file(store: CollectionStore) -> None:
    request = SavedRequest(
        name="Checkout",
        folder="shop/cart",
        payload=load_example("track-minimal.json"),
        target_name="Staging",
        note="what the shop sends",
        headers={"Authorization": "Bearer abc-secret-123", "X-Context": "staging"},
    )
    saved = store.save(request)
    path = app_paths().collections_dir / "shop" / "cart" / "Checkout.json"
    text = path.read_text()
    assert text.endswith("}\n")
    assert '\n  "payload": {\n' in text
    data = json.loads(text)
    assert data["headers"] == {"Authorization": "********", "X-Context": "staging"}
    assert "abc-secret-123" not in text
    assert list(data) == [
        "format", "version", "route", "method", "target_name", "note", "headers", "payload",
    ]  # fmt: skip
    assert store.get("Checkout", "shop/cart") == saved
    assert store.list() == [saved]
    assert store.folders() == ["shop", "shop/cart"]
    assert store.exists("checkout", "shop/cart")


def test_no_clobbering_without_overwrite(store: CollectionStore) -> None:
    store.save(SavedRequest(name="One", payload={"a": 1}))
    with pytest.raises(NameTakenError, match="already exists"):
        store.save(SavedRequest(name="one", payload={"a": 2}))
    store.save(SavedRequest(name="One", payload={"a": 3}), overwrite=True)
    assert store.get("One").payload == {"a": 3}
    store.save(SavedRequest(name="Two", payload={"b": 1}))
    with pytest.raises(NameTakenError):
        store.rename("Two", "One")
    with pytest.raises(NameTakenError):
        store.save_as(store.get("Two"), "ONE")
    store.rename("Two", "One", overwrite=True)
    assert [s.name for s in store.list()] == ["One"]
    assert store.get("One").payload == {"b": 1}


def test_save_as_rename_move_delete(store: CollectionStore) -> None:
    full = store.templates()[0]
    with pytest.raises(ReadOnlyTemplateError, match="cannot be changed"):
        store.save(full)
    copy = store.save_as(full, "My full")
    assert copy.folder == ""
    assert not copy.builtin
    assert copy.payload == full.payload
    renamed = store.rename("My full", "Renamed")
    assert renamed.name == "Renamed"
    assert not store.exists("My full")
    store.rename("Renamed", "renamed")  # a change of case only is fine
    moved = store.move("renamed", "", "class/day 1")
    assert moved.folder == "class/day 1"
    assert store.get("renamed", "class/day 1").payload
    with pytest.raises(CollectionError, match="no saved request"):
        store.get("renamed")
    with pytest.raises(CollectionError, match="not empty"):
        store.delete_folder("class/day 1")
    store.delete("renamed", "class/day 1")
    store.delete_folder("class/day 1")
    assert store.folders() == ["class"]
    assert store.rename_folder("class", "course") == "course"
    with pytest.raises(CollectionError, match="no saved request"):
        store.delete("ghost")


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("..", "not allowed"),
        (".", "not allowed"),
        ("../evil", "dot"),
        ("a/b", "contains '/'"),
        ("a\\b", "contains '\\\\\\\\'"),
        ("/etc/passwd", "contains '/'"),
        ("C:evil", "contains ':'"),
        (".hidden", "dot"),
        ("trailing.", "end with a dot"),
        ("CON", "reserved"),
        ("nul.json", "reserved"),
        ("tab\there", "contains"),
        ("x" * 101, "longer than"),
    ],
)
def test_names_are_checked(store: CollectionStore, name: str, reason: str) -> None:
    with pytest.raises(CollectionError, match=reason):
        check_name(name)
    with pytest.raises(CollectionError):
        store.save(SavedRequest(name=name, payload={}))
    assert not app_paths().collections_dir.exists() or not any(
        app_paths().collections_dir.rglob("*.json")
    )


def test_folders_are_checked() -> None:
    assert check_folder("a/b/") == "a/b"
    assert check_folder(None) == ""
    for bad in ("/abs", "C:/x", "a/../b", "a/./b", "\\\\server\\share", "/".join("x" * 9)):
        with pytest.raises(CollectionError):
            check_folder(bad)


def test_unreadable_files_are_reported_and_left_alone(store: CollectionStore) -> None:
    store.save(SavedRequest(name="Good", payload={}))
    bad = app_paths().collections_dir / "Bad.json"
    bad.write_text("<<<<<<< HEAD\n{}")
    wrong = app_paths().collections_dir / "Wrong.json"
    wrong.write_text('{"route": 5}')
    assert [s.name for s in store.list()] == ["Good"]
    assert len(store.notices) == 2
    assert any("Bad.json" in n.message and "not valid JSON" in n.message for n in store.notices)
    assert any("'route' must be a path" in n.message for n in store.notices)
    assert bad.exists()
    assert wrong.exists()
    with pytest.raises(CollectionError, match=r"Wrong\.json"):
        store.get("Wrong")


def test_a_newer_file_version_is_explained(store: CollectionStore) -> None:
    folder = app_paths().collections_dir
    folder.mkdir(parents=True)
    (folder / "Future.json").write_text('{"format": "workbench-saved-request", "version": 9}')
    with pytest.raises(CollectionError, match="reads up to version 1"):
        store.get("Future")


def test_collections_live_under_workbench_home(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("WORKBENCH_HOME", str(tmp_path / "project"))
    store = CollectionStore(app_paths().collections_dir)
    store.save(SavedRequest(name="Here", payload={}))
    assert (tmp_path / "project" / "collections" / "Here.json").is_file()
