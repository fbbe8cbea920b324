"""The collector's API for its event flow: event schemas, mapping rules and segments.

Everything under ``/_workbench/flow`` (the window's editors and scripts that set
up a scenario use the same calls)::

    GET    /_workbench/flow                  the whole flow (schemas, rules, segments)
    PUT    /_workbench/flow                  replace the whole flow
    POST   /_workbench/flow/packs/{name}     load a shipped pack: demo, predefined, empty
    POST   /_workbench/flow/check            check a condition: {"condition", "for": segment|rule}
    POST   /_workbench/flow/evaluate         segments (+ a condition) on a profile; changes nothing
    GET    /_workbench/flow/{kind}           list (kind: schemas, rules, segments)
    POST   /_workbench/flow/{kind}           create or replace the definition in the body
    GET    /_workbench/flow/{kind}/{id}      one definition (schemas are keyed by event type)
    PUT    /_workbench/flow/{kind}/{id}      create or replace it
    DELETE /_workbench/flow/{kind}/{id}      remove it

A definition that does not check is answered 422 in FastAPI's shape with the
exact field in ``loc`` and a message that says what was expected (for a
condition: the character where it goes wrong, with a caret line); nothing is
stored. :func:`install_flow` wires the store, the routes and the processor into
an app built by :func:`workbench.collector.app.create_app`.
"""

from __future__ import annotations

import re
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from workbench.collector.contexts import store_for
from workbench.collector.inputs import json_body
from workbench.collector.processing import FlowProcessor
from workbench.collector.rejections import Rejected, json_response
from workbench.core.flow.conditions import Condition, ConditionError
from workbench.core.flow.explain import Verdict, explain
from workbench.core.flow.model import MappingRule
from workbench.core.flow.operations import DefinitionError
from workbench.store.flow_store import KINDS, FlowStore

__all__ = ["FLOW_PREFIX", "flow_routes", "flow_store_of", "install_flow"]

FLOW_PREFIX = "/_workbench/flow"
_SINGULAR = {"schemas": "event schema", "rules": "mapping rule", "segments": "segment"}
_FIELD_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _json(body: Any, status: int = 200) -> Response:
    return json_response(body, status)


def flow_store_of(app: Starlette) -> FlowStore:
    """The flow store installed in *app* by :func:`install_flow`."""
    store: FlowStore = app.state.flow
    return store


def _store(request: Request) -> FlowStore:
    return flow_store_of(request.app)


def _kind(request: Request) -> str:
    kind = str(request.path_params["kind"])
    if kind not in KINDS:
        raise Rejected(
            404,
            f"unknown kind {kind!r} in {FLOW_PREFIX}/{kind}: expected schemas, rules or segments",
        )
    return kind


async def _body(request: Request) -> Any:
    return await json_body(request, what="the flow definition")


def _loc(field: str) -> list[str | int]:
    loc: list[str | int] = ["body"]
    for name, index in _FIELD_PART.findall(field):
        loc.append(int(index) if index else name)
    return loc


def _invalid(exc: DefinitionError) -> Rejected:
    return Rejected(
        422, [{"type": "value_error", "loc": _loc(exc.field), "msg": str(exc), "input": None}]
    )


async def get_flow(request: Request) -> Response:
    store = _store(request)
    body = store.export()
    body["notice"] = store.notice.message if store.notice is not None else None
    return _json(body)


async def put_flow(request: Request) -> Response:
    data = await _body(request)
    try:
        await run_in_threadpool(_store(request).replace, data)
    except DefinitionError as exc:
        raise _invalid(exc) from None
    return _json(_store(request).export())


async def load_pack(request: Request) -> Response:
    name = request.path_params["name"]
    try:
        await run_in_threadpool(_store(request).load_pack, name)
    except DefinitionError as exc:
        raise Rejected(404, exc.message) from None
    return _json(_store(request).export())


