"""Driving the collector app in process: a synchronous client over httpx's ASGI transport.

Starlette's own TestClient wants another HTTP package; httpx's ``ASGITransport``
is async only, so this wraps an ``AsyncClient`` in a private event loop. The
``Host`` header comes from the base URL (``127.0.0.1:8686``, which the Host
check answers).
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

__all__ = ["OWN", "InProcessClient"]

OWN = "http://127.0.0.1:8686"


class InProcessClient:
    """A synchronous face on an ``httpx.AsyncClient`` over the app (cookies kept)."""

    def __init__(self, app: Any, base_url: str = OWN) -> None:
        self._loop = asyncio.new_event_loop()
        self._client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=base_url)

    @property
    def base_url(self) -> httpx.URL:
        return self._client.base_url

    @property
    def cookies(self) -> httpx.Cookies:
        return self._client.cookies

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        return self._loop.run_until_complete(self._client.request(method, url, **kwargs))

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)

    def put(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("PUT", url, **kwargs)

    def patch(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("PATCH", url, **kwargs)

    def delete(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("DELETE", url, **kwargs)

    def head(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("HEAD", url, **kwargs)

    def options(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("OPTIONS", url, **kwargs)

    def close(self) -> None:
        if self._loop.is_closed():
            return
        self._loop.run_until_complete(self._client.aclose())
        self._loop.close()

    def __enter__(self) -> InProcessClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
