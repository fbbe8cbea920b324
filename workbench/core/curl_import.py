"""Import a curl command (as copied from devtools, docs or a colleague) into a request.

Understands the URL (positional or ``--url``), ``-X``, ``-H``, ``-d`` /
``--data`` / ``--data-raw`` / ``--data-binary`` / ``--data-ascii``, ``--json``,
``-u``, ``-A``, ``-e``, ``-b``, ``-G``, ``-k`` and ``-m``, line continuations
and combined short flags (``-sSL``); harmless display flags are ignored. Options
that would change the request in ways Workbench cannot reproduce (reading a
body from a file, form uploads) are a :class:`CurlImportError` naming the
option, never silently dropped.
"""

from __future__ import annotations

import base64
import re
import shlex
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from workbench.core.snippets import HttpRequest

__all__ = ["CurlImportError", "ImportedRequest", "parse_curl"]

# Flags without a value that do not change the request.
_IGNORED_FLAGS = {
    "-s", "--silent", "-S", "--show-error", "-v", "--verbose", "-i", "--include",
    "-L", "--location", "--compressed", "-f", "--fail", "--fail-with-body", "-N",
    "--no-buffer", "-g", "--globoff", "--http1.1", "--http1.0", "--http2", "-4", "-6",
    "-#", "--progress-bar", "-n", "--netrc", "--no-progress-meter", "--raw",
}  # fmt: skip
# Options with a value that do not change the request.
_IGNORED_WITH_VALUE = {
    "-o", "--output", "-w", "--write-out", "--connect-timeout", "--retry",
    "--retry-delay", "--retry-max-time", "-D", "--dump-header", "--trace", "--trace-ascii",
}  # fmt: skip
_DATA_OPTIONS = {"-d", "--data", "--data-raw", "--data-binary", "--data-ascii"}
_VALUE_OPTIONS = {
    "-X", "--request", "-H", "--header", "--url", "--json", "-u", "--user", "-A",
    "--user-agent", "-e", "--referer", "-b", "--cookie", "-m", "--max-time",
    *_DATA_OPTIONS, *_IGNORED_WITH_VALUE,
}  # fmt: skip
_UNSUPPORTED = {
    "-F": "form uploads (-F) cannot be reproduced; send the JSON body instead",
    "--form": "form uploads (--form) cannot be reproduced; send the JSON body instead",
    "--data-urlencode": "--data-urlencode is not supported; paste the encoded body with -d",
    "-T": "uploading a file (-T) is not supported; paste the body with -d",
    "--upload-file": "uploading a file is not supported; paste the body with -d",
    "-x": "proxies (-x) are not part of a request; configure them in the environment",
    "--proxy": "proxies are not part of a request; configure them in the environment",
    "--cert": "client certificates are not supported by imported requests",
    "-E": "client certificates are not supported by imported requests",
}


class CurlImportError(ValueError):
    """The text is not a curl command Workbench can reproduce; the message says why."""


@dataclass(frozen=True)
class ImportedRequest:
    """What a curl command sends, split into what a target and a payload need.

    ``method``/``url``/``headers``/``body_text`` are the request itself
    (:attr:`request`); the derived properties give the target's base URL, the
    route, ``profile_less``, the ``x-context`` header and the parsed payload.
    """

    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    body_text: str | None = None
    insecure: bool = False
    timeout: float | None = None

    @property
    def request(self) -> HttpRequest:
        return HttpRequest(self.method, self.url, dict(self.headers), self.body_text)

    @property
    def payload(self) -> Any:
        """The body parsed as JSON (``None`` when there is none or it is not JSON)."""
        return self.request.json

    @property
    def query(self) -> dict[str, str]:
        return dict(parse_qsl(urlsplit(self.url).query, keep_blank_values=True))

    @property
    def profile_less(self) -> bool:
        return self.query.get("profile_less", "").lower() in ("true", "1", "yes", "on")

    @property
    def route(self) -> str:
        """The path from the base URL on: ``/track``, ``/collect/...`` or the whole path."""
        path = urlsplit(self.url).path or "/"
        index = _route_index(path)
        return path[index:] if index is not None else path

    @property
    def base_url(self) -> str:
        """Scheme, host and any path prefix before ``/track`` or ``/collect``."""
        parts = urlsplit(self.url)
        index = _route_index(parts.path)
        prefix = parts.path[:index] if index is not None else ""
        return urlunsplit((parts.scheme, parts.netloc, prefix, "", "")).rstrip("/")

    @property
    def x_context(self) -> str | None:
        return _header(self.headers, "x-context")

    @property
    def extra_headers(self) -> dict[str, str]:
        """Headers a target should keep (not the ones every send sets itself)."""
        skip = {"content-type", "content-length", "user-agent", "accept", "x-context", "host"}
        return {k: v for k, v in self.headers.items() if k.lower() not in skip}


def _route_index(path: str) -> int | None:
    match = re.search(r"/(track|collect)(/|$)", path)
    return match.start() if match else None


