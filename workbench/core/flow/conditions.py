"""The condition language of segments and rule conditions, parsed and never ``eval``-ed.

This module is the public face: :class:`Condition` (source text plus its parsed,
compiled tree) and re-exports of the pieces it is built from, so callers import
from one place. The pieces each hold one concept: :mod:`condition_ast` (node
types, :class:`ConditionError`), :mod:`condition_parser` (grammar, parser,
printer) and :mod:`condition_eval` (tree walker and compiled evaluators).

Evaluation never raises: a missing field makes its predicate false, and a
comparison that makes no sense (``"abc" > 3``) is false *and* reported, so a
segment editor can say why a profile is not in a segment.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from workbench.core.flow.condition_ast import (
    COMPARISONS,
    And,
    Between,
    Compare,
    ConditionError,
    Contains,
    Exists,
    Literal,
    Node,
    Not,
    Operand,
    Or,
    PathRef,
)
from workbench.core.flow.condition_eval import Evaluator, compile_condition, evaluate
from workbench.core.flow.condition_parser import parse_condition, paths_with_positions, to_text
from workbench.core.flow.paths import ROOTS

__all__ = [
    "COMPARISONS",
    "And",
    "Between",
    "Compare",
    "Condition",
    "ConditionError",
    "Contains",
    "Evaluator",
    "Exists",
    "Literal",
    "Node",
    "Not",
    "Operand",
    "Or",
    "PathRef",
    "compile_condition",
    "evaluate",
    "parse_condition",
    "to_text",
]


@dataclass(frozen=True)
class Condition:
    """A condition as the user wrote it plus its parsed tree (parsed once, at save time)."""

    text: str
    tree: Node = field(compare=False)
    _evaluator: Evaluator = field(compare=False, repr=False, default=None)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        object.__setattr__(self, "_evaluator", compile_condition(self.tree))

    @classmethod
    def parse(cls, text: str, *, roots: tuple[str, ...] = ROOTS) -> Condition:
        """Parse and check that every path uses one of *roots* (e.g. only ``profile@``)."""
        tree = parse_condition(text)
        for path, position in paths_with_positions(text):
            if path.root not in roots:
                allowed = ", ".join(f"{r}@" for r in roots)
                raise ConditionError(
                    f"{path} cannot be used here: only {allowed} paths are available",
                    text,
                    position,
                )
        return cls(text, tree)

    def evaluate(self, roots: Mapping[str, Any]) -> tuple[bool, list[str]]:
        """Whether the condition holds, and the evaluation problems met on the way."""
        errors: list[str] = []
        return self._evaluator(roots, errors), errors

    @property
    def evaluator(self) -> Evaluator:
        """The compiled ``(roots, errors) -> bool`` that :meth:`holds` calls (for hot loops)."""
        return self._evaluator

    def holds(self, roots: Mapping[str, Any], errors: list[str]) -> bool:
        """Like :meth:`evaluate`, appending problems to *errors* (no allocation on the hot path)."""
        return self._evaluator(roots, errors)

    def __str__(self) -> str:
        return self.text
