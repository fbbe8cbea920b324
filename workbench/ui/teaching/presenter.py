"""View → Presenter mode: the story, large and high-contrast, one step per key press.

Presenter mode swaps the window's centre for a presenter panel (the story view
beside the profile and the list of steps) and hides the docks; leaving it puts
the normal layout back exactly as it was. The presenter layout (its splitter
and font scale) is saved in its own file next to the window state, so the two
never overwrite each other.

What a class should not see is not shown: the panel has no headers or request
bodies, the profile view leaves out ids, timestamps and metadata (noisy) and
masks secret-looking fields, and the story has no type columns.

A story is a list of steps: the demo pack's ``resources/demo/story.json``, a
story file of the same shape, or any journey file (YAML or JSON, the format
``workbench run`` runs). *Next step* (Space, Page Down or →; what presentation
remotes send) loads the step's request into the composer and sends it to the
embedded collector the normal way (so history records it); the answer's story
and the profile as stored afterwards fill the panel. A journey's steps keep its
meaning: its variables and the values earlier steps captured are filled in,
``new_visit``/``forget_profile`` start a new session or a new visitor, and each
answer is checked against the step's expectations, one ✓/✗ line each.
"""

from __future__ import annotations

import base64
import json
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QObject, Qt, Signal
from PySide6.QtGui import QColor, QFont, QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workbench.core.exchange import Exchange
from workbench.core.flow.demo import demo_story
from workbench.core.journey.presenting import (
    JourneyScene,
    SceneVerdict,
    check_scene,
    render_payload,
)
from workbench.core.masking import MASK, is_secret_name
from workbench.core.variables import VariableContext, VariableError, expand
from workbench.settings import EMBEDDED_TARGET_NAME
from workbench.store.atomic import atomic_write_bytes
from workbench.ui.composer.request_bar import ROUTE_PROFILE_LESS, ROUTE_TRACK
from workbench.ui.teaching.presenter_stage import PresenterHost
from workbench.ui.teaching.story_file import PresenterStep, load_story_file
from workbench.ui.teaching.story_view import StoryView
from workbench.ui.teaching.wrap import wrap_rows
from workbench.ui.widgets.tree_items import top_level_at

if TYPE_CHECKING:
    from workbench.client.identity import Identity, IdentityMemory
    from workbench.settings import TargetSettings
    from workbench.ui.tasks import TaskOutcome

__all__ = ["PresenterMode", "PresenterPanel", "PresenterStep", "load_story_file", "profile_rows"]

_HIDDEN = frozenset({"id", "ids", "primary_id", "metadata", "aux", "_id", "active", "consents"})
_MIN_SCALE, _MAX_SCALE = 1.0, 3.0
_SOURCE = "source-id"


def profile_rows(profile: Any, prefix: str = "") -> list[tuple[str, str]]:
    """``(path, value)`` rows of a profile worth showing a class: no ids, no metadata,
    no empty objects, secrets masked."""
    rows: list[tuple[str, str]] = []
    if not isinstance(profile, dict):
        return rows
    for key, value in profile.items():
        if not prefix and key in _HIDDEN:
            continue
        path = f"{prefix}{key}"
        if is_secret_name(str(key)) and value not in (None, ""):
            rows.append((path, MASK))
        elif isinstance(value, dict):
            rows.extend(profile_rows(value, f"{path}."))
        elif value in (None, "", [], {}):
            continue
        else:
            text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
            rows.append((path, text if len(text) <= 80 else text[:79] + "…"))
    return rows


