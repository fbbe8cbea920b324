"""PySide6's "does this module use PySide6?" check, answered from the file's bytes.

The replacement must give PySide6's own answer for every kind of module (source
file that mentions PySide6, one that does not, built-in, no source), and PySide6
must still record each module imported after it through the replacement.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

import workbench.ui
from workbench.ui import pyside_startup
from workbench.ui.pyside_startup import mentions_pyside, quicken_feature_check


def _feature() -> ModuleType:
    feature = sys.modules.get("shibokensupport.feature")
    if feature is None:
        pytest.skip("this PySide6 has no feature module")
    return feature


def _original(feature: ModuleType) -> object:
    # PySide6's own check, kept in the replacement's closure.
    check = feature._mod_uses_pyside
    assert getattr(check, "_workbench", False) is True
    cells = [c.cell_contents for c in check.__closure__ or ()]
    originals = [c for c in cells if callable(c)]
    assert len(originals) == 1
    return originals[0]


def _write_module(folder: Path, name: str, text: str) -> None:
    (folder / f"{name}.py").write_text(text, encoding="utf-8")


def test_importing_the_ui_package_installs_the_check() -> None:
    feature = _feature()
    assert workbench.ui is not None
    assert getattr(feature._mod_uses_pyside, "_workbench", False) is True
    # Installing again keeps the one there (no check wrapped in a check).
    before = feature._mod_uses_pyside
    assert quicken_feature_check() is True
    assert feature._mod_uses_pyside is before


@pytest.mark.parametrize(
    "name",
    [
        "workbench.ui.tasks",  # mentions PySide6
        "workbench.settings.paths",  # does not
        "json",  # the standard library
        "sys",  # built in: no file
        "_json",  # an extension module: no source
    ],
)
def test_same_answer_as_pysides_own_check(name: str) -> None:
    __import__(name)
    module = sys.modules[name]
    original = _original(_feature())
    assert mentions_pyside(module, original) is original(module)  # type: ignore[operator]


def test_same_answer_for_a_mention_in_a_comment_and_in_non_ascii_text(tmp_path: Path) -> None:
    _write_module(tmp_path, "wb_mentions_in_comment", "# built for PySide6\nX = 1\n")
    _write_module(tmp_path, "wb_non_ascii", "TEXT = 'Größe — ✓'\n")
    sys.path.insert(0, str(tmp_path))
    try:
        original = _original(_feature())
        for name in ("wb_mentions_in_comment", "wb_non_ascii"):
            module = __import__(name)
            assert mentions_pyside(module, original) is original(module)  # type: ignore[operator]
    finally:
        sys.path.remove(str(tmp_path))


def test_a_module_whose_file_is_gone_gets_pysides_answer(tmp_path: Path) -> None:
    module = ModuleType("wb_gone")
    module.__file__ = str(tmp_path / "wb_gone.py")
    asked: list[ModuleType] = []

    def fallback(m: ModuleType) -> bool:
        asked.append(m)
        return False

    assert mentions_pyside(module, fallback) is False
    assert asked == [module]


def test_pyside_records_modules_imported_after_it(tmp_path: Path) -> None:
    feature = _feature()
    _write_module(tmp_path, "wb_uses_qt", "from PySide6.QtCore import QObject\n")
    _write_module(tmp_path, "wb_plain", "VALUE = 2\n")
    sys.path.insert(0, str(tmp_path))
    try:
        __import__("wb_uses_qt")
        __import__("wb_plain")
    finally:
        sys.path.remove(str(tmp_path))
    # 0: the module may switch PySide6 features; -1: PySide6 ignores it.
    assert feature.pyside_feature_dict["wb_uses_qt"] == 0
    assert feature.pyside_feature_dict["wb_plain"] == -1


def test_snake_case_feature_still_switches_in_a_fresh_interpreter(tmp_path: Path) -> None:
    # A module that asks for a PySide6 feature still gets it with the check replaced.
    _write_module(
        tmp_path,
        "wb_snake",
        "from __feature__ import snake_case\n"
        "from PySide6.QtCore import QObject\n"
        "NAMES = sorted(n for n in ('objectName', 'object_name') if hasattr(QObject, n))\n",
    )
    script = (
        "import json, sys\n"
        f"sys.path.insert(0, {str(tmp_path)!r})\n"
        "import workbench.ui\n"
        "import wb_snake\n"
        "print(json.dumps(wb_snake.NAMES))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=Path(pyside_startup.__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == ["object_name"]
