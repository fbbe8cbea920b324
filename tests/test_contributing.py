"""CONTRIBUTING.md's layout is the repository's: every path it names exists, every package named."""

from __future__ import annotations

import re
from fnmatch import fnmatch
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DESCRIPTION_COLUMN = 22  # in the layout block, text from this column on is a description
NAME = re.compile(r"^[\w*.]+/?$")


def _layout_block() -> list[str]:
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    section = text.split("## Layout", 1)[1]
    return section.split("```", 2)[1].strip("\n").splitlines()


def _named_paths() -> list[str]:
    """Every name in the layout block as a path from the root (``*`` kept as a glob)."""
    parents: dict[int, str] = {}
    paths = []
    for line in _layout_block():
        indent = len(line) - len(line.lstrip())
        if not line.strip() or indent >= DESCRIPTION_COLUMN:
            continue
        names = re.split(r"\s{2,}", line.strip())[0]
        parent = next((parents[i] for i in sorted(parents, reverse=True) if i < indent), "")
        for name in (n.strip().rstrip("…") for n in names.split(",")):
            if not name:
                continue
            assert NAME.match(name), f"not a path in the layout block: {name!r} in {line!r}"
            paths.append(parent + name)
            if name.endswith("/"):
                parents = {i: p for i, p in parents.items() if i < indent}
                parents[indent] = parent + name
    return paths


def test_every_path_the_layout_names_exists() -> None:
    paths = _named_paths()
    assert "workbench/core/" in paths  # the parser read the block
    missing = [p for p in paths if not any(ROOT.glob(p.rstrip("/")))]
    assert missing == [], "CONTRIBUTING.md names paths that are gone"


def test_every_package_is_in_the_layout() -> None:
    named = [p.rstrip("/") for p in _named_paths()]  # globs such as diff* name a package too
    packages = {
        init.parent.relative_to(ROOT).as_posix()
        for init in (ROOT / "workbench").rglob("__init__.py")
        if init.parent != ROOT / "workbench"
    }
    unnamed = [p for p in sorted(packages) if not any(fnmatch(p, n) for n in named)]
    assert unnamed == [], "packages CONTRIBUTING.md's layout does not name"


def test_the_readme_points_to_contributing() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    layout = readme.split("## Layout", 1)[1].split("\n## ", 1)[0]
    assert "CONTRIBUTING.md" in layout
    for package in ("core", "client", "collector", "store", "settings", "ui"):
        assert f"`workbench/{package}`" in layout, package
