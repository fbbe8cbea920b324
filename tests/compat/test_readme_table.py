"""The README's compatibility table, cell by cell, against a running collector per format.

Each row of the table (under ``### Compatibility with Tracardi``) has a probe
here that asks the collector in that format and writes down what it saw in the
table's words; the test fails if a cell says anything else, if a row has no
probe, or if a probe has no row.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.compat.conftest import TracardiApi

ROOT = Path(__file__).resolve().parents[2]
FORMATS = ("documented", "counters", "current")
_CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36"
)
_GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"


def readme_table() -> dict[str, dict[str, str]]:
    """Row name → format → cell text, as the README has it."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("### Compatibility with Tracardi", 1)[1]
    rows: dict[str, dict[str, str]] = {}
    started = False
    for line in section.splitlines():
        if not line.startswith("|"):
            if started:
                break
            continue
        started = True
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if cells[0] in ("behaviour", "---"):
            continue
        assert len(cells) == 4, f"a row needs a name and three cells: {line}"
        rows[cells[0]] = dict(zip(FORMATS, cells[1:], strict=True))
    return rows


def _code(text: str) -> str:
    return f"`{text}`"


def _keys(body: dict[str, Any]) -> str:
    return _code(", ".join(sorted(body)))


def _event_ids(fmt: str, body: dict[str, Any]) -> list[str]:
    if fmt == "documented":
        return list(body["debugging"]["events"]["ids"])
    if fmt == "counters":
        return list(body["event"]["ids"])
    return list(body["events"])


def _payload(**extra: Any) -> dict[str, Any]:
    return {
        "source": {"id": "source-id"},
        "session": {"id": str(uuid.uuid4())},
        "events": [{"type": "page-view"}],
        "options": {"debugger": True},
        **extra,
    }


def version(api: TracardiApi, fmt: str) -> str:
    return _code(json.dumps(api.get("/info/version").json()))


def answer_keys(api: TracardiApi, fmt: str) -> str:
    return _keys(api.track(_payload()).json())


def system_events(api: TracardiApi, fmt: str) -> str:
    body = api.track(_payload()).json()
    types = sorted(
        api.get(f"/event/{event_id}").json()["event"]["type"] for event_id in _event_ids(fmt, body)
    )
    types.remove("page-view")
    return _code(", ".join(types)) if types else "none"


def empty_events(api: TracardiApi, fmt: str) -> str:
    response = api.track(_payload(events=[]))
    return _code(f"{response.status_code} {json.dumps(response.json())}")


def save_false(api: TracardiApi, fmt: str) -> str:
    kept, skipped = f"kept-{uuid.uuid4().hex[:8]}", f"skipped-{uuid.uuid4().hex[:8]}"
    payload = _payload(events=[{"type": kept}, {"type": skipped, "options": {"save": False}}])
    response = api.track(payload)
    assert response.status_code == 200
    stored = {
        name: len(api.get("/_workbench/events", params={"type": name}).json()["events"])
        for name in (kept, skipped)
    }
    assert stored[kept] == 1, stored
    logs = response.json().get("debugging", {}).get("logs", [])
    if fmt == "documented":  # the debugging logs say the event was processed
        assert any(skipped in r["message"] and "processed" in r["message"] for r in logs)
    return "processed, not stored" if stored[skipped] == 0 else "stored"


def unchanged_saved(api: TracardiApi, fmt: str) -> str:
    first = _payload()
    profile_id = api.track(first).json()["profile"]["id"]
    again = api.track({**first, "profile": {"id": profile_id}}).json()
    if fmt == "documented":
        counts = {again["debugging"][k]["saved"] for k in ("session", "profile")}
    elif fmt == "counters":
        counts = {again["session"]["saved"], again["profile"]["saved"]}
    else:
        assert "saved" not in json.dumps(again)
        return "no counters"
    return _code(", ".join(str(c) for c in sorted(counts)))


def user_agent(api: TracardiApi, fmt: str) -> str:
    payload = _payload()
    response = api.http.post("/track", json=payload, headers={"user-agent": _CHROME})
    assert response.status_code == 200
    session = api.get(f"/session/{payload['session']['id']}").json()
    parsed = (
        session["os"].get("name") == "Windows"
        and session["app"].get("name") == "Chrome"
        and session["device"].get("type") == "pc"
    )
    return "from the user agent" if parsed else json.dumps([session["os"], session["app"]])


def bot_in_payload(api: TracardiApi, fmt: str) -> str:
    response = api.track(_payload(request={"headers": {"user-agent": _GOOGLEBOT}}))
    return _code(str(response.status_code))


def scheduled(api: TracardiApi, fmt: str) -> str:
    options = {"scheduledFlowId": "flow", "scheduledNodeId": "node"}
    return _code(str(api.track(_payload(options=options)).status_code))


def delete_unknown(api: TracardiApi, fmt: str) -> str:
    response = api.delete(f"/profile/{uuid.uuid4()}")
    return _code(f"{response.status_code} {json.dumps(response.json())}")


def source_saved(api: TracardiApi, fmt: str) -> str:
    source_id = str(uuid.uuid4())
    body = api.create_event_source(source_id).json()
    assert body["ids"] == [source_id]
    assert body["saved"] == 1
    assert api.delete(f"/event-source/{source_id}").status_code == 200
    return _keys(body)


def profile_model(api: TracardiApi, fmt: str) -> str:
    profile_id = api.track(_payload()).json()["profile"]["id"]
    metadata = api.get(f"/profile/{profile_id}").json()["metadata"]
    return "yes" if metadata.get("system") == {"integrations": {}, "aux": {}} else "no"


def x_context(api: TracardiApi, fmt: str) -> str:
    written = api.http.post("/track", json=_payload(), headers={"x-context": "production"})
    assert written.status_code == 200
    assert written.headers["x-context"] == "production"
    path = f"/profile/{written.json()['profile']['id']}"
    without = api.get(path).status_code
    with_it = api.get(path, headers={"x-context": "production"}).status_code
    return f"`{without}` without the header, `{with_it}` with it"


PROBES: dict[str, Callable[[TracardiApi, str], str]] = {
    "`GET /info/version`": version,
    "`/track` answer with the debugger": answer_keys,
    "system events of a new visit": system_events,
    "empty `events` list": empty_events,
    "an event with `options.save: false`": save_false,
    "saved count of a known, unchanged profile and session": unchanged_saved,
    "new session's `os`, `device`, `app`": user_agent,
    "bot agent in the payload's `request.headers`": bot_in_payload,
    "scheduled options through an ordinary source (Tracardi: 500)": scheduled,
    "`DELETE /profile/{unknown id}`": delete_unknown,
    "`POST /event-source` answers": source_saved,
    "`GET /profile/{id}` has `metadata.system` (0.8.2's profile model)": profile_model,
    "profile tracked with `x-context: production`, then `GET /profile/{id}`": x_context,
}


def test_every_row_has_a_probe_and_every_probe_a_row() -> None:
    assert set(readme_table()) == set(PROBES)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("row", sorted(PROBES))
def test_the_cell_says_what_the_collector_does(
    collectors: dict[str, Any], row: str, fmt: str
) -> None:
    api = TracardiApi(collectors[fmt])
    try:
        seen = PROBES[row](api, fmt)
    finally:
        api.close()
    assert readme_table()[row][fmt] == seen
