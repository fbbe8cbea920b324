"""Support bundles: nothing secret or personal leaves in any encoding; placeholders are consistent.

The leak test fills every secret and personal field a bundle can hold with known
values, exports a real zip, and searches the raw zip and every member for each
value in every encoding a file could hold it: plain, JSON-escaped (ASCII and
not), percent- and plus-encoded, base64 (standard and URL-safe).
"""

from __future__ import annotations

import base64
import json
import re
import zipfile
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

import pytest

from workbench.core.redaction import RedactionPolicy, Redactor
from workbench.settings.bundle_home import unpack_bundle
from workbench.store.bundle import (
    BundleContents,
    BundleError,
    BundleLeakError,
    DataSetContents,
    read_bundle,
    write_bundle,
)
from workbench.store.bundle_sources import data_from_folder, gather
from workbench.store.collector import PRODUCTION_FOLDER, CollectorStore
from workbench.store.collector.sources import source_from_dict

EMAIL = "annabel.quixote@example.com"
PHONE = "+44 7700 900123"
FIRST = "Zoë-Annabel"
LAST = "Quixote-Smythe"
IP = "81.2.69.160"
IP6 = "2a00:1450:4009:81f::200e"
TOKEN = "tok-9f8e7d6c5b4a3921"
PASSWORD = "hunter2-Pa55!word"
API_KEY = "ak_live_51H8xyzQWERTY"
COOKIE = "sid=cookie-value-123456"
BASIC = base64.b64encode(b"admin:S3cr3t-pw").decode()
URL_USER, URL_PASS = "urluser-77", "urlpass-88"
BIRTHDAY = "1984-02-29"
SECRETS = [TOKEN, PASSWORD, API_KEY, COOKIE, BASIC, URL_USER, URL_PASS]
PERSONAL = [EMAIL, PHONE, FIRST, LAST, IP, IP6, BIRTHDAY]


def forms(value: str) -> set[str]:
    raw = value.encode()
    return {
        value,
        json.dumps(value)[1:-1],
        json.dumps(value, ensure_ascii=False)[1:-1],
        quote(value),
        quote(value, safe=""),
        quote_plus(value),
        base64.b64encode(raw).decode().rstrip("="),
        base64.urlsafe_b64encode(raw).decode().rstrip("="),
    }


def payload() -> dict[str, Any]:
    return {
        "source": {"id": "source-id"},
        "session": {"id": "session-1"},
        "profile": {"id": "profile-1"},
        "context": {"ip": IP, "page": {"url": f"https://shop.example/?email={quote(EMAIL)}"}},
        "properties": {"password": PASSWORD},
        "events": [
            {
                "type": "identify",
                "properties": {
                    "email": EMAIL,
                    "phone": PHONE,
                    "firstname": FIRST,
                    "lastname": LAST,
                    "note": f"call {PHONE} or write to {EMAIL}",
                },
            }
        ],
    }


def profile() -> dict[str, Any]:
    return {
        "id": "profile-1",
        "data": {
            "pii": {"firstname": FIRST, "lastname": LAST, "birthday": BIRTHDAY},
            "contact": {"email": {"main": EMAIL}, "phone": {"mobile": PHONE}},
        },
        "metadata": {"ip": IP6},
    }


def exchange() -> dict[str, Any]:
    body = payload()
    answer = {"profile": profile(), "debugging": {"logs": [{"message": f"hello {FIRST}"}]}}
    return {
        "id": "ex-1",
        "started_at": "2026-12-01T09:30:01Z",
        "target": {"name": "prod", "base_url": "https://track.example.com"},
        "request": {
            "method": "POST",
            "url": f"https://{URL_USER}:{URL_PASS}@track.example.com/track?api_key={API_KEY}"
            f"&email={quote_plus(EMAIL)}",
            "route": "/track",
            "headers": {
                "Authorization": f"Bearer {TOKEN}",
                "Cookie": COOKIE,
                "X-Forwarded-For": IP,
                "X-Api-Key": API_KEY,
                "Proxy-Authorization": f"Basic {BASIC}",
            },
            "body": body,
            "body_text": json.dumps(body, indent=2),
        },
        "response": {
            "status": 200,
            "headers": {"Set-Cookie": COOKIE, "content-type": "application/json"},
            "body_text": json.dumps(answer),
            "json": answer,
        },
        "view": {"profile_id": "profile-1", "profile": {"data": profile()}},
        "summary": {"profile_id": "profile-1", "session_id": "session-1"},
    }


