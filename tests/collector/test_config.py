from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import pytest

from workbench.collector.config import SETTINGS_PORT_FALLBACK, CollectorConfig
from workbench.settings.settings_file import CollectorSettings


def test_from_settings_carries_every_setting(tmp_path: Path) -> None:
    wanted = CollectorSettings(
        host="0.0.0.0",
        port=9100,
        response_format="current",
        debugger=False,
        accept_any_source=True,
        strict_validation=True,
        max_body_bytes=2048,
        durability="relaxed",
        token="a-long-token",
        allowed_hosts=["box.lan"],
    )
    config = CollectorConfig.from_settings(wanted, data_dir=tmp_path)
    assert config.host == "0.0.0.0"
    assert config.port == 9100
    assert config.data_dir == tmp_path
    assert config.response_format == "current"
    assert config.debugger is False
    assert config.accept_any_source is True
    assert config.strict_validation is True
    assert config.max_body_bytes == 2048
    assert config.durability == "relaxed"
    assert config.token == "a-long-token"
    assert config.allowed_hosts == ("box.lan",)
    assert config.port_fallback == SETTINGS_PORT_FALLBACK


def test_from_settings_maps_every_shared_field() -> None:
    # A field added to both the settings and the config must be carried over.
    shared = set(CollectorSettings.FIELDS) & {f.name for f in fields(CollectorConfig)}
    changed = CollectorSettings(
        host="10.0.0.1",
        port=9101,
        response_format="counters",
        debugger=False,
        accept_any_source=True,
        strict_validation=True,
        max_body_bytes=4096,
        durability="relaxed",
        token="another-token",
        allowed_hosts=["x.lan"],
    )
    default = CollectorConfig()
    config = CollectorConfig.from_settings(changed, data_dir=None)
    for name in sorted(shared):
        assert getattr(config, name) != getattr(default, name), name


def test_from_settings_empty_token_means_none() -> None:
    config = CollectorConfig.from_settings(CollectorSettings(token=""), data_dir=None)
    assert config.token is None


def test_from_settings_port_override_and_port_zero() -> None:
    wanted = CollectorSettings(port=9100)
    assert CollectorConfig.from_settings(wanted, data_dir=None, port=9200).port == 9200
    any_port = CollectorConfig.from_settings(wanted, data_dir=None, port=0)
    assert any_port.port == 0
    assert any_port.port_fallback == 0


def test_from_settings_names_the_bad_field() -> None:
    with pytest.raises(ValueError, match="max_body_bytes"):
        CollectorConfig.from_settings(CollectorSettings(max_body_bytes=0), data_dir=None)
