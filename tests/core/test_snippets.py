from __future__ import annotations

import ast
import json
import shlex

from workbench.core.snippets import HttpRequest, to_curl, to_fetch, to_httpie, to_httpx

BODY = {
    "source": {"id": "source-id"},
    "events": [{"type": "page-view", "options": {"a": True, "b": None}}],
}
REQUEST = HttpRequest(
    "POST",
    "http://localhost:8686/track?profile_less=true",
    {"Content-Type": "application/json", "Authorization": "Bearer tok", "x-context": "staging"},
    json.dumps(BODY, separators=(",", ":")),
)


def test_curl_is_a_valid_shell_command_with_the_exact_body() -> None:
    text = to_curl(REQUEST)
    words = shlex.split(text.replace("\\\n", " "))
    assert words[:4] == ["curl", "-X", "POST", REQUEST.url]
    assert words[words.index("--data-raw") + 1] == REQUEST.body_text
    assert "-H" in words
    assert "Authorization: Bearer tok" in words


def test_curl_pretty_and_masked() -> None:
    text = to_curl(REQUEST, pretty=True, mask=True)
    assert "Bearer tok" not in text
    assert "Authorization: ********" in text
    assert '"source": {\n' in text


def test_httpx_snippet_is_python_with_the_same_json() -> None:
    code = to_httpx(REQUEST)
    tree = ast.parse(code)
    call = next(
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.Call) and getattr(n.func, "attr", "") == "request"
    )
    kwargs = {k.arg: ast.literal_eval(k.value) for k in call.keywords}
    assert kwargs["json"] == BODY
    assert kwargs["headers"] == {"Authorization": "Bearer tok", "x-context": "staging"}
    assert [ast.literal_eval(a) for a in call.args] == ["POST", REQUEST.url]


def test_httpx_snippet_with_a_non_json_body() -> None:
    code = to_httpx(HttpRequest("POST", "http://h/collect/a/b", {}, "a=1"))
    assert 'content="a=1"' in code
    ast.parse(code)


def test_fetch_snippet_holds_the_body_as_json() -> None:
    code = to_fetch(REQUEST)
    assert code.startswith(f'const response = await fetch("{REQUEST.url}", {{')
    start = code.index("JSON.stringify(") + len("JSON.stringify(")
    end = code.rindex("),\n});")
    assert json.loads(code[start:end]) == BODY
    assert '"x-context": "staging"' in code


def test_httpie_snippet() -> None:
    text = to_httpie(REQUEST)
    words = shlex.split(text)
    assert words[0] == "http"
    assert words[1] == f"--raw={REQUEST.body_text}"
    assert words[2:4] == ["POST", REQUEST.url]
    assert "x-context:staging" in words


def test_request_json_property() -> None:
    assert REQUEST.json == BODY
    assert HttpRequest("GET", "http://h/").json is None
    assert HttpRequest("POST", "http://h/", {}, "not json").json is None
