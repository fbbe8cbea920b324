"""Support bundles from the window: History → Export support bundle… and Open support bundle….

*Export* writes the selected history entries (or, with none selected, the
newest :data:`DEFAULT_LAST`) with what the running embedded collector holds for
them (flow, sources, the profiles, sessions and events they touch), the
settings without secrets and the versions, redacted by the user's policy
(``redaction-policy.json`` in the home folder), exactly as ``workbench bundle
export`` does; the work runs on the task runner. *Open* checks the bundle, then
starts ``workbench bundle import FILE`` as a process of its own: the bundle
opens read-only in its own window, with its own history and local data, and
never mixes with this window's.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QProcess
from PySide6.QtWidgets import QFileDialog, QWidget

from workbench.ui.tasks import TaskOutcome

if TYPE_CHECKING:
    from PySide6.QtGui import QAction

    from workbench.ui.compare.host import SupportHost

__all__ = ["DEFAULT_LAST", "BundleActions"]

DEFAULT_LAST = 50


def _ask_save(parent: QWidget) -> str | None:
    path, _ = QFileDialog.getSaveFileName(
        parent, "Export support bundle", "support-bundle.zip", "Support bundle (*.zip)"
    )
    if path and not path.lower().endswith(".zip"):
        path += ".zip"
    return path or None


def _ask_open(parent: QWidget) -> str | None:
    path, _ = QFileDialog.getOpenFileName(
        parent, "Open support bundle", "", "Support bundle (*.zip);;All files (*)"
    )
    return path or None


def _launch(program: str, arguments: list[str]) -> bool:
    ok, _pid = QProcess.startDetached(program, arguments)
    return bool(ok)


class BundleActions:
    """Export and open support bundles with what the support tools share (*host*).

    *add_action* puts an entry in the History menu, *say* tells the user, *selected*
    gives the ids of the selected history entries.
    """

    ask_save_path: Callable[[QWidget], str | None] = staticmethod(_ask_save)
    ask_open_path: Callable[[QWidget], str | None] = staticmethod(_ask_open)
    launch: Callable[[str, list[str]], bool] = staticmethod(_launch)

    def __init__(
        self,
        host: SupportHost,
        home: Path | None,
        *,
        add_action: Callable[[str, Callable[[], object], str | None, str], QAction],
        say: Callable[[str], None],
        selected: Callable[[], list[str]],
    ) -> None:
        self.host = host
        self.home = home
        self._say = say
        self._selected = selected
        self.export_action = add_action(
            "Export support &bundle…",
            self.ask_and_export,
            None,
            "A redacted zip of the selected exchanges (or the newest) and what the embedded "
            "collector holds for them, to share with a colleague",
        )
        self.open_action = add_action(
            "&Open support bundle…",
            self.ask_and_open,
            None,
            "Open a support bundle read-only in a window of its own",
        )
        self.last_manifest: dict[str, Any] | None = None

    # --- export ----------------------------------------------------------------------------

    def ask_and_export(self) -> None:
        path = self.ask_save_path(self.host.parent)
        if path:
            self.export(path)

    def export(self, path: str) -> None:
        """Write the bundle to *path* in the background; the status bar says what it holds."""
        history = self.host.history()
        if history is None:
            self._say("Cannot export: the history is not open")
            return
        ids = self._selected()
        server = self.host.collector()
        settings = self.host.settings.to_dict()
        home = self.home

        def work() -> dict[str, Any]:
            from workbench.store.bundle import write_bundle
            from workbench.store.bundle_sources import data_from_stores, gather
            from workbench.store.redaction_policy import POLICY_FILE, load_policy

            policy = load_policy(home / POLICY_FILE) if home is not None else None
            if ids:
                found = [history.get(entry_id) for entry_id in ids]
            else:
                found = [history.get(s.id) for s in history.page(None, 0, DEFAULT_LAST)]
            entries = [e.to_dict() for e in found if e is not None]
            if not entries:
                raise ValueError("the history holds no exchanges to export")
            entries.sort(key=lambda e: str(e.get("created_at")))
            if server is not None:
                flow = getattr(server.app.state, "flow", None)
                data = data_from_stores(server.store, flow, entries, server.production_store)
            else:
                from workbench.store.bundle_sources import CollectorData

                data = CollectorData()
            return write_bundle(gather(entries, data, settings), path, policy)

        self._say(f"Writing {Path(path).name}…")
        self.host.runner.submit(
            work, channel="bundle-export", on_done=lambda outcome: self._exported(path, outcome)
        )

    def _exported(self, path: str, outcome: TaskOutcome) -> None:
        if outcome.stale:
            return
        if outcome.error is not None:
            self._say(f"Support bundle not written: {outcome.error}")
            return
        manifest: dict[str, Any] = outcome.result
        self.last_manifest = manifest
        counts = manifest["contents"]["counts"]
        replaced = manifest["redaction"]["replaced"]
        what = ", ".join(f"{n} {kind}" for kind, n in counts.items() if n)
        hidden = ", ".join(f"{n} {kind}" for kind, n in sorted(replaced.items())) or "nothing"
        self._say(f"Wrote {Path(path).name}: {what}; replaced {hidden}")

    # --- open ------------------------------------------------------------------------------

    def ask_and_open(self) -> None:
        path = self.ask_open_path(self.host.parent)
        if path:
            self.open(path)

    def open(self, path: str) -> None:
        """Check the bundle (in the background), then open it in a window of its own."""

        def check() -> int:
            from workbench.store.bundle import read_bundle

            return len(read_bundle(path).contents.entries)

        self.host.runner.submit(
            check, channel="bundle-open", on_done=lambda outcome: self._checked(path, outcome)
        )

    def _checked(self, path: str, outcome: TaskOutcome) -> None:
        if outcome.stale:
            return
        name = Path(path).name
        if outcome.error is not None:
            self._say(f"Cannot open {name}: {outcome.error}")
            return
        arguments = ["-m", "workbench"]
        if self.home is not None:
            arguments += ["--basedir", str(self.home)]
        arguments += ["bundle", "import", str(Path(path).resolve())]
        if self.launch(sys.executable, arguments):
            self._say(
                f"Opening {name} ({outcome.result} exchanges) read-only in a window of its own"
            )
        else:
            self._say(f"Cannot open {name}: the bundle window could not be started")