def contents() -> BundleContents:
    return BundleContents(
        entries=[{"id": "ex-1", "created_at": "2026-12-01T09:30:01Z", "exchange": exchange()}],
        flow={"rules": [{"name": "greet", "condition": f'event@properties.email == "{EMAIL}"'}]},
        sources=[{"id": "source-id", "name": "Shop", "token": TOKEN}],
        profiles=[profile()],
        sessions=[{"id": "session-1", "profile": {"id": "profile-1"}, "context": {"ip": IP}}],
        events=[
            {
                "id": "event-1",
                "type": "identify",
                "profile": {"id": "profile-1"},
                "properties": payload()["events"][0]["properties"],
                "request": {"headers": {"authorization": f"Bearer {TOKEN}"}},
            }
        ],
        settings={
            "targets": [
                {
                    "name": "prod",
                    "base_url": "https://track.example.com",
                    "username": "support-admin",
                    "password": PASSWORD,
                    "token": TOKEN,
                    "headers": {"X-Api-Key": API_KEY},
                }
            ]
        },
    )


def test_no_secret_or_personal_value_is_anywhere_in_the_zip(tmp_path: Path) -> None:
    out = tmp_path / "bundle.zip"
    manifest = write_bundle(contents(), out)
    blobs = [out.read_bytes()]
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        blobs.extend(archive.read(name) for name in names)
    assert names[0] == "manifest.json"
    # Base64 blocks inside the members are decoded and searched too.
    decoded = []
    for blob in blobs[1:]:
        for token in re.findall(rb"[A-Za-z0-9+/=_-]{12,}", blob):
            try:
                decoded.append(base64.b64decode(token + b"=" * (-len(token) % 4)))
            except ValueError:
                continue
    for value in SECRETS + PERSONAL + ["support-admin"]:
        for form in forms(value):
            for blob in blobs + decoded:
                assert form.encode() not in blob, (value, form)
    assert manifest["redaction"]["replaced"]["secret"] >= len(SECRETS)
    assert manifest["redaction"]["replaced"]["email"] == 1


def test_the_same_value_gets_the_same_placeholder_everywhere(tmp_path: Path) -> None:
    out = tmp_path / "bundle.zip"
    write_bundle(contents(), out)
    bundle = read_bundle(out)
    entry = bundle.contents.entries[0]["exchange"]
    event = entry["request"]["body"]["events"][0]["properties"]
    stand_in = event["email"]
    assert re.fullmatch(r"person-\d+@redacted\.invalid", stand_in)
    assert bundle.contents.profiles[0]["data"]["contact"]["email"]["main"] == stand_in
    assert bundle.contents.events[0]["properties"]["email"] == stand_in
    assert stand_in in entry["request"]["body_text"]
    assert event["note"] == f"call {event['phone']} or write to {stand_in}"
    assert bundle.contents.profiles[0]["data"]["pii"]["firstname"] == event["firstname"]
    ip = entry["request"]["headers"]["X-Forwarded-For"]
    assert ip.startswith("192.0.2.")
    assert bundle.contents.sessions[0]["context"]["ip"] == ip
    assert entry["request"]["body"]["context"]["ip"] == ip
    # Ids survive, so the bundle's parts still refer to each other.
    assert bundle.contents.profiles[0]["id"] == "profile-1"
    assert bundle.contents.events[0]["profile"]["id"] == "profile-1"
    assert entry["request"]["body"]["session"]["id"] == "session-1"
    assert entry["request"]["url"].startswith("https://<secret-")
    assert (
        "api_key=%3Csecret-" in entry["request"]["url"]
        or "api_key=<secret-" in (entry["request"]["url"])
    )


