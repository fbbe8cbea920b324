"""Which of Tracardi's public test cases the compatibility suite replays, and which it cannot.

Every tracking-related test function of Tracardi's own suites is listed here by
its upstream id, ``<repo>@<tag>:<path>::<function>``:

* ``tracardi-api@0.7.3`` — replayed against the ``documented`` format;
* ``tracardi-api@0.8.1`` — replayed against ``counters`` (the 0.7.4–0.8.1 shape);
* ``tracardi-api@0.8.2`` — replayed against ``current``; where a 0.8.2 test still
  reads the 0.8.1 shape (``result['event']``, which a 0.8.2 server no longer
  sends), the replay checks the same rule through the 0.8.2 shape and says so;
* ``tracardi@0.8.2`` (``test/unit``) — the model and parsing rules a collector
  must share (user agents, scheduled options, event and profile documents).

A test in this folder names the cases it follows with :func:`follows`; a case
that needs something the collector does not imitate is in
:data:`NOT_APPLICABLE` with the reason. ``test_catalogue.py`` keeps the three in
step (nothing listed twice, nothing left out, ``docs/compatibility.md`` naming
every file). ``python -m tests.compat.catalogue`` prints the counts.

The upstream tests were read, not copied: ours are written in our own words
against a real collector on 127.0.0.1.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["COVERED", "NOT_APPLICABLE", "SUITES", "UPSTREAM", "counts", "follows", "upstream_files"]

F = TypeVar("F", bound=Callable[..., Any])

_API = "tracardi-api"
_CORE = "tracardi"

_WORKFLOW = (
    "needs Tracardi's workflow engine (rules that run flow graphs of actions such as "
    "IncreaseViews or UpdateProfile); the collector has its own event flow, not Tracardi's"
)
_DEDUP = (
    "needs Elasticsearch internals: documents written into last month's index and Tracardi's "
    "profile deduplication across indices"
)
_REPORTS = (
    "an Elasticsearch aggregation report of Tracardi's GUI; the collector answers such "
    "questions with /_workbench/stats and /_workbench/events instead"
)
_PYDANTIC = "tests a Python (pydantic) model's internals, not anything sent over HTTP"
_METRICS = "tests profile custom metrics, computed by Tracardi's commercial metric workers"


def _cases(repo: str, tag: str, path: str, *names: str) -> list[str]:
    return [f"{repo}@{tag}:{path}::{name}" for name in names]


def _api_cases(tag: str) -> list[str]:
    """The tracking-related cases of tracardi-api's ``test/api`` at *tag*."""
    cases = [
        *_cases(
            _API, tag, "test/api/endpoints/test_track.py", "test_should_register_correct_event"
        ),
        *_cases(_API, tag, "test/api/end_2_end/test_tracker_payload.py", "test_track_payload"),
        *_cases(
            _API,
            tag,
            "test/api/end_2_end/context/test_session_exists_profile_exists.py",
            "test_session_exists_profile_exists",
        ),
        *_cases(
            _API,
            tag,
            "test/api/end_2_end/context/test_session_exists_profile_not_exists.py",
            "test_session_exists_profile_not_exists",
        ),
        *_cases(
            _API,
            tag,
            "test/api/end_2_end/context/test_session_not_exists_profile_not_exists.py",
            "test_session_not_exists_profile_not_exists",
        ),
        *_cases(_API, tag, "test/api/end_2_end/test_end_to_end.py", "test_source_rule_and_flow"),
        *_cases(
            _API,
            tag,
            "test/api/end_2_end/test_multiple_events_in_tracker.py",
            "test_should_count_multiple_page_views_from_one_api_call",
        ),
        *_cases(
            _API,
            tag,
            "test/api/end_2_end/test_multiple_events_in_tracker_different_events.py",
            "test_source_rule_and_flow",
        ),
        *_cases(
            _API,
            tag,
            "test/api/end_2_end/test_overriding_profile_traits.py",
            "test_source_rule_and_flow",
        ),
        *_cases(
            _API,
            tag,
            "test/api/endpoints/test_event_source_endpoint.py",
            "test_should_return_event_sources_by_tag",
            "test_should_return_event_sources_types",
            "test_should_return_404_on_get_event_source_if_none",
            "test_should_return_404_on_delete_event_source_if_none",
            "test_unknown_event_source_type",
            "test_event_source_create_ok",
            "test_should_refresh_event_sources",
            "test_should_return_list_of_event_sources",
        ),
        *_cases(
            _API,
            tag,
            "test/api/endpoints/test_info_endpoint.py",
            "test_should_return_version",
            "test_should_return_detailed_version",
        ),
        *_cases(
            _API,
            tag,
            "test/api/endpoints/test_profile.py",
            "test_should_return_404_on_get_profile_if_none",
            "test_should_return_404_on_delete_profile_if_none",
            "test_should_load_profile",
        ),
        *_cases(
            _API,
            tag,
            "test/api/endpoints/test_session.py",
            "test_should_return_404_on_get_session_if_none",
            "test_should_return_404_on_delete_session_if_none",
        ),
        *_cases(
            _API,
            tag,
            "test/api/endpoints/test_event_endpoint.py",
            "test_should_refresh_data",
            "test_should_flash_data",
            "test_should_count_events",
            "test_should_response_404_none",
            "test_should_get_one_event",
            "test_should_return_avg_request_time",
            "test_should_return_process_time",
            "test_should_return_event_meta",
            "test_should_return_events_by_type",
            "test_should_return_events_by_tag",
            "test_should_return_events_by_status",
            "test_should_return_events_by_source",
            "test_should_return_debug_info",
            "test_should_return_event_console_log",
            "test_should_return_event_histogram_data",
            "test_should_return_event_range_data_ok",
            "test_should_return_event_select_data_ok",
            "test_should_return_event_select_limit_data_ok",
        ),
        *_cases(_API, tag, "test/api/test_tracardi_http_client.py", "test_tracardi_http_client"),
    ]
    if tag == "0.7.3":
        cases += _cases(
            _API,
            tag,
            "test/api/endpoints/test_event_endpoint.py",
            "test_should_return_events_by_type_for_profile",
        )
        cases += _cases(
            _API,
            tag,
            "test/api/end_2_end/test_profile_deduplication.py",
            "test_should_not_duplicate_events",
            "test_should_deduplicate_profile",
        )
    if tag == "0.8.2":
        cases += _cases(
            _API, tag, "test/api/endpoints/test_events.py", "test_collection_of_default_events"
        )
    return cases


