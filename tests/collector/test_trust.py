"""The trust boundary: tracking is open to every origin, everything else is the owner's.

Route rules are checked in process (httpx's ASGI transport, ``Host`` taken from
the base URL); the token generated for a non-loopback bind and the CLI's
options over real sockets.
"""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.collector.helpers import minimal
from tests.collector.inprocess import OWN, InProcessClient
from tests.conftest import ROOT
from workbench.collector import CollectorConfig, CollectorServer
from workbench.collector.trust import TRACKING_PATHS, TrustPolicy, is_loopback_host

EVIL = "http://evil.example"
PORT = 8686


def _app_client(**fields: Any) -> Iterator[InProcessClient]:
    fields.setdefault("port", PORT)
    fields.setdefault("accept_any_source", True)
    server = CollectorServer(CollectorConfig(**fields))  # never started: in process only
    client = InProcessClient(server.app)
    try:
        yield client
    finally:
        client.close()
        server.stop()


@pytest.fixture
def app_client() -> Iterator[InProcessClient]:
    yield from _app_client()


@pytest.fixture
def token_client() -> Iterator[InProcessClient]:
    yield from _app_client(token="s3cret-token-value")


def _stats(client: InProcessClient) -> dict[str, Any]:
    response = client.get("/_workbench/stats")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


# -- tracking stays open -------------------------------------------------------------


def test_another_origin_can_track_and_read_the_answer(app_client: InProcessClient) -> None:
    response = app_client.post("/track", json=minimal(), headers={"Origin": EVIL})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == EVIL
    assert response.headers["access-control-allow-credentials"] == "true"


def test_another_origin_gets_a_preflight_grant_for_tracking(app_client: InProcessClient) -> None:
    for path in ("/track", "/collect/page-view/source-id", "/healthcheck"):
        response = app_client.options(
            path,
            headers={
                "Origin": EVIL,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type,x-timestamp",
            },
        )
        assert response.status_code == 200, path
        assert response.headers["access-control-allow-origin"] == EVIL
        assert response.headers["access-control-allow-headers"] == "content-type,x-timestamp"


def test_collect_get_from_another_origin_is_tracked(app_client: InProcessClient) -> None:
    response = app_client.get("/collect/page-view/source-id?a=1", headers={"Origin": EVIL})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == EVIL


# -- everything else refuses other origins -------------------------------------------


@pytest.mark.parametrize(
    "path", ["/_workbench/requests?full=true", "/_workbench/events", "/event-sources", "/"]
)
def test_another_origin_cannot_read(app_client: InProcessClient, path: str) -> None:
    response = app_client.get(path, headers={"Origin": EVIL})
    assert response.status_code == 403
    assert "access-control-allow-origin" not in response.headers
    detail = response.json()["detail"]
    assert EVIL in detail
    assert "/track" in detail


def test_a_simple_cross_origin_post_cannot_reset(app_client: InProcessClient) -> None:
    app_client.post("/track", json=minimal())
    before = _stats(app_client)["events"]
    response = app_client.post(
        "/_workbench/reset", content=b"x", headers={"Origin": EVIL, "Content-Type": "text/plain"}
    )
    assert response.status_code == 403
    assert before > 0
    assert _stats(app_client)["events"] == before


