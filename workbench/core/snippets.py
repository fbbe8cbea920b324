"""Export a request as code: curl, Python httpx, JavaScript fetch and HTTPie.

Every generator takes the same :class:`HttpRequest` (method, full URL, headers
in order, body text exactly as sent) so the snippet reproduces the request the
workbench sent, byte for byte where the tool allows. ``to_curl`` is the inverse
of :func:`workbench.core.curl_import.parse_curl`: ``parse_curl(to_curl(r)).request
== r``. Secrets are kept as they are (the user copies the snippet to run it);
pass ``mask=True`` for a snippet that is to be shared.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from workbench.core.masking import mask_headers, mask_url

__all__ = ["HttpRequest", "to_curl", "to_fetch", "to_httpie", "to_httpx"]


@dataclass(frozen=True)
class HttpRequest:
    """One HTTP request as it goes on the wire (minus transport headers).

    ``body_text`` is ``None`` for no body; :attr:`json` parses it when it is JSON.
    """

    method: str
    url: str
    headers: Mapping[str, str] = field(default_factory=dict)
    body_text: str | None = None

    @property
    def json(self) -> Any:
        """The body parsed as JSON, or ``None`` when absent or not JSON."""
        if self.body_text is None:
            return None
        try:
            return json.loads(self.body_text)
        except ValueError:
            return None

    def masked(self) -> HttpRequest:
        """A copy with secret headers and URL parts masked, for sharing."""
        return HttpRequest(
            self.method, mask_url(self.url), mask_headers(self.headers), self.body_text
        )


def _body_for_display(request: HttpRequest, pretty: bool) -> str | None:
    if request.body_text is None or not pretty:
        return request.body_text
    parsed = request.json
    if parsed is None and request.body_text.strip() != "null":
        return request.body_text
    return json.dumps(parsed, indent=2, ensure_ascii=False)


def to_curl(request: HttpRequest, *, pretty: bool = False, mask: bool = False) -> str:
    """A POSIX-shell curl command; one option per line, joined with ``\\``."""
    if mask:
        request = request.masked()
    lines = [f"curl -X {request.method} {shlex.quote(request.url)}"]
    for name, value in request.headers.items():
        header = f"{name}: {value}" if value != "" else f"{name};"
        lines.append(f"-H {shlex.quote(header)}")
    body = _body_for_display(request, pretty)
    if body is not None:
        lines.append(f"--data-raw {shlex.quote(body)}")
    return " \\\n  ".join(lines)


def _py_literal(value: Any, indent: int = 0) -> str:
    """A Python literal for a JSON value (``true`` → ``True``…), indented by 4."""
    pad, inner = " " * indent, " " * (indent + 4)
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [f"{inner}{json.dumps(k)}: {_py_literal(v, indent + 4)}," for k, v in value.items()]
        return "{\n" + "\n".join(items) + f"\n{pad}}}"
    if isinstance(value, list):
        if not value:
            return "[]"
        items = [f"{inner}{_py_literal(v, indent + 4)}," for v in value]
        return "[\n" + "\n".join(items) + f"\n{pad}]"
    if value is None:
        return "None"
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return repr(value)


def to_httpx(request: HttpRequest, *, mask: bool = False) -> str:
    """A runnable Python script using httpx."""
    if mask:
        request = request.masked()
    headers = {k: v for k, v in request.headers.items() if k.lower() != "content-type"}
    parsed = request.json
    is_json = request.body_text is not None and (
        parsed is not None or request.body_text.strip() == "null"
    )
    args = [f"    {json.dumps(request.url)},"]
    if is_json:
        args.append(f"    headers={_py_literal(headers, 4)},")
        args.append(f"    json={_py_literal(parsed, 4)},")
    else:
        args.append(f"    headers={_py_literal(dict(request.headers), 4)},")
        if request.body_text is not None:
            args.append(f"    content={json.dumps(request.body_text, ensure_ascii=False)},")
    return (
        "import httpx\n\n"
        f"response = httpx.request(\n    {json.dumps(request.method)},\n"
        + "\n".join(args)
        + "\n    timeout=10.0,\n)\n"
        "print(response.status_code)\n"
        "print(response.text)\n"
    )


def to_fetch(request: HttpRequest, *, mask: bool = False) -> str:
    """JavaScript ``fetch`` (browser or Node 18+)."""
    if mask:
        request = request.masked()
    headers = json.dumps(dict(request.headers), indent=2, ensure_ascii=False).replace("\n", "\n  ")
    parts = [f"  method: {json.dumps(request.method)},", f"  headers: {headers},"]
    if request.body_text is not None:
        parsed = request.json
        if parsed is not None or request.body_text.strip() == "null":
            literal = json.dumps(parsed, indent=2, ensure_ascii=False).replace("\n", "\n  ")
            parts.append(f"  body: JSON.stringify({literal}),")
        else:
            parts.append(f"  body: {json.dumps(request.body_text, ensure_ascii=False)},")
    return (
        f"const response = await fetch({json.dumps(request.url)}, {{\n"
        + "\n".join(parts)
        + "\n});\n"
        "console.log(response.status, await response.text());\n"
    )


def to_httpie(request: HttpRequest, *, mask: bool = False) -> str:
    """An HTTPie command; the body goes in with ``--raw`` so it is sent as written."""
    if mask:
        request = request.masked()
    words = ["http"]
    if request.body_text is not None:
        words.append(f"--raw={shlex.quote(request.body_text)}")
    words += [request.method, shlex.quote(request.url)]
    for name, value in request.headers.items():
        words.append(shlex.quote(f"{name}:{value}" if value != "" else f"{name};"))
    return " ".join(words)
