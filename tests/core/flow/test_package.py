"""The package's names load with their module on first use."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import workbench.core.flow as flow
from workbench.core.flow import model, paths

ROOT = Path(__file__).resolve().parents[3]


def test_reading_paths_does_not_load_the_model() -> None:
    # A fresh interpreter: this process has long imported the model (and jsonschema).
    script = textwrap.dedent(
        """
        import json, sys
        import workbench.core.flow.paths
        print(json.dumps(sorted(n for n in sys.modules
                                if n.startswith(("jsonschema", "workbench.core.flow.")))))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == ["workbench.core.flow.paths"]


def test_every_exported_name_resolves_to_its_module_object() -> None:
    assert flow.FlowConfig is model.FlowConfig
    assert flow.PathError is paths.PathError
    missing = [name for name in flow.__all__ if getattr(flow, name, None) is None]
    assert missing == []


def test_dir_lists_every_exported_name() -> None:
    assert set(flow.__all__) <= set(dir(flow))


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no_such_name"):
        _ = flow.no_such_name  # type: ignore[attr-defined]
