from __future__ import annotations

from pathlib import Path

from workbench.resources import resource_path, resources_root
from workbench.settings.paths import app_paths


def test_workbench_home_moves_everything(workbench_home: Path) -> None:
    paths = app_paths()
    assert paths.home == workbench_home.resolve()
    for sub in (paths.history_dir, paths.collections_dir, paths.collector_dir, paths.settings_file):
        assert sub.is_relative_to(paths.home)


def test_basedir_wins(tmp_path: Path) -> None:
    assert app_paths(tmp_path / "x").home == (tmp_path / "x").resolve()


def test_resources_are_found() -> None:
    assert resource_path("schemas", "tracker-payload.schema.json").is_file()
    assert (resources_root() / "examples").is_dir()
