"""Recording: history entries → a journey file with expectations, which then runs green."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from workbench.__main__ import main
from workbench.client import IdentityMemory, RequestSpec, Sender, embedded_target
from workbench.core.exchange import Exchange
from workbench.core.journey.model import load_journey
from workbench.core.journey.recording import journey_from_exchanges
from workbench.core.journey.source import dump_text
from workbench.journeys import JourneyRunner, fresh_collector
from workbench.settings import app_paths
from workbench.store.history import HistoryStore


def _visit(events: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {"source": {"id": "source-id"}, "events": events, **extra}


def record(base: Path, *, demo: bool = True) -> list[dict[str, Any]]:
    """Send a short story to a fresh collector and keep it in *base*'s history."""
    specs = [
        RequestSpec(
            payload=_visit([{"type": "page-view"}], context={"device": "iPhone X"}), debugger=True
        ),
        RequestSpec(payload=_visit([{"type": "page-view"}, {"type": "page-view"}]), debugger=True),
        RequestSpec(
            payload=_visit(
                [
                    {
                        "type": "purchase-order",
                        "properties": {"product": "Nike shoes", "quantity": 1, "value": 600},
                    }
                ]
            ),
            debugger=True,
        ),
        RequestSpec(
            payload={
                "source": {"id": "source-id"},
                "session": {"id": "s-pl"},
                "events": [{"type": "page-view"}],
            },
            profile_less=True,
        ),
        RequestSpec(
            payload={"coupon": "x"},
            route="collect",
            collect_event_type="coupon",
            collect_source_id="webhook-source-id",
        ),
    ]
    exchanges = []
    with fresh_collector(flow="demo" if demo else None) as server:
        target = embedded_target(server.url)
        with Sender(identity=IdentityMemory()) as sender:
            for spec in specs:
                result = sender.send(target, spec)
                assert result.status == 200, result.error
                exchanges.append(result.to_dict())
    with HistoryStore(app_paths(str(base)).history_dir) as store:
        for exchange in exchanges:
            store.append(Exchange.from_dict(exchange))
    return exchanges


def test_from_history_writes_a_journey_that_runs_green(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    base = tmp_path / "home"
    record(base)
    out = tmp_path / "rec" / "story.yaml"
    code = main(
        ["--basedir", str(base), "journey", "from-history", "--last", "5", "--out", str(out)]
    )
    said = capsys.readouterr()
    assert code == 0, said.err
    assert f"wrote {out}: 5 steps from history" in said.out
    journey = load_journey(out)
    names = [s.name for s in journey.steps]
    assert names[0] == "1. page-view"
    assert names[3].startswith("4. profile-less")
    assert journey.steps[3].route.kind == "profile-less"
    assert journey.steps[4].route.kind == "collect"
    text = out.read_text(encoding="utf-8")
    for fragment in (
        "debug@profile.new: true",
        "debug@profile.new: false",
        "debug@profile.id: '{{profile_id}}'",
        "debug@segmentation.entered:",
        "- visitor",
        "- customer",
        "status: 200",
    ):
        assert fragment in text, text
    assert "session-id" not in text
    assert "iPhone X" in text
    assert main(["run", str(out), "--demo"]) == 0, capsys.readouterr().out


def test_a_recorded_journey_fails_when_the_behaviour_changes(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    base = tmp_path / "home"
    record(base)
    out = tmp_path / "story.yaml"
    assert main(["--basedir", str(base), "journey", "from-history", "--out", str(out)]) == 0
    capsys.readouterr()
    assert main(["run", str(out)]) == 1  # no demo flow: no segment is entered
    assert "debug@segmentation.entered: expected" in capsys.readouterr().out


def test_last_n_takes_the_newest_in_the_order_they_ran(tmp_path: Path) -> None:
    base = tmp_path / "home"
    record(base)
    out = tmp_path / "two.yaml"
    assert (
        main(
            [
                "--basedir",
                str(base),
                "journey",
                "from-history",
                "--last",
                "2",
                "--out",
                str(out),
                "--name",
                "tail",
            ]
        )
        == 0
    )
    journey = load_journey(out)
    assert journey.name == "tail"
    assert [s.route.kind for s in journey.steps] == ["profile-less", "collect"]


def test_empty_history_exits_1_and_writes_nothing(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "j.yaml"
    code = main(
        ["--basedir", str(tmp_path / "empty"), "journey", "from-history", "--out", str(out)]
    )
    assert code == 1
    assert "no matching exchange" in capsys.readouterr().err
    assert not out.exists()


def test_an_existing_file_is_kept_without_force(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    base = tmp_path / "home"
    record(base)
    out = tmp_path / "j.yaml"
    out.write_text("mine", encoding="utf-8")
    args = ["--basedir", str(base), "journey", "from-history", "--out", str(out)]
    assert main(args) == 2
    assert "use --force" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "mine"
    assert main([*args, "--force"]) == 0
    assert out.read_text(encoding="utf-8").startswith("name: j")


@pytest.mark.parametrize("last", ["0", "x"])
def test_bad_last_is_a_usage_error(tmp_path: Path, last: str) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["journey", "from-history", "--last", last, "--out", str(tmp_path / "j.yaml")])
    assert exit_.value.code == 2


def test_garbage_exchanges_still_give_a_valid_journey() -> None:
    """Whatever history holds, the document is a journey the schema accepts; exchanges
    that cannot be replayed (a /collect call without its event type) are left out."""
    garbage: list[Any] = [
        {},
        {"request": None, "response": None, "view": None},
        {"request": "x", "response": [1], "view": "y"},
        {"request": {"route": "/collect/", "body": [1, 2]}, "response": {"status": "x"}},
        {
            "request": {"body": {"events": "nope", "profile": 3}},
            "view": {"profile": [], "segmentation": 7},
        },
    ]
    document = journey_from_exchanges(garbage)
    from workbench.core.journey.model import parse_journey

    journey = parse_journey(dump_text(document))
    assert len(journey.steps) == 4


def test_replayed_recording_threads_the_same_profile(tmp_path: Path) -> None:
    exchanges = record(tmp_path / "home", demo=False)
    journey_text = dump_text(journey_from_exchanges(exchanges[:3]))
    from workbench.core.journey.model import parse_journey

    with fresh_collector() as server:
        result = JourneyRunner(embedded_target(server.url), documents=server.store).run(
            parse_journey(journey_text)
        )
    assert result.passed, [s.messages() for s in result.steps]
    ids = {s.exchange.view.profile_id for s in result.steps if s.exchange and s.exchange.view}
    assert len(ids) == 1


def test_starred_and_target_filters(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    base = tmp_path / "home"
    record(base)
    with HistoryStore(app_paths(str(base)).history_dir) as store:
        newest_first = store.page(None, 0, 5)
        store.star(newest_first[-1].id)  # the first visit
        target_name = store.get(newest_first[0].id).exchange.target.name
    out = tmp_path / "starred.yaml"
    args = ["--basedir", str(base), "journey", "from-history", "--out", str(out)]
    assert main([*args, "--starred"]) == 0
    assert [s.name for s in load_journey(out).steps] == ["1. page-view"]
    assert main([*args, "--force", "--target", target_name]) == 0
    assert len(load_journey(out).steps) == 5
    assert main([*args, "--force", "--target", "nowhere"]) == 1
    assert "no matching exchange" in capsys.readouterr().err