_UNIT = [
    *_cases(
        _CORE,
        "0.8.2",
        "test/unit/test_user_agent.py",
        "test_user_agent_string_from_tracker_payload",
        "test_user_agent_string",
        "test_fail_user_agent_string",
        "test_user_agent_string_bot",
    ),
    *_cases(_CORE, "0.8.2", "test/unit/test_tracker_payload.py", "test_should_be_scheduled"),
    *_cases(
        _CORE,
        "0.8.2",
        "test/unit/test_event_payload.py",
        "test_event_payload_time_fallback",
        "test_event_payload_should_have_tags",
    ),
    *_cases(_CORE, "0.8.2", "test/unit/test_event.py", "test_event_data"),
    *_cases(
        _CORE,
        "0.8.2",
        "test/unit/test_profile.py",
        "test_profile_must_have_id_in_ids",
        "test_next_metric_computation_date",
        "test_has_metric",
        "test_needs_metric_computation",
        "test_data_fill",
    ),
    *_cases(_CORE, "0.8.2", "test/unit/test_session.py", "test_session_metadata"),
    *_cases(_CORE, "0.8.2", "test/unit/test_frozen_session.py", "test_frozen_session"),
]

#: Every upstream case the suite accounts for, in reading order.
UPSTREAM: tuple[str, ...] = (
    *_api_cases("0.7.3"),
    *_api_cases("0.8.1"),
    *_api_cases("0.8.2"),
    *_UNIT,
)