class PresenterPanel(QWidget):
    """The presenter's centre: steps, story, profile.

    Signals:
        next_requested(): the presenter asked for the next step.
        restart_requested(): start the story again with a new visitor.
    """

    next_requested = Signal()
    restart_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("presenterPanel")
        self.setAutoFillBackground(True)
        self.title = QLabel(self)
        self.title.setObjectName("presenterTitle")
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.explain = QLabel(self)
        self.explain.setObjectName("presenterExplain")
        self.explain.setTextFormat(Qt.TextFormat.PlainText)
        self.explain.setWordWrap(True)
        self.checks = QLabel(self)
        self.checks.setObjectName("presenterChecks")
        self.checks.setTextFormat(Qt.TextFormat.PlainText)
        self.checks.setWordWrap(True)
        self.checks.hide()
        self.steps = QListWidget(self)
        self.steps.setObjectName("presenterSteps")
        self.steps.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.steps.setWordWrap(True)
        self.steps.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.next_button = QPushButton("Next step  ▶", self)
        self.next_button.setObjectName("presenterNext")
        self.next_button.clicked.connect(self.next_requested)
        self.restart_button = QPushButton("Start again", self)
        self.restart_button.clicked.connect(self.restart_requested)
        self.story = StoryView(self)
        self.story.follow_box.setText("Follow the collector")
        self.profile_title = QLabel("Profile", self)
        self.profile_title.setObjectName("presenterProfileTitle")
        self.profile_title.setTextFormat(Qt.TextFormat.PlainText)
        self.profile_title.setWordWrap(True)
        self.profile = QTreeWidget(self)
        self.profile.setObjectName("presenterProfile")
        self.profile.setHeaderHidden(True)
        self.profile.setRootIsDecorated(False)
        # One "path = value" row per field, wrapped: two columns leave a narrow pane's
        # values a few pixels once the paths are large enough for a room to read.
        wrap_rows(self.profile)
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.steps, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.restart_button)
        buttons.addWidget(self.next_button, 1)
        left_layout.addLayout(buttons)
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.profile_title)
        right_layout.addWidget(self.profile, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("presenterSplitter")
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.story)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setStretchFactor(2, 2)
        self.splitter.setSizes([280, 760, 400])
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.explain)
        layout.addWidget(self.checks)
        layout.addWidget(self.splitter, 1)

    def show_profile(self, profile: dict[str, Any] | None) -> None:
        self.profile.clear()
        if not isinstance(profile, dict):
            self.profile_title.setText("Profile: none yet")
            return
        segments = [str(s) for s in profile.get("segments") or []]
        self.profile_title.setText(
            "Profile in: " + (", ".join(segments) if segments else "no segment")
        )
        for path, value in profile_rows({k: v for k, v in profile.items() if k != "segments"}):
            QTreeWidgetItem(self.profile, [f"{path} = {value}"])

    def profile_lines(self) -> list[str]:
        return [
            top_level_at(self.profile, i).text(0) for i in range(self.profile.topLevelItemCount())
        ]


def _contrast_palette(base: QPalette) -> QPalette:
    palette = QPalette(base)
    black, white, yellow = QColor("#000000"), QColor("#ffffff"), QColor("#ffd600")
    for role in (QPalette.ColorRole.Window, QPalette.ColorRole.Base, QPalette.ColorRole.Button):
        palette.setColor(role, black)
    palette.setColor(QPalette.ColorRole.AlternateBase, QColor("#1a1a1a"))
    for role in (
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
    ):
        palette.setColor(role, white)
    palette.setColor(QPalette.ColorRole.Highlight, yellow)
    palette.setColor(QPalette.ColorRole.HighlightedText, black)
    return palette


