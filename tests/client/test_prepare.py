"""The request as sent: the body encoded once, placeholders expanded wherever they are."""

from __future__ import annotations

import json

import pytest

from workbench.client import RequestSpec, Sender, embedded_target
from workbench.core.variables import VariableError

TARGET = embedded_target("http://127.0.0.1:8686")


@pytest.fixture
def sender():
    with Sender() as made:
        yield made


def test_a_payload_without_placeholders_is_sent_as_its_own_json(sender: Sender) -> None:
    payload = {"source": {"id": "s"}, "session": {"id": "x"}, "events": [{"type": "é"}]}
    sent = sender.prepare(TARGET, RequestSpec(payload=payload))
    assert sent.body == payload
    assert sent.body_text == json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    assert sent.headers["Content-Type"] == "application/json"


def test_a_placeholder_in_a_key_is_expanded(sender: Sender) -> None:
    payload = {"source": {"id": "s"}, "session": {"id": "x"}, "context": {"{{env}}": 1}}
    sent = sender.prepare(TARGET, RequestSpec(payload=payload, variables={"env": "ci"}))
    assert sent.body["context"] == {"ci": 1}
    assert json.loads(sent.body_text) == sent.body


def test_a_placeholder_deep_in_a_list_is_expanded(sender: Sender) -> None:
    payload = {
        "source": {"id": "s"},
        "session": {"id": "x"},
        "events": [{"tags": ["a", "{{env}}"]}],
    }
    sent = sender.prepare(TARGET, RequestSpec(payload=payload, variables={"env": "ci"}))
    assert sent.body["events"][0]["tags"] == ["a", "ci"]
    assert '"ci"' in sent.body_text


def test_the_debugger_flag_is_in_the_body_with_and_without_placeholders(sender: Sender) -> None:
    for session in ("x", "{{session.id}}"):
        payload = {"source": {"id": "s"}, "session": {"id": session}, "options": {"a": 1}}
        sent = sender.prepare(TARGET, RequestSpec(payload=payload, debugger=True))
        assert sent.body["options"] == {"a": 1, "debugger": True}
        assert json.loads(sent.body_text) == sent.body
        assert "{{" not in sent.body_text
        assert payload["options"] == {"a": 1}  # the caller's payload is left alone


def test_options_the_debugger_flag_replaces_are_still_checked(sender: Sender) -> None:
    payload = {"source": {"id": "s"}, "session": {"id": "x"}, "options": "{{nope}}"}
    with pytest.raises(VariableError, match="nope"):
        sender.prepare(TARGET, RequestSpec(payload=payload, debugger=True))


def test_an_unknown_placeholder_in_a_header_fails_even_with_a_plain_body(sender: Sender) -> None:
    spec = RequestSpec(payload={"source": {"id": "s"}}, headers={"X-Run": "{{run}}"})
    with pytest.raises(VariableError, match="run"):
        sender.prepare(TARGET, spec)


def test_a_header_placeholder_is_expanded_and_the_body_kept(sender: Sender) -> None:
    payload = {"source": {"id": "s"}, "session": {"id": "x"}}
    spec = RequestSpec(payload=payload, headers={"X-Run": "{{run}}"}, variables={"run": "7"})
    sent = sender.prepare(TARGET, spec)
    assert sent.headers["X-Run"] == "7"
    assert json.loads(sent.body_text) == payload


def test_get_puts_the_payload_in_the_query_and_sends_no_body(sender: Sender) -> None:
    spec = RequestSpec(payload={"a": "{{env}}", "b": [1]}, method="GET", variables={"env": "ci"})
    sent = sender.prepare(TARGET, spec)
    assert sent.body_text == ""
    assert "a=ci" in sent.url
    assert "Content-Type" not in sent.headers


def test_an_empty_track_payload_is_sent_as_null(sender: Sender) -> None:
    sent = sender.prepare(TARGET, RequestSpec(payload=None))
    assert sent.body_text == "null"


def test_what_json_cannot_hold_is_refused_as_before(sender: Sender) -> None:
    with pytest.raises(TypeError):
        sender.prepare(TARGET, RequestSpec(payload={"source": {"id": "s"}, "x": {1, 2}}))
