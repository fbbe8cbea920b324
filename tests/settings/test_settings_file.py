from __future__ import annotations

from pathlib import Path

import pytest

from workbench.settings import Settings, SettingsFile, TargetSettings


def test_round_trip(tmp_path: Path) -> None:
    store = SettingsFile(tmp_path / "settings.json")
    settings = store.load()
    settings.targets.append(
        TargetSettings(name="staging", base_url="https://t.example", token="s3")
    )
    settings.collector.port = 9000
    store.save(settings)
    again = SettingsFile(tmp_path / "settings.json").load()
    assert again.target("staging") == settings.targets[0]
    assert again.collector.port == 9000


def test_corrupt_file_is_moved_aside(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text("[1, 2")
    store = SettingsFile(path)
    assert store.load() == Settings()
    assert store.notice is not None
    assert store.notice.moved_to is not None
    assert store.notice.moved_to.read_text() == "[1, 2"


def test_newer_version_is_not_silently_downgraded(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="newer"):
        Settings.from_dict({"version": 99})


def test_collector_token_and_allowed_hosts_are_kept_and_bad_ones_dropped() -> None:
    from workbench.settings import Settings

    kept = Settings.from_dict(
        {"collector": {"host": "0.0.0.0", "token": "class-token-1", "allowed_hosts": ["lab.lan"]}}
    )
    assert kept.collector.token == "class-token-1"
    assert kept.collector.allowed_hosts == ["lab.lan"]
    assert Settings.from_dict(kept.to_dict()).collector == kept.collector
    for bad in ("short", "has space in it", 12345678, ""):
        dropped = Settings.from_dict({"collector": {"token": bad, "allowed_hosts": "lab.lan"}})
        assert dropped.collector.token is None  # a fresh token is made at start instead
        assert dropped.collector.allowed_hosts == []


def test_a_target_replaced_is_a_changed_copy_and_an_unknown_field_is_refused() -> None:
    target = TargetSettings(name="staging", base_url="https://t.example", headers={"a": "1"})
    changed = target.replace(x_context="production", timeout=3.0)
    assert changed.x_context == "production"
    assert changed.timeout == 3.0
    assert changed.headers == {"a": "1"}
    assert target.x_context is None  # the original is unchanged
    assert changed != target
    assert changed.replace(x_context=None, timeout=10.0) == target
    with pytest.raises(TypeError, match="colour"):
        target.replace(colour="red")


def test_settings_compare_by_value_and_their_dict_shares_no_list_or_dict() -> None:
    settings = Settings(targets=[TargetSettings(name="t", base_url="https://t.example")])
    settings.collector.allowed_hosts.append("lab.lan")
    same = Settings.from_dict(settings.to_dict())
    assert same == settings
    assert repr(same) == repr(settings)
    assert repr(same.targets[0]).startswith("TargetSettings(name='t', base_url=")
    data = settings.to_dict()
    data["collector"]["allowed_hosts"].append("other.lan")
    data["targets"][0]["headers"]["x"] = "1"
    assert settings.collector.allowed_hosts == ["lab.lan"]
    assert settings.targets[0].headers == {}
    assert Settings() != Settings(history_enabled=False)
    assert Settings() != object()
    with pytest.raises(TypeError, match="unhashable"):
        hash(Settings())  # mutable, as the dataclass it replaces was
