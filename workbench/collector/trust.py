"""Who may talk to the collector: the Host check, the origin rule, CORS and the token.

The collector listens on a well-known port of the user's machine and holds what
was sent to it (payloads, customers' debug output, e-mail addresses). Any web
page the user visits can make the browser call it, so every request passes
:class:`TrustMiddleware`, which applies three rules in this order:

1. **Host.** The ``Host`` header must name the collector: a loopback name or
   address (``localhost``, ``*.localhost``, ``127.x.y.z``, ``::1``), a name the
   user allowed (``--allow-host``), the address it binds, or (when it binds all
   interfaces) any IP address. Anything else is answered 421 with how to allow
   it: a page on ``evil.example`` whose DNS name was rebound to 127.0.0.1 sends
   ``Host: evil.example`` and is refused.
2. **Tracking is open.** :data:`TRACKING_PATHS` (``/track``, ``/collect/...``,
   ``/healthcheck``) answer every origin, preflights included, with a CORS grant
   and without a token: trackers run on any site.
3. **Everything else is the owner's.** Other routes answer clients that send
   no ``Origin`` (curl, the CLI, the app) and the collector's own pages (an
   ``Origin`` whose host passes the Host check and whose port is the collector's);
   another origin gets no CORS grant, a denied preflight and a 403 whose
   ``detail`` says why, unless it presents the token. A request without
   ``Origin`` that a browser marks ``Sec-Fetch-Site: cross-site``/``same-site``
   (a form or ``<img>`` on another page) is refused the same way.

**Token.** With a token configured (always when binding beyond loopback: the
server generates one unless ``--token`` gives it), every route except
:data:`TRACKING_PATHS` and :data:`OPEN_PAGES` requires it, from every client. It
is accepted as ``Authorization: Bearer <token>``, as ``?token=<token>`` (for
links and ``EventSource``, which cannot set headers; a page loaded that way
also gets an ``HttpOnly`` cookie, so its own same-origin calls carry the token)
and, for the collector's own pages only, as that cookie. The token is compared
in constant time and masked in the request log.

To make a new route public, add its path or prefix to :data:`TRACKING_PATHS`
(open to every origin) or :data:`OPEN_PAGES` (a page of ours: no token, but
still no grant to other origins). Nothing else needs to change.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from workbench.store.collector.codec import dumps

__all__ = [
    "OPEN_PAGES",
    "TOKEN_COOKIE",
    "TRACKING_PATHS",
    "TrustMiddleware",
    "TrustPolicy",
    "generate_token",
    "is_loopback_host",
    "is_open_page",
    "is_tracking_path",
]

#: Paths (exact, or a prefix when ending in ``/``) open to every origin, without a token.
TRACKING_PATHS: tuple[str, ...] = ("/track", "/collect/", "/healthcheck")
#: The collector's own pages that need no token (they hold no captured data). Other
#: origins still get no CORS grant for them.
OPEN_PAGES: tuple[str, ...] = ("/openapi.json", "/docs", "/demo/", "/demo", "/favicon.ico")
#: The cookie a page loaded with ``?token=`` receives.
TOKEN_COOKIE = "workbench_token"

_PREFLIGHT_METHODS = b"DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT"
_WILDCARDS = frozenset({"", "0.0.0.0", "::", "*"})


def _matches(path: str, patterns: Iterable[str]) -> bool:
    for pattern in patterns:
        if pattern.endswith("/"):
            if path.startswith(pattern):
                return True
        elif path == pattern:
            return True
    return False


def is_tracking_path(path: str) -> bool:
    """Whether *path* is a tracking route (open to every origin, never needs a token)."""
    return _matches(path, TRACKING_PATHS)


def is_open_page(path: str) -> bool:
    """Whether *path* is one of the collector's pages that need no token."""
    return _matches(path, OPEN_PAGES)


def generate_token() -> str:
    """A fresh random token (32 URL-safe characters)."""
    return secrets.token_urlsafe(24)


