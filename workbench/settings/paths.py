"""Every file the app writes lives under one folder.

By default that folder comes from platformdirs (e.g. ``~/.local/share/workbench``
on Linux). The environment variable ``WORKBENCH_HOME`` moves all of it, which is
what tests do and what users who keep one workbench per project can do. A
``--basedir`` option on the command line does the same for one run.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

__all__ = ["ENV_HOME", "AppPaths", "app_paths"]

ENV_HOME = "WORKBENCH_HOME"
APP_NAME = "workbench"


class AppPaths(NamedTuple):
    """The folders and files under the app's home folder.

    A NamedTuple (immutable, compared by value) rather than a frozen dataclass: it is
    defined on the way to the window's first paint, where Python 3.11 compiles a frozen
    dataclass's methods from source (several times what a NamedTuple costs).
    """

    home: Path

    @property
    def history_dir(self) -> Path:
        return self.home / "history"

    @property
    def collections_dir(self) -> Path:
        return self.home / "collections"

    @property
    def collector_dir(self) -> Path:
        return self.home / "collector"

    @property
    def settings_file(self) -> Path:
        return self.home / "settings.json"

    @property
    def window_state_file(self) -> Path:
        return self.home / "window-state.json"

    @property
    def logs_dir(self) -> Path:
        return self.home / "logs"

    def ensure(self) -> AppPaths:
        """Create the home folder if needed and return self."""
        self.home.mkdir(parents=True, exist_ok=True)
        return self


def app_paths(basedir: str | os.PathLike[str] | None = None) -> AppPaths:
    """Resolve the home folder: explicit *basedir*, then ``WORKBENCH_HOME``, then platformdirs."""
    if basedir is not None:
        return AppPaths(Path(basedir).expanduser().resolve())
    env = os.environ.get(ENV_HOME)
    if env:
        return AppPaths(Path(env).expanduser().resolve())
    import platformdirs  # only for the default folder: a given home needs none of it

    return AppPaths(Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)))
