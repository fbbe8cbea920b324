"""``workbench replay``: a customer's exchange sent again to a local collector, answers diffed.

The customer's side is made by a real collector: a first visit creates the
profile and session, a second visit's exchange is what the customer sends in,
with the profile and session as they stood (what a bundle carries).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import run_workbench
from tests.support.har_files import SESSION_ID, SOURCE_ID, track_payload
from workbench.collector.config import CollectorConfig
from workbench.collector.server import CollectorServer
from workbench.store.bundle import BundleContents, DataSetContents, write_bundle


@pytest.fixture(scope="module")
def customer() -> Iterator[dict[str, Any]]:
    """A second visit's exchange, with the profile and session it found."""
    server = CollectorServer(CollectorConfig(port=0, accept_any_source=True))
    server.start()
    try:
        url = server.url
        body = track_payload()
        first = httpx.post(f"{url}/track", json=body, timeout=10).json()
        profile_id = first["profile"]["id"]
        body["profile"] = {"id": profile_id}
        profile = httpx.get(f"{url}/profile/{profile_id}", timeout=10).json()
        session = httpx.get(f"{url}/session/{SESSION_ID}", timeout=10).json()
        answer = httpx.post(f"{url}/track", json=body, timeout=10).json()
    finally:
        server.stop()
    exchange = {
        "request": {"method": "POST", "url": f"{url}/track", "route": "/track", "body": body},
        "response": {"status": 200, "json": answer},
        "summary": {"profile_id": profile_id, "session_id": SESSION_ID},
    }
    yield {"exchange": exchange, "profile": profile, "session": session}


def _bundle(path: Path, customer: dict[str, Any], *, with_state: bool = True) -> Path:
    entry = {"id": "ex-1", "created_at": "2026-12-01T09:30:01Z", "exchange": customer["exchange"]}
    write_bundle(
        BundleContents(
            entries=[entry],
            profiles=[customer["profile"]] if with_state else [],
            sessions=[customer["session"]] if with_state else [],
        ),
        path,
    )
    return path


def test_with_the_bundles_profile_and_session_the_answers_are_the_same(
    tmp_path: Path, customer: dict[str, Any]
) -> None:
    bundle = _bundle(tmp_path / "ticket.zip", customer)
    result = run_workbench("replay", "--bundle", str(bundle))
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    profile_id = customer["profile"]["id"]
    assert f"loaded: profile {profile_id} from the bundle" in lines
    assert f"loaded: session {SESSION_ID} from the bundle" in lines
    assert f"loaded: event source {SOURCE_ID}" in lines  # added so the payload is accepted
    assert "replayed ticket.zip:ex-1 against the local flow: HTTP 200" in lines
    assert lines[-1].startswith("equal")


def test_without_them_the_local_collector_starts_afresh_and_says_so(
    tmp_path: Path, customer: dict[str, Any]
) -> None:
    exchange = tmp_path / "exchange.json"
    exchange.write_text(json.dumps(customer["exchange"]), encoding="utf-8")
    result = run_workbench("replay", str(exchange))
    assert result.returncode == 1, result.stdout + result.stderr
    profile_id = customer["profile"]["id"]
    assert (
        f"note: the profile {profile_id} is not known here: the local collector starts a new one"
        in result.stdout
    )
    # The customer's second visit wrote nothing new (saved 0); here the profile is new.
    assert "~ debugging.profile.saved: 0 → 1" in result.stdout
    report = run_workbench("replay", str(exchange), "--format", "json")
    data = json.loads(report.stdout)
    assert data["local_status"] == 200
    assert data["equal"] is False
    assert any("debugging.profile.saved" in json.dumps(c) for c in data["changes"])
    ignored = run_workbench("replay", str(exchange), "--ignore", "debugging", "--ignore", "**")
    assert ignored.returncode == 0, ignored.stdout


def test_a_history_entry_replays_with_a_remote_read_of_its_profile(
    tmp_path: Path, customer: dict[str, Any]
) -> None:
    # The customer's target: a collector holding the profile and the session.
    remote = CollectorServer(CollectorConfig(port=0, accept_any_source=True))
    remote.start()
    try:
        remote.store.commit(profile=customer["profile"], session=customer["session"])
        line = {"id": "ex-9", "created_at": "2026-12-01T09:30:01Z", **customer}
        lines = tmp_path / "export.jsonl"
        lines.write_text(json.dumps(line) + "\n", encoding="utf-8")
        result = run_workbench("replay", f"{lines}#1", "--from", remote.url)
        # The same through a target saved in the settings.
        from workbench.settings import Settings, SettingsFile, TargetSettings, app_paths

        SettingsFile(app_paths().settings_file).save(
            Settings(targets=[TargetSettings(name="customer-prod", base_url=remote.url)])
        )
        named = run_workbench("replay", f"{lines}#1", "--from-target", "customer-prod")
        unknown = run_workbench("replay", f"{lines}#1", "--from-target", "nobody")
    finally:
        remote.stop()
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"loaded: profile {customer['profile']['id']} from the remote" in result.stdout
    assert named.returncode == 0, named.stdout + named.stderr
    assert f"loaded: session {SESSION_ID} from the remote" in named.stdout
    assert unknown.returncode == 2
    assert "nobody" in unknown.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "name the exchange to replay"),
        (("/nowhere/exchange.json",), "No such file"),
        (("history:nope",), "no history entry"),
        (("{file}",), "holds no tracker payload"),
        (("--bundle", "{zip}", "zz"), "0 exchanges of the bundle have that id"),
        (("--bundle", "/nowhere.zip"), "nowhere.zip"),
    ],
)
def test_what_cannot_be_replayed_exits_2_with_a_reason(
    tmp_path: Path, customer: dict[str, Any], args: tuple[str, ...], message: str
) -> None:
    not_exchange = tmp_path / "answer.json"
    not_exchange.write_text(
        json.dumps({"request": {"route": "/track"}, "response": {"status": 200}}),
        encoding="utf-8",
    )
    bundle = _bundle(tmp_path / "b.zip", customer)
    filled = [a.format(file=not_exchange, zip=bundle) for a in args]
    result = run_workbench("replay", *filled)
    assert result.returncode == 2, result.stdout + result.stderr
    assert message in result.stderr
    assert result.stderr.startswith("workbench replay: ")


