"""The tree of a parsed condition: frozen node dataclasses and the error a bad condition raises.

Kept apart from the parser and the evaluators so both can share the node types
without importing each other, and so code that only builds or inspects trees
(tests, editors) needs neither.
"""

from __future__ import annotations

from dataclasses import dataclass

from workbench.core.flow.paths import FieldPath

__all__ = [
    "COMPARISONS",
    "And",
    "Between",
    "Compare",
    "ConditionError",
    "Contains",
    "Exists",
    "Literal",
    "Node",
    "Not",
    "Operand",
    "Or",
    "PathRef",
]

COMPARISONS = ("==", "!=", ">=", "<=", ">", "<")


class ConditionError(ValueError):
    """A condition that does not parse; ``position`` is the 0-based character of the mistake."""

    def __init__(self, message: str, text: str, position: int) -> None:
        self.message = message
        self.text = text
        self.position = position
        super().__init__(f"{message} (at character {position + 1})")

    def pointer(self) -> str:
        """The condition with a caret under the mistake, for a monospace label."""
        line = self.text.replace("\n", " ")
        return f"{line}\n{' ' * self.position}^"


@dataclass(frozen=True)
class Literal:
    value: str | int | float | bool | None


@dataclass(frozen=True)
class PathRef:
    path: FieldPath


Operand = Literal | PathRef


@dataclass(frozen=True)
class Compare:
    op: str
    left: Operand
    right: Operand


@dataclass(frozen=True)
class Exists:
    operand: Operand


@dataclass(frozen=True)
class Contains:
    container: Operand
    item: Operand


@dataclass(frozen=True)
class Between:
    operand: Operand
    low: Operand
    high: Operand


@dataclass(frozen=True)
class Not:
    operand: Node


@dataclass(frozen=True)
class And:
    left: Node
    right: Node


@dataclass(frozen=True)
class Or:
    left: Node
    right: Node


Node = Compare | Exists | Contains | Between | Not | And | Or
