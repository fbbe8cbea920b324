"""Access to the data files the app ships (schemas, templates, demo pack).

In a built wheel the top-level ``resources/`` folder is packaged as
``workbench/_resources``; in a source checkout it sits next to the package. Every
reader goes through :func:`resource_path`, never through the working directory.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

__all__ = ["read_json_resource", "resource_path", "resources_root"]

_PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def resources_root() -> Path:
    """Return the folder that holds the shipped resources."""
    for candidate in (_PACKAGE_DIR / "_resources", _PACKAGE_DIR.parent / "resources"):
        if (candidate / "schemas").is_dir():
            return candidate
    raise FileNotFoundError(
        "Workbench's resources folder is missing: looked in "
        f"{_PACKAGE_DIR / '_resources'} and {_PACKAGE_DIR.parent / 'resources'}"
    )


def resource_path(*parts: str) -> Path:
    """Return the path of a shipped resource, e.g. ``resource_path("schemas", "x.json")``."""
    return resources_root().joinpath(*parts)


def read_json_resource(*parts: str) -> Any:
    """Read and parse a shipped JSON resource."""
    with resource_path(*parts).open(encoding="utf-8") as handle:
        return json.load(handle)