def test_the_manifest_says_what_is_inside_and_what_was_redacted(tmp_path: Path) -> None:
    out = tmp_path / "bundle.zip"
    write_bundle(contents(), out)
    manifest = read_bundle(out).manifest
    assert manifest["format"] == "workbench-support-bundle"
    assert manifest["version"] == 1
    assert manifest["contents"]["counts"] == {
        "exchanges": 1,
        "sources": 1,
        "profiles": 1,
        "sessions": 1,
        "events": 1,
    }
    assert set(manifest["contents"]["files"]) == {
        "exchanges.jsonl",
        "settings.json",
        "collector/flow.json",
        "collector/sources.json",
        "collector/profiles.json",
        "collector/sessions.json",
        "collector/events.json",
    }
    assert manifest["contents"]["exchange_ids"] == ["ex-1"]
    assert manifest["versions"]["app"]["name"] == "Tracardi Workbench"
    assert "python" in manifest["versions"]
    assert "platform" in manifest["versions"]
    paths = manifest["redaction"]["paths"]
    assert "exchange.request.headers.Authorization" in " ".join(paths)
    assert any(p.endswith("pii.firstname") for p in paths)
    assert manifest["redaction"]["policy"]["personal_paths"]["email"]


def test_a_configured_policy_redacts_its_own_paths(tmp_path: Path) -> None:
    policy = RedactionPolicy.from_dict(
        {"personal_paths": {"loyalty": ["**.loyalty_card"]}, "detect_values": False}
    )
    data = contents()
    data.profiles[0]["traits"] = {"loyalty_card": "LC-000123456"}
    out = tmp_path / "bundle.zip"
    write_bundle(data, out, policy)
    bundle = read_bundle(out)
    assert bundle.contents.profiles[0]["traits"]["loyalty_card"] == "<loyalty-1>"
    # With only this policy, e-mails are no longer personal data.
    assert bundle.contents.profiles[0]["data"]["contact"]["email"]["main"] == EMAIL
    with pytest.raises(ValueError, match=r"personal_paths\.x: expected a list"):
        RedactionPolicy.from_dict({"personal_paths": {"x": "**.a"}})


def test_a_value_that_would_leak_stops_the_export(tmp_path: Path, monkeypatch: Any) -> None:
    out = tmp_path / "bundle.zip"
    monkeypatch.setattr(Redactor, "deep_text", lambda self, value: value)
    monkeypatch.setattr(Redactor, "body_text", lambda self, text: text)
    monkeypatch.setattr(Redactor, "url", lambda self, url: url)
    with pytest.raises(BundleLeakError, match="nothing was written"):
        write_bundle(contents(), out)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.write_bytes(b"not a zip"), "not a zip file"),
        (lambda p: zipfile.ZipFile(p, "w").writestr("x.txt", "x"), "manifest.json is missing"),
        (
            lambda p: zipfile.ZipFile(p, "w").writestr("manifest.json", '{"format": "other"}'),
            "does not describe a Workbench support bundle",
        ),
        (
            lambda p: zipfile.ZipFile(p, "w").writestr(
                "manifest.json", '{"format": "workbench-support-bundle", "version": 99}'
            ),
            "bundle version 99 is newer",
        ),
    ],
)
def test_bad_bundles_are_refused_with_a_reason(tmp_path: Path, make: Any, message: str) -> None:
    path = tmp_path / "bad.zip"
    make(path)
    with pytest.raises(BundleError, match=message):
        read_bundle(path)


