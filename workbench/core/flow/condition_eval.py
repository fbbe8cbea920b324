"""Evaluating a condition tree: the plain tree walker and the compiled closures of the hot path.

Evaluation never raises: a missing field makes its predicate false, and a
comparison that makes no sense (``"abc" > 3``) is false *and* reported, so a
segment editor can say why a profile is not in a segment. Both evaluators live
here because they must give the same answers (a property test checks it).
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
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
from workbench.core.flow.condition_parser import to_text
from workbench.core.flow.paths import MISSING, describe_kind, read_value, reader

__all__ = ["Evaluator", "compile_condition", "evaluate"]


def _resolve(operand: Operand, roots: Mapping[str, Any]) -> Any:
    if isinstance(operand, Literal):
        return operand.value
    root = roots.get(operand.path.root, MISSING)
    if root is MISSING or root is None:
        return MISSING
    return read_value(root, operand.path.keys)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _orderable(left: Any, right: Any) -> bool:
    return (_is_number(left) and _is_number(right)) or (
        isinstance(left, str) and isinstance(right, str)
    )


def _equal(left: Any, right: Any) -> bool:
    if isinstance(left, bool) != isinstance(right, bool):
        return False
    return bool(left == right)


def _compare(op: str, left: Any, right: Any) -> bool:
    if op == "==":
        return _equal(left, right)
    if op == "!=":
        return not _equal(left, right)
    if op == ">":
        return bool(left > right)
    if op == ">=":
        return bool(left >= right)
    if op == "<":
        return bool(left < right)
    return bool(left <= right)


def evaluate(node: Node, roots: Mapping[str, Any], errors: list[str] | None = None) -> bool:
    """Evaluate *node* against ``{"profile": {...}, "event": {...}, "session": {...}}``.

    A missing field makes its predicate false (and ``!=`` true only when both
    sides exist). Comparing values that cannot be ordered is false and, when
    *errors* is given, a sentence explaining it is appended there.
    """
    if isinstance(node, And):
        return evaluate(node.left, roots, errors) and evaluate(node.right, roots, errors)
    if isinstance(node, Or):
        return evaluate(node.left, roots, errors) or evaluate(node.right, roots, errors)
    if isinstance(node, Not):
        return not evaluate(node.operand, roots, errors)
    if isinstance(node, Exists):
        return _resolve(node.operand, roots) is not MISSING
    if isinstance(node, Compare):
        left, right = _resolve(node.left, roots), _resolve(node.right, roots)
        if left is MISSING or right is MISSING:
            return False
        if node.op in ("==", "!=") or _orderable(left, right):
            return _compare(node.op, left, right)
        _report(errors, node, f"cannot compare {describe_kind(left)} with {describe_kind(right)}")
        return False
    if isinstance(node, Contains):
        container, item = _resolve(node.container, roots), _resolve(node.item, roots)
        return _contains(node, container, item, errors)
    value, low, high = (_resolve(o, roots) for o in (node.operand, node.low, node.high))
    return _between(node, value, low, high, errors)


def _contains(node: Contains, container: Any, item: Any, errors: list[str] | None) -> bool:
    if container is MISSING or item is MISSING:
        return False
    if isinstance(container, list):
        return any(_equal(element, item) for element in container)
    if isinstance(container, str) and isinstance(item, str):
        return item in container
    if isinstance(container, dict) and isinstance(item, str):
        return item in container
    _report(
        errors,
        node,
        f"'contains' needs a list, a string or an object on the left, and fitting item on the "
        f"right; got {describe_kind(container)} and {describe_kind(item)}",
    )
    return False


def _between(node: Between, value: Any, low: Any, high: Any, errors: list[str] | None) -> bool:
    if value is MISSING or low is MISSING or high is MISSING:
        return False
    if _orderable(value, low) and _orderable(value, high):
        return bool(low <= value <= high)
    _report(
        errors,
        node,
        f"'between' needs numbers or strings; got {describe_kind(value)} between "
        f"{describe_kind(low)} and {describe_kind(high)}",
    )
    return False


def _report(errors: list[str] | None, node: Node, message: str) -> None:
    if errors is not None:
        errors.append(f"{to_text(node)}: {message}")


# --- compiled evaluation (the hot path) -----------------------------------------------------

Evaluator = Callable[[Mapping[str, Any], "list[str] | None"], bool]
_Getter = Callable[[Mapping[str, Any]], Any]


def _getter(operand: Operand) -> _Getter:
    if isinstance(operand, Literal):
        value = operand.value
        return lambda _roots: value
    root_name, read = operand.path.root, reader(operand.path.keys)

    def get(roots: Mapping[str, Any]) -> Any:
        current = roots.get(root_name)
        if current is None:
            return MISSING
        return read(current)

    return get


_ORDERING = {">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le}


def _compare_with_number(node: Compare, get_left: _Getter, number: Any) -> Evaluator:
    """``path <op> <number literal>`` (most segment conditions): no call for the literal,
    no dispatch on the operator; anything but a plain number goes the general way."""
    ordering = _ORDERING[node.op]
    op = node.op

    def compare(roots: Mapping[str, Any], errors: list[str] | None) -> bool:
        left = get_left(roots)
        kind = type(left)
        if kind is int or kind is float:
            return bool(ordering(left, number))
        if left is MISSING:
            return False
        if _orderable(left, number):
            return _compare(op, left, number)
        _report(errors, node, f"cannot compare {describe_kind(left)} with {describe_kind(number)}")
        return False

    return compare


def compile_condition(node: Node) -> Evaluator:
    """Turn a tree into nested closures: the same answers as :func:`evaluate`, faster."""
    if isinstance(node, And):
        left, right = compile_condition(node.left), compile_condition(node.right)
        return lambda roots, errors: left(roots, errors) and right(roots, errors)
    if isinstance(node, Or):
        left, right = compile_condition(node.left), compile_condition(node.right)
        return lambda roots, errors: left(roots, errors) or right(roots, errors)
    if isinstance(node, Not):
        inner = compile_condition(node.operand)
        return lambda roots, errors: not inner(roots, errors)
    if isinstance(node, Exists):
        get = _getter(node.operand)
        return lambda roots, _errors: get(roots) is not MISSING
    if isinstance(node, Compare):
        if (
            node.op in _ORDERING
            and isinstance(node.right, Literal)
            and _is_number(node.right.value)
            and not isinstance(node.left, Literal)
        ):
            return _compare_with_number(node, _getter(node.left), node.right.value)
        get_left, get_right, op = _getter(node.left), _getter(node.right), node.op

        def compare(roots: Mapping[str, Any], errors: list[str] | None) -> bool:
            left, right = get_left(roots), get_right(roots)
            if left is MISSING or right is MISSING:
                return False
            if op in ("==", "!=") or _orderable(left, right):
                return _compare(op, left, right)
            _report(
                errors, node, f"cannot compare {describe_kind(left)} with {describe_kind(right)}"
            )
            return False

        return compare
    if isinstance(node, Contains):
        get_container, get_item, contains = _getter(node.container), _getter(node.item), node
        return lambda roots, errors: _contains(
            contains, get_container(roots), get_item(roots), errors
        )
    get_value, get_low, get_high, between = (
        _getter(node.operand),
        _getter(node.low),
        _getter(node.high),
        node,
    )
    return lambda roots, errors: _between(
        between, get_value(roots), get_low(roots), get_high(roots), errors
    )