def test_a_cross_origin_preflight_for_admin_routes_is_denied(app_client: InProcessClient) -> None:
    response = app_client.options(
        "/_workbench/flow",
        headers={
            "Origin": EVIL,
            "Access-Control-Request-Method": "PUT",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert response.status_code == 403
    assert "access-control-allow-origin" not in response.headers
    assert "access-control-allow-methods" not in response.headers


@pytest.mark.parametrize(
    "origin", ["null", "http://localhost:3000", "http://127.0.0.1:9999", "file://", "garbage"]
)
def test_other_local_origins_are_other_origins(app_client: InProcessClient, origin: str) -> None:
    response = app_client.get("/_workbench/stats", headers={"Origin": origin})
    assert response.status_code == 403


def test_a_cross_site_request_without_origin_is_refused(app_client: InProcessClient) -> None:
    # An <img> or a navigation from another page: no Origin, but the browser says where from.
    response = app_client.get("/_workbench/requests", headers={"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 403
    assert "page on another site" in response.json()["detail"]


def test_clients_without_origin_are_answered(app_client: InProcessClient) -> None:
    assert app_client.get("/_workbench/requests").status_code == 200
    assert app_client.post("/_workbench/reset").status_code == 200
    navigated = app_client.get("/", headers={"Sec-Fetch-Site": "none"})
    assert navigated.status_code == 200


@pytest.mark.parametrize("origin", [OWN, f"http://localhost:{PORT}", f"http://[::1]:{PORT}"])
def test_the_collectors_own_pages_are_answered(app_client: InProcessClient, origin: str) -> None:
    response = app_client.get("/_workbench/stats", headers={"Origin": origin})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == origin
    preflight = app_client.options(
        "/_workbench/flow",
        headers={"Origin": origin, "Access-Control-Request-Method": "PUT"},
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == origin


def test_refusals_are_in_the_request_log(app_client: InProcessClient) -> None:
    app_client.get("/_workbench/events", headers={"Origin": EVIL})
    records = app_client.get("/_workbench/requests").json()["requests"]
    refused = next(r for r in records if r["path"] == "/_workbench/events")
    assert refused["status"] == 403
    assert EVIL in refused["reason"]


# -- the Host check -------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/track", "/_workbench/stats", "/"])
def test_a_foreign_host_is_refused_everywhere(app_client: InProcessClient, path: str) -> None:
    response = app_client.post(path, json=minimal(), headers={"Host": "evil.example:8686"})
    assert response.status_code == 421
    detail = response.json()["detail"]
    assert "'evil.example'" in detail
    assert "--allow-host evil.example" in detail
    assert "access-control-allow-origin" not in response.headers


def test_dns_rebinding_is_refused(app_client: InProcessClient) -> None:
    # The page's own origin and Host agree, but the name is not this collector's.
    response = app_client.get(
        "/_workbench/requests",
        headers={"Host": "rebind.example:8686", "Origin": "http://rebind.example:8686"},
    )
    assert response.status_code == 421


@pytest.mark.parametrize(
    "host", ["localhost:8686", "127.0.0.1:8686", "127.9.9.9", "[::1]:8686", "app.localhost:8686"]
)
def test_loopback_hosts_are_answered(app_client: InProcessClient, host: str) -> None:
    assert app_client.get("/_workbench/stats", headers={"Host": host}).status_code == 200


def test_allowed_and_bound_hosts_are_answered() -> None:
    for client in _app_client(allowed_hosts=("class.lan",)):
        allowed = client.get("/_workbench/stats", headers={"Host": "CLASS.lan:8686"})
        assert allowed.status_code == 200
        other = client.get("/_workbench/stats", headers={"Host": "other.lan"})
        assert other.status_code == 421
    policy = TrustPolicy("192.168.1.20")
    assert policy.host_allowed("192.168.1.20:8686")
    assert not policy.host_allowed("192.168.1.21:8686")
    everywhere = TrustPolicy("0.0.0.0")
    assert everywhere.host_allowed("10.0.0.7:8686")
    assert everywhere.host_allowed("[fe80::1]:8686")
    assert not everywhere.host_allowed("attacker.example")


def test_loopback_names() -> None:
    assert is_loopback_host("localhost")
    assert is_loopback_host("[::1]:80")
    assert not is_loopback_host("localhost.evil.example")
    assert not is_loopback_host("0.0.0.0")


# -- the token ------------------------------------------------------------------------


def test_with_a_token_admin_routes_require_it(token_client: InProcessClient) -> None:
    response = token_client.get("/_workbench/stats")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert "Authorization: Bearer" in response.json()["detail"]
    wrong = token_client.get("/_workbench/stats", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    right = token_client.get(
        "/_workbench/stats", headers={"Authorization": "Bearer s3cret-token-value"}
    )
    assert right.status_code == 200
    assert token_client.get("/event-sources").status_code == 401


def test_with_a_token_tracking_and_open_pages_stay_open(token_client: InProcessClient) -> None:
    assert token_client.post("/track", json=minimal(), headers={"Origin": EVIL}).status_code == 200
    assert token_client.get("/healthcheck").status_code == 200


def test_a_page_opened_with_the_token_gets_a_cookie(token_client: InProcessClient) -> None:
    page = token_client.get("/?token=s3cret-token-value")
    assert page.status_code == 200
    assert "HttpOnly" in page.headers["set-cookie"]
    # The page's own calls now carry the cookie (InProcessClient keeps it) ...
    assert token_client.get("/_workbench/stats").status_code == 200
    # ... but another origin cannot ride on it.
    refused = token_client.get("/_workbench/stats", headers={"Origin": EVIL})
    assert refused.status_code == 403
    logged = token_client.get("/_workbench/requests").json()["requests"]
    assert all("s3cret" not in record["query"] for record in logged)


def test_another_origin_holding_the_token_is_answered(token_client: InProcessClient) -> None:
    preflight = token_client.options(
        "/_workbench/stats",
        headers={
            "Origin": EVIL,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "authorization",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == EVIL
    response = token_client.get(
        "/_workbench/stats",
        headers={"Origin": EVIL, "Authorization": "Bearer s3cret-token-value"},
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == EVIL


def test_a_short_token_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 8"):
        CollectorConfig(token="abc")


def test_binding_beyond_loopback_generates_a_token() -> None:
    server = CollectorServer(CollectorConfig(host="0.0.0.0", port=0, accept_any_source=True))
    server.start()
    try:
        assert server.token is not None
        assert len(server.token) >= 30
        url = f"http://127.0.0.1:{server.port}"
        assert httpx.get(f"{url}/_workbench/stats", timeout=5).status_code == 401
        auth = {"Authorization": f"Bearer {server.token}"}
        assert httpx.get(f"{url}/_workbench/stats", headers=auth, timeout=5).status_code == 200
        assert httpx.post(f"{url}/track", json=minimal(), timeout=5).status_code == 200
        assert httpx.get(f"{url}/healthcheck", timeout=5).status_code == 200
    finally:
        server.stop()


def test_loopback_without_a_token_has_none() -> None:
    assert CollectorServer(CollectorConfig(port=0)).token is None


@pytest.mark.slow
def test_the_cli_prints_the_generated_token(free_port: int) -> None:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "workbench",
            "collector",
            "--host",
            "0.0.0.0",
            "--port",
            str(free_port),
            "--memory",
            "--quiet",
            "--allow-host",
            "class.lan",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        assert process.stdout is not None
        lines = []
        for line in process.stdout:
            lines.append(line)
            if line.startswith("Press Ctrl+C"):
                break
        token_line = next(line for line in lines if line.strip().startswith("token:"))
        token = token_line.split(":", 1)[1].strip()
        url = f"http://127.0.0.1:{free_port}"
        auth = {"Authorization": f"Bearer {token}"}
        assert httpx.get(f"{url}/_workbench/stats", headers=auth, timeout=5).status_code == 200
        lan = {**auth, "Host": f"class.lan:{free_port}"}
        assert httpx.get(f"{url}/_workbench/stats", headers=lan, timeout=5).status_code == 200
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=30)
    assert process.returncode == 0


def test_tracking_paths_are_one_list() -> None:
    assert TRACKING_PATHS == ("/track", "/collect/", "/healthcheck")
