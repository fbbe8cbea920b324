"""What the window loads before it is shown: the heavy libraries wait until they are used.

``workbench`` shows the window first and loads the sender (httpx), the embedded
collector (uvicorn, Starlette) and history on the task runner afterwards; payload
validation (jsonschema) loads when the composer first validates. Each check runs a
fresh interpreter, because this test process has long imported all of them.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

#: Libraries and modules the window must not import before its first idle moment.
DEFERRED = (
    "httpx",
    "httpcore",
    "uvicorn",
    "starlette",
    "jsonschema",
    "referencing",
    "platformdirs",  # a home folder is given
    "workbench.core.flow.model",
    "workbench.core.redaction",  # the privacy policy, until a view asks
    "workbench.core.exchange",  # until there is an exchange to show
    "workbench.core.answer_places",  # until an answer path is searched or copied
    "workbench.ui.widgets.dock_title",  # the docks come with the services
    "workbench.ui.widgets.code_edit",  # the Raw JSON and raw answer pages, when shown
    "workbench.core.debug_view",  # the DebugView dataclass, until an answer arrives
    # The settings, paths, notices and saved requests are written-out classes and
    # NamedTuples: Python 3.11 compiles a dataclass's methods from source at import.
    "dataclasses",
)

#: PySide6 types the window must not have built before it is shown (PySide6 builds a
#: type, with all its enums, on first use): the window shows no icon at start-up, and
#: no Python event filter makes PySide6 build every event type to tell them apart.
UNBUILT_QT_TYPES = ("QtGui.QIcon", "QtGui.QTabletEvent", "QtWidgets.QGraphicsSceneEvent")

SHOWN_WINDOW = textwrap.dedent(
    """
    import json, sys
    from PySide6 import QtGui, QtWidgets
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    lazy_types = "QIcon" not in vars(QtGui)  # this PySide6 builds its types on first use

    from workbench.app import start
    from workbench.settings.paths import app_paths

    app = QApplication([])
    parts = start(app_paths(sys.argv[1]), collector_port=0, collector_in_memory=True)
    loop = QEventLoop()
    QTimer.singleShot(0, loop.quit)
    loop.exec()
    loaded = sorted(sys.modules)
    modules = {"QtGui": QtGui, "QtWidgets": QtWidgets}
    built = sorted(
        name for name in sys.argv[2].split(",")
        if name.partition(".")[2] in vars(modules[name.partition(".")[0]])
    )
    shown = parts.window.isVisible()
    parts.window.services_attached.connect(loop.quit)
    if not parts.window.ready:
        loop.exec()
    ready = parts.window.ready
    parts.close()
    print(json.dumps({
        "loaded": loaded, "built": built, "lazy_types": lazy_types, "shown": shown, "ready": ready
    }))
    """
)


def _run(script: str, *args: str) -> dict[str, object]:
    result = subprocess.run(
        [sys.executable, "-c", script, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    data: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    return data


def test_window_shows_before_the_heavy_libraries_load(tmp_path: Path) -> None:
    seen = _run(SHOWN_WINDOW, str(tmp_path / "home"), ",".join(UNBUILT_QT_TYPES))
    assert seen["shown"] is True
    loaded = seen["loaded"]
    assert isinstance(loaded, list)
    early = [name for name in DEFERRED if name in loaded]
    assert early == [], f"imported before the window was shown: {early}"
    if seen["lazy_types"]:
        assert seen["built"] == [], f"Qt types built before the window was shown: {seen['built']}"
    # The services still arrive: the window becomes ready to send.
    assert seen["ready"] is True
