"""The targets dialog: edit, mask secrets, save via SettingsFile, test against a real server."""

from __future__ import annotations

import socket

from PySide6.QtWidgets import QLineEdit

from workbench.core.masking import MASK
from workbench.settings import Settings, SettingsFile, TargetSettings
from workbench.settings.paths import app_paths
from workbench.ui.panels.targets_dialog import TargetsDialog, validate_targets


def settings_file_with(*targets: TargetSettings) -> SettingsFile:
    file = SettingsFile(app_paths().settings_file)
    file.save(Settings(targets=list(targets)))
    return file


def test_secrets_are_masked_until_shown(qtbot) -> None:
    target = TargetSettings(
        name="Prod",
        base_url="https://tracardi.example.com",
        username="admin",
        password="hunter22",
        headers={"X-Api-Key": "k3y-value", "X-Team": "web"},
    )
    dialog = TargetsDialog(settings_file_with(target))
    qtbot.addWidget(dialog)
    assert dialog.password_edit.echoMode() == QLineEdit.EchoMode.Password
    assert dialog.password_edit.text() == "hunter22"  # kept, only displayed masked
    values = {
        dialog.headers_table.item(r, 0).text(): dialog.headers_table.item(r, 1).text()
        for r in range(dialog.headers_table.rowCount())
    }
    assert values == {"X-Api-Key": MASK, "X-Team": "web"}
    dialog.show_secrets_check.setChecked(True)
    assert dialog.password_edit.echoMode() == QLineEdit.EchoMode.Normal
    assert dialog.headers_table.item(0, 1).text() == "k3y-value"
    assert dialog.form_target().headers == {"X-Api-Key": "k3y-value", "X-Team": "web"}


def test_add_edit_save_and_remove(qtbot) -> None:
    file = settings_file_with()
    dialog = TargetsDialog(file)
    qtbot.addWidget(dialog)
    dialog.add_target()
    dialog.name_edit.setText("Staging")
    dialog.name_edit.textEdited.emit("Staging")
    dialog.url_edit.setText("http://staging:8686")
    dialog.url_edit.textEdited.emit("http://staging:8686")
    dialog.context_combo.setCurrentText("staging")
    dialog.verify_check.setChecked(False)
    dialog.timeout_spin.setValue(3)
    dialog.token_edit.setText("tok-123")
    dialog.token_edit.textEdited.emit("tok-123")
    with qtbot.waitSignal(dialog.targets_saved):
        dialog.save()
    saved = file.load().target("Staging")
    assert saved is not None
    assert saved.base_url == "http://staging:8686"
    assert saved.x_context == "staging"
    assert saved.verify_tls is False
    assert saved.timeout == 3.0
    assert saved.token == "tok-123"
    again = TargetsDialog(file)
    qtbot.addWidget(again)
    assert again.list.count() == 1
    again.remove_current()
    again.save()
    assert file.load().targets == []


def test_bad_target_is_refused_naming_the_field(qtbot) -> None:
    assert "URL must start with http" in (
        validate_targets([TargetSettings(name="x", base_url="ftp://x")]) or ""
    )
    assert "same name" in (
        validate_targets(
            [
                TargetSettings(name="a", base_url="http://a"),
                TargetSettings(name="a", base_url="http://b"),
            ]
        )
        or ""
    )
    file = settings_file_with()
    dialog = TargetsDialog(file)
    qtbot.addWidget(dialog)
    dialog.add_target()
    dialog.url_edit.setText("nonsense")
    dialog.url_edit.textEdited.emit("nonsense")
    dialog.save()
    assert dialog.error_label.text().startswith("Not saved: target 1")
    assert file.load().targets == []


def test_test_connection_shows_version_format_and_loads_sources(qtbot, controller) -> None:
    target = TargetSettings(name="Local", base_url=controller.url, token="any-token")
    dialog = TargetsDialog(settings_file_with(target))
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.sources_loaded, timeout=10_000) as loaded:
        dialog.test_button.click()
    name, sources = loaded.args
    assert name == "Local"
    assert {s["id"] for s in sources} >= {"source-id"}
    report = dialog.last_report
    assert report is not None
    assert report.version
    assert report.error is None
    assert report.version in dialog.result_label.text()
    assert "answers /track in" in dialog.result_label.text()
    assert "event sources loaded" in dialog.result_label.text()


def test_test_connection_without_credentials_and_to_a_closed_port(qtbot, controller) -> None:
    dialog = TargetsDialog(
        settings_file_with(TargetSettings(name="Local", base_url=controller.url))
    )
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.runner.task_finished, timeout=10_000):
        dialog.test_button.click()
    assert "Add credentials" in dialog.result_label.text()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    dialog.url_edit.setText(f"http://127.0.0.1:{closed}")
    dialog.url_edit.textEdited.emit(f"http://127.0.0.1:{closed}")
    with qtbot.waitSignal(dialog.runner.task_finished, timeout=10_000):
        dialog.test_button.click()
    assert dialog.result_label.text().startswith("Could not connect:")
    assert dialog.test_button.isEnabled()
