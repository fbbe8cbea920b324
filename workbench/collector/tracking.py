"""Tracardi's tracking semantics for one request: checks, identity, events, storage, answer.

Order of checks as in Tracardi 0.9: internal (`@`)
source → source check (401) → empty events (200 ``null``) → sessions and
profiles → system events → processing seam →
storage as the options say (JSON booleans only) → response in the
configured format. The debugging block records what really happened. The
payload's own rules (the scheduler's options, the payload a ``/collect`` call
stands for) are in :mod:`workbench.collector.tracking_payload`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from workbench.collector.bots import (
    BOT_DETAIL,
    bot_user_agent,
    is_bot,
    payload_agent,
)
from workbench.collector.config import CollectorConfig
from workbench.collector.documents import (
    INTERNAL_SOURCE_ID,
    EventParts,
    build_event,
    new_id,
    new_profile,
    new_session,
    now_utc,
    system_event,
    touch_session,
    visit_profile,
)
from workbench.collector.event_bytes import AVAILABLE as ENCODE_EARLY
from workbench.collector.event_bytes import SharedBytes, encoded_event
from workbench.collector.processing import (
    ProcessingInput,
    ProcessingResult,
    Processor,
    is_idle,
    log_record,
)
from workbench.collector.rejections import Rejected
from workbench.collector.responses import build_response, save_result
from workbench.collector.session_parts import session_changed, touch_changed, with_agent
from workbench.collector.sources import EventSource, check_source
from workbench.collector.tracking_payload import check_scheduled, collect_payload
from workbench.store.collector.store import CollectorStore

__all__ = ["TrackOutcome", "TrackRequest", "collect_payload", "track"]

_DROPPED_HEADERS = frozenset({"authorization", "cookie"})


@dataclass
class TrackRequest:
    """One tracking call, whatever the route (``/track`` or ``/collect/...``)."""

    payload: dict[str, Any]
    bridge: str  # "rest" for /track, "webhook" for /collect
    headers: list[tuple[str, str]]
    client_ip: str | None
    profile_less: bool = False
    save_session: bool | None = None  # forced by /collect; None = from options
    warnings: list[str] = field(default_factory=list)  # notes from parsing (e.g. ignored options)


@dataclass
class TrackOutcome:
    status: int
    body: Any
    source_id: str | None = None
    event_types: list[str] = field(default_factory=list)
    profile_id: str | None = None
    session_id: str | None = None
    # The store's durability ticket for what was stored (0: nothing). In durable mode
    # the writer was not woken for it: the caller must await until_durable(ticket).
    ticket: int = 0


def _is_on(options: dict[str, Any], key: str, default: bool) -> bool:
    """Tracardi's ``is_on``: only a JSON boolean counts."""
    value = options.get(key)
    return value if isinstance(value, bool) else default


def _ref_id(value: Any) -> str | None:
    if isinstance(value, dict) and isinstance(value.get("id"), str):
        stripped = value["id"].strip()
        return stripped or None
    return None


def _payload_repr(payload: dict[str, Any]) -> str:
    """A short stand-in for the Python repr Tracardi puts in its 401 text."""
    events = payload.get("events") or []
    return (
        f"TrackerPayload(source={payload.get('source')!r}, session={payload.get('session')!r}, "
        f"profile={payload.get('profile')!r}, events=<{len(events)} event(s)>)"
    )


def find_source(store: CollectorStore, source_id: str) -> EventSource | None:
    return store.get_source(source_id) or store.get_source(source_id.lower())


def track(
    store: CollectorStore, config: CollectorConfig, request: TrackRequest, processor: Processor
) -> TrackOutcome:
    """Run one tracking request; raise :class:`Rejected` for a 4xx."""
    payload = request.payload
    source_id = payload["source"]["id"].strip()
    check_scheduled(payload, source_id)
    if source_id.startswith("@"):
        raise Rejected(
            403,
            "Internal event sources are not allowed via API. (Tracardi answers this with "
            f"HTTP 500; Workbench answers 403 because source id `{source_id}` is the "
            "client's mistake: ids starting with '@' are reserved for internal sources.)",
        )
    if request.bridge == "webhook" and bot_user_agent(None, request.headers):
        raise Rejected(401, BOT_DETAIL)  # /collect checks the header agent up front
    if is_bot(payload_agent(payload)):
        raise Rejected(401, BOT_DETAIL)  # the payload's own request.headers, parsed first
    source = find_source(store, source_id)
    rejection = check_source(
        source,
        source_id,
        bridge=request.bridge,
        accept_any=config.accept_any_source,
        payload_repr=_payload_repr(payload) if source is None else "",
    )
    if rejection is not None:
        raise Rejected(rejection.status, rejection.detail)
    raw_events = payload.get("events") or []
    outcome = TrackOutcome(status=200, body=None, source_id=source_id)
    if not raw_events:
        if config.response_format == "counters":
            outcome.body = []  # 0.8.0/0.8.1 answer an empty event list with []
        return outcome
    return _Tracking(store, config, request, source, source_id, processor).run(outcome)


