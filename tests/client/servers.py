"""Small real HTTP servers for the client tests (loopback, port 0, stdlib only).

:class:`FakeServer` runs ``http.server.ThreadingHTTPServer`` in a thread and
answers with a handler function ``(request) -> Reply``. Imitations of Tracardi
0.7, 0.8.1 and 0.8.2 (from the spec) and broken servers are built on it.
Everything is released on ``close()``: the ``release`` event frees handlers that
hang on purpose, then the server joins its threads (no sleeps anywhere).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

__all__ = [
    "FakeServer",
    "Reply",
    "Request",
    "json_reply",
    "refused_url",
    "self_signed_context",
    "tracardi_handler",
]


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


@dataclass
class Reply:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | Iterator[bytes] = b""


def json_reply(value: Any, status: int = 200, headers: dict[str, str] | None = None) -> Reply:
    return Reply(
        status, {"Content-Type": "application/json", **(headers or {})}, json.dumps(value).encode()
    )


Handler = Callable[[Request, "FakeServer"], Reply]


class _Server(ThreadingHTTPServer):
    daemon_threads = False
    block_on_close = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients that hang up (size limit, cancel) are expected here


class FakeServer:
    """A loopback HTTP(S) server; ``requests`` records what arrived."""

    def __init__(self, handler: Handler, *, tls: ssl.SSLContext | None = None) -> None:
        self.handler = handler
        self.requests: list[Request] = []
        self.release = threading.Event()
        self.arrived = threading.Event()
        self.token = TOKEN  # what the Tracardi imitation accepts; change it to "expire" tokens
        owner = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                request = Request(
                    self.command,
                    parts.path,
                    parse_qs(parts.query),
                    {k.lower(): v for k, v in self.headers.items()},
                    body,
                )
                owner.requests.append(request)
                owner.arrived.set()
                reply = owner.handler(request, owner)
                try:
                    self.send_response(reply.status)
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    if isinstance(reply.body, bytes):
                        self.send_header("Content-Length", str(len(reply.body)))
                        self.end_headers()
                        self.wfile.write(reply.body)
                    else:
                        self.send_header("Connection", "close")
                        self.end_headers()
                        for chunk in reply.body:
                            self.wfile.write(chunk)
                        self.close_connection = True
                except OSError:
                    self.close_connection = True  # the client went away

            do_GET = do_POST = do_PUT = do_DELETE = _serve

        self._server = _Server(("127.0.0.1", 0), _Handler)
        if tls is not None:
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
        self.port = self._server.server_address[1]
        scheme = "https" if tls is not None else "http"
        self.url = f"{scheme}://127.0.0.1:{self.port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )
        self._thread.start()

    def close(self) -> None:
        self.release.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def __enter__(self) -> FakeServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def refused_url() -> tuple[str, socket.socket]:
    """A URL whose port is bound but not listening: connecting is refused at once.

    The caller closes the returned socket when done.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    return f"http://127.0.0.1:{sock.getsockname()[1]}", sock


