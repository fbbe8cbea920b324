"""Where Workbench keeps its files, and the user's settings."""

from workbench.settings.paths import AppPaths, app_paths

__all__ = ["AppPaths", "app_paths"]
