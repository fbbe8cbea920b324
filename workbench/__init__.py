"""Workbench: a desktop debugging workbench for Tracardi event tracking."""

__all__ = ["__version__"]

__version__ = "0.1.0"
