"""The layering rules of design.md, checked by tools rather than by eye."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _python(*args: str) -> subprocess.CompletedProcess[str]:
    """Run this interpreter with *args* in the repository root; output captured as text."""
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, capture_output=True, text=True, check=False
    )


def test_import_contracts_hold() -> None:
    # import-linter reads the contracts from pyproject.toml.
    result = _python(
        "-c", "from importlinter.cli import lint_imports_command; lint_imports_command()"
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_non_ui_packages_import_without_pyside6() -> None:
    """Every module outside workbench.ui imports with PySide6 made unimportable."""
    script = textwrap.dedent(
        """
        import importlib, pkgutil, sys

        class Block:
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in ("PySide6", "shiboken6"):
                    raise ImportError("PySide6 is blocked in this test")
                return None

        sys.meta_path.insert(0, Block())
        import workbench
        skipped = ("workbench.ui", "workbench.app")
        for info in pkgutil.walk_packages(workbench.__path__, "workbench."):
            if info.name.startswith(skipped):
                continue
            importlib.import_module(info.name)
        print("ok")
        """
    )
    result = _python("-c", script)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("ok"), result.stdout


def test_ruff_is_clean() -> None:
    folders = [d for d in ("workbench", "tests", "bench") if (ROOT / d).is_dir()]
    result = _python("-m", "ruff", "check", "--no-cache", *folders)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_is_clean() -> None:
    # The configuration (strict, workbench.ui too) is [tool.mypy] in pyproject.toml;
    # the incremental cache (.mypy_cache, ignored by git) keeps repeated runs fast.
    result = _python("-m", "mypy")
    assert result.returncode == 0, result.stdout + result.stderr
