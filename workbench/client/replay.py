"""Reproducing a customer's exchange against the embedded collector.

:func:`plan_replay` reads an exchange (from history, a HAR, a bundle) and works
out what to replay: the payload and route as the customer sent them, and the
profile and session they refer to, taken — in this order — from a bundle's
collector data, from the exchange itself (an answer or debugger view that
carries the full documents), or from a remote read (a callable, e.g. admin
reads on the customer's target). :func:`load_state` puts them (and the event
source, so the payload is accepted) into the embedded collector's store;
:func:`replay` then sends the payload to the local collector, whose flow runs
as it is configured, and diffs the customer's answer against the local one.

What could not be found is said in :attr:`ReplayPlan.notes` ("the profile is
not known: the local collector creates a new one"), never silently skipped.

An exchange sent with ``x-context: production`` used the server's production data
set (:func:`replay_context` reads that from the recorded request, as the server
decides it: exactly ``production``, else staging). Planned with that context, the
replay loads its documents into the local collector's production data set and sends
with the same header; the caller looks the documents up in, and passes the store
of, the same data set.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from workbench.client.result import SendResult
from workbench.client.spec import RequestSpec
from workbench.core.compare import comparable
from workbench.core.diff import DiffResult, diff
from workbench.core.exchange import Exchange
from workbench.settings import TargetSettings

__all__ = [
    "ReplayError",
    "ReplayPlan",
    "ReplayResult",
    "load_state",
    "plan_replay",
    "replay",
    "replay_context",
]

#: The collector's two data sets (``x-context``), as :mod:`workbench.collector.contexts`
#: names them.
STAGING = "staging"
PRODUCTION = "production"

_COLLECT = re.compile(r"/collect/([^/?]+)/([^/?]+)(?:/([^/?]+))?")
RemoteRead = Callable[[str, str], Any]  # (kind "profile"|"session", id) -> document or None


class ReplayError(ValueError):
    """The exchange cannot be replayed; the message says why."""


class _Store(Protocol):
    def commit(
        self,
        *,
        profile: dict[str, Any] | None = ...,
        session: dict[str, Any] | None = ...,
        events: Any = ...,
    ) -> object: ...

    def get_source(self, source_id: str) -> Any: ...

    def put_source(self, source: Any) -> None: ...


class _Sender(Protocol):
    def send(self, target: TargetSettings, spec: RequestSpec) -> SendResult: ...


@dataclass(frozen=True)
class ReplayPlan:
    """What a replay sends and what it loads first."""

    spec: RequestSpec
    customer_answer: Any
    source_id: str | None
    profile: dict[str, Any] | None = None
    session: dict[str, Any] | None = None
    sources: tuple[dict[str, Any], ...] = ()
    notes: tuple[str, ...] = ()
    origin: dict[str, str] = field(default_factory=dict)  # where profile/session came from
    context: str = STAGING  # the data set loaded and sent to (``x-context``)


@dataclass(frozen=True)
class ReplayResult:
    """The plan, the local exchange, and the diff customer → local."""

    plan: ReplayPlan
    local: SendResult
    diff: DiffResult
    loaded: tuple[str, ...] = ()

    def summary(self) -> str:
        return f"customer vs local: {self.diff.summary()}"


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _full(document: Any, entity_id: str | None) -> dict[str, Any] | None:
    """A stored-looking document (more than a bare id) with the wanted id."""
    if not isinstance(document, dict) or not entity_id or document.get("id") != entity_id:
        return None
    return document if len(document) > 1 else None


def _from_exchange(exchange: Exchange, kind: str, entity_id: str | None) -> Any:
    view = exchange.view
    section = _dict(getattr(view, kind, None)) if view is not None else {}
    found = _full(section.get("data"), entity_id)
    if found is None:
        found = _full(_dict(_dict(exchange.json).get(kind)), entity_id)
    return found


def _as_exchange(exchange: Exchange | Mapping[str, Any]) -> Exchange:
    if isinstance(exchange, Exchange):
        return exchange
    inner = exchange.get("exchange")
    return Exchange.from_dict(inner if isinstance(inner, Mapping) else exchange)


def replay_context(exchange: Exchange | Mapping[str, Any]) -> str:
    """The data set *exchange* used: ``production`` when its request was sent with
    ``x-context: production`` (the header's name in any case, its value exactly that),
    else ``staging``."""
    request = _as_exchange(exchange).request
    headers = request.headers if request is not None else {}
    for name, value in headers.items():
        if name.lower() == "x-context":
            return PRODUCTION if value == PRODUCTION else STAGING
    return STAGING


def plan_replay(
    exchange: Exchange | Mapping[str, Any],
    *,
    profiles: Mapping[str, dict[str, Any]] | None = None,
    sessions: Mapping[str, dict[str, Any]] | None = None,
    sources: list[dict[str, Any]] | None = None,
    remote: RemoteRead | None = None,
    known_as: str = "bundle",
    context: str = STAGING,
) -> ReplayPlan:
    """Work out the replay of *exchange* (an exchange, its dict or a history entry's dict).

    *profiles* and *sessions* are looked up first (a bundle's data, or the local
    collector's; *known_as* names them in :attr:`ReplayPlan.origin`). *context* is
    the data set they are of, which the replay loads and sends to (usually
    :func:`replay_context` of the exchange)."""
    if context not in (STAGING, PRODUCTION):
        raise ValueError(f"context must be {STAGING!r} or {PRODUCTION!r}, not {context!r}")
    exchange = _as_exchange(exchange)
    request = exchange.request
    payload = request.body if request is not None else None
    route = (request.route or request.url) if request is not None else ""
    collect = _COLLECT.search(route)
    if collect:
        spec = RequestSpec(
            payload=payload if payload is not None else {},
            route="collect",
            collect_event_type=collect.group(1),
            collect_source_id=collect.group(2),
            collect_session_id=collect.group(3),
        )
        source_id: str | None = collect.group(2)
    else:
        if not isinstance(payload, dict):
            raise ReplayError("the exchange holds no tracker payload to replay (no JSON body)")
        debugger = "debugging" in _dict(exchange.json)
        spec = RequestSpec(
            payload=payload,
            route="track",
            profile_less="profile_less=true" in route,
            debugger=debugger,
        )
        source_id = _dict(payload.get("source")).get("id")
    ids = {"profile": exchange.profile_id, "session": exchange.session_id}
    notes: list[str] = []
    origin: dict[str, str] = {}
    found: dict[str, dict[str, Any] | None] = {}
    for kind, table in (("profile", profiles), ("session", sessions)):
        entity_id = ids[kind] if isinstance(ids[kind], str) else None
        document = None
        if entity_id and table and entity_id in table:
            document, origin[kind] = table[entity_id], known_as
        if document is None and entity_id:
            document = _from_exchange(exchange, kind, entity_id)
            if document is not None:
                origin[kind] = "exchange"
        if document is None and entity_id and remote is not None:
            try:
                document = remote(kind, entity_id)
            except Exception as exc:  # a failed remote read is reported, the replay goes on
                notes.append(f"reading the {kind} {entity_id} failed: {exc}")
                document = None
            if document is not None:
                origin[kind] = "remote"
        if document is None:
            if entity_id:
                notes.append(
                    f"the {kind} {entity_id} is not known here: "
                    "the local collector starts a new one"
                )
            else:
                notes.append(f"the exchange names no {kind}")
        found[kind] = document
    answer = exchange.json
    if answer is None:
        answer = exchange.body_text
        if answer is None:
            notes.append("the customer's answer was not recorded: only the local one is shown")
    return ReplayPlan(
        spec=spec,
        customer_answer=answer,
        source_id=source_id if isinstance(source_id, str) else None,
        profile=found["profile"],
        session=found["session"],
        sources=tuple(sources or ()),
        notes=tuple(notes),
        origin=origin,
        context=context,
    )


def load_state(store: _Store, plan: ReplayPlan) -> list[str]:
    """Put the plan's profile, session and event source into the collector store.

    Returns what was loaded, for the user ("profile 0d2d… from the bundle")."""
    from workbench.store.collector.sources import EventSource, source_from_dict

    done: list[str] = []
    if plan.source_id and store.get_source(plan.source_id.lower()) is None:
        known = next((s for s in plan.sources if s.get("id") == plan.source_id), None)
        try:
            source = source_from_dict(known) if known else None
        except ValueError:
            source = None
        store.put_source(
            source
            or EventSource(
                id=plan.source_id,
                name=f"replayed source {plan.source_id[:8]}",
                type=["rest", "webhook"],
                description="Added by a replay so the customer's payload is accepted",
            )
        )
        done.append(f"event source {plan.source_id}")
    if plan.profile is not None:
        store.commit(profile=plan.profile)
        done.append(f"profile {plan.profile['id']} from the {plan.origin.get('profile', '?')}")
    if plan.session is not None:
        store.commit(session=plan.session)
        done.append(f"session {plan.session['id']} from the {plan.origin.get('session', '?')}")
    return done


def replay(
    plan: ReplayPlan,
    *,
    store: _Store,
    sender: _Sender,
    target: TargetSettings,
    ignore: tuple[str, ...] = (),
) -> ReplayResult:
    """Load the plan's state, send its payload to *target* (the embedded collector), diff.

    *store* is the local collector's store of the plan's data set; the payload goes
    with ``x-context: production`` when that is production. Blocking: run it off the
    GUI thread."""
    loaded = load_state(store, plan)
    if plan.context == PRODUCTION:
        target = target.replace(x_context=PRODUCTION)
    local = sender.send(target, plan.spec)
    local_answer = local.json if local.json is not None else local.body_text
    result = diff(comparable(plan.customer_answer), comparable(local_answer), ignore=ignore)
    return ReplayResult(plan, local, result, tuple(loaded))
