"""A secret sent in a request header and echoed back by the server never reaches history.

The history masker collects the secret values of the request (headers, URL
credentials) and masks them wherever they appear, also in the answer. This only
works when it sees them unmasked: these tests send a real request to a server
that echoes its Authorization header, store the exchange, and read every byte the
history folder holds.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.client.servers import Reply, Request, json_reply
from workbench.client import RequestSpec, Sender, target_from_url
from workbench.store.history import HistoryStore

TOKEN = "tok-3c1f9e0b7d2a4c55"


def _echo(request: Request, _server: object) -> Reply:
    # Under names that are not secret: only the request tells the masker what to look for.
    seen = request.headers.get("authorization") or request.headers.get("x-api-key") or ""
    return json_reply({"profile": {"id": "p-1"}, "echo": {"seen": seen, "note": f"got {seen}"}})


def _every_byte(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())


@pytest.mark.parametrize(
    "headers", [{"Authorization": f"Bearer {TOKEN}"}, {"X-Api-Key": TOKEN}], ids=["bearer", "key"]
)
def test_a_header_token_echoed_in_the_body_never_reaches_the_history_file(
    serve, tmp_path: Path, headers: dict[str, str]
) -> None:
    server = serve(_echo)
    target = target_from_url(server.url, name="echo").replace(headers=headers)
    with Sender() as sender:
        result = sender.send(target, RequestSpec(payload={"source": {"id": "s"}, "events": []}))
    assert result.error is None
    assert TOKEN in repr(server.requests[0].headers)  # it was sent
    assert TOKEN in (result.body_text or "")  # and echoed back in the body
    folder = tmp_path / "history"
    with HistoryStore(folder) as store:
        entry = store.append(result)
        shown = store.get(entry.id)
        assert shown is not None
        assert TOKEN not in (shown.exchange.body_text or "")
        assert TOKEN not in repr(shown.exchange.json)
        assert TOKEN not in repr(shown.exchange.headers)
        assert shown.exchange.request is not None
        assert TOKEN not in repr(shown.exchange.request.headers)
    stored = _every_byte(folder)
    assert stored  # something was written
    assert TOKEN.encode() not in stored
    with HistoryStore(folder) as again:  # and a fresh reader of the file sees no token either
        entries = [again.get(s.id) for s in again.summaries()]
        assert len(entries) == 1
        assert entries[0] is not None
        assert TOKEN not in repr(entries[0].exchange.to_dict(masked=False))


def test_a_token_in_the_url_echoed_in_the_body_never_reaches_the_history_file(
    serve, tmp_path: Path
) -> None:
    server = serve(_echo)
    secret_url = server.url.replace("http://", f"http://user:{TOKEN}@")
    with Sender() as sender:
        result = sender.send(
            target_from_url(secret_url, name="echo"),
            RequestSpec(payload={"source": {"id": "s"}, "events": []}),
        )
    assert result.error is None
    folder = tmp_path / "history"
    with HistoryStore(folder) as store:
        store.append(result)
    assert TOKEN.encode() not in _every_byte(folder)