PRODUCTION = {"x-context": "production"}


@pytest.fixture(scope="module")
def production_customer() -> Iterator[dict[str, Any]]:
    """A second visit sent with ``x-context: production``, and both data sets as they
    stood: the same session id in each, and the same profile id too (staging's copy of
    the profile and its session tell another story: the session belongs to another
    profile there)."""
    server = CollectorServer(CollectorConfig(port=0, accept_any_source=True))
    server.start()
    try:
        url = server.url
        first = httpx.post(f"{url}/track", json=track_payload(), headers=PRODUCTION, timeout=10)
        profile_id = first.json()["profile"]["id"]
        # Staging: a visit naming that profile id with the same session makes another
        # profile there (the id is unknown in staging), which the session belongs to.
        staged = {**track_payload(), "profile": {"id": profile_id}}
        other_id = httpx.post(f"{url}/track", json=staged, timeout=10).json()["profile"]["id"]
        body = {**track_payload(), "profile": {"id": profile_id}}
        reads: dict[str, Any] = {}
        for name, headers in (("production", PRODUCTION), ("staging", {})):
            for kind, entity_id in (("profile", profile_id), ("session", SESSION_ID)):
                reads[f"{name} {kind}"] = httpx.get(
                    f"{url}/{kind}/{entity_id}", headers=headers, timeout=10
                )
        reads["staging other"] = httpx.get(f"{url}/profile/{other_id}", timeout=10)
        answer = httpx.post(f"{url}/track", json=body, headers=PRODUCTION, timeout=10).json()
    finally:
        server.stop()
    assert reads["staging profile"].status_code == 404  # made by hand below, with that id
    assert reads["staging session"].json()["profile"]["id"] == other_id
    staging_profile = {**reads["production profile"].json(), "traits": {"data_set": "staging"}}
    exchange = {
        "request": {
            "method": "POST",
            "url": f"{url}/track",
            "route": "/track",
            "headers": {"User-Agent": "shop", **PRODUCTION},
            "body": body,
        },
        "response": {"status": 200, "json": answer},
        "summary": {"profile_id": profile_id, "session_id": SESSION_ID},
    }
    yield {
        "exchange": exchange,
        "profile_id": profile_id,
        "production": DataSetContents(
            profiles=[reads["production profile"].json()],
            sessions=[reads["production session"].json()],
        ),
        "staging_profiles": [staging_profile, reads["staging other"].json()],
        "staging_sessions": [reads["staging session"].json()],
    }


def _production_bundle(path: Path, customer: dict[str, Any], *, production: bool = True) -> Path:
    entry = {"id": "ex-p", "created_at": "2026-12-01T09:30:01Z", "exchange": customer["exchange"]}
    write_bundle(
        BundleContents(
            entries=[entry],
            profiles=customer["staging_profiles"],
            sessions=customer["staging_sessions"],
            production=customer["production"] if production else None,
        ),
        path,
    )
    return path


def test_an_exchange_sent_to_production_replays_with_the_bundles_production_data(
    tmp_path: Path, production_customer: dict[str, Any]
) -> None:
    bundle = _production_bundle(tmp_path / "prod.zip", production_customer)
    result = run_workbench("replay", "--bundle", str(bundle))
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    profile_id = production_customer["profile_id"]
    assert f"loaded: profile {profile_id} from the bundle" in lines
    assert f"loaded: session {SESSION_ID} from the bundle" in lines
    assert (
        "replayed prod.zip:ex-p against the local flow in the production data set: HTTP 200"
        in lines
    )
    assert lines[-1].startswith("equal")
    report = json.loads(run_workbench("replay", "--bundle", str(bundle), "--format", "json").stdout)
    assert report["context"] == "production"
    assert report["equal"] is True


def test_the_same_exchange_replayed_in_staging_differs(
    tmp_path: Path, production_customer: dict[str, Any]
) -> None:
    # What following the header avoids: staging's session belongs to another profile.
    exchange = json.loads(json.dumps(production_customer["exchange"]))
    exchange["request"]["headers"]["x-context"] = "Production"  # not exactly: staging
    customer = {**production_customer, "exchange": exchange}
    bundle = _production_bundle(tmp_path / "staging.zip", customer)
    result = run_workbench("replay", "--bundle", str(bundle), "--format", "json")
    assert result.returncode == 1, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert report["context"] == "staging"
    assert report["equal"] is False
    assert f"session {SESSION_ID} from the bundle" in " ".join(report["loaded"])


def test_a_bundle_without_production_data_says_so(
    tmp_path: Path, production_customer: dict[str, Any]
) -> None:
    bundle = _production_bundle(tmp_path / "no-prod.zip", production_customer, production=False)
    result = run_workbench("replay", "--bundle", str(bundle))
    assert result.returncode == 1, result.stdout + result.stderr
    assert (
        "note: the exchange was sent with x-context: production, and the bundle holds no "
        "production data set" in result.stdout
    )
    profile_id = production_customer["profile_id"]
    assert f"loaded: profile {profile_id}" not in result.stdout  # not staging's copy
    assert "in the production data set: HTTP 200" in result.stdout