def test_a_truncated_bundle_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "bundle.zip"
    write_bundle(contents(), out)
    data = out.read_bytes()
    cut = tmp_path / "cut.zip"
    for size in (len(data) // 3, len(data) - 30):
        cut.write_bytes(data[:size])
        with pytest.raises(BundleError):
            read_bundle(cut)


def _fill_collector(folder: Path) -> None:
    """A collector folder as the collector leaves it: staging in it, production beside."""
    staging = CollectorStore(folder)
    production = CollectorStore(folder / PRODUCTION_FOLDER)
    try:
        staging.commit(
            profile={"id": "profile-1", "data": {"contact": {"email": {"main": EMAIL}}}},
            session={"id": "session-1", "profile": {"id": "profile-1"}},
            events=[{"id": "event-s", "type": "staged", "profile": {"id": "profile-1"}}],
        )
        production.put_source(source_from_dict({"id": "prod-only", "name": "P", "type": ["rest"]}))
        production.commit(
            profile={"id": "profile-p", "data": {"contact": {"email": {"main": EMAIL}}}},
            session={"id": "session-p", "profile": {"id": "profile-p"}},
            events=[{"id": "event-p", "type": "produced", "profile": {"id": "profile-p"}}],
        )
    finally:
        staging.close()
        production.close()


def _entry(entry_id: str, profile_id: str, session_id: str) -> dict[str, Any]:
    return {
        "id": entry_id,
        "created_at": "2026-12-01T09:30:01Z",
        "exchange": {"summary": {"profile_id": profile_id, "session_id": session_id}},
    }


def test_a_bundle_of_the_collector_holds_both_data_sets_apart(tmp_path: Path) -> None:
    folder = tmp_path / "collector"
    _fill_collector(folder)
    entries = [_entry("ex-s", "profile-1", "session-1"), _entry("ex-p", "profile-p", "session-p")]
    out = tmp_path / "bundle.zip"
    manifest = write_bundle(gather(entries, data_from_folder(folder), {}), out)
    assert manifest["version"] == 2
    assert manifest["contents"]["data_sets"] == {
        "staging": "collector/",
        "production": "collector/production/",
    }
    assert manifest["contents"]["counts"]["profiles"] == 1
    assert manifest["contents"]["counts"]["production profiles"] == 1
    assert manifest["contents"]["counts"]["production events"] == 1
    assert "collector/production/events.json" in manifest["contents"]["files"]
    bundle = read_bundle(out)
    production = bundle.contents.production
    assert production is not None
    assert [p["id"] for p in bundle.contents.profiles] == ["profile-1"]
    assert [p["id"] for p in production.profiles] == ["profile-p"]
    assert [e["id"] for e in bundle.contents.events] == ["event-s"]
    assert [e["id"] for e in production.events] == ["event-p"]
    assert [s["id"] for s in production.sessions] == ["session-p"]
    assert "prod-only" in {s["id"] for s in production.sources}
    assert "prod-only" not in {s["id"] for s in bundle.contents.sources}
    # One placeholder for the one e-mail, whichever data set holds it.
    staged_mail = bundle.contents.profiles[0]["data"]["contact"]["email"]["main"]
    assert staged_mail != EMAIL
    assert production.profiles[0]["data"]["contact"]["email"]["main"] == staged_mail
    with zipfile.ZipFile(out) as archive:
        assert not any(EMAIL.encode() in archive.read(name) for name in archive.namelist())

    # Opening it restores each data set where the collector keeps it, and nowhere else.
    home = unpack_bundle(bundle, tmp_path / "home")
    staging = CollectorStore(home.collector_dir)
    restored = CollectorStore(home.collector_dir / PRODUCTION_FOLDER)
    try:
        assert staging.get_profile("profile-1") is not None
        assert staging.get_profile("profile-p") is None
        assert staging.get_source("prod-only") is None
        assert restored.get_profile("profile-p") is not None
        assert restored.get_profile("profile-1") is None
        assert restored.get_event("event-p") is not None
        assert restored.get_session("session-p") is not None
        assert restored.get_source("prod-only") is not None
    finally:
        staging.close()
        restored.close()


def test_a_collector_without_production_gives_a_version_1_bundle_without_it(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "collector"
    CollectorStore(folder).close()
    out = tmp_path / "bundle.zip"
    entries = [_entry("ex-s", "profile-1", "session-1")]
    manifest = write_bundle(gather(entries, data_from_folder(folder), {}), out)
    assert manifest["version"] == 1  # what readers before production read
    assert manifest["contents"]["data_sets"] == {"staging": "collector/"}
    assert not any(
        name.startswith("collector/production/") for name in manifest["contents"]["files"]
    )
    bundle = read_bundle(out)
    assert bundle.contents.production is None
    home = unpack_bundle(bundle, tmp_path / "home")
    assert not (home.collector_dir / PRODUCTION_FOLDER).exists()


def test_a_bundle_that_lists_production_but_lacks_its_files_is_refused(tmp_path: Path) -> None:
    data = contents()
    data.production = DataSetContents(sources=[{"id": "p"}])
    out = tmp_path / "bundle.zip"
    write_bundle(data, out)
    cut = tmp_path / "cut.zip"
    with zipfile.ZipFile(out) as source, zipfile.ZipFile(cut, "w") as target:
        for name in source.namelist():
            if name != "collector/production/events.json":
                target.writestr(name, source.read(name))
    with pytest.raises(BundleError, match=r"collector/production/events\.json is missing"):
        read_bundle(cut)