async def check_condition(request: Request) -> Response:
    data = await _body(request)
    if not isinstance(data, dict) or not isinstance(data.get("condition"), str):
        raise Rejected(
            422,
            [
                {
                    "type": "missing",
                    "loc": ["body", "condition"],
                    "input": None,
                    "msg": 'send {"condition": "...", "for": "segment" or "rule"}',
                }
            ],
        )
    target = data.get("for", "segment")
    if target not in ("segment", "rule"):
        raise Rejected(
            422,
            [
                {
                    "type": "value_error",
                    "loc": ["body", "for"],
                    "input": target,
                    "msg": "for: expected 'segment' (profile@ paths) or 'rule' (event@, session@, "
                    "profile@ paths)",
                }
            ],
        )
    roots = ("profile",) if target == "segment" else ("event", "session", "profile")
    try:
        Condition.parse(data["condition"], roots=roots)
    except ConditionError as exc:
        raise Rejected(
            422,
            [
                {
                    "type": "value_error",
                    "loc": ["body", "condition"],
                    "input": data["condition"],
                    "msg": f"condition: {exc}",
                    "position": exc.position,
                    "pointer": exc.pointer(),
                }
            ],
        ) from None
    return _json({"ok": True, "condition": data["condition"]})


async def evaluate_segments(request: Request) -> Response:
    """Why is a profile in (or not in) each segment? Evaluates without changing anything.

    Each segment's answer holds ``why``: the verdict of every part of its
    condition with the values that decided it, and ``failed``: the parts that
    would have to change (see :mod:`workbench.core.flow.explain`). With an
    ``event`` (``{"type", "properties", ...}``) the rules for its type are judged
    the same way (``rules``), against the profile as it is now.
    """
    data = await _body(request)
    if not isinstance(data, dict):
        raise _body_error("body", 'send {"profile_id": "..."} or {"profile": {...}}')
    profile = data.get("profile")
    if profile is None and isinstance(data.get("profile_id"), str):
        profile = store_for(request).get_profile(data["profile_id"])
        if profile is None:
            raise Rejected(404, f"profile {data['profile_id']!r} not found")
    if not isinstance(profile, dict):
        raise _body_error("profile_id", "give profile_id (a stored profile) or profile (an object)")
    event = data.get("event")
    if event is not None and not (isinstance(event, dict) and isinstance(event.get("type"), str)):
        raise _body_error("event", 'event: expected an object with a "type" string')
    roots = {"profile": profile}
    config = _store(request).config
    results = []
    for segment in config.segments:
        verdict = explain(segment.condition, roots)
        holds, errors = segment.condition.evaluate(roots)
        results.append(
            {
                "id": segment.id,
                "name": segment.name or segment.id,
                "condition": segment.condition.text,
                "enabled": segment.enabled,
                "holds": holds,
                "errors": errors,
                "why": verdict.to_dict(),
                "failed": [] if holds else [_part(p) for p in verdict.reasons()],
            }
        )
    body: dict[str, Any] = {
        "profile_id": profile.get("id"),
        "segments": results,
        "in_segments": [s for s in profile.get("segments") or [] if isinstance(s, str)],
    }
    if event is not None:
        body["rules"] = _judge_rules(config.rules_for(event["type"]), event, profile)
    if "condition" in data:
        try:
            condition = Condition.parse(data["condition"], roots=("profile",))
        except ConditionError as exc:
            raise _body_error("condition", f"condition: {exc}") from None
        holds, errors = condition.evaluate(roots)
        verdict = explain(condition, roots)
        body["condition"] = {
            "condition": condition.text,
            "holds": holds,
            "errors": errors,
            "why": verdict.to_dict(),
            "failed": [] if holds else [_part(p) for p in verdict.reasons()],
        }
    return _json(body)


def _part(verdict: Verdict) -> dict[str, Any]:
    return {"part": verdict.text, "because": verdict.sentence, "values": dict(verdict.values)}


