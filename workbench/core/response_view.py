"""One view of every ``/track`` response generation.

Tracardi changed its ``/track`` answer three times:

* ``documented`` (≤ 0.7.3, the user's document): ``{profile, source, ux, response}``
  plus an inline ``debugging`` block (session, events, profile save results,
  execution, segmentation, logs) when the debugger is on;
* ``0.8.1`` (0.7.4 – 0.8.1): ``{task, ux, response, profile: {id}}`` plus
  ``saved`` counters in ``event``/``session``/``profile`` when debugging;
* ``current`` (0.8.2 +): ``{task, ux, response, events, profile: {id},
  session: {id}, errors, warnings}`` — ids only, details through the admin API.
  Tracardi 1.x answers in this shape too (``task`` may be a one-element list).

A key the reader does not know is never dropped silently: the view's ``notes``
name the server version it met (when the caller knows it, from
``GET /info/version``) and every top-level key it could not read, and
``unread`` lists those keys.

:func:`normalize_response` reads any of them (and ``null``/``[]`` bodies of an
empty event list, and ``{"detail": …}`` error bodies) into a :class:`DebugView`
with the same sections whatever the server. A section the response did not
carry is ``None`` and ``missing[section]`` says why, so a reader never wonders
whether the data was empty or simply not returned. This module is pure: the
admin reads that fill details on current servers live in the client, which
hands their results to :meth:`DebugView.with_details`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from workbench.core.debug_view import (
    FORMATS,
    SECTIONS,
    DebugView,
    entity_section,
    short_id,
)

__all__ = [
    "FORMATS",
    "SECTIONS",
    "DebugView",
    "detect_format",
    "normalize_response",
    "short_id",
]

_WHY_NO_DEBUGGER = (
    "the response has no debugging data: send options.debugger = true "
    "(the server must also run with TRACK_DEBUG=yes)"
)
_WHY_CURRENT_IDS_ONLY = (
    "a 0.8.2+ server returns only ids; give the target admin credentials "
    "so Workbench can read the {what} (GET /{path}/{{id}})"
)
_WHY_CURRENT_NO_WORKFLOW = (
    "0.8.2+ servers do not return workflow execution, segmentation or logs in "
    "/track responses (look at the server's logs or its GUI)"
)
_WHY_OLD_NO_ERRORS = "servers before 0.8.2 do not report errors or warnings in /track responses"
#: The sections a documented-format answer carries only with the debugger on.
_NOT_WITHOUT_DEBUGGER = (
    "session",
    "events",
    "execution",
    "segmentation",
    "logs",
    "errors",
    "warnings",
)


def detect_format(body: Any, status: int | None = None) -> str:
    """Which response generation *body* is (one of :data:`FORMATS`)."""
    if status is not None and status >= 400:
        return "error"
    if body is None:
        return "current"  # 0.8.2+ answers an empty event list with ``null``
    if isinstance(body, list):
        return "0.8.1" if not body else "unknown"  # 0.8.0/0.8.1 answer it with ``[]``
    if not isinstance(body, dict):
        return "unknown"
    if "detail" in body and not ({"task", "profile", "debugging"} & body.keys()):
        return "error"
    if "debugging" in body or "source" in body:
        return "documented"
    if "task" in body:
        if "errors" in body or "warnings" in body or isinstance(body.get("events"), list):
            return "current"
        return "0.8.1"
    if set(body) <= {"profile", "ux", "response"} and "profile" in body:
        return "documented"
    return "unknown"


#: The top-level keys each format's reader understands.
_KNOWN_KEYS = {
    "documented": frozenset({"profile", "source", "ux", "response", "debugging"}),
    "0.8.1": frozenset({"task", "ux", "response", "profile", "event", "session"}),
    "current": frozenset(
        {"task", "ux", "response", "events", "profile", "session", "errors", "warnings"}
    ),
}
_FORMAT_RELEASES = {
    "documented": "Tracardi 0.7.3 and older",
    "0.8.1": "Tracardi 0.7.4 to 0.8.1",
    "current": "Tracardi 0.8.2 and later",
}


def normalize_response(
    body: Any,
    *,
    status: int | None = None,
    headers: dict[str, str] | None = None,
    request: Any = None,
    version: str | None = None,
) -> DebugView:
    """Read any ``/track`` response into a :class:`DebugView`.

    *request* (the payload as sent, optional) lets the view tell a new profile
    from a known one and a new session from a continued one; *version* (the
    server's ``/info/version``, when known) is named in the notes about what
    could not be read; *headers* are accepted for symmetry with the client and
    currently unused.
    """
    view = _normalize(body, status, request)
    known = _KNOWN_KEYS.get(view.format)
    if known is None or not isinstance(body, dict):
        if version and view.format == "unknown":
            view = replace(
                view,
                notes=[
                    *view.notes,
                    f"server version {version}: its answer is not a shape "
                    "Workbench knows; nothing could be read (see the raw body)",
                ],
            )
        return view
    if body.keys() <= known:
        return view
    unread = sorted(key for key in body if key not in known)
    met = f"server version {version}" if version else "the server"
    note = (
        f"{met} answered in the shape of {_FORMAT_RELEASES[view.format]}, with "
        f"{len(unread)} top-level section(s) Workbench could not read: "
        + ", ".join(unread)
        + " (shown in the raw body)"
    )
    return replace(view, notes=[*view.notes, note], unread=unread)


def _normalize(body: Any, status: int | None, request: Any) -> DebugView:
    fmt = detect_format(body, status)
    sent = _sent_ids(request)
    if fmt == "error":
        view = _read_error(body, status)
    elif fmt == "documented":
        view = _read_documented(body, status)
    elif fmt == "0.8.1":
        view = _read_081(body, status)
    elif fmt == "current":
        view = _read_current(body, status)
    else:
        view = DebugView(
            format="unknown",
            status=status,
            response=body,
            missing={s: "the response is not a shape Workbench knows" for s in SECTIONS},
            notes=["the body is not a known /track response; see the raw body"],
        )
    view = _known_unchanged_session(view, sent, request)
    return _mark_new(view, sent)


def _known_unchanged_session(
    view: DebugView, sent: tuple[str | None, str | None, bool], request: Any
) -> DebugView:
    """The sent session, when the answer reports a session result that wrote nothing.

    Older formats name the session only in the ids of what was written; a known
    session that this request left as it was is not written again (``saved: 0``,
    no ids), yet it is the session the events belong to. Not when the payload
    asked for no session to be saved (``options.saveSession: false``).
    """
    sent_session = sent[1]
    if view.session_id or not sent_session or not isinstance(view.session, dict):
        return view
    if view.session.get("saved") != 0 or view.format not in ("documented", "0.8.1"):
        return view
    options = request.get("options") if isinstance(request, dict) else None
    if isinstance(options, dict) and options.get("saveSession") is False:
        return view
    session = {**view.session, "id": sent_session, "new": False}
    return replace(view, session_id=sent_session, session=session)


def _sent_ids(request: Any) -> tuple[str | None, str | None, bool]:
    """(profile id, session id, was-the-request-known) from the payload as sent."""
    if not isinstance(request, dict):
        return None, None, False
    return _sent_id(request.get("profile")), _sent_id(request.get("session")), True


def _sent_id(item: Any) -> str | None:
    value = item.get("id") if isinstance(item, dict) else None
    return value.strip() or None if isinstance(value, str) else None


def _mark_new(view: DebugView, sent: tuple[str | None, str | None, bool]) -> DebugView:
    sent_profile, sent_session, known = sent
    if not known or view.format in ("error", "unknown"):
        return view
    changes: dict[str, Any] = {}
    # System events, when the answer lists event types, are the surest sign.
    types = set((view.events or {}).get("types") or [])
    if view.profile_id and not view.profile_less:
        profile = {**entity_section(view.profile_id), **(view.profile or {})}
        if "profile-created" in types or (
            view.logs and _logged(view.logs, f"new profile `{view.profile_id}` created")
        ):
            profile["new"] = True
        elif sent_profile is not None:
            profile["new"] = sent_profile != view.profile_id
        elif sent_session is None:
            profile["new"] = True
        else:
            # A known session brings its own profile: without a
            # profile-created event there is no telling whether this one is new.
            profile["new"] = None
        changes["profile"] = profile
    if view.session_id:
        session = {**entity_section(view.session_id), **(view.session or {})}
        if (
            sent_session is None
            or "session-opened" in types
            or (
                view.logs
                and _logged(
                    view.logs, f"session id `{view.session_id}` unknown: new session created"
                )
            )
        ):
            session["new"] = True
        changes["session"] = session
    return _evolved(view, changes) if changes else view


def _evolved(view: DebugView, changes: dict[str, Any]) -> DebugView:
    """``dataclasses.replace(view, **changes)`` for the plain frozen :class:`DebugView`
    (no ``__post_init__``, no ``init=False`` fields), without running ``__init__``
    again: every /track answer of a send goes through here."""
    new = object.__new__(DebugView)
    fields = new.__dict__
    fields.update(view.__dict__)
    fields.update(changes)
    return new


def _logged(logs: list[Any] | None, text: str) -> bool:
    """Whether a log record says *text* (servers before 0.8.1 send no system events;
    the embedded collector's debugging logs say when it created a profile or session)."""
    return any(isinstance(r, dict) and text in str(r.get("message", "")) for r in logs or [])


def _read_error(body: Any, status: int | None) -> DebugView:
    detail = body.get("detail") if isinstance(body, dict) else body
    if isinstance(detail, list):
        errors = [d if isinstance(d, dict) else {"message": str(d)} for d in detail]
    elif detail is None:
        errors = []
    else:
        errors = [{"message": detail if isinstance(detail, str) else str(detail)}]
    why = f"the server answered HTTP {status} (an error), so there is nothing to show"
    return DebugView(
        format="error",
        status=status,
        errors=errors,
        response=body,
        missing={s: why for s in SECTIONS if s != "errors"},
    )


def _save_result(raw: Any) -> dict[str, Any]:
    """A legacy SaveResult ``{saved, errors, ids, types}`` with defaults."""
    raw = raw if isinstance(raw, dict) else {}
    return {
        "saved": raw.get("saved") if isinstance(raw.get("saved"), int) else None,
        "ids": list(raw.get("ids") or []),
        "types": list(raw.get("types") or []),
        "errors": list(raw.get("errors") or []),
    }


def _read_documented(body: dict[str, Any], status: int | None) -> DebugView:
    profile_raw = body.get("profile")
    profile_id = profile_raw.get("id") if isinstance(profile_raw, dict) else None
    full_profile = profile_raw if isinstance(profile_raw, dict) and len(profile_raw) > 1 else None
    debugging = body.get("debugging")
    missing: dict[str, str] = {}
    if isinstance(debugging, dict):
        session_res = _save_result(debugging.get("session")) if debugging.get("session") else None
        events_res = _save_result(debugging.get("events"))
        profile_res = _save_result(debugging.get("profile")) if debugging.get("profile") else None
        if profile_id is None and profile_res and profile_res["ids"]:
            profile_id = profile_res["ids"][0]
        session_id = session_res["ids"][0] if session_res and session_res["ids"] else None
        session: dict[str, Any] | None = (
            {
                "id": session_id,
                "saved": session_res["saved"],
                "new": None,
                "data": None,
                "errors": session_res["errors"],
            }
            if session_res
            else None
        )
        if session is None:
            missing["session"] = "the server reported no session (saveSession was false?)"
        profile: dict[str, Any] | None = {
            "id": profile_id,
            "saved": profile_res["saved"] if profile_res else None,
            "new": None,
            "data": full_profile,
            "errors": profile_res["errors"] if profile_res else [],
        }
        events = {**events_res, "items": None}
        segmentation_raw = debugging.get("segmentation")
        segmentation = (
            {
                "ids": list(segmentation_raw.get("ids") or []),
                "errors": list(segmentation_raw.get("errors") or []),
                # Workbench's collector also says which segments this request
                # entered and left; other keys a server adds are kept as they are.
                **{
                    key: value
                    for key, value in segmentation_raw.items()
                    if key not in ("ids", "errors")
                },
            }
            if isinstance(segmentation_raw, dict)
            else None
        )
        if segmentation is None:
            missing["segmentation"] = "the server reported no segmentation for this request"
        execution = debugging.get("execution")
        if execution is None:
            missing["execution"] = "the server reported no workflow execution for this request"
        logs: list[Any] | None = list(debugging.get("logs") or [])
        save_errors = [
            {"message": str(e), "origin": name}
            for name, res in (
                ("session", session_res),
                ("events", events_res),
                ("profile", profile_res),
            )
            if res
            for e in res["errors"]
        ]
        records = logs or []
        errors: list[Any] | None = save_errors + [
            r for r in records if isinstance(r, dict) and r.get("type") == "error"
        ]
        warnings: list[Any] | None = [
            r for r in records if isinstance(r, dict) and r.get("type") == "warning"
        ]
    else:
        session_id = None
        session = None
        events = None
        segmentation = None
        logs = errors = warnings = None
        execution = None
        profile = {"id": profile_id, "saved": None, "new": None, "data": full_profile}
        missing = dict.fromkeys(_NOT_WITHOUT_DEBUGGER, _WHY_NO_DEBUGGER)
    return DebugView(
        format="documented",
        status=status,
        profile_id=profile_id,
        session_id=session_id,
        profile_less=profile_id is None,
        session=session,
        events=events,
        profile=profile if "profile" in body or isinstance(debugging, dict) else None,
        execution=execution,
        segmentation=segmentation,
        logs=logs,
        errors=errors,
        warnings=warnings,
        ux=list(body.get("ux") or []),
        response=body.get("response"),
        missing=missing,
    )


def _read_081(body: Any, status: int | None) -> DebugView:
    if isinstance(body, list):  # 0.8.0/0.8.1 answer an empty event list with []
        return _nothing_done(
            "0.8.1", status, "the payload had no events, so the server did nothing"
        )
    profile_raw = body.get("profile")
    session_raw = body.get("session")
    event_raw = body.get("event")
    profile_id = profile_raw.get("id") if isinstance(profile_raw, dict) else None
    session_id = session_raw.get("id") if isinstance(session_raw, dict) else None
    missing: dict[str, str] = {}
    debug = isinstance(event_raw, dict)

    def counted(raw: Any, entity_id: str | None) -> dict[str, Any] | None:
        if not isinstance(raw, dict):
            return None
        saved = raw.get("saved")
        return {
            "id": entity_id,
            "saved": saved if isinstance(saved, int) else None,
            "new": None,
            "data": None,
        }

    profile = counted(profile_raw, profile_id)
    session = counted(session_raw, session_id)
    events = None
    if debug:
        saved = event_raw.get("saved")
        ids = list(event_raw.get("ids") or [])
        events = {
            # 0.8.1's "saved" counts bulk writes (1 for any number of events): the
            # ids say how many events were written.
            "saved": len(ids) if ids else (saved if isinstance(saved, int) else None),
            "ids": ids,
            "types": [],
            "errors": [],
            "items": None,
        }
    else:
        missing["events"] = _WHY_NO_DEBUGGER
    if session is None:
        missing["session"] = _WHY_NO_DEBUGGER if not debug else "the server reported no session"
    if profile is None:
        missing["profile"] = "the request was profile-less, so there is no profile"
    for name in ("execution", "segmentation", "logs"):
        missing[name] = "0.7.4–0.8.1 servers do not return workflow details in /track responses"
    missing["errors"] = missing["warnings"] = _WHY_OLD_NO_ERRORS
    return DebugView(
        format="0.8.1",
        status=status,
        profile_id=profile_id,
        session_id=session_id,
        task=_task(body.get("task")),
        profile_less=profile_raw is None,
        session=session,
        events=events,
        profile=profile,
        ux=list(body.get("ux") or []),
        response=body.get("response"),
        missing=missing,
    )


def _read_current(body: Any, status: int | None) -> DebugView:
    if body is None:
        return _nothing_done(
            "current", status, "the payload had no events: the server answered null and did nothing"
        )
    profile_raw = body.get("profile")
    session_raw = body.get("session")
    profile_id = profile_raw.get("id") if isinstance(profile_raw, dict) else None
    session_id = session_raw.get("id") if isinstance(session_raw, dict) else None
    event_ids = [str(e) for e in body.get("events") or []]
    missing: dict[str, str] = {}
    profile = {"id": profile_id, "saved": None, "new": None, "data": None} if profile_id else None
    session = {"id": session_id, "saved": None, "new": None, "data": None} if session_id else None
    events = {"saved": None, "ids": event_ids, "types": [], "errors": [], "items": None}
    if profile is None:
        missing["profile"] = (
            "the server returned no profile id (profile-less request or saveProfile=false)"
        )
    else:
        missing["profile"] = _WHY_CURRENT_IDS_ONLY.format(what="stored profile", path="profile")
    if session is None:
        missing["session"] = "the server returned no session id (saveSession=false?)"
    else:
        missing["session"] = _WHY_CURRENT_IDS_ONLY.format(what="stored session", path="session")
    if event_ids:
        missing["events"] = _WHY_CURRENT_IDS_ONLY.format(what="stored events", path="event")
    else:
        missing["events"] = (
            "the server returned no event ids: 0.8.2+ returns them only when "
            "options.debugger is true and the server runs with TRACK_DEBUG=yes"
        )
    for name in ("execution", "segmentation", "logs"):
        missing[name] = _WHY_CURRENT_NO_WORKFLOW
    return DebugView(
        format="current",
        status=status,
        profile_id=profile_id,
        session_id=session_id,
        task=_task(body.get("task")),
        profile_less=profile_id is None,
        session=session,
        events=events,
        profile=profile,
        errors=list(body.get("errors") or []),
        warnings=list(body.get("warnings") or []),
        ux=list(body.get("ux") or []),
        response=body.get("response"),
        missing=missing,
    )


def _nothing_done(response_format: str, status: int | None, why: str) -> DebugView:
    """The answer to a payload without events: none saved, and *why* for every other section."""
    return DebugView(
        format=response_format,
        status=status,
        events={"saved": 0, "ids": [], "types": [], "errors": [], "items": None},
        missing={s: why for s in SECTIONS if s != "events"},
    )


def _task(value: Any) -> str | None:
    if isinstance(value, list):  # the commercial docs show a one-element list
        value = value[0] if value else None
    return str(value) if value is not None else None