def _header(headers: dict[str, str], name: str) -> str | None:
    return next((v for k, v in headers.items() if k.lower() == name), None)


def _tokens(text: str) -> list[str]:
    cleaned = re.sub(r"\\\r?\n", " ", text.strip())
    cleaned = re.sub(r"^\$\s+", "", cleaned)
    try:
        words = shlex.split(cleaned, posix=True)
    except ValueError as exc:
        raise CurlImportError(f"the command cannot be split into words: {exc}") from exc
    if not words or words[0] not in ("curl", "curl.exe"):
        raise CurlImportError("the text does not start with 'curl'")
    return words[1:]


def _expand_short(words: list[str]) -> list[str]:
    """``-sSL`` → ``-s -S -L``; ``-XPOST`` → ``-X POST``; ``-H'a: b'`` → ``-H 'a: b'``."""
    out: list[str] = []
    for word in words:
        if not word.startswith("-") or word.startswith("--") or len(word) <= 2:
            out.append(word)
            continue
        first = word[:2]
        if first in _VALUE_OPTIONS or first in _UNSUPPORTED:
            out += [first, word[2:]]
        elif all(f"-{c}" in _IGNORED_FLAGS or f"-{c}" in ("-k", "-G") for c in word[1:]):
            out += [f"-{c}" for c in word[1:]]
        else:
            out.append(word)
    return out


def parse_curl(text: str) -> ImportedRequest:
    """Parse a curl command line into an :class:`ImportedRequest`."""
    words = _expand_short(_tokens(text))
    method: str | None = None
    url: str | None = None
    headers: dict[str, str] = {}
    data: list[str] = []
    json_body = False
    insecure = False
    get_mode = False
    timeout: float | None = None
    i = 0
    while i < len(words):
        word = words[i]
        if word in _UNSUPPORTED:
            raise CurlImportError(_UNSUPPORTED[word])
        if word in _VALUE_OPTIONS:
            if i + 1 >= len(words):
                raise CurlImportError(f"curl option {word} needs a value")
            value = words[i + 1]
            i += 2
            if word in ("-X", "--request"):
                method = value.upper()
            elif word in ("-H", "--header"):
                _add_header(headers, value)
            elif word == "--url":
                url = value
            elif word in _DATA_OPTIONS:
                if value.startswith("@") and word != "--data-raw":
                    raise CurlImportError(
                        f"{word} {value}: reading the body from a file is not supported; "
                        "paste the body itself (or use --data-raw)"
                    )
                data.append(value)
            elif word == "--json":
                if value.startswith("@"):
                    raise CurlImportError(
                        f"--json {value}: reading the body from a file is not supported"
                    )
                data.append(value)
                json_body = True
            elif word in ("-u", "--user"):
                token = base64.b64encode(value.encode()).decode()
                headers.setdefault("Authorization", f"Basic {token}")
            elif word in ("-A", "--user-agent"):
                headers["User-Agent"] = value
            elif word in ("-e", "--referer"):
                headers["Referer"] = value
            elif word in ("-b", "--cookie"):
                headers["Cookie"] = value
            elif word in ("-m", "--max-time"):
                try:
                    timeout = float(value)
                except ValueError as exc:
                    raise CurlImportError(f"{word} {value}: expected seconds") from exc
            continue
        if word in ("-k", "--insecure"):
            insecure = True
        elif word in ("-G", "--get"):
            get_mode = True
        elif word in _IGNORED_FLAGS:
            pass
        elif word.startswith("-") and word != "-":
            raise CurlImportError(f"unsupported curl option {word}")
        elif url is None:
            url = word
        else:
            raise CurlImportError(f"more than one URL ({url} and {word}); import one request")
        i += 1
    if url is None:
        raise CurlImportError("the command has no URL")
    if "://" not in url:
        url = f"http://{url}"
    body = "&".join(data) if data else None
    if get_mode and body is not None:
        sep = "&" if urlsplit(url).query else "?"
        url, body = f"{url}{sep}{body}", None
        method = method or "GET"
    if json_body:
        if not _header(headers, "content-type"):
            headers["Content-Type"] = "application/json"
        if not _header(headers, "accept"):
            headers["Accept"] = "application/json"
    elif body is not None and not _header(headers, "content-type"):
        # curl itself sends form encoding for -d; a tracker body is JSON, so say so.
        headers["Content-Type"] = "application/json"
    method = method or ("POST" if body is not None else "GET")
    return ImportedRequest(method, url, headers, body, insecure, timeout)


def _add_header(headers: dict[str, str], raw: str) -> None:
    if ":" in raw:
        name, value = raw.split(":", 1)
        name, value = name.strip(), value.strip()
    elif raw.endswith(";"):
        name, value = raw[:-1].strip(), ""
    else:
        raise CurlImportError(f"header {raw!r} has no ':' between name and value")
    if not name:
        raise CurlImportError(f"header {raw!r} has no name")
    headers[name] = value
