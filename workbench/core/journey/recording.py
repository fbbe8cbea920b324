"""Recording: a journey document from exchanges that happened (history, forwarded traffic).

:func:`journey_from_exchanges` turns exchanges (their dict form, oldest first)
into a journey document ready to edit and run:

* each exchange becomes a step with its route and payload. Profile and session
  ids are taken out of the payloads: the runner threads identity through the
  steps as the JS tracker does, so the journey replays against a fresh
  collector. A change of session between two steps becomes ``new_visit``; a
  different profile (not seen before) becomes ``forget_profile``;
* expectations come from the answers: the status; whether the profile was new
  or known (and, once known, that it is the same profile, through a captured
  variable); events saved; segments entered and left; no errors;
* ``options.debugger`` is left to the step's ``debugger`` switch (on by default).

Nothing here reads files or the network: the caller passes the exchanges.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from workbench.core.exchange import Exchange

__all__ = ["journey_from_exchanges", "step_from_exchange"]

_PROFILE_VARIABLE = "profile_id"


def _route_of(request: Mapping[str, Any]) -> str | None:
    """The step's route, or None when the exchange's route cannot be replayed."""
    route = str(request.get("route") or "/track")
    if route.startswith("/collect"):
        parts = [p for p in route[len("/collect") :].split("?", 1)[0].split("/") if p]
        return "collect/" + "/".join(parts) if 2 <= len(parts) <= 3 else None
    if "profile_less=true" in route:
        return "profile-less"
    return "track"


def _payload_of(request: Mapping[str, Any], route: str) -> dict[str, Any]:
    body = request.get("body")
    payload = dict(body) if isinstance(body, Mapping) else {}
    if route.startswith("collect/"):
        return payload
    payload.pop("profile", None)
    payload.pop("session", None)
    options = payload.get("options")
    if isinstance(options, Mapping) and "debugger" in options:
        rest = {k: v for k, v in options.items() if k != "debugger"}
        if rest:
            payload["options"] = rest
        else:
            payload.pop("options")
    return payload


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _id_of(section: Any) -> str | None:
    value = section.get("id") if isinstance(section, Mapping) else None
    return value if isinstance(value, str) and value else None


def _name_of(index: int, route: str, payload: Mapping[str, Any]) -> str:
    if route.startswith("collect/"):
        return f"{index + 1}. webhook {route.split('/')[1]}"
    events = payload.get("events")
    types = (
        [str(e.get("type")) for e in events or [] if isinstance(e, Mapping) and e.get("type")]
        if isinstance(events, list)
        else []
    )
    what = ", ".join(types[:3]) + ("…" if len(types) > 3 else "") if types else "no events"
    prefix = "profile-less " if route == "profile-less" else ""
    return f"{index + 1}. {prefix}{what}"


def _typed(exchange: Exchange | Mapping[str, Any]) -> Exchange:
    return exchange if isinstance(exchange, Exchange) else Exchange.from_dict(exchange)


def _request_of(exchange: Exchange) -> Mapping[str, Any]:
    return exchange.request.to_dict(masked=False) if exchange.request is not None else {}


def _view_of(exchange: Exchange) -> Mapping[str, Any]:
    return exchange.view.to_dict() if exchange.view is not None else {}


def step_from_exchange(
    exchange: Exchange | Mapping[str, Any], index: int, *, known_profile: bool = False
) -> dict[str, Any]:
    """One step for *exchange* (see the module docstring); *known_profile*: an earlier
    step captured this exchange's profile id as ``{{profile_id}}``."""
    exchange = _typed(exchange)
    request = _request_of(exchange)
    view = _view_of(exchange)
    route = _route_of(request) or "track"
    payload = _payload_of(request, route)
    step: dict[str, Any] = {"name": _name_of(index, route, payload), "send": payload}
    if route != "track":
        step["route"] = route
    expect: dict[str, Any] = {}
    status = exchange.status
    if isinstance(status, int):
        expect["status"] = status
    profile = view.get("profile")
    if isinstance(profile, Mapping):
        new = profile.get("new")
        if isinstance(new, bool):
            expect["debug@profile.new"] = new
        if known_profile:
            expect["debug@profile.id"] = "{{" + _PROFILE_VARIABLE + "}}"
    if view.get("profile_less") is True:
        expect["debug@profile_less"] = True
    events = view.get("events")
    if isinstance(events, Mapping):
        saved = events.get("saved")
        if isinstance(saved, int) and not isinstance(saved, bool):
            expect["debug@events.saved"] = saved
        elif isinstance(events.get("ids"), list) and events["ids"]:
            expect["debug@events.ids"] = {"len": len(events["ids"])}
    segmentation = view.get("segmentation")
    if isinstance(segmentation, Mapping):
        for key in ("entered", "left"):
            names = segmentation.get(key)
            if isinstance(names, list) and names:
                expect[f"debug@segmentation.{key}"] = [str(n) for n in names]
    errors = view.get("errors")
    if isinstance(errors, list) and not errors and isinstance(status, int) and status < 300:
        expect["debug@errors"] = {"len": 0}
    if expect:
        step["expect"] = expect
    return step


def journey_from_exchanges(
    exchanges: Iterable[Exchange | Mapping[str, Any]], *, name: str = "recorded journey"
) -> dict[str, Any]:
    """A journey document (what a journey file holds) for *exchanges*, oldest first."""
    steps: list[dict[str, Any]] = []
    profiles: list[str] = []
    last_session: dict[str, str] = {}
    captured = False
    for given in exchanges:
        exchange = _typed(given)
        request = _request_of(exchange)
        if _route_of(request) is None:
            continue  # e.g. a /collect call without its event type: nothing to replay
        index = len(steps)
        view = _view_of(exchange)
        raw_body = request.get("body")
        body: Mapping[str, Any] = raw_body if isinstance(raw_body, Mapping) else {}
        profile_id = view.get("profile_id") or _id_of(body.get("profile"))
        session_id = view.get("session_id") or _id_of(body.get("session"))
        source = _id_of(body.get("source")) or ""
        known = isinstance(profile_id, str) and profile_id in profiles[:1] and captured
        step = step_from_exchange(exchange, index, known_profile=known)
        route = step.get("route", "track")
        if (
            route == "track"
            and isinstance(profile_id, str)
            and profiles
            and (profile_id not in profiles)
        ):
            step["forget_profile"] = True  # another visitor: start as a first visit
        elif (
            route == "track"
            and isinstance(session_id, str)
            and source in last_session
            and last_session[source] != session_id
        ):
            step["new_visit"] = True
        if isinstance(session_id, str) and route == "track":
            last_session[source] = session_id
        if isinstance(profile_id, str) and route != "profile-less":
            if not profiles:
                step["capture"] = {_PROFILE_VARIABLE: "debug@profile.id"}
                captured = True
            if profile_id not in profiles:
                profiles.append(profile_id)
        steps.append(step)
    return {"name": name, "steps": steps}
