from __future__ import annotations

import json

import pytest

from tests.conftest import load_example
from workbench.core.response_view import SECTIONS, DebugView, detect_format, normalize_response

PID = "0d2d9dc5-0d60-471e-956f-8766dcb8aba2"


def test_documented_debugger_example_from_the_seed() -> None:
    view = normalize_response(
        load_example("response-debugger.json"), status=200, request=load_example("track-full.json")
    )
    assert view.format == "documented"
    assert view.profile_id == PID
    assert view.session_id == "string"
    assert view.profile == {"id": PID, "saved": 1, "new": True, "data": None, "errors": []}
    assert view.events == {"saved": 0, "ids": [], "types": [], "errors": [], "items": None}
    assert view.execution == {}
    assert view.segmentation == {"ids": [], "errors": []}
    assert view.logs == []
    assert view.errors == []
    assert view.warnings == []
    assert view.missing == {}
    assert view.verdict() == "new profile 0d2d… · session string · 0 events saved · 0 errors"


def test_documented_plain_example_says_what_is_missing() -> None:
    view = normalize_response(load_example("response-plain.json"), status=200)
    assert view.format == "documented"
    assert view.profile_id == PID
    assert view.events is None
    assert view.session is None
    assert "options.debugger = true" in view.missing["events"]
    assert "TRACK_DEBUG=yes" in view.missing["logs"]
    assert set(view.missing) == set(SECTIONS) - {"profile"}
    assert view.verdict() == "profile 0d2d… · session not reported · events not reported"


def test_documented_logs_split_into_errors_and_warnings_and_full_profile() -> None:
    body = {
        "profile": {"id": "p", "traits": {"public": {"a": 1}}},
        "source": {},
        "debugging": {
            "session": None,
            "events": {"saved": 2, "errors": ["index failed"], "ids": ["e1", "e2"], "types": ["a"]},
            "profile": {"saved": 1, "errors": [], "ids": ["p"], "types": []},
            "execution": None,
            "segmentation": None,
            "logs": [
                {"type": "error", "message": "boom"},
                {"type": "warning", "message": "hmm"},
                {"type": "info", "message": "ok"},
            ],
        },
    }
    view = normalize_response(body, status=200, request={"profile": {"id": "p"}})
    assert view.profile is not None
    assert view.profile["data"] == body["profile"]
    assert view.profile["new"] is False
    assert view.errors == [
        {"message": "index failed", "origin": "events"},
        {"type": "error", "message": "boom"},
    ]
    assert view.warnings == [{"type": "warning", "message": "hmm"}]
    assert "session" in view.missing
    assert "execution" in view.missing
    assert (
        view.verdict()
        == "profile p (known) · session not reported · 2 events saved · 2 errors · 1 warning"
    )


def test_081_with_and_without_counters() -> None:
    plain = normalize_response({"task": "t", "ux": [], "response": {}, "profile": {"id": PID}})
    assert plain.format == "0.8.1"
    assert plain.task == "t"
    assert plain.events is None
    assert "TRACK_DEBUG" in plain.missing["events"]
    assert "before 0.8.2" in plain.missing["errors"]
    debug = normalize_response(
        {
            "task": "t",
            "ux": [],
            "response": {},
            "profile": {"id": PID, "saved": 1},
            "session": {"id": "s", "saved": 1},
            "event": {"ids": ["a", "b"], "saved": 2},
        },
        request={"session": {"id": "s"}},
    )
    assert debug.session == {"id": "s", "saved": 1, "new": None, "data": None}
    assert debug.events_saved == 2
    assert debug.events["ids"] == ["a", "b"]
    # A known session brings its own profile: no telling whether it is new.
    assert debug.profile["new"] is None
    assert debug.verdict() == "profile 0d2d… · session s · 2 events saved"
    profile_less = normalize_response({"task": "t", "ux": [], "response": {}})
    assert profile_less.profile_less
    assert "profile-less" in profile_less.missing["profile"]


