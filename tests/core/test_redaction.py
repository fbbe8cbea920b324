"""The redaction policy and the consistent placeholders."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.core.redaction import RedactionPolicy, Redactor


def test_categories_by_path() -> None:
    policy = RedactionPolicy()
    assert policy.category(("events", "properties", "email")) == "email"
    assert policy.category(("traits", "Business_Email")) == "email"
    assert policy.category(("data", "contact", "phone", "mobile")) == "phone"
    assert policy.category(("data", "pii", "firstname")) == "name"
    assert policy.category(("metadata", "ip")) == "ip"
    assert policy.category(("headers", "X-Forwarded-For")) == "ip"
    assert policy.category(("data", "pii", "birthday")) == "personal"
    assert policy.category(("events", "type")) is None
    assert policy.category(("ipsum",)) is None


def test_placeholders_keep_the_shape_and_are_consistent() -> None:
    redactor = Redactor()
    doc = {
        "a": {"email": "x@example.com", "ip": "81.2.69.160", "name": "free"},
        "b": ["x@example.com", "2a00:1450::1"],
        "c": "mail x@example.com please",
        "path": "event@properties.email",
        "local": "127.0.0.1",
    }
    out = redactor.json(doc)
    assert out["a"]["email"] == "person-1@redacted.invalid"
    assert out["b"][0] == "person-1@redacted.invalid"
    assert out["c"] == "mail person-1@redacted.invalid please"
    assert out["a"]["ip"] == "192.0.2.1"
    assert out["b"][1] == "2001:db8::2"
    assert out["path"] == "event@properties.email"  # Tracardi dot notation, not an address
    assert out["local"] == "127.0.0.1"
    assert out["a"]["name"] == "free"
    assert redactor.counts == {"email": 1, "ip": 2}
    # A placeholder is never redacted again.
    assert redactor.json(out) == out


def test_secrets_and_urls() -> None:
    redactor = Redactor()
    headers = redactor.headers({"Authorization": "Bearer abcdef", "Accept": "*/*"})
    assert headers == {"Authorization": "Bearer <secret-1>", "Accept": "*/*"}
    url = redactor.url("https://u1:p4ss@h.example/x?token=abcdef&email=x%40example.com&q=1")
    assert "p4ss" not in url
    assert "abcdef" not in url
    assert "x%40example.com" not in url
    assert "token=<secret-1>" in url  # the same secret, the same placeholder
    assert url.endswith("&q=1")
    assert redactor.body_text('{"password": "abcdef"}') == '{"password": "<secret-1>"}'
    assert redactor.text("raw abcdef and YWJjZGVm") == "raw <secret-1> and <secret-1>"


@settings(max_examples=150, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["email", "phone", "firstname", "password", "token", "ip", "note"]),
        st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=4),
        min_size=1,
    )
)
def test_nothing_redacted_survives_in_any_encoding(fields: dict[str, Any]) -> None:
    redactor = Redactor()
    doc = {"profile": {"traits": fields}, "raw": json.dumps(fields)}
    out = redactor.json(doc)
    out["raw"] = redactor.body_text(doc["raw"])
    out = redactor.deep_text(out)
    blob = json.dumps(out).encode() + json.dumps(out, ensure_ascii=False).encode()
    assert redactor.leaks(blob) == []