def _judge_rules(
    rules: tuple[MappingRule, ...], event: dict[str, Any], profile: dict[str, Any]
) -> list[dict[str, Any]]:
    roots = {"event": event, "session": None, "profile": profile}
    out = []
    for rule in rules:
        entry: dict[str, Any] = {
            "id": rule.id,
            "name": rule.name or rule.id,
            "event_type": rule.event_type,
            "enabled": rule.enabled,
            "condition": rule.condition.text if rule.condition is not None else None,
        }
        if rule.condition is None:
            entry.update(matches=rule.enabled, failed=[], why=None)
        else:
            verdict = explain(rule.condition, roots)
            entry.update(
                matches=rule.enabled and verdict.holds,
                why=verdict.to_dict(),
                failed=[] if verdict.holds else [_part(p) for p in verdict.reasons()],
            )
        out.append(entry)
    return out


def _body_error(field: str, message: str) -> Rejected:
    return Rejected(
        422, [{"type": "value_error", "loc": ["body", field], "msg": message, "input": None}]
    )


async def list_items(request: Request) -> Response:
    return _json(_store(request).list(_kind(request)))


async def create_item(request: Request) -> Response:
    kind = _kind(request)
    data = await _body(request)
    store = _store(request)
    key = KINDS[kind][1]
    existed = isinstance(data, dict) and store.get(kind, str(data.get(key))) is not None
    try:
        saved = await run_in_threadpool(store.put, kind, data)
    except DefinitionError as exc:
        raise _invalid(exc) from None
    return _json(saved, 200 if existed else 201)


def _missing(kind: str, item_id: str) -> Rejected:
    return Rejected(404, f"{_SINGULAR[kind]} {item_id!r} not found")


async def get_item(request: Request) -> Response:
    kind = _kind(request)
    item_id = request.path_params["item_id"]
    item = _store(request).get(kind, item_id)
    if item is None:
        raise _missing(kind, item_id)
    return _json(item)


async def put_item(request: Request) -> Response:
    kind = _kind(request)
    item_id = request.path_params["item_id"]
    data = await _body(request)
    store = _store(request)
    existed = store.get(kind, item_id) is not None
    try:
        saved = await run_in_threadpool(store.put, kind, data, item_id=item_id)
    except DefinitionError as exc:
        raise _invalid(exc) from None
    return _json(saved, 200 if existed else 201)


async def delete_item(request: Request) -> Response:
    kind = _kind(request)
    item_id = request.path_params["item_id"]
    if not await run_in_threadpool(_store(request).delete, kind, item_id):
        raise _missing(kind, item_id)
    return _json({"deleted": item_id})


def flow_routes() -> list[BaseRoute]:
    """The ``/_workbench/flow`` routes (more specific paths first)."""
    return [
        Route(FLOW_PREFIX, get_flow, methods=["GET"]),
        Route(FLOW_PREFIX, put_flow, methods=["PUT"]),
        Route(f"{FLOW_PREFIX}/packs/{{name}}", load_pack, methods=["POST"]),
        Route(f"{FLOW_PREFIX}/check", check_condition, methods=["POST"]),
        Route(f"{FLOW_PREFIX}/evaluate", evaluate_segments, methods=["POST"]),
        Route(f"{FLOW_PREFIX}/{{kind}}", list_items, methods=["GET"]),
        Route(f"{FLOW_PREFIX}/{{kind}}", create_item, methods=["POST"]),
        Route(f"{FLOW_PREFIX}/{{kind}}/{{item_id}}", get_item, methods=["GET"]),
        Route(f"{FLOW_PREFIX}/{{kind}}/{{item_id}}", put_item, methods=["PUT"]),
        Route(f"{FLOW_PREFIX}/{{kind}}/{{item_id}}", delete_item, methods=["DELETE"]),
    ]


def install_flow(app: Starlette, *, custom_processor: bool = False) -> FlowStore:
    """Give *app* a flow store (next to its collector store), the routes and the processor.

    The flow is kept in ``flow.json`` in the collector store's folder, or in
    memory when the collector is. With *custom_processor* the app keeps the
    processor it was given (tests and tools that replace processing).
    """
    folder = getattr(app.state.store, "folder", None)
    flow = FlowStore(folder)
    app.state.flow = flow
    app.router.routes.extend(flow_routes())
    if not custom_processor:
        app.state.processor = FlowProcessor(flow, getattr(app.state, "live", None))
    return flow
