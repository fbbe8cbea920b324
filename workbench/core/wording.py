"""Small rules for the words we print: a count with its noun, a path said once.

Pure and import-free, so the window can use them before its first paint.
"""

from __future__ import annotations

__all__ = ["counted", "located"]


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """``1 profile``, ``2 profiles``, ``0 entries`` (pass *plural* when it is not noun+s)."""
    return f"{n} {noun if n == 1 else (plural or noun + 's')}"


def located(where: str, message: str) -> str:
    """``where: message``, unless *message* already starts with *where* (our validation
    messages do: ``source: required field is missing``), so a path is never said twice."""
    if not where or message.startswith(f"{where}:") or message.startswith(f"{where}."):
        return message
    return f"{where}: {message}"