class _Tracking:
    """The state of one request while it is being tracked (keeps :func:`track` readable)."""

    def __init__(
        self,
        store: CollectorStore,
        config: CollectorConfig,
        request: TrackRequest,
        source: EventSource | None,
        source_id: str,
        processor: Processor,
    ) -> None:
        self.store = store
        self.config = config
        self.request = request
        self.payload = request.payload
        self.source = source
        self.source_id = source_id
        self.processor = processor
        self.options = self.payload.get("options") or {}
        self.now = now_utc()
        self.stamp = self.now.isoformat()
        self.logs: list[dict[str, Any]] = []
        self.debug = (
            config.debugger and bool(self.options) and _is_on(self.options, "debugger", False)
        )
        self.loaded_profile: dict[str, Any] | None = None  # as stored: unchanged → not re-saved
        self.loaded_session: dict[str, Any] | None = None
        self.format = config.response_format
        # Whether events may go straight to bytes (see run): nothing reads them as documents.
        self.lean = ENCODE_EARLY and not self.debug

    def log(self, message: str, level: str = "info", **ids: Any) -> None:
        if self.debug:
            self.logs.append(log_record(message, level=level, time=self.stamp, **ids))

    def _stamp_profile(self, profile_id: str | None) -> None:
        """Fill ``profile_id`` into this request's log records once the profile is known."""
        for record in self.logs:
            if record["profile_id"] is None:
                record["profile_id"] = profile_id

    def run(self, outcome: TrackOutcome) -> TrackOutcome:
        payload, options = self.payload, self.options
        for note in self.request.warnings:
            self.log(note, "warning")
        if options:
            save_events = _is_on(options, "saveEvents", True)
            sent_save_session = _is_on(options, "saveSession", True)
            save_profile = _is_on(options, "saveProfile", True)
            full_profile = _is_on(options, "profile", False)
        else:  # the usual payload sends no options: every one has its default
            save_events = sent_save_session = save_profile = True
            full_profile = False
        save_session = (
            self.request.save_session
            if self.request.save_session is not None
            else sent_save_session
        )
        profile_less = self.request.profile_less
        session_id = _ref_id(payload.get("session"))
        profile_id = _ref_id(payload.get("profile"))

        session, session_new, profile, profile_new = self._resolve(
            session_id, profile_id, profile_less
        )
        if session_new and bot_user_agent(payload, self.request.headers):
            raise Rejected(401, BOT_DETAIL)  # checked on new sessions, before anything is saved
        event_profile_id = profile["id"] if profile is not None and save_profile else None
        if profile is not None and not save_profile:
            self.log(f"options.saveProfile is false: profile `{profile['id']}` was not saved")
        context = payload.get("context") or {}
        touched: dict[str, Any] | None = None  # the stored session as this request touched it
        if session is not None:
            untouched = session
            session = touch_session(
                session,
                now=self.now,
                context=context if isinstance(context, dict) else {},
                properties=payload.get("properties") or {},
                profile_id=profile["id"] if profile is not None else None,
                status="active",
                stamp=self.stamp,
            )
            if untouched is self.loaded_session:
                touched = session
            if profile is not None and session_new:
                tz = ((session.get("context") or {}).get("time") or {}).get("tz")
                profile = visit_profile(profile, self.stamp, tz)
        stored_session = session if save_session else None  # what events refer to
        if session is not None and not save_session:
            self.log(
                f"options.saveSession is false: session `{session['id']}` was not saved "
                "and events carry no session"
            )

        # Bytes straight from the payload when nothing reads the events as documents:
        # no event flow, no debugger answer, no system events (a new profile or session).
        lean = (
            self.lean
            and not (profile_new and save_profile)
            and not (session_new and save_session)
            and is_idle(self.processor)
        )
        encoded: list[tuple[str, str, dict[str, Any], bytes]] = []
        saved_encoded = encoded
        stored_id = stored_session["id"] if stored_session is not None else None
        if lean:
            encoded = self._encoded_events(stored_session, event_profile_id, profile_less)
            events: list[dict[str, Any]] = []
            result = ProcessingResult()  # what the idle processor answers
        else:
            events = self._build_events(
                stored_session,
                event_profile_id,
                profile_less,
                profile_new and save_profile,
                session_new and save_session,
            )
            result = self._process(
                profile, session, events, profile_new=profile_new, session_new=session_new
            )
        if result.profile is not None:
            profile = result.profile
        if result.session is not None:
            session = result.session
            stored_session = session if save_session else None
        if result.events is not None:
            events = result.events

        if not save_events:
            self.log("options.saveEvents is false: no event was saved")
            saved_events: list[dict[str, Any]] = []
            saved_encoded = []
        elif lean:  # no debugger: the log of events not saved would not be sent
            saved_events = []
            saved_encoded = [e for e in encoded if e[2].get("save") is not False]
        else:
            saved_events = [e for e in events if e["config"].get("save") is not False]
            if len(saved_events) < len(events):
                skipped = ", ".join(
                    f"`{e['type']}`" for e in events if e["config"].get("save") is False
                )
                self.log(f"options.save is false on event(s) {skipped}: processed, not saved")
        # Saved means written: a known profile or session that this request left as it
        # was is not written again, and the counters say 0 (as Tracardi's do).
        profile_changed = profile is not None and (
            profile is not self.loaded_profile and profile != self.loaded_profile
        )
        written_profile = profile if profile_changed and save_profile else None
        written_session = (
            stored_session
            if stored_session is not None
            and (
                self.loaded_session is None
                or (
                    touch_changed(stored_session, self.loaded_session)
                    if stored_session is touched
                    else session_changed(stored_session, self.loaded_session)
                )
            )
            else None
        )
        outcome.ticket = self.store.commit(
            profile=written_profile,
            session=written_session,
            events=saved_events,
            encoded_events=[
                (event_id, (event_type, self.source_id, event_profile_id or None, stored_id), blob)
                for event_id, event_type, _, blob in saved_encoded
            ]
            if lean
            else (),
            # Durable: the caller awaits until_durable(ticket), which wakes the writer
            # once for every request of this event-loop turn.
            flush=self.config.durability == "durable",
            wake=self.config.durability != "durable",
            owned=True,  # nothing here changes a document once it is stored
        )
        outcome.event_types = [e[1] for e in encoded] if lean else [e["type"] for e in events]
        outcome.profile_id = event_profile_id
        outcome.session_id = stored_session["id"] if stored_session is not None else None
        if self.logs:
            self._stamp_profile(event_profile_id)
        if result.logs:
            self.logs.extend(result.logs)
        debugging: dict[str, Any] = {}
        if self.debug:  # built only when it is sent
            debugging = {
                "session": save_result([written_session] if written_session else []),
                "events": save_result(saved_events, types=True),
                "profile": (
                    None
                    if profile_less
                    else save_result([written_profile] if written_profile else [])
                ),
                "execution": result.execution,
                "segmentation": result.segmentation,
                "logs": self.logs,
            }
            if result.event_reports:  # per event: valid or not and why (the event flow)
                debugging["events"]["validation"] = result.event_reports
        outcome.status, outcome.body = build_response(
            self.config.response_format,
            profile=profile if save_profile else None,
            profile_less=profile_less,
            session_id=outcome.session_id,
            event_ids=[e[0] for e in saved_encoded] if lean else [e["id"] for e in saved_events],
            saved={
                "profile": 1 if written_profile is not None else 0,
                "session": 1 if written_session is not None else 0,
            },
            source=self.source,
            debug=self.debug,
            full_profile=full_profile,
            debugging=debugging,
            result=result,
        )
        return outcome

    def _resolve(
        self,
        session_id: str | None,
        profile_id: str | None,
        profile_less: bool,
    ) -> tuple[dict[str, Any] | None, bool, dict[str, Any] | None, bool]:
        """Which session and profile this request belongs to."""
        stored_session, sent_profile = self.store.peek(session_id, profile_id)
        self.loaded_session = stored_session
        channel = self.source.name if self.source else ""
        if profile_less:
            self.log("profile-less request: no profile was loaded or created")
            if stored_session is not None:
                return stored_session, False, None, False
            session = self._new_session(session_id, channel)
            self.log(self._new_session_text(session_id, session["id"]))
            return session, True, None, False

        if stored_session is not None:
            owner_id = _ref_id(stored_session.get("profile"))
            _, owner = self.store.peek(None, owner_id)
            if owner is not None:
                self.loaded_profile = owner
                if profile_id and profile_id != owner_id:
                    self.log(
                        f"session `{session_id}` belongs to profile `{owner_id}`; the sent "
                        f"profile id `{profile_id}` was ignored (the session's profile wins)",
                        "warning",
                    )
                return stored_session, False, owner, False
            profile = new_profile(new_id(), self.stamp)
            self.log(
                f"session `{session_id}` has no stored profile; new profile "
                f"`{profile['id']}` created and the visit counted"
            )
            return stored_session, True, profile, True

        session = self._new_session(session_id, channel)
        session_new = True
        if sent_profile is not None:
            profile, profile_new = sent_profile, False
            self.loaded_profile = sent_profile
            if session_id is None:
                session_new = False
                self.log(
                    f"no session id sent: session `{session['id']}` generated for known "
                    f"profile `{profile_id}`; not a new visit"
                )
            else:
                self.log(f"session id `{session_id}` unknown: new session created")
        else:
            profile, profile_new = new_profile(new_id(), self.stamp), True
            if profile_id:
                self.log(
                    f"profile id `{profile_id}` unknown, new profile `{profile['id']}` created"
                )
            else:
                self.log(f"no profile id sent: new profile `{profile['id']}` created")
            if session_new:
                self.log(self._new_session_text(session_id, session["id"]))
        return session, session_new, profile, profile_new

    def _encoded_events(
        self, session: dict[str, Any] | None, profile_id: str | None, profile_less: bool
    ) -> list[tuple[str, str, dict[str, Any], bytes]]:
        """What :meth:`_build_events` would store for the sent events, as bytes
        (:mod:`workbench.collector.event_bytes`), when it would add no system event."""
        request = self._request_part()
        channel = self.source.name if self.source else ""
        parts = EventParts(self.source_id, session, profile_id)
        build: dict[str, Any] = {
            "source_id": self.source_id,
            "channel": channel,
            "session": session,
            "profile_id": profile_id,
            "profile_less": profile_less,
            "request": request,
            "debug": self.debug,
            "parts": parts,
        }
        try:
            shared: SharedBytes | None = SharedBytes(
                parts, channel=channel, profile_less=profile_less, debug=self.debug, request=request
            )
        except (TypeError, ValueError):  # a value orjson refuses: each event is built instead
            shared = None
        stamp = self.stamp
        return [
            encoded_event(raw, now=stamp, shared=shared, build=build)
            for raw in self.payload.get("events") or []
        ]

    def _new_session(self, session_id: str | None, channel: str) -> dict[str, Any]:
        forwarded = next(
            (v for k, v in self.request.headers if k.lower() == "x-forwarded-for"), None
        )
        device_ip = forwarded.split(",")[0].strip() if forwarded else None
        session = new_session(
            session_id or new_id(), None, self.now, channel, self.request.client_ip, device_ip
        )
        return with_agent(session, self.payload, self.request.headers)

    @staticmethod
    def _new_session_text(sent: str | None, made: str) -> str:
        if sent:
            return f"session id `{sent}` unknown: new session created"
        return f"no session id sent: new session `{made}` generated"

    def _request_part(self) -> dict[str, Any]:
        headers = {
            name: value
            for name, value in self.request.headers
            if name.lower() not in _DROPPED_HEADERS
        }
        request = self.payload.get("request")
        extra = request if isinstance(request, dict) else {}
        return {**extra, "headers": headers}

    def _build_events(
        self,
        session: dict[str, Any] | None,
        profile_id: str | None,
        profile_less: bool,
        profile_new: bool,
        session_new: bool,
    ) -> list[dict[str, Any]]:
        request = self._request_part()
        channel = self.source.name if self.source else ""
        raw_events = self.payload.get("events") or []
        parts = EventParts(self.source_id, session, profile_id)
        events = [
            build_event(
                raw,
                now=self.stamp,
                source_id=self.source_id,
                channel=channel,
                session=session,
                profile_id=profile_id,
                profile_less=profile_less,
                request=request,
                debug=self.debug,
                parts=parts,
            )
            for raw in raw_events
        ]
        types = [e["type"] for e in events]
        if "visit-ended" in types or self.format == "documented":
            return events  # Tracardi 0.7.3 had no system events (they came with 0.8.1)
        system: list[dict[str, Any]] = []
        common: dict[str, Any] = {
            "now": self.now,
            "session": session,
            "profile_id": profile_id,
            "request": request,
            "channel": channel,
        }
        if profile_new and profile_id and "profile-created" not in types:
            system.append(system_event("profile-created", seconds_before=3, **common))
        if session_new and session is not None:
            system.append(system_event("session-opened", seconds_before=2, **common))
        if session_new and session is not None and self.format != "counters":
            # Up to 0.8.1 visit-started marked only a reopened (ended) session.
            system.append(
                system_event(
                    "visit-started",
                    seconds_before=1,
                    properties={"trigger-event-types": types},
                    **common,
                )
            )
        if system:
            self.log(
                "system events added: "
                + ", ".join(e["type"] for e in system)
                + f" (source `{INTERNAL_SOURCE_ID}`)"
            )
        return events + system

    def _process(
        self,
        profile: dict[str, Any] | None,
        session: dict[str, Any] | None,
        events: list[dict[str, Any]],
        *,
        profile_new: bool,
        session_new: bool,
    ) -> ProcessingResult:
        if is_idle(self.processor):
            return ProcessingResult()  # what the processor would answer, without building its input
        data = ProcessingInput(
            profile=profile,
            session=session,
            events=events,
            payload=self.payload,
            source=self.source,
            debug=self.debug,
            profile_is_new=profile_new,
            session_is_new=session_new,
        )
        return self.processor(data)
