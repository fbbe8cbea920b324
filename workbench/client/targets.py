"""Building targets: the embedded collector's default one, ad-hoc ones from a URL or curl.

Targets themselves are :class:`workbench.settings.TargetSettings`, saved in
``settings.json`` under the app's home folder (the only place their secrets live).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from workbench.core.curl_import import ImportedRequest
from workbench.settings import EMBEDDED_TARGET_NAME, TargetSettings

__all__ = [
    "DEFAULT_EMBEDDED_URL",
    "embedded_target",
    "target_from_import",
    "target_from_url",
]

DEFAULT_EMBEDDED_URL = "http://127.0.0.1:8686"


def embedded_target(url: str = DEFAULT_EMBEDDED_URL) -> TargetSettings:
    """The embedded collector as a target (in-app it runs on the configured port)."""
    return TargetSettings(
        name=EMBEDDED_TARGET_NAME, base_url=url, kind="embedded", response_format="auto"
    )


def target_from_url(url: str, *, name: str | None = None) -> TargetSettings:
    """An unsaved remote target for a base URL; raises ``ValueError`` for a bad URL."""
    url = url.strip()
    if "://" not in url:
        url = f"http://{url}"
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{url!r} is not an http(s) URL with a host")
    for suffix in ("/track", "/collect"):
        if parts.path.rstrip("/").endswith(suffix):
            raise ValueError(f"{url!r}: give the base URL, without {suffix}")
    base = url.rstrip("/")
    local = parts.hostname in ("127.0.0.1", "localhost", "::1")
    return TargetSettings(
        name=name or base,
        base_url=base,
        kind="embedded" if local and parts.port == 8686 else "remote",
    )


def target_from_import(imported: ImportedRequest, *, name: str) -> TargetSettings:
    """A target from an imported curl command (base URL, x-context, extra headers, TLS)."""
    return TargetSettings(
        name=name,
        base_url=imported.base_url,
        x_context=imported.x_context,
        headers=imported.extra_headers,
        timeout=imported.timeout or 10.0,
        verify_tls=not imported.insecure,
    )