def _bare_host(host: str) -> str:
    """``[::1]:8686`` -> ``::1``, ``Example.COM:80`` -> ``example.com``."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    if host.count(":") == 1:
        return host.split(":", 1)[0]
    return host.rstrip(".")


def _ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def is_loopback_host(host: str) -> bool:
    """Whether *host* (a name or address, without port) always means this machine."""
    host = _bare_host(host)
    if host == "localhost" or host.endswith(".localhost"):
        return True
    address = _ip(host)
    return address is not None and address.is_loopback


@dataclass(frozen=True)
class Verdict:
    """What the middleware does with one request."""

    status: int = 0  # 0: let it through
    detail: str = ""
    grant: bool = False  # add a CORS grant for the request's Origin
    set_cookie: bool = False  # the token came in the query: give the page its cookie

    @property
    def refused(self) -> bool:
        return self.status != 0


#: The verdicts of a tracking route (shared: a frozen dataclass costs to build).
_OPEN = Verdict()
_OPEN_GRANTED = Verdict(grant=True)

#: How many distinct ``Host`` values :meth:`TrustPolicy.host_allowed` remembers.
_HOST_ANSWERS_KEPT = 256


class TrustPolicy:
    """The rules of the module docstring for one collector.

    *host* is the address the collector binds, *allowed_hosts* the extra ``Host``
    names the user allowed, *token* the token (None: only loopback and own pages).
    """

    def __init__(
        self, host: str = "127.0.0.1", allowed_hosts: Iterable[str] = (), token: str | None = None
    ) -> None:
        self.bind_host = host
        self.wildcard = host.strip() in _WILDCARDS
        names = {_bare_host(name) for name in allowed_hosts if name.strip()}
        if not self.wildcard:
            names.add(_bare_host(host))
        self.allowed_hosts = frozenset(names)
        self.token = token or None
        self._token_bytes = token.encode() if token else b""
        self._host_answers: dict[str, bool] = {}

    # -- the pieces ------------------------------------------------------------------

    def host_allowed(self, host: str | None) -> bool:
        """Whether a request with this ``Host`` header value may be answered.

        The answer depends only on the value and this policy, and a client sends the
        same few values again and again: it is remembered per value (a bounded table,
        so a stream of made-up hosts cannot grow it) instead of parsing an address on
        every request.
        """
        if host is None:
            return True  # HTTP/1.0 without Host: not a browser
        known = self._host_answers.get(host)
        if known is None:
            known = self._host_allowed(host)
            if len(self._host_answers) >= _HOST_ANSWERS_KEPT:
                self._host_answers.clear()
            self._host_answers[host] = known
        return known

    def _host_allowed(self, host: str) -> bool:
        bare = _bare_host(host)
        if not bare or is_loopback_host(bare) or bare in self.allowed_hosts:
            return True
        # Bound to every interface: any of the machine's addresses (an IP has no DNS to rebind).
        return self.wildcard and _ip(bare) is not None

    def is_own_origin(self, origin: str, host: str | None) -> bool:
        """Whether *origin* is a page the collector itself served (same port, allowed host)."""
        try:
            parts = urlsplit(origin)
            origin_port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            return False
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return False
        if not self.host_allowed(parts.hostname):
            return False
        if host is None:
            return False
        try:
            request_port = urlsplit(f"http://{host.strip()}").port or 80
        except ValueError:
            return False
        return origin_port == request_port

    def token_matches(self, presented: str | None) -> bool:
        if not self._token_bytes or not presented:
            return False
        return hmac.compare_digest(presented.strip().encode(), self._token_bytes)

    def host_refusal(self, host: str) -> Verdict:
        name = _bare_host(host)
        return Verdict(
            421,
            f"This collector does not answer to the host name {name!r} (Host: {host}). It "
            "answers only to loopback names and addresses and to names you allowed, so that "
            "a web page cannot reach it by rebinding its DNS name to this machine. To allow "
            f"it, start the collector with --allow-host {name} (or bind it with --host).",
        )

    # -- the decision ----------------------------------------------------------------

    def decide(self, scope: Scope, *, preflight: bool) -> Verdict:
        """The :class:`Verdict` for *scope* (see the module docstring for the rules)."""
        headers = _Headers(scope["headers"])
        host = headers.host
        if not self.host_allowed(host):
            assert host is not None
            return self.host_refusal(host)
        path: str = scope["path"]
        origin = headers.origin
        if is_tracking_path(path):
            return _OPEN_GRANTED if origin is not None else _OPEN
        own = origin is not None and self.is_own_origin(origin, host)
        bearer = self.token_matches(headers.bearer)
        query_token = self.token_matches(_query_token(scope))
        browser_cross = origin is None and headers.fetch_site in ("cross-site", "same-site")
        own_page = (origin is None and not browser_cross) or own
        cookie = own_page and self.token_matches(headers.cookie_token)
        if preflight:
            if own:
                return Verdict(grant=True)
            if self.token is not None and "authorization" in headers.requested_headers:
                return Verdict(grant=True)  # the real request must then carry the token
            return Verdict(
                403,
                f"Cross-origin request from {origin} refused: only tracking routes "
                f"({', '.join(TRACKING_PATHS)}) answer other web pages. {_TOKEN_HINT}",
            )
        authorized = bearer or query_token or cookie
        if not own_page and not authorized:
            who = f"the web page at {origin}" if origin else "a page on another site"
            return Verdict(
                403,
                f"Refused: {who} may not read or change the collector's data. Only tracking "
                f"routes ({', '.join(TRACKING_PATHS)}) answer other web pages; "
                f"{path} answers clients without an Origin (curl, the CLI, the app) and the "
                f"collector's own pages. {_TOKEN_HINT}",
            )
        if self.token is not None and not authorized and not is_open_page(path):
            return Verdict(
                401,
                f"{path} requires the collector's token: send 'Authorization: Bearer <token>' "
                "(the token is printed when the collector starts and shown in the app's "
                "collector panel), or open pages with ?token=<token>.",
            )
        return Verdict(
            grant=origin is not None and (own or bearer or query_token),
            set_cookie=query_token and not bearer and scope["method"] in ("GET", "HEAD"),
        )


_TOKEN_HINT = "A client holding the collector's token may send it as 'Authorization: Bearer'."


def _query_token(scope: Scope) -> str | None:
    raw: bytes = scope.get("query_string", b"")
    if b"token=" not in raw:
        return None
    for name, value in parse_qsl(raw.decode("latin-1")):
        if name == "token":
            return value
    return None


class _Headers:
    """The few request headers the policy reads, found in one pass."""

    __slots__ = ("bearer", "cookie_token", "fetch_site", "host", "origin", "requested_headers")

    def __init__(self, raw: list[tuple[bytes, bytes]]) -> None:
        self.host: str | None = None
        self.origin: str | None = None
        self.bearer: str | None = None
        self.cookie_token: str | None = None
        self.fetch_site: str | None = None
        self.requested_headers: frozenset[str] = frozenset()
        for name, value in raw:
            if name == b"host" and self.host is None:
                self.host = value.decode("latin-1")
            elif name == b"origin":
                self.origin = value.decode("latin-1")
            elif name == b"authorization":
                scheme, _, credential = value.decode("latin-1").strip().partition(" ")
                if scheme.lower() == "bearer":
                    self.bearer = credential
            elif name == b"cookie":
                for part in value.decode("latin-1").split(";"):
                    key, _, cookie = part.strip().partition("=")
                    if key == TOKEN_COOKIE:
                        self.cookie_token = cookie
            elif name == b"sec-fetch-site":
                self.fetch_site = value.decode("latin-1").strip().lower()
            elif name == b"access-control-request-headers":
                self.requested_headers = frozenset(
                    item.strip().lower() for item in value.decode("latin-1").split(",")
                )


def _is_preflight(scope: Scope) -> bool:
    if scope["method"] != "OPTIONS":
        return False
    names = {name for name, _ in scope["headers"]}
    return b"origin" in names and b"access-control-request-method" in names


class TrustMiddleware:
    """Applies :class:`TrustPolicy` to every HTTP request (see the module docstring).

    It answers preflights itself (a grant echoes the origin, allows credentials and
    the requested headers — e.g. ``x-timestamp`` — for 600 s), adds
    ``Access-Control-Allow-Origin: <origin>`` + ``Allow-Credentials`` + ``Vary:
    Origin`` to granted answers, and answers refusals as JSON ``{"detail": ...}``.
    *shortcut* ``(test, handler)`` sends the requests the test accepts straight to
    the handler instead of the inner app (the ``/track`` fast path), after the same
    checks.
    """

    def __init__(
        self,
        app: ASGIApp,
        policy: Callable[[], TrustPolicy] | TrustPolicy,
        shortcut: tuple[Callable[[Scope], bool], ASGIApp] | None = None,
    ) -> None:
        self.app = app
        self._policy = policy
        self.shortcut = shortcut

    @property
    def policy(self) -> TrustPolicy:
        return self._policy if isinstance(self._policy, TrustPolicy) else self._policy()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        preflight = _is_preflight(scope)
        policy = self.policy
        verdict = policy.decide(scope, preflight=preflight)
        info = scope.get("workbench")
        if verdict.refused:
            if info is not None:
                info["reason"] = verdict.detail
            extra = [(b"www-authenticate", b"Bearer")] if verdict.status == 401 else []
            await _send_detail(send, verdict.status, verdict.detail, extra)
            return
        origin = _Headers(scope["headers"]).origin if verdict.grant else None
        if preflight:
            await _send_preflight(send, origin or "", scope["headers"])
            return
        extra = []
        if origin is not None:
            extra = [
                (b"access-control-allow-origin", origin.encode("latin-1")),
                (b"access-control-allow-credentials", b"true"),
                (b"vary", b"Origin"),
            ]
        if verdict.set_cookie and policy.token is not None:
            extra.append(
                (
                    b"set-cookie",
                    f"{TOKEN_COOKIE}={policy.token}; HttpOnly; SameSite=Strict; Path=/".encode(),
                )
            )
        if extra:
            inner_send = send

            async def send_with_grant(message: Message) -> None:
                if message["type"] == "http.response.start":
                    message = {**message, "headers": [*message.get("headers", []), *extra]}
                await inner_send(message)

            send = send_with_grant
        if self.shortcut is not None and self.shortcut[0](scope):
            await self.shortcut[1](scope, receive, send)
        else:
            await self.app(scope, receive, send)


async def _send_detail(
    send: Send, status: int, detail: str, extra: list[tuple[bytes, bytes]]
) -> None:
    body = dumps({"detail": detail})
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        *extra,
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _send_preflight(send: Send, origin: str, raw: list[tuple[bytes, bytes]]) -> None:
    headers = [
        (b"access-control-allow-origin", origin.encode("latin-1")),
        (b"access-control-allow-credentials", b"true"),
        (b"vary", b"Origin"),
        (b"access-control-allow-methods", _PREFLIGHT_METHODS),
        (b"access-control-max-age", b"600"),
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"content-length", b"2"),
    ]
    requested = next((v for n, v in raw if n == b"access-control-request-headers"), None)
    if requested:
        headers.append((b"access-control-allow-headers", requested))
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": b"OK"})