def _not_applicable() -> dict[str, str]:
    reasons: dict[str, str] = {}
    for tag in ("0.7.3", "0.8.1", "0.8.2"):
        for path, name in (
            ("test/api/end_2_end/test_end_to_end.py", "test_source_rule_and_flow"),
            (
                "test/api/end_2_end/test_multiple_events_in_tracker.py",
                "test_should_count_multiple_page_views_from_one_api_call",
            ),
            (
                "test/api/end_2_end/test_multiple_events_in_tracker_different_events.py",
                "test_source_rule_and_flow",
            ),
            ("test/api/end_2_end/test_overriding_profile_traits.py", "test_source_rule_and_flow"),
        ):
            reasons[f"{_API}@{tag}:{path}::{name}"] = _WORKFLOW
        events = f"{_API}@{tag}:test/api/endpoints/test_event_endpoint.py::"
        for name in (
            "test_should_return_avg_request_time",
            "test_should_return_process_time",
            "test_should_return_event_meta",
            "test_should_return_events_by_type",
            "test_should_return_events_by_tag",
            "test_should_return_events_by_status",
            "test_should_return_events_by_source",
            "test_should_return_event_histogram_data",
            "test_should_return_event_range_data_ok",
            "test_should_return_event_select_data_ok",
            "test_should_return_event_select_limit_data_ok",
        ):
            reasons[events + name] = _REPORTS
        reasons[events + "test_should_return_debug_info"] = (
            "reads the workflow debugger's stored per-node call info (/event/debug/{id}); "
            "needs Tracardi's workflow engine"
        )
        reasons[events + "test_should_return_event_console_log"] = (
            "reads workflow console logs stored per event (/event/logs/{id}); the collector "
            "returns its log records in the debugging block instead"
        )
    reasons[
        f"{_API}@0.7.3:test/api/endpoints/test_event_endpoint.py::"
        "test_should_return_events_by_type_for_profile"
    ] = _REPORTS
    for name in ("test_should_not_duplicate_events", "test_should_deduplicate_profile"):
        reasons[f"{_API}@0.7.3:test/api/end_2_end/test_profile_deduplication.py::{name}"] = _DEDUP
    unit = f"{_CORE}@0.8.2:test/unit/"
    for name in (
        "test_next_metric_computation_date",
        "test_has_metric",
        "test_needs_metric_computation",
    ):
        reasons[f"{unit}test_profile.py::{name}"] = _METRICS
    reasons[f"{unit}test_session.py::test_session_metadata"] = _PYDANTIC
    reasons[f"{unit}test_frozen_session.py::test_frozen_session"] = (
        _PYDANTIC + " (a session frozen against changes in production mode)"
    )
    return reasons


#: Cases the collector cannot replay, with the reason.
NOT_APPLICABLE: dict[str, str] = _not_applicable()

#: Filled by :func:`follows` as the test modules are imported: case → our test names.
COVERED: dict[str, list[str]] = {}


def follows(*cases: str) -> Callable[[F], F]:
    """Mark a test as the replay of the upstream *cases* (ids as in :data:`UPSTREAM`)."""

    def mark(test: F) -> F:
        for case in cases:
            COVERED.setdefault(case, []).append(f"{test.__module__}.{test.__name__}")
        return test

    return mark


def upstream_files() -> list[str]:
    """Each upstream ``repo@tag:path`` the catalogue names, once."""
    return list(dict.fromkeys(case.split("::", 1)[0] for case in UPSTREAM))


def counts() -> dict[str, dict[str, int]]:
    """Per upstream suite (and ``total``): cases listed, replayed, not applicable, neither.

    Imports every replay module first, so that their :func:`follows` marks are in
    :data:`COVERED` of *this* module as the test modules import it (run as
    ``python -m``, the script itself is ``__main__``, a second copy whose registry
    the replays never fill).
    """
    import importlib
    import pkgutil

    import tests.compat as package

    for module in pkgutil.iter_modules(package.__path__):
        if module.name.startswith("test_"):
            importlib.import_module(f"tests.compat.{module.name}")
    registry = importlib.import_module("tests.compat.catalogue")
    covered: dict[str, list[str]] = registry.COVERED
    result: dict[str, dict[str, int]] = {}
    for suite in (*SUITES, "total"):
        mine = [c for c in UPSTREAM if suite == "total" or c.startswith(suite + ":")]
        replayed = sum(c in covered for c in mine)
        not_applicable = sum(c in NOT_APPLICABLE for c in mine)
        result[suite] = {
            "cases": len(mine),
            "replayed": replayed,
            "not_applicable": not_applicable,
            "neither": sum(c not in covered and c not in NOT_APPLICABLE for c in mine),
        }
    return result


#: The upstream suites, as the case ids begin.
SUITES = ("tracardi-api@0.7.3", "tracardi-api@0.8.1", "tracardi-api@0.8.2", "tracardi@0.8.2")


def main() -> int:
    table = counts()
    total = table["total"]
    print(
        f"upstream cases: {total['cases']}: {total['replayed']} replayed, "
        f"{total['not_applicable']} not applicable, {total['neither']} neither"
    )
    for suite in SUITES:
        row = table[suite]
        print(
            f"  {suite:<20} {row['cases']:3d} cases: {row['replayed']:3d} replayed, "
            f"{row['not_applicable']:3d} not applicable, {row['neither']:3d} neither"
        )
    return 1 if total["neither"] else 0


if __name__ == "__main__":
    sys.exit(main())
