"""Conditions compiled to one generated Python function: the collector's hot path.

A flow's segments are evaluated for every tracked request, and most of them
read the same few profile fields (``stats.counters.purchases`` in three
segments of the demo pack). :func:`compile_predicates` turns a list of
condition trees into **one** function that reads each distinct path prefix
once, evaluates each distinct predicate once, and returns, per condition,
``True``, ``False`` or ``None``. ``None`` means "not sure": some predicate met
values that the evaluators of :mod:`condition_eval` would report as a problem
(``"abc" > 3``), so the caller runs that evaluator, which decides and writes
the report. A ``True`` or ``False`` is always the evaluators' own answer: the
generated code only answers for the cases where they give a plain answer and
report nothing (a property test checks this on random trees and documents).

The source is generated from the parsed tree only. Field names and literals
never appear in it: they are passed in as constants (``c0``, ``c1``, ...), so
whatever a user typed cannot become code.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from workbench.core.flow.condition_ast import (
    And,
    Between,
    Compare,
    Contains,
    Exists,
    Literal,
    Node,
    Not,
    Operand,
    Or,
)
from workbench.core.flow.condition_eval import _equal, _orderable
from workbench.core.flow.paths import MISSING, read_value

__all__ = ["Predicates", "compile_predicates"]

#: ``roots -> (answer per condition)``; an answer is True, False or None (not sure).
Predicates = Callable[[Mapping[str, Any]], tuple[bool | None, ...]]

_ORDERING = {">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le}


def _step(container: Any, key: str) -> Any:
    return read_value(container, (key,))


def _ordered(compare: Callable[[Any, Any], Any]) -> Callable[[Any, Any], bool | None]:
    def ordered(left: Any, right: Any) -> bool | None:
        if left is MISSING or right is MISSING:
            return False
        if _orderable(left, right):
            return bool(compare(left, right))
        return None  # the evaluators report "cannot compare"

    return ordered


def _has(container: Any, item: Any) -> bool | None:
    if container is MISSING or item is MISSING:
        return False
    if isinstance(container, list):
        return any(_equal(element, item) for element in container)
    if isinstance(container, str) and isinstance(item, str):
        return item in container
    if isinstance(container, dict) and isinstance(item, str):
        return item in container
    return None  # the evaluators report what 'contains' needs


def _between(value: Any, low: Any, high: Any) -> bool | None:
    if value is MISSING or low is MISSING or high is MISSING:
        return False
    if _orderable(value, low) and _orderable(value, high):
        return bool(low <= value <= high)
    return None


def _is_plain_number(value: Any) -> bool:
    return type(value) is int or type(value) is float


class _Builder:
    """Collects the lines of the generated function: slots, predicates, constants."""

    def __init__(self) -> None:
        #: Lines reading the paths as read_value does, and with a plain ``get``
        #: (see :func:`compile_predicates`), then the lines of the predicates.
        self.reads: list[str] = []
        self.plain: list[str] = []
        self.lines: list[str] = []
        self.names: dict[str, Any] = {
            "_M": MISSING,
            "_step": _step,
            "_eq": _equal,
            "_has": _has,
            "_between": _between,
        }
        for symbol, compare in _ORDERING.items():
            self.names[_ORDER_NAMES[symbol]] = _ordered(compare)
        self._constants: dict[tuple[type, Any], str] = {}
        self._slots: dict[tuple[str, ...], str] = {}
        self._predicates: dict[str, str] = {}

    def constant(self, value: Any) -> str:
        key = (type(value), value)
        name = self._constants.get(key)
        if name is None:
            name = self._constants[key] = f"c{len(self._constants)}"
            self.names[name] = value
        return name

    def slot(self, root: str, keys: tuple[str, ...]) -> str:
        """The variable holding the value at ``root@keys`` (MISSING when absent)."""
        chain = (root, *keys)
        name = self._slots.get(chain)
        if name is not None:
            return name
        if not keys:
            name = f"s{len(self._slots)}"
            for lines in (self.reads, self.plain):
                lines.append(f"{name} = roots.get({self.constant(root)})")
                lines.append(f"if {name} is None: {name} = _M")
        else:
            parent = self.slot(root, keys[:-1])  # first: it takes the next number
            key = self.constant(keys[-1])
            name = f"s{len(self._slots)}"
            self.reads.append(
                f"{name} = {parent}.get({key}, _M) if type({parent}) is dict "
                f"else _step({parent}, {key})"
            )
            self.plain.append(f"{name} = {parent}.get({key}, _M)")
        self._slots[chain] = name
        return name

    def operand(self, operand: Operand) -> str:
        if isinstance(operand, Literal):
            return self.constant(operand.value)
        return self.slot(operand.path.root, operand.path.keys)

    def predicate(self, expression: str) -> str:
        """A variable holding *expression* (evaluated once, however often it is used)."""
        name = self._predicates.get(expression)
        if name is None:
            name = self._predicates[expression] = f"p{len(self._predicates)}"
            self.lines.append(f"{name} = {expression}")
        return name

    def leaf(self, node: Node) -> tuple[str, bool]:
        """``(variable, may_be_unsure)`` for a predicate node."""
        if isinstance(node, Exists):
            if isinstance(node.operand, Literal):
                return "True", False
            return self.predicate(f"{self.operand(node.operand)} is not _M"), False
        if isinstance(node, Compare):
            return self._compare(node)
        if isinstance(node, Contains):
            container, item = self.operand(node.container), self.operand(node.item)
            if isinstance(node.item, Literal) and type(node.item.value) is str:
                expression = (
                    f"({item} in {container}) if (type({container}) is list or "
                    f"type({container}) is str or type({container}) is dict) "
                    f"else _has({container}, {item})"
                )
            else:
                expression = f"_has({container}, {item})"
            return self.predicate(expression), True
        assert isinstance(node, Between)
        value, low, high = (self.operand(o) for o in (node.operand, node.low, node.high))
        return self.predicate(f"_between({value}, {low}, {high})"), True

    def _compare(self, node: Compare) -> tuple[str, bool]:
        left, right = self.operand(node.left), self.operand(node.right)
        literal_right = isinstance(node.right, Literal)
        right_value = node.right.value if isinstance(node.right, Literal) else MISSING
        if node.op in ("==", "!="):
            if type(right_value) is str:
                # A text equals only a text (no bool/number quirk), and MISSING equals nothing.
                if node.op == "==":
                    return self.predicate(f"{left} == {right}"), False
                return self.predicate(f"{left} is not _M and {left} != {right}"), False
            if right_value is None and isinstance(node.right, Literal):
                # Only null equals null (a boolean never does), and MISSING is not null.
                if node.op == "==":
                    return self.predicate(f"{left} is None"), False
                return self.predicate(f"{left} is not _M and {left} is not None"), False
            missing = " or ".join(
                f"{name} is _M"
                for name, operand in ((left, node.left), (right, node.right))
                if not isinstance(operand, Literal)
            )
            outcome = f"_eq({left}, {right})" if node.op == "==" else f"not _eq({left}, {right})"
            if missing:
                outcome = f"False if ({missing}) else {outcome}"
            return self.predicate(outcome), False
        if literal_right and _is_plain_number(right_value) and not isinstance(node.left, Literal):
            return (
                self.predicate(
                    f"({left} {node.op} {right}) if (type({left}) is int or type({left}) "
                    f"is float) else (False if {left} is _M else None)"
                ),
                True,
            )
        return self.predicate(f"{_ORDER_NAMES[node.op]}({left}, {right})"), True

    def formula(self, node: Node, unsure: list[str]) -> str:
        """The Python boolean expression of *node* over its predicate variables."""
        if isinstance(node, And):
            return f"({self.formula(node.left, unsure)} and {self.formula(node.right, unsure)})"
        if isinstance(node, Or):
            return f"({self.formula(node.left, unsure)} or {self.formula(node.right, unsure)})"
        if isinstance(node, Not):
            return f"(not {self.formula(node.operand, unsure)})"
        name, may_be_unsure = self.leaf(node)
        if may_be_unsure and name not in unsure:
            unsure.append(name)
        return name


_ORDER_NAMES = {">": "_gt", ">=": "_ge", "<": "_lt", "<=": "_le"}


def compile_predicates(trees: Sequence[Node]) -> Predicates:
    """One function answering every tree in *trees* (module docstring), built once."""
    builder = _Builder()
    answers = []
    for tree in trees:
        unsure: list[str] = []
        formula = builder.formula(tree, unsure)
        if unsure:
            guard = " or ".join(f"{name} is None" for name in unsure)
            answers.append(f"None if ({guard}) else {formula}")
        else:
            answers.append(formula)
    result = f"return ({''.join(f'{a}, ' for a in answers)})"
    # Two functions: "careful" steps into lists and past scalars as read_value does;
    # "predicates" reads with a plain get (objects, and MISSING, whose get gives
    # MISSING) and hands over to "careful" when it meets anything without a get.
    careful = [*builder.reads, *builder.lines, result]
    plain = [
        "try:",
        *(f"    {line}" for line in builder.plain or ["pass"]),
        "except AttributeError:",
        "    return careful(roots)",
        *builder.lines,
        result,
    ]
    source = "".join(
        f"def {name}(roots):\n" + "".join(f"    {line}\n" for line in body)
        for name, body in (("careful", careful), ("predicates", plain))
    )
    namespace = dict(builder.names)
    exec(compile(source, "<conditions>", "exec"), namespace)  # the source is built above
    predicates: Predicates = namespace["predicates"]
    return predicates
