"""The OpenAPI 3.1 document built from an app's route table and :data:`OPERATIONS`."""

from __future__ import annotations

import copy
import re
from typing import Any

from starlette.applications import Starlette
from starlette.routing import BaseRoute, Route

from workbench import __version__
from workbench.collector.openapi.operations import OPERATIONS
from workbench.collector.openapi.parts import _COMMON_ANSWERS, _DETAIL, _OWNER_ANSWERS, _PARAM
from workbench.collector.trust import TRACKING_PATHS, TrustPolicy, is_open_page, is_tracking_path
from workbench.resources import read_json_resource
from workbench.store.collector.codec import dumps, loads

__all__ = ["openapi_document"]


def _payload_schemas() -> dict[str, Any]:
    """The tracker payload schema and its definitions, refs pointing into components."""
    schema = copy.deepcopy(read_json_resource("schemas", "tracker-payload.schema.json"))
    definitions = schema.pop("$defs", {})
    schema.pop("$schema", None)
    schema.pop("$id", None)
    text = dumps({"TrackerPayload": schema, **definitions}).decode()
    text = text.replace('"#/$defs/', '"#/components/schemas/')
    result: dict[str, Any] = loads(text.encode())
    return result


def _who(path: str, policy: TrustPolicy | None) -> tuple[str, list[dict[str, Any]] | None]:
    token = policy is not None and policy.token is not None
    if is_tracking_path(path):
        return "Open to every origin (CORS granted), no token needed.", []
    if is_open_page(path):
        return "Clients without an Origin and the collector's own pages; no token needed.", []
    if token:
        return "Requires the token (Authorization: Bearer).", [{"token": []}]
    return (
        "Clients without an Origin (curl, the CLI, the app) and the collector's own pages; "
        "other web pages only with the token.",
        None,
    )


def _routes(routes: list[BaseRoute]) -> list[tuple[str, str]]:
    found = []
    for route in routes:
        if isinstance(route, Route):
            for method in sorted(route.methods or {"GET"}):
                if method != "HEAD":
                    found.append((route.path, method.lower()))
    return found


def openapi_document(app: Starlette) -> dict[str, Any]:
    """The OpenAPI 3.1 document of *app*'s routes (see the module docstring)."""
    policy: TrustPolicy | None = getattr(app.state, "trust", None)
    paths: dict[str, dict[str, Any]] = {}
    for path, method in _routes(app.routes):
        known = OPERATIONS.get((path, method))
        operation: dict[str, Any] = (
            copy.deepcopy(known)
            if known
            else {
                "summary": f"{method.upper()} {path} (not described yet)",
                "responses": {"200": {"description": "An answer."}},
            }
        )
        who, security = _who(path, policy)
        operation["description"] = (operation.get("description", "") + " " + who).strip()
        if security is not None:
            operation["security"] = security
        operation["operationId"] = f"{method}{re.sub(r'[^A-Za-z0-9]+', '_', path)}".rstrip("_")
        declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
        for name in _PARAM.findall(path):
            if name not in declared:
                operation.setdefault("parameters", []).append(
                    {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
                )
        responses = operation.setdefault("responses", {})
        extra = dict(_COMMON_ANSWERS)
        if not is_tracking_path(path):
            extra.update(_OWNER_ANSWERS)
        for status, answer in extra.items():
            responses.setdefault(status, answer)
        if method in ("post", "put") and "requestBody" not in operation and known is None:
            operation["requestBody"] = {
                "required": False,
                "content": {"application/json": {"schema": {}}},
            }
        paths.setdefault(path, {})[method] = operation
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Workbench collector",
            "version": __version__,
            "description": "The embedded Tracardi-compatible collector of Workbench. Tracking "
            f"routes ({', '.join(TRACKING_PATHS)}) are open to every web page; everything "
            "else answers clients without an Origin and the collector's own pages, and, when "
            "the collector has a token (always when it listens beyond loopback), only "
            "requests presenting it.",
        },
        "paths": paths,
        "components": {
            "schemas": {"Detail": _DETAIL, **_payload_schemas()},
            "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}},
        },
    }
