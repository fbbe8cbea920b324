"""Reusable widgets: JSON view, debugger view, editors."""