class PresenterMode(QObject):
    """Turns presenter mode on and off (on *host*'s stage) and runs the steps.

    Signals:
        active_changed(bool): presenter mode turned on or off.
        step_started(int): the step with this index was sent.
    """

    active_changed = Signal(bool)
    step_started = Signal(int)

    def __init__(self, host: PresenterHost, state_file: Path | None = None) -> None:
        super().__init__(host.stage)
        self._host = host
        self.state_file = state_file
        self.active = False
        self.scale = 1.6
        self.panel: PresenterPanel | None = None
        self.story_steps: tuple[PresenterStep, ...]
        self.title, self.story_steps = demo_story()
        self.index = -1
        self.session_id = str(uuid.uuid4())
        self.profile_id: str | None = None
        self.captured: dict[str, Any] = {}
        self.verdicts: dict[int, SceneVerdict] = {}
        self._pending: JourneyScene | None = None
        self._shortcuts: list[QShortcut] = []
        # Leave before the window saves its state on close: the normal layout is what it keeps.
        host.stage.closing.connect(self._on_stage_closing)
        host.exchange_shown.connect(self._on_window_exchange_shown)

    # -- on and off ---------------------------------------------------------------------

    def toggle(self) -> None:
        self.set_active(not self.active)

    def set_active(self, on: bool) -> None:
        if on == self.active:
            return
        if on:
            self._enter()
        else:
            self._leave()
        self.active = on
        self.active_changed.emit(on)

    def _enter(self) -> None:
        self.panel = PresenterPanel()
        self.panel.next_requested.connect(self.next_step)
        self.panel.restart_requested.connect(self.restart)
        self._host.stage.take(self.panel)
        self._show_steps()
        self._restore_presenter_state()
        self._apply_look()
        for keys, slot in (
            (("Space", "PgDown", "Right"), self.next_step),
            (("Ctrl++", "Ctrl+="), lambda: self.zoom(0.2)),
            (("Ctrl+-",), lambda: self.zoom(-0.2)),
        ):
            for key in keys:
                shortcut = QShortcut(QKeySequence(key), self.panel)
                shortcut.activated.connect(slot)
                self._shortcuts.append(shortcut)
        self.panel.setFocus()
        self._host.status.showMessage(
            "Presenter mode: Space / Page Down for the next step, Ctrl +/- to zoom, "
            "Ctrl+Shift+P to leave",
            8000,
        )

    def _leave(self) -> None:
        self._save_presenter_state()
        self._shortcuts.clear()
        self._host.stage.give_back()
        if self.panel is not None:
            self.panel.deleteLater()
            self.panel = None

    def _on_stage_closing(self) -> None:
        if self.active:
            self.set_active(False)

    # -- look ---------------------------------------------------------------------------

    def zoom(self, step: float) -> None:
        self.scale = max(_MIN_SCALE, min(_MAX_SCALE, round(self.scale + step, 2)))
        self._apply_look()

    def _apply_look(self) -> None:
        panel = self.panel
        if panel is None:
            return
        base = self._host.stage.font()
        size = base.pointSizeF() if base.pointSizeF() > 0 else 10.0
        font = QFont(base)
        font.setPointSizeF(size * self.scale)
        panel.setFont(font)
        title = QFont(font)
        title.setPointSizeF(size * self.scale * 1.35)
        title.setBold(True)
        panel.title.setFont(title)
        for tree in (panel.story.tree, panel.profile, panel.steps):
            tree.setFont(font)
        panel.setPalette(_contrast_palette(panel.palette()))
        panel.setStyleSheet(
            "#presenterPanel, #presenterPanel QWidget { background: #000; color: #fff; }"
            "#presenterPanel QPushButton { border: 2px solid #ffd600; padding: 6px 14px; }"
            "#presenterPanel QListWidget::item:selected { background: #ffd600; color: #000; }"
            # A check box's square is drawn black on black otherwise.
            "#presenterPanel QCheckBox::indicator { border: 2px solid #ffd600; width: 0.8em;"
            " height: 0.8em; }"
            "#presenterPanel QCheckBox::indicator:checked { background: #ffd600; }"
            # As specific as the rule above, which would otherwise paint the title white.
            "#presenterPanel #presenterTitle { color: #ffd600; }"
        )
        panel.story.set_high_contrast(True)

    # -- steps --------------------------------------------------------------------------

    def set_story(self, title: str, steps: tuple[PresenterStep, ...]) -> None:
        """Tell another story (a story or journey file); starts again from its first step."""
        self.title, self.story_steps = title, steps
        self.restart()

    def restart(self) -> None:
        """A new visitor: new session, no profile, back before the first step."""
        self.index = -1
        self.session_id = str(uuid.uuid4())
        self.profile_id = None
        self.captured = {}
        self.verdicts = {}
        self._pending = None
        self._show_steps()
        if self.panel is not None:
            self.panel.show_profile(None)

    def _show_steps(self) -> None:
        panel = self.panel
        if panel is None:
            return
        panel.title.setText(self.title)
        panel.steps.clear()
        for number, step in enumerate(self.story_steps, 1):
            verdict = self.verdicts.get(number - 1)
            mark = "" if verdict is None else (" ✓" if verdict.passed else " ✗")
            panel.steps.addItem(f"{number}. {step.title}{mark}")
        verdict = self.verdicts.get(self.index)
        panel.checks.setText("\n".join(verdict.lines) if verdict else "")
        panel.checks.setVisible(bool(verdict and verdict.lines))
        if 0 <= self.index < len(self.story_steps):
            panel.steps.setCurrentRow(self.index)
            panel.explain.setText(self.story_steps[self.index].explain)
        else:
            panel.explain.setText(
                f"{len(self.story_steps)} steps. Press Space (or Page Down) for the first one."
            )
        panel.next_button.setEnabled(self.index + 1 < len(self.story_steps))

    def next_step(self) -> int | None:
        """Send the next step's request; returns the send's sequence (None at the end)."""
        if self.index + 1 >= len(self.story_steps):
            return None
        if self._host.collector() is None:
            self._host.status.showMessage("The embedded collector is not running.", 5000)
            return None
        self.index += 1
        step = self.story_steps[self.index]
        if isinstance(step, JourneyScene):
            return self._send_scene(step)
        if self.index == 0:
            self._new_visitor()
        payload = step.payload(
            source_id=_SOURCE, session_id=self.session_id, profile_id=self.profile_id
        )
        self._host.composer.load_request(payload, "/track", EMBEDDED_TARGET_NAME)
        self._show_steps()
        self.step_started.emit(self.index)
        return self._host.send()

    def _send_scene(self, scene: JourneyScene) -> int | None:
        """A journey step: its visit rule, its variables filled in, its route, then send."""
        step = scene.step
        raw = step.payload if isinstance(step.payload, dict) else {}
        source = raw.get("source")
        source_id = source.get("id") if isinstance(source, dict) else None
        source_id = source_id if isinstance(source_id, str) and "{{" not in source_id else None
        if self.index == 0 or step.forget_profile:
            self._new_visitor(source_id)
        elif step.new_visit:
            self._new_visit(source_id)
        identity = self._identity(source_id)
        variables = {**scene.variables, **self.captured}
        try:
            payload = render_payload(
                scene,
                variables,
                profile_id=identity.profile_id if identity is not None else None,
                session_id=identity.session_id if identity is not None else None,
            )
            route = self._scene_route(scene, variables)
        except (VariableError, ValueError) as exc:
            self.verdicts[self.index] = SceneVerdict((f"✗ not sent: {exc}",), passed=False)
            self._show_steps()
            self._host.status.showMessage(f"Step not sent: {exc}", 8000)
            return None
        if isinstance(payload, dict) and scene.route != "collect":
            options = payload.get("options")
            payload = {
                **payload,
                "options": {
                    **(options if isinstance(options, dict) else {}),
                    "debugger": step.debugger,
                },
            }
        self._host.composer.load_request(payload, route, EMBEDDED_TARGET_NAME)
        self._show_steps()
        self.step_started.emit(self.index)
        self._pending = scene
        result = self._host.send()
        if result is None:
            self._pending = None
        return result

    def _scene_route(self, scene: JourneyScene, variables: dict[str, Any]) -> str:
        """The composer's route for the step (``/collect/TYPE/SOURCE[/SESSION]`` expanded)."""
        route = scene.step.route
        if route.kind == "profile-less":
            return ROUTE_PROFILE_LESS
        if route.kind != "collect":
            return ROUTE_TRACK
        context = VariableContext(user={str(k): v for k, v in variables.items()})
        parts = [
            str(expand(part, context, location="route"))
            for part in (route.event_type, route.source_id, route.session_id)
            if part
        ]
        return "/collect/" + "/".join(parts)

    def _embedded_memory(self) -> tuple[IdentityMemory, TargetSettings] | None:
        """The sender's identity memory and the embedded target (picked in the composer)."""
        sender = self._host.client()
        if sender is None:
            return None
        composer = self._host.composer
        composer.request_bar.select_target(EMBEDDED_TARGET_NAME)
        return sender.identity, composer.current_target()

    def _identity(self, source_id: str | None) -> Identity | None:
        found = self._embedded_memory()
        return found[0].get(found[1], source_id) if found is not None else None

    def _new_visit(self, source_id: str | None) -> None:
        found = self._embedded_memory()
        if found is not None:
            found[0].new_visit(found[1], source_id)

    def _new_visitor(self, source_id: str | None = _SOURCE) -> None:
        """The sender remembers the last profile per target: forget it, as a first visit."""
        self.profile_id = None
        found = self._embedded_memory()
        if found is None:
            return
        memory, target = found
        identity = memory.forget_profile(target, source_id)
        if identity.session_id:
            self.session_id = identity.session_id

    def _on_window_exchange_shown(self, exchange: Exchange) -> None:
        if not self.active or self.panel is None:
            return
        self.panel.story.show_exchange(exchange)
        scene, self._pending = self._pending, None
        profile_id = exchange.view.profile_id if exchange.view is not None else None
        if profile_id:
            self.profile_id = profile_id
        if scene is not None and not (profile_id and scene.step.uses_root("profile")):
            self._check(scene, exchange, None)
            scene = None
        if profile_id:
            # A step that expects profile@… is checked once the stored profile is read.
            self._load_profile(profile_id, (scene, exchange) if scene is not None else None)
        elif scene is not None:
            self._check(scene, exchange, None)

    def _check(
        self, scene: JourneyScene, exchange: Exchange, profile: dict[str, Any] | None
    ) -> None:
        verdict = check_scene(
            scene, exchange.to_dict(), {**scene.variables, **self.captured}, profile=profile
        )
        self.captured.update(verdict.captured)
        self.verdicts[scene.index] = verdict
        self._show_steps()

    def _load_profile(
        self, profile_id: str, check: tuple[JourneyScene, Exchange] | None = None
    ) -> None:
        collector = self._host.collector()
        if collector is None:
            return
        store = collector.store

        def shown(outcome: TaskOutcome) -> None:
            if check is not None:
                profile = (
                    outcome.result if outcome.ok and isinstance(outcome.result, dict) else None
                )
                self._check(check[0], check[1], profile)
            if self.panel is not None and outcome.ok and not outcome.stale:
                self.panel.show_profile(outcome.result)

        self._host.runner.submit(
            store.get_profile, profile_id, channel="presenter-profile", on_done=shown
        )

    # -- its own layout -----------------------------------------------------------------

    def _save_presenter_state(self) -> None:
        if self.state_file is None or self.panel is None:
            return
        state = {
            "version": 1,
            "scale": self.scale,
            "splitter": base64.b64encode(bytes(self.panel.splitter.saveState().data())).decode(),
        }
        try:
            atomic_write_bytes(self.state_file, json.dumps(state).encode())
        except OSError:
            pass  # losing the presenter's layout is not worth an error in front of a class

    def _restore_presenter_state(self) -> None:
        if self.state_file is None or self.panel is None or not self.state_file.exists():
            return
        try:
            state = json.loads(self.state_file.read_bytes())
            self.scale = max(_MIN_SCALE, min(_MAX_SCALE, float(state.get("scale", self.scale))))
            splitter = base64.b64decode(state.get("splitter", ""))
        except (OSError, ValueError, TypeError):
            return
        if splitter:
            self.panel.splitter.restoreState(QByteArray(splitter))
