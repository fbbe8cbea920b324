"""Mask secrets before anything is stored, exported or logged.

Header names (``Authorization``, ``Cookie``, ``X-Api-Key``…) and JSON keys
(``password``, ``token``, ``api_key``, ``secret``…) are matched case-insensitively;
their values become :data:`MASK`. Masking never mutates its input.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

__all__ = [
    "MASK",
    "is_secret_name",
    "mask_headers",
    "mask_json",
    "mask_text",
    "mask_url",
]

MASK = "********"

_SECRET_NAME = re.compile(
    r"(^authorization$|^proxy-authorization$|^cookie$|^set-cookie$|password|passwd|secret|"
    r"token|api[-_]?key|apikey|access[-_]?key|private[-_]?key|credential|session[-_]?secret)",
    re.IGNORECASE,
)


@functools.lru_cache(maxsize=4096)
def is_secret_name(name: str) -> bool:
    """True when a header, query parameter or JSON key of this name holds a secret.

    Cached: the same few hundred names come back in every exchange masked.
    """
    return bool(_SECRET_NAME.search(name))


def mask_headers(headers: Mapping[str, str] | Iterable[tuple[str, str]]) -> dict[str, str]:
    """Return a copy of *headers* with secret values masked (names keep their case)."""
    items = headers.items() if isinstance(headers, Mapping) else headers
    return {name: (MASK if is_secret_name(name) and value else value) for name, value in items}


def mask_json(value: Any) -> Any:
    """Return a deep copy of a JSON value with the values of secret keys masked."""
    if isinstance(value, dict):
        return {
            key: (MASK if is_secret_name(str(key)) and item not in (None, "") else mask_json(item))
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [mask_json(item) for item in value]
    return value


def mask_url(url: str) -> str:
    """Mask user:password in the authority and secret query parameters."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        creds, host = netloc.rsplit("@", 1)
        user = creds.split(":", 1)[0]
        netloc = f"{user}:{MASK}@{host}" if ":" in creds else f"{MASK}@{host}"
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        if any(is_secret_name(k) for k, _ in pairs):
            query = urlencode([(k, MASK if is_secret_name(k) else v) for k, v in pairs], safe="*")
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def mask_text(text: str, secrets: Iterable[str]) -> str:
    """Replace every occurrence of the given secret values in free text."""
    for secret in sorted({s for s in secrets if s and len(s) >= 3}, key=len, reverse=True):
        text = text.replace(secret, MASK)
    return text