def self_signed_context(folder: Path) -> ssl.SSLContext:
    """A server TLS context with a fresh self-signed certificate for 127.0.0.1."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "workbench-test")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    return context


# -- Tracardi imitations (spec §3, §10) ----------------------------------------------

PROFILE_ID = "0d2d9dc5-0d60-471e-956f-8766dcb8aba2"
TOKEN = "test-admin-token"


def tracardi_handler(
    version: str,
    *,
    sources: tuple[str, ...] = ("source-id",),
    track_debug: bool = True,
    errors: list[dict[str, Any]] | None = None,
) -> Handler:
    """A handler answering ``/track``, ``/info/version`` and the §10 admin reads like *version*.

    ``version`` is ``"0.7.3"``, ``"0.8.1"`` or ``"0.8.2"``. Profiles are kept per
    server so a returned id is "known" next time.
    """
    profiles: set[str] = set()
    stored: dict[str, dict[str, Any]] = {}

    def handle(request: Request, server: FakeServer) -> Reply:
        if request.path == "/info/version":
            return json_reply(version)
        if request.path == "/user/token":
            form = parse_qs(request.body.decode())
            if form.get("username") == ["admin"] and form.get("password") == ["secret"]:
                return json_reply(
                    {"access_token": server.token, "token_type": "bearer", "roles": []}
                )
            return json_reply({"detail": "Authentication error: bad credentials"}, 400)
        if request.path == "/event-sources":
            if request.headers.get("authorization") != f"Bearer {server.token}":
                return json_reply({"detail": "Not authenticated"}, 401)
            grouped = {"Event sources": [{"id": s, "name": s, "type": ["rest"]} for s in sources]}
            return json_reply({"total": len(sources), "grouped": grouped})
        for kind in ("profile", "session", "event"):
            prefix = f"/{kind}/"
            if request.path.startswith(prefix):
                if request.headers.get("authorization") != f"Bearer {server.token}":
                    return json_reply({"detail": "Invalid authentication credentials"}, 401)
                item = stored.get(f"{kind}:{request.path[len(prefix) :]}")
                if kind == "event" and item is not None:
                    return json_reply({"event": item, "_metadata": {"index": "events"}})
                return json_reply(item)
        if request.path != "/track":
            return json_reply({"detail": "Not Found"}, 404)
        payload = request.json
        source_id = payload["source"]["id"]
        if source_id not in sources:
            return json_reply(
                {
                    "detail": f"Invalid event source `{source_id}`. Request came from IP: `None` "
                    f"width payload: TrackerPayload(...)"
                },
                401,
            )
        if not payload.get("events"):
            return json_reply(None if version >= "0.8.2" else [])
        profile_less = request.query.get("profile_less") == ["true"]
        sent = (payload.get("profile") or {}).get("id")
        profile_id = None if profile_less else (sent if sent in profiles else PROFILE_ID)
        if profile_id and profile_id in profiles and sent != profile_id:
            profile_id = PROFILE_ID
        if profile_id:
            profiles.add(profile_id)
            stored[f"profile:{profile_id}"] = {"id": profile_id, "traits": {"seen": True}}
        session_id = (payload.get("session") or {}).get("id") or "generated-session"
        stored[f"session:{session_id}"] = {"id": session_id, "profile": {"id": profile_id}}
        debug = bool((payload.get("options") or {}).get("debugger")) and track_debug
        event_ids = []
        for index, event in enumerate(payload["events"]):
            event_id = f"event-{index}"
            event_ids.append(event_id)
            stored[f"event:{event_id}"] = {"id": event_id, "type": event["type"]}
        if version >= "0.8.2":
            body = {
                "task": "task-1",
                "ux": [],
                "response": {},
                "events": event_ids if debug else [],
                "profile": {"id": profile_id},
                "session": {"id": session_id},
                "errors": errors or [],
                "warnings": [],
            }
            return json_reply(body, 226 if errors else 200)
        if version >= "0.7.4":
            body = {"task": "task-1", "ux": [], "response": {}}
            if profile_id:
                body["profile"] = {"id": profile_id}
            if debug:
                body["event"] = {"ids": event_ids, "saved": len(event_ids)}
                body["session"] = {"id": session_id, "saved": 1}
                if profile_id:
                    body["profile"] = {"id": profile_id, "saved": 1}
            return json_reply(body)
        body = {"source": {"consent": False}, "ux": [], "response": {}}
        if profile_id:
            body["profile"] = {"id": profile_id}
        if debug:
            body["debugging"] = {
                "session": {"saved": 1, "errors": [], "ids": [session_id], "types": []},
                "events": {
                    "saved": len(event_ids),
                    "errors": [],
                    "ids": event_ids,
                    "types": [e["type"] for e in payload["events"]],
                },
                "profile": {
                    "saved": 1,
                    "errors": [],
                    "ids": [profile_id] if profile_id else [],
                    "types": [],
                },
                "execution": {"traces": {}},
                "segmentation": {"errors": [], "ids": ["vip"]},
                "logs": [{"type": "warning", "message": "rule X skipped"}],
            }
        return json_reply(body)

    return handle
