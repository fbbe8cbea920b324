"""The client reads every answer the collector can give, and tells what it could not read.

The embedded collector serves all three formats (documented = 0.7.3,
counters = 0.8.1, current = 0.8.2); each is read into the same view. A fake
Tracardi 1.x server answers in the 0.8.2+ shape with keys a 0.8.2 reader does
not know: the view names the version it met and every section it left unread.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.client.servers import Reply, Request, json_reply
from tests.collectors import collectors_per_format
from tests.conftest import load_example
from workbench.client import RequestSpec, Sender, embedded_target, target_from_url
from workbench.collector import CollectorServer
from workbench.core.response_view import normalize_response

_VIEW_FORMAT = {"documented": "documented", "counters": "0.8.1", "current": "current"}


@pytest.fixture(scope="module")
def collectors() -> Iterator[dict[str, CollectorServer]]:
    with collectors_per_format(_VIEW_FORMAT) as servers:
        yield servers


@pytest.mark.parametrize("fmt", list(_VIEW_FORMAT))
def test_every_collector_format_reads_into_one_view(
    collectors: dict[str, CollectorServer], fmt: str
) -> None:
    target = embedded_target(collectors[fmt].url)
    with Sender() as sender:
        found = sender.server_format(target)
        result = sender.send(
            target, RequestSpec(payload=load_example("track-minimal.json"), debugger=True)
        )
    assert found.format == _VIEW_FORMAT[fmt]
    assert result.ok, result.error
    view = result.view
    assert view is not None
    assert view.format == _VIEW_FORMAT[fmt]
    assert view.profile_id
    assert view.session_id == "session-id"
    assert view.unread == []
    assert not any("could not read" in n for n in view.notes)
    if fmt == "current":  # ids only in the answer: the details come from the admin reads
        assert view.events is not None
        assert len(view.events["items"] or []) == 5
    else:
        expected = 2 if fmt == "documented" else 4  # 0.7.3: no system events; 0.8.1: two
        assert view.events_saved == expected


def _tracardi_1x(request: Request, server: Any) -> Reply:
    if request.path == "/info/version":
        return json_reply("1.1.2")
    if request.path != "/track":
        return json_reply(None, 404)
    return json_reply(
        {
            "task": ["7b0c4f0e-1111-4a1a-9a0a-3f3c3f3c3f3c"],
            "ux": [],
            "response": {},
            "events": [],
            "profile": {"id": "p-1"},
            "session": {"id": "s-1"},
            "errors": [],
            "warnings": [],
            "context": {"tenant": "t1"},
            "identification": {"points": []},
        }
    )


def test_tracardi_1x_answer_is_read_and_the_rest_named(serve: Any, sender: Sender) -> None:
    server = serve(_tracardi_1x)
    target = target_from_url(server.url, name="tracardi-1")
    assert sender.server_format(target).version == "1.1.2"
    result = sender.send(target, RequestSpec(payload=load_example("track-minimal.json")))
    view = result.view
    assert view is not None
    assert view.format == "current"
    assert view.profile_id == "p-1"
    assert view.session_id == "s-1"
    assert view.task == "7b0c4f0e-1111-4a1a-9a0a-3f3c3f3c3f3c"
    assert view.unread == ["context", "identification"]
    note = next(n for n in view.notes if "could not read" in n)
    assert "server version 1.1.2" in note
    assert "context, identification" in note


def test_unknown_shape_names_the_version() -> None:
    view = normalize_response({"accepted": True}, status=200, version="2.0.0")
    assert view.format == "unknown"
    assert any("server version 2.0.0" in n for n in view.notes)


@pytest.mark.parametrize(
    "body",
    [
        {"profile": {"id": "p"}, "source": {}, "ux": [], "response": {}, "extra": 1},
        {"task": "t", "ux": [], "response": {}, "profile": {"id": "p"}, "event": {}, "extra": 1},
    ],
)
def test_older_shapes_name_keys_they_do_not_know(body: dict[str, Any]) -> None:
    view = normalize_response(body, status=200)
    assert view.unread == ["extra"]
    assert any("the server answered in the shape of Tracardi" in n for n in view.notes)
