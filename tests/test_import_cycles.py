"""No module of ours imports one that imports it back, however the import is written."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imported_modules(name: str, path: Path, modules: set[str]) -> set[str]:
    """Every module of ours that *path* imports, wherever the import statement sits
    (top level, under ``if TYPE_CHECKING:``, inside a function).

    ``from a.b import c`` imports ``a.b`` (its package code runs) and, when ``c`` is a
    module, ``a.b.c`` too; a name that is no module resolves to its nearest module.
    """

    def nearest(dotted: str) -> str | None:
        while dotted and dotted not in modules:
            dotted = dotted.rpartition(".")[0]
        return dotted or None

    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(m for a in node.names if (m := nearest(a.name)))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                source = ".".join([*base, *([node.module] if node.module else [])])
            else:
                source = node.module or ""
            if (module := nearest(source)) is not None:
                found.add(module)
            found.update(
                f"{source}.{a.name}" for a in node.names if f"{source}.{a.name}" in modules
            )
    found.discard(name)
    return found


def test_no_module_imports_one_that_imports_it_back() -> None:
    files = {_module_name(p): p for p in (ROOT / "workbench").rglob("*.py")}
    imports = {name: _imported_modules(name, path, set(files)) for name, path in files.items()}
    pairs = sorted(
        f"{a} <-> {b}"
        for a, targets in imports.items()
        for b in targets
        if a < b and a in imports[b]
    )
    assert not pairs, "modules that import each other:\n" + "\n".join(pairs)


def test_the_scan_sees_every_kind_of_import(tmp_path: Path) -> None:
    """Imports under TYPE_CHECKING, inside functions, relative ones, and the package a
    ``from package import module`` runs."""
    source = textwrap.dedent(
        """
        from typing import TYPE_CHECKING
        from . import sibling
        if TYPE_CHECKING:
            from workbench.ui.main_window import MainWindow
        def later():
            import workbench.cli.gui
            from ..core import exchange
            from workbench.store import history
        """
    )
    modules = {
        "workbench",
        "workbench.ui",
        "workbench.ui.scan_probe",
        "workbench.ui.sibling",
        "workbench.ui.main_window",
        "workbench.cli",
        "workbench.cli.gui",
        "workbench.core",
        "workbench.core.exchange",
        "workbench.store",
        "workbench.store.history",
    }
    probe = tmp_path / "scan_probe.py"
    probe.write_text(source, encoding="utf-8")
    found = _imported_modules("workbench.ui.scan_probe", probe, modules)
    assert found == {
        "workbench.ui",
        "workbench.ui.sibling",
        "workbench.ui.main_window",
        "workbench.cli.gui",
        "workbench.core",
        "workbench.core.exchange",
        "workbench.store",
        "workbench.store.history",
    }


def test_the_scan_finds_a_pair_hidden_under_type_checking(tmp_path: Path) -> None:
    """Two modules, one importing the other only for its types: still a pair."""
    one = tmp_path / "one.py"
    two = tmp_path / "two.py"
    one.write_text("from workbench.two import Two\n", encoding="utf-8")
    two.write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from workbench.one import One\n",
        encoding="utf-8",
    )
    modules = {"workbench", "workbench.one", "workbench.two"}
    assert "workbench.two" in _imported_modules("workbench.one", one, modules)
    assert "workbench.one" in _imported_modules("workbench.two", two, modules)