def test_current_shape_holds_ids_and_explains_the_rest() -> None:
    body = {
        "task": ["t1"],
        "ux": [{"tag": "div", "props": {}}],
        "response": {"a": 1},
        "events": [],
        "profile": {"id": PID},
        "session": {"id": "s"},
        "errors": [],
        "warnings": [{"type": "warning", "message": "w"}],
    }
    view = normalize_response(body, status=200, request={"source": {"id": "x"}})
    assert view.format == "current"
    assert view.task == "t1"
    assert view.ux == body["ux"]
    assert view.response == {"a": 1}
    assert view.session == {"id": "s", "saved": None, "new": True, "data": None}
    assert "admin credentials" in view.missing["profile"]
    assert "TRACK_DEBUG=yes" in view.missing["events"]
    assert "0.8.2+ servers do not return workflow" in view.missing["execution"]
    assert (
        view.verdict()
        == "new profile 0d2d… · session new · no event ids returned · 0 errors · 1 warning"
    )
    filled = view.with_details(
        profile={"id": PID}, session={"id": "s"}, events=[{"id": "e", "type": "page-view"}]
    )
    assert filled.profile["data"] == {"id": PID}
    assert filled.profile["new"] is True
    assert filled.events["types"] == ["page-view"]
    assert "profile" not in filled.missing
    assert "events" not in filled.missing
    assert "execution" in filled.missing


def test_empty_event_answers() -> None:
    assert normalize_response(None, status=200).format == "current"
    assert normalize_response([], status=200).format == "0.8.1"
    assert normalize_response(None, status=200).events_saved == 0


def test_error_bodies() -> None:
    view = normalize_response(
        {"detail": [{"loc": ["body", "source"], "msg": "Field required", "type": "missing"}]},
        status=422,
    )
    assert view.format == "error"
    assert view.verdict() == "HTTP 422 · body.source: Field required"
    assert "HTTP 422" in view.missing["profile"]


def test_unknown_shape() -> None:
    view = normalize_response({"hello": 1}, status=200)
    assert view.format == "unknown"
    assert view.response == {"hello": 1}
    assert all(name in view.missing for name in SECTIONS)


@pytest.mark.parametrize(
    ("body", "fmt"),
    [
        ({"profile": {"id": "p"}}, "documented"),
        ({"debugging": {}}, "documented"),
        ({"task": "t"}, "0.8.1"),
        ({"task": "t", "events": [], "errors": []}, "current"),
        ([1], "unknown"),
        ("text", "unknown"),
    ],
)
def test_detect_format(body, fmt) -> None:  # type: ignore[no-untyped-def]
    assert detect_format(body, 200) == fmt


def test_round_trip_through_json() -> None:
    view = normalize_response(load_example("response-debugger.json"), status=200)
    data = json.loads(json.dumps(view.to_dict()))
    assert data["verdict"] == view.verdict()
    assert DebugView.from_dict(data) == view


def test_section_lookup_rejects_unknown_names() -> None:
    view = normalize_response(None)
    with pytest.raises(KeyError, match="sections are session"):
        view.section("nope")


def test_a_known_session_without_a_profile_id_is_not_called_a_new_profile() -> None:
    body = {"profile": {"id": PID}, "source": {"consent": False}}
    view = normalize_response(body, status=200, request={"session": {"id": "session-id"}})
    assert view.verdict().startswith("profile 0d2d…")
    first = normalize_response(
        {
            **body,
            "debugging": {
                "events": {
                    "saved": 3,
                    "ids": ["a", "b", "c"],
                    "types": ["page-view", "profile-created", "session-opened"],
                }
            },
        },
        status=200,
        request={"session": {"id": "session-id"}},
    )
    assert first.verdict().startswith("new profile 0d2d…")


def test_segments_entered_and_left_reach_the_view() -> None:
    body = {
        "profile": {"id": PID},
        "debugging": {
            "segmentation": {
                "ids": ["customer"],
                "errors": [],
                "entered": ["customer"],
                "left": ["visitor"],
            }
        },
    }
    view = normalize_response(body, status=200)
    assert view.segmentation == {
        "ids": ["customer"],
        "errors": [],
        "entered": ["customer"],
        "left": ["visitor"],
    }
    assert "entered customer · left visitor" in view.verdict()


def test_the_marked_view_is_what_dataclasses_replace_would_give() -> None:
    # _evolved copies the fields instead of running __init__ again: that holds only for
    # a plain frozen dataclass, so this fails once DebugView grows hooks it would skip.
    import dataclasses

    from workbench.core.debug_view import DebugView
    from workbench.core.response_view import _evolved

    assert not hasattr(DebugView, "__post_init__")
    assert all(f.init for f in dataclasses.fields(DebugView))
    assert not hasattr(DebugView, "__slots__")
    view = DebugView(format="documented", status=200, profile_id="p", notes=["n"])
    changes = {"profile": {"id": "p", "new": True}, "session": {"id": "s", "new": True}}
    evolved = _evolved(view, changes)
    assert evolved == dataclasses.replace(view, **changes)
    assert view.profile is None  # the original is left as it was
