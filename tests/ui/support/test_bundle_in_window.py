"""Support bundles from the window: History → Export support bundle… and Open support bundle…."""

from __future__ import annotations

import base64
import re
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.store.test_bundle import PERSONAL, SECRETS, exchange, forms, profile
from workbench import app as workbench_app
from workbench.core.exchange import Exchange
from workbench.store.bundle import read_bundle
from workbench.ui.compare.bundle_actions import BundleActions


@pytest.fixture
def parts(qtbot: Any) -> Iterator[Any]:
    built = workbench_app.build(collector_port=0, collector_in_memory=True)
    qtbot.addWidget(built.window)
    yield built
    built.close()


def _actions(parts: Any) -> BundleActions:
    actions = parts.window.panels.support.bundles
    assert isinstance(actions, BundleActions)
    return actions


def _blobs(path: Path) -> list[bytes]:
    blobs = [path.read_bytes()]
    with zipfile.ZipFile(path) as archive:
        blobs.extend(archive.read(name) for name in archive.namelist())
    decoded = []
    for blob in blobs[1:]:
        for token in re.findall(rb"[A-Za-z0-9+/=_-]{12,}", blob):
            try:
                decoded.append(base64.b64decode(token + b"=" * (-len(token) % 4)))
            except ValueError:
                continue
    return blobs + decoded


def test_the_menu_offers_export_and_open(parts: Any) -> None:
    actions = _actions(parts)
    menu = parts.window.panels.support.menu
    texts = [a.text() for a in menu.actions()]
    assert "Export support &bundle…" in texts
    assert "&Open support bundle…" in texts
    assert actions.export_action in parts.window.panels.history.extra_actions


def test_export_writes_a_redacted_bundle_of_the_history_and_collector_data(
    qtbot: Any, parts: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parts.history.append(Exchange.from_dict(exchange()))
    parts.collector.store.commit(profile=profile())
    out = tmp_path / "ticket-4711.zip"
    actions = _actions(parts)
    monkeypatch.setattr(actions, "ask_save_path", lambda _parent: str(out))
    actions.export_action.trigger()
    qtbot.waitUntil(lambda: actions.last_manifest is not None, timeout=15_000)
    assert parts.window.statusBar().currentMessage().startswith("Wrote ticket-4711.zip: 1 ")
    bundle = read_bundle(out)
    assert len(bundle.contents.entries) == 1
    assert [p["id"] for p in bundle.contents.profiles] == ["profile-1"]
    blobs = _blobs(out)
    for value in SECRETS + PERSONAL:
        for form in forms(value):
            for blob in blobs:
                assert form.encode() not in blob, (value, form)


def test_export_keeps_the_production_data_set_apart(
    qtbot: Any, parts: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parts.history.append(Exchange.from_dict(exchange()))
    parts.collector.contexts.get("production").commit(profile=profile())  # as x-context does
    out = tmp_path / "production.zip"
    actions = _actions(parts)
    monkeypatch.setattr(actions, "ask_save_path", lambda _parent: str(out))
    actions.export_action.trigger()
    qtbot.waitUntil(lambda: actions.last_manifest is not None, timeout=15_000)
    bundle = read_bundle(out)
    assert bundle.contents.profiles == []  # not in staging
    assert bundle.contents.production is not None
    assert [p["id"] for p in bundle.contents.production.profiles] == ["profile-1"]
    assert bundle.manifest["contents"]["data_sets"]["production"] == "collector/production/"


def test_export_with_an_empty_history_says_so(qtbot: Any, parts: Any, tmp_path: Path) -> None:
    actions = _actions(parts)
    actions.export(str(tmp_path / "empty.zip"))
    qtbot.waitUntil(
        lambda: "not written" in parts.window.statusBar().currentMessage(), timeout=10_000
    )
    assert "the history holds no exchanges to export" in parts.window.statusBar().currentMessage()
    assert not (tmp_path / "empty.zip").exists()


def test_open_checks_the_bundle_then_starts_its_own_read_only_window(
    qtbot: Any, parts: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parts.history.append(Exchange.from_dict(exchange()))
    out = tmp_path / "b.zip"
    actions = _actions(parts)
    actions.export(str(out))
    qtbot.waitUntil(lambda: actions.last_manifest is not None, timeout=15_000)
    started: list[tuple[str, list[str]]] = []
    monkeypatch.setattr(
        actions, "launch", lambda program, args: started.append((program, args)) or True
    )
    monkeypatch.setattr(actions, "ask_open_path", lambda _parent: str(out))
    actions.open_action.trigger()
    qtbot.waitUntil(lambda: bool(started), timeout=10_000)
    program, args = started[0]
    assert program == sys.executable
    assert args[-3:] == ["bundle", "import", str(out.resolve())]
    assert args[:4] == ["-m", "workbench", "--basedir", str(parts.paths.home)]
    assert "read-only in a window of its own" in parts.window.statusBar().currentMessage()

    broken = tmp_path / "broken.zip"
    broken.write_bytes(out.read_bytes()[:200])
    started.clear()
    actions.open(str(broken))
    qtbot.waitUntil(
        lambda: "Cannot open broken.zip" in parts.window.statusBar().currentMessage(),
        timeout=10_000,
    )
    assert not started


def test_the_bundle_window_shows_the_bundle_read_only(
    qtbot: Any, parts: Any, tmp_path: Path
) -> None:
    """What the launched process does: unpack into its own home, history read-only."""
    from workbench.settings.bundle_home import unpack_bundle

    entry = parts.history.append(Exchange.from_dict(exchange()))
    out = tmp_path / "b.zip"
    actions = _actions(parts)
    actions.export(str(out))
    qtbot.waitUntil(lambda: actions.last_manifest is not None, timeout=15_000)
    home = unpack_bundle(read_bundle(out), parts.paths.home)
    from workbench.settings import app_paths

    opened = workbench_app.start(app_paths(str(home.home)), read_only_history=True)
    qtbot.addWidget(opened.window)
    try:
        qtbot.waitUntil(lambda: opened.services is not None, timeout=20_000)
        assert opened.history is not None
        assert opened.history.read_only
        assert [s.id for s in opened.history.summaries()] == [entry.id]
        assert home.home != parts.paths.home
    finally:
        opened.close()
