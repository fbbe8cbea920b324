"""Mask an exchange's secrets before it is stored or exported.

Names first (``workbench.core.masking``): secret headers (``Authorization``,
``Cookie``, ``X-Api-Key``…), secret JSON keys (``password``, ``token``…) anywhere in
the exchange, credentials and secret query parameters in URLs. Then every secret
*value* found that way is replaced wherever else it appears as text: a
``body_text`` holding the raw JSON, a response echoing a token, a debug log line.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from workbench.core.masking import MASK, is_secret_name, mask_text, mask_url

__all__ = ["mask_exchange"]


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _secret_values_of_headers(headers: Any, found: set[str]) -> None:
    for name, value in _dict(headers).items():
        if not is_secret_name(str(name)) or not isinstance(value, str) or not value:
            continue
        found.add(value)
        # "Bearer abc" / "Basic xyz": the credential alone may be echoed elsewhere.
        found.update(part for part in value.split() if len(part) >= 6)
        # Cookie: "a=1; sid=xyz" -> each value.
        for cookie in value.split(";"):
            _, _, cookie_value = cookie.partition("=")
            if len(cookie_value.strip()) >= 6:
                found.add(cookie_value.strip())


def _secret_values_of_json(value: Any, found: set[str]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            if is_secret_name(str(key)) and isinstance(item, (str, int, float)) and item != "":
                found.add(str(item))
            else:
                _secret_values_of_json(item, found)
    elif isinstance(value, list):
        for item in value:
            _secret_values_of_json(item, found)


def _secret_values_of_url(url: Any, found: set[str]) -> None:
    if not isinstance(url, str) or not url:
        return
    masked = mask_url(url)
    if masked == url:
        return
    parts = urlsplit(url)
    if parts.password:
        found.add(parts.password)
    for pair in parts.query.split("&"):
        name, _, value = pair.partition("=")
        if value and is_secret_name(name):
            found.add(value)


#: Every name ``is_secret_name`` accepts contains one of these (lower-cased).
_SECRET_WORDS = (
    "authorization",
    "cookie",
    "password",
    "passwd",
    "secret",
    "token",
    "apikey",
    "api-key",
    "api_key",
    "accesskey",
    "access-key",
    "access_key",
    "privatekey",
    "private-key",
    "private_key",
    "credential",
)


def _may_hold_secret_key(text: str) -> bool:
    """False when JSON *text* cannot hold a secret key, so it need not be parsed for one.

    Only plain ASCII text without ``\\u`` escapes (which could spell a name) is
    ruled out; anything else is parsed.
    """
    if not text.isascii() or "\\u" in text:
        return True
    lowered = text.lower()
    return any(word in lowered for word in _SECRET_WORDS)


def _masked_copy(value: Any, secrets: tuple[str, ...]) -> Any:
    """A deep copy of *value*: secret keys' values masked, *secrets* replaced in strings.

    One pass doing what ``mask_json`` and then a replacement in every string would
    do in two (each a whole copy of the exchange).
    """
    if isinstance(value, str):
        for secret in secrets:
            if secret in value:
                return mask_text(value, secrets)
        return value
    if isinstance(value, dict):
        return {
            key: (
                MASK
                if is_secret_name(str(key)) and item not in (None, "")
                else _masked_copy(item, secrets)
            )
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_masked_copy(item, secrets) for item in value]
    return value


def mask_exchange(exchange: dict[str, Any]) -> dict[str, Any]:
    """Return a masked deep copy of an exchange dict.

    Secret header values, secret JSON keys, credentials and secret query parameters
    in URLs are masked by name; then every value found that way is also replaced
    wherever it appears as free text (a body echoing a token, a ``body_text``
    holding the raw JSON, a debug log line).
    """
    secrets: set[str] = set()
    request = _dict(exchange.get("request"))
    response = _dict(exchange.get("response"))
    _secret_values_of_headers(request.get("headers"), secrets)
    _secret_values_of_headers(response.get("headers"), secrets)
    _secret_values_of_json(request.get("body"), secrets)
    _secret_values_of_json(response.get("json"), secrets)
    for text in (request.get("body_text"), response.get("body_text")):
        if isinstance(text, str) and text[:1] in "{[" and _may_hold_secret_key(text):
            try:
                _secret_values_of_json(json.loads(text), secrets)
            except ValueError:
                pass
    _secret_values_of_url(request.get("url"), secrets)
    secrets.discard(MASK)
    # What mask_text would replace, in its order: computed once, not per string.
    ordered = tuple(sorted({s for s in secrets if len(s) >= 3}, key=len, reverse=True))
    masked: dict[str, Any] = _masked_copy(exchange, ordered)
    # URLs: credentials and secret parameters by name first, then the values found.
    masked_request = masked.get("request")
    if isinstance(masked_request, dict) and isinstance(request.get("url"), str):
        masked_request["url"] = _masked_copy(mask_url(request["url"]), ordered)
    target = masked.get("target")
    base_url = _dict(exchange.get("target")).get("base_url")
    if isinstance(target, dict) and isinstance(base_url, str):
        target["base_url"] = _masked_copy(mask_url(base_url), ordered)
    return masked
