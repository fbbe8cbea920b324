"""``workbench bundle export`` / ``import``: a real history, collector folder and zips."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import httpx

from tests.conftest import run_workbench
from tests.support.har_files import shop_har, track_payload, write_har
from workbench.collector.config import CollectorConfig
from workbench.collector.server import CollectorServer
from workbench.settings import SettingsFile, TargetSettings, app_paths
from workbench.store.collector import CollectorStore
from workbench.store.history import HistoryStore

EMAIL = "ann@example.com"  # what the HAR's payloads carry


def _fill(home: Path, tmp_path: Path) -> list[str]:
    """A history from a HAR, collector data from real /track calls, settings with a secret."""
    paths = app_paths(str(home))
    payload = track_payload("identify", email=EMAIL)
    config = CollectorConfig(port=0, data_dir=paths.collector_dir, accept_any_source=True)
    with CollectorServer(config) as server:
        server.start()
        answer = httpx.post(f"{server.url}/track", json=payload, timeout=10).json()
    profile_id = answer["profile"]["id"]
    har = shop_har()
    entry = har["log"]["entries"][4]
    body = json.loads(entry["request"]["postData"]["text"])
    body["profile"]["id"] = profile_id
    entry["request"]["postData"]["text"] = json.dumps(body)
    assert run_workbench("har", "import", str(write_har(tmp_path / "c.har", har))).returncode == 0
    settings = SettingsFile(paths.settings_file)
    current = settings.load()
    current.targets.append(
        TargetSettings(name="prod", base_url="https://t.example", password="pw-SECRET-1")
    )
    settings.save(current)
    with HistoryStore(paths.history_dir, read_only=True) as store:
        return [s.id for s in store.summaries()]


def test_export_then_import(tmp_path: Path, workbench_home: Path) -> None:
    ids = _fill(workbench_home, tmp_path)
    out = tmp_path / "support.zip"
    result = run_workbench("bundle", "export", "--last", "2", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert f"wrote {out}: 2 exchanges" in result.stdout
    with zipfile.ZipFile(out) as archive:
        everything = b"".join(archive.read(n) for n in archive.namelist())
        manifest = json.loads(archive.read("manifest.json"))
        exchanges = archive.read("exchanges.jsonl").decode().splitlines()
    for secret in (EMAIL.encode(), b"pw-SECRET-1", b"ann%40example.com"):
        assert secret not in everything
    assert manifest["contents"]["exchange_ids"] == [ids[1], ids[0]]
    assert len(exchanges) == 2

    chosen = run_workbench("bundle", "export", "--ids", ids[2][:8], "--out", str(out))
    assert chosen.returncode == 0, chosen.stderr
    with zipfile.ZipFile(out) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        profiles = json.loads(archive.read("collector/profiles.json"))
        sources = json.loads(archive.read("collector/sources.json"))
    assert manifest["contents"]["exchange_ids"] == [ids[2]]
    assert manifest["contents"]["counts"]["profiles"] == 1
    assert profiles[0]["id"]  # the profile the exchange touched came along
    assert sources

    opened = run_workbench("bundle", "import", str(out), "--no-window")
    assert opened.returncode == 0, opened.stderr
    assert "1 exchanges, read-only" in opened.stdout
    folder = Path(opened.stdout.strip().rsplit(" in ", 1)[1])
    assert folder.parent == workbench_home / "bundles"
    bundle_paths = app_paths(str(folder))
    with HistoryStore(bundle_paths.history_dir, read_only=True) as store:
        assert [s.id for s in store.summaries()] == [ids[2]]
    store = CollectorStore(bundle_paths.collector_dir)
    try:
        assert store.get_profile(profiles[0]["id"]) is not None
    finally:
        store.close()
    settings = SettingsFile(bundle_paths.settings_file).load()
    assert settings.history_enabled is False
    assert settings.collector.port == 0
    # The user's own history is untouched by opening a bundle.
    with HistoryStore(app_paths(str(workbench_home)).history_dir, read_only=True) as mine:
        assert mine.count() == 3


def test_usage_errors(tmp_path: Path) -> None:
    empty = run_workbench("bundle", "export", "--out", str(tmp_path / "x.zip"))
    assert empty.returncode == 1
    assert "no exchanges" in empty.stderr
    assert not (tmp_path / "x.zip").exists()
    bad_ids = run_workbench("bundle", "export", "--ids", "nope", "--out", str(tmp_path / "x.zip"))
    assert bad_ids.returncode == 2
    assert "--ids nope: no entry" in bad_ids.stderr
    policy = tmp_path / "policy.json"
    policy.write_text('{"personal_paths": {"x": 3}}')
    bad_policy = run_workbench(
        "bundle", "export", "--policy", str(policy), "--out", str(tmp_path / "x.zip")
    )
    assert bad_policy.returncode == 2
    assert "personal_paths.x: expected a list" in bad_policy.stderr
    (tmp_path / "junk.zip").write_bytes(b"PK\x03\x04 truncated")
    junk = run_workbench("bundle", "import", str(tmp_path / "junk.zip"), "--no-window")
    assert junk.returncode == 2
    assert "not a zip file" in junk.stderr
    assert "nothing opened" in junk.stderr


def test_export_and_import_keep_the_collector_data_sets_apart(
    tmp_path: Path, workbench_home: Path
) -> None:
    paths = app_paths(str(workbench_home))
    config = CollectorConfig(port=0, data_dir=paths.collector_dir, accept_any_source=True)
    with CollectorServer(config) as server:
        # One session id in both data sets: only the data set tells them apart.
        for event_type, headers in (("staged", {}), ("produced", {"x-context": "production"})):
            answer = httpx.post(
                f"{server.url}/track", json=track_payload(event_type), headers=headers, timeout=10
            )
            assert answer.status_code == 200
    har = shop_har()
    har["log"]["entries"] = har["log"]["entries"][4:5]  # one /track of that session
    assert run_workbench("har", "import", str(write_har(tmp_path / "s.har", har))).returncode == 0
    out = tmp_path / "both.zip"
    result = run_workbench("bundle", "export", "--last", "1", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "production sessions" in result.stdout
    with zipfile.ZipFile(out) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        staged = json.loads(archive.read("collector/events.json"))
        produced = json.loads(archive.read("collector/production/events.json"))
    assert manifest["contents"]["data_sets"]["production"] == "collector/production/"
    assert "staged" in {e["type"] for e in staged}
    assert "produced" not in {e["type"] for e in staged}
    assert "produced" in {e["type"] for e in produced}
    assert "staged" not in {e["type"] for e in produced}

    opened = run_workbench("bundle", "import", str(out), "--no-window")
    assert opened.returncode == 0, opened.stderr
    collector = app_paths(opened.stdout.strip().rsplit(" in ", 1)[1]).collector_dir
    for folder, kept, left in (
        (collector, "staged", "produced"),
        (collector / "production", "produced", "staged"),
    ):
        store = CollectorStore(folder)
        try:
            assert store.count_events(type=kept) == 1
            assert store.count_events(type=left) == 0
        finally:
            store.close()
