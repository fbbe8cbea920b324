"""Where Workbench keeps its files, and the user's settings."""

from workbench.settings.paths import AppPaths, app_paths
from workbench.settings.settings_file import (
    EMBEDDED_TARGET_NAME,
    CollectorSettings,
    Settings,
    SettingsFile,
    TargetSettings,
)

__all__ = [
    "EMBEDDED_TARGET_NAME",
    "AppPaths",
    "CollectorSettings",
    "Settings",
    "SettingsFile",
    "TargetSettings",
    "app_paths",
]
