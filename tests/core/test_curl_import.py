from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.core.curl_import import CurlImportError, parse_curl
from workbench.core.snippets import HttpRequest, to_curl


def test_devtools_style_command() -> None:
    text = """curl 'https://tracardi.example.com/api/track?profile_less=true' \\
  -H 'content-type: application/json' \\
  -H 'x-context: production' \\
  -H 'x-timestamp: 1700000000000' \\
  --data-raw '{"source":{"id":"web"},"events":[{"type":"page-view"}]}' \\
  --compressed"""
    imported = parse_curl(text)
    assert imported.method == "POST"
    assert imported.base_url == "https://tracardi.example.com/api"
    assert imported.route == "/track"
    assert imported.profile_less is True
    assert imported.x_context == "production"
    assert imported.extra_headers == {"x-timestamp": "1700000000000"}
    assert imported.payload == {"source": {"id": "web"}, "events": [{"type": "page-view"}]}


def test_json_option_and_short_flags() -> None:
    imported = parse_curl("$ curl -sSL -XPOST localhost:8686/track --json '{\"a\": 1}' -k -m 5")
    assert imported.url == "http://localhost:8686/track"
    assert imported.method == "POST"
    assert imported.payload == {"a": 1}
    assert imported.headers == {"Content-Type": "application/json", "Accept": "application/json"}
    assert imported.insecure
    assert imported.timeout == 5.0


def test_data_defaults_to_post_and_get_mode_moves_it_to_the_query() -> None:
    assert parse_curl("curl http://h/track -d '{}'").method == "POST"
    got = parse_curl("curl -G http://h/collect/t/s -d a=1 -d b=2")
    assert got.method == "GET"
    assert got.url == "http://h/collect/t/s?a=1&b=2"
    assert got.route == "/collect/t/s"
    assert got.base_url == "http://h"


def test_user_and_agent_options_become_headers() -> None:
    imported = parse_curl("curl -u admin:pw -A 'Mozilla/5.0' http://h/track")
    assert imported.headers["Authorization"] == "Basic YWRtaW46cHc="
    assert imported.headers["User-Agent"] == "Mozilla/5.0"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("wget http://h", "does not start with 'curl'"),
        ("curl -X POST", "has no URL"),
        ("curl http://h -d @body.json", "reading the body from a file is not supported"),
        ("curl http://h -F a=b", "form uploads (-F) cannot be reproduced"),
        ("curl http://h --frobnicate", "unsupported curl option --frobnicate"),
        ("curl http://h -H 'broken'", "has no ':' between name and value"),
        ("curl http://h 'unclosed", "cannot be split into words"),
        ("curl http://a http://b", "more than one URL"),
        ("curl http://h -H", "curl option -H needs a value"),
    ],
)
def test_errors_name_the_problem(text: str, message: str) -> None:
    with pytest.raises(CurlImportError) as info:
        parse_curl(text)
    assert message in str(info.value)


def test_round_trip_of_a_tracker_request() -> None:
    request = HttpRequest(
        "POST",
        "http://127.0.0.1:8686/track?profile_less=true",
        {
            "User-Agent": "TracardiWorkbench/0.1.0",
            "Content-Type": "application/json",
            "X-Empty": "",
        },
        json.dumps(
            {"source": {"id": "it's"}, "events": [{"type": "a b", "properties": {"q": '"\\'}}]}
        ),
    )
    assert parse_curl(to_curl(request)).request == request
    assert parse_curl(to_curl(request, pretty=True)).payload == request.json


_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=30)
_header_name = st.from_regex(r"[A-Za-z][A-Za-z0-9-]{0,15}", fullmatch=True)
_header_value = _text.map(str.strip).filter(lambda v: ";" not in v[-1:])
_json = st.recursive(
    st.none() | st.booleans() | st.integers() | _text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_text, inner, max_size=3),
    max_leaves=8,
)


@settings(max_examples=60, deadline=None)
@given(
    method=st.sampled_from(["POST", "PUT", "GET"]),
    path=st.sampled_from(["/track", "/track?profile_less=true", "/collect/t/s", "/x/y?a=1&b=%20"]),
    headers=st.dictionaries(_header_name, _header_value, max_size=4),
    body=_json,
)
def test_import_of_export_is_identity(method, path, headers, body) -> None:  # type: ignore[no-untyped-def]
    headers = {k: v for k, v in headers.items() if k.lower() != "content-type"}
    body_text = None if method == "GET" else json.dumps(body, ensure_ascii=False)
    if body_text is not None:
        headers["Content-Type"] = "application/json"
    request = HttpRequest(method, f"https://h.example:8443{path}", headers, body_text)
    assert parse_curl(to_curl(request)).request == request
