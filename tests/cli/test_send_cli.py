"""``workbench send`` against the real collector: output, exit codes, history."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import run_workbench
from workbench.__main__ import main
from workbench.cli import send as send_cli
from workbench.client import embedded_target
from workbench.collector import CollectorConfig, CollectorServer
from workbench.resources import resource_path
from workbench.settings import Settings, SettingsFile, TargetSettings, app_paths
from workbench.store.history import HistoryStore

EXAMPLES = sorted(resource_path("examples").glob("track-*.json"))


@pytest.fixture(scope="module")
def collector() -> Iterator[CollectorServer]:
    server = CollectorServer(CollectorConfig(port=0, data_dir=None))
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _history_count() -> int:
    with HistoryStore(app_paths().history_dir) as store:
        return store.count()


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_every_seed_example_sends_unchanged(collector, example: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    code = main(["send", str(example), "--to", collector.url, "--format", "json"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    exchange = json.loads(captured.out)
    assert exchange["request"]["body"] == json.loads(example.read_text())
    assert exchange["response"]["status"] == 200
    assert exchange["view"]["format"] == "documented"


def test_pretty_output_and_history(collector, capsys) -> None:  # type: ignore[no-untyped-def]
    example = resource_path("examples", "track-full.json")
    assert main(["send", str(example), "--to", collector.url, "--debugger"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f"POST {collector.url}/track → HTTP 200 in ")
    assert out[1].startswith("new profile ")
    assert " · 0 errors" in out[1]
    assert "  format     documented" in out
    assert _history_count() == 1
    assert main(["send", str(example), "--to", collector.url, "--no-history"]) == 0
    assert _history_count() == 1


def test_history_setting_off_records_nothing(collector, capsys) -> None:  # type: ignore[no-untyped-def]
    settings_file = SettingsFile(app_paths().settings_file)
    settings_file.save(Settings(history_enabled=False))
    example = resource_path("examples", "track-minimal.json")
    assert main(["send", str(example), "--to", collector.url]) == 0
    assert "history" not in capsys.readouterr().err
    assert not app_paths().history_dir.exists() or _history_count() == 0


def test_default_target_is_the_embedded_collector(collector, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    seen: list[str] = []

    def fake_default() -> TargetSettings:
        seen.append("default")
        return embedded_target(collector.url)

    monkeypatch.setattr(send_cli, "embedded_target", fake_default)
    example = resource_path("examples", "track-minimal.json")
    assert main(["send", str(example), "--no-history"]) == 0
    assert seen == ["default"]
    assert send_cli.DEFAULT_EMBEDDED_URL == "http://127.0.0.1:8686"


def test_saved_target_with_variables_and_headers(collector, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(
        targets=[TargetSettings(name="local", base_url=collector.url, variables={"kind": "x"})]
    )
    SettingsFile(app_paths().settings_file).save(settings)
    payload = tmp_path / "p.json"
    payload.write_text(
        json.dumps(
            {
                "source": {"id": "source-id"},
                "events": [{"type": "{{kind}}-{{suffix}}", "id": "{{uuid}}"}],
            }
        )
    )
    code = main(
        [
            "send",
            str(payload),
            "--target",
            "local",
            "--var",
            "suffix=view",
            "--header",
            "X-Trace: 42",
            "--format",
            "json",
            "--no-history",
        ]
    )
    exchange = json.loads(capsys.readouterr().out)
    assert code == 0
    assert exchange["request"]["body"]["events"][0]["type"] == "x-view"
    assert exchange["request"]["headers"]["X-Trace"] == "42"
    assert exchange["target"]["name"] == "local"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--target", "missing"], "no target named 'missing'"),
        (["--to", "ftp://x"], "is not an http(s) URL"),
        (["--to", "http://h/track"], "give the base URL, without /track"),
        (["--var", "novalue"], "--var 'novalue' must look like NAME=VALUE"),
        (["--header", "NoColon"], "--header 'NoColon' must look like NAME:VALUE"),
        (["--timeout", "0"], "--timeout must be a positive number"),
        (["--collect", "only-type"], "--collect must be EVENT_TYPE/SOURCE_ID"),
    ],
)
def test_bad_usage_exits_2(args, message, capsys) -> None:  # type: ignore[no-untyped-def]
    example = resource_path("examples", "track-minimal.json")
    assert main(["send", str(example), *args]) == 2
    assert message in capsys.readouterr().err


def test_invalid_payload_exits_2_and_sends_nothing(collector, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"events": [{"type": ""}]}))
    before = collector.store.stats()
    assert main(["send", str(bad), "--to", collector.url]) == 2
    err = capsys.readouterr().err
    assert "the payload is not valid (nothing sent)" in err
    assert "source: required field is missing [required]" in err
    assert collector.store.stats() == before


def test_unknown_variable_exits_2(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    payload = tmp_path / "p.json"
    payload.write_text(json.dumps({"source": {"id": "{{src}}"}, "events": []}))
    assert main(["send", str(payload), "--to", "http://127.0.0.1:9"]) == 2
    assert "{{src}} at payload.source.id: unknown variable" in capsys.readouterr().err


def test_http_error_exits_1_with_message_on_stderr(collector, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    payload = tmp_path / "p.json"
    payload.write_text(json.dumps({"source": {"id": "unknown-src"}, "events": [{"type": "a"}]}))
    assert main(["send", str(payload), "--to", collector.url]) == 1
    captured = capsys.readouterr()
    assert "HTTP 401: the server does not know event source 'unknown-src'" in captured.err
    assert "hint: create a REST event source" in captured.err
    assert _history_count() == 1  # failures are history too


def test_network_error_exits_1(capsys) -> None:  # type: ignore[no-untyped-def]
    import socket

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    try:
        example = resource_path("examples", "track-minimal.json")
        code = main(["send", str(example), "--to", f"http://127.0.0.1:{port}", "--no-history"])
    finally:
        sock.close()
    assert code == 1
    assert "connection refused by 127.0.0.1" in capsys.readouterr().err


def test_stdin_through_the_real_command(collector) -> None:
    body = resource_path("examples", "track-with-options.json").read_text()
    result = run_workbench("send", "-", "--to", collector.url, "--no-history", input=body)
    assert result.returncode == 0, result.stderr
    assert " → HTTP 200 in " in result.stdout


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_every_seed_example_validates_unchanged(example: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["validate", str(example)]) == 0
    assert capsys.readouterr().out.strip() == "valid"


def test_collect_and_profile_less_routes(collector, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    properties = tmp_path / "props.json"
    properties.write_text(json.dumps({"coupon": "X1"}))
    webhook = next(s.id for s in collector.store.list_sources() if "webhook" in s.type)
    code = main(
        [
            "send",
            str(properties),
            "--to",
            collector.url,
            "--collect",
            f"coupon-used/{webhook}",
            "--format",
            "json",
            "--no-history",
        ]
    )
    exchange = json.loads(capsys.readouterr().out)
    assert code == 0
    assert exchange["request"]["route"] == f"/collect/coupon-used/{webhook}"
    example = resource_path("examples", "track-minimal.json")
    code = main(["send", str(example), "--to", collector.url, "--profile-less", "--format", "json"])
    exchange = json.loads(capsys.readouterr().out)
    assert code == 0
    assert exchange["request"]["route"] == "/track?profile_less=true"
    assert exchange["view"]["profile_less"] is True
