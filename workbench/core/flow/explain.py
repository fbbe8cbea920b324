"""Why a condition holds or not, in words a class understands, with the values that decided it.

:func:`explain` walks a condition's tree against the same roots the engine
uses and returns a :class:`Verdict` per node: whether that part holds, a
sentence that says so with the actual values (``profile@stats.views is 2, and
the condition needs at least 3``), and its children. :meth:`Verdict.reasons`
picks the parts that decided the outcome — for a condition that is false,
the parts that would have to change — so a "Why not?" view shows only those.

The answers are the evaluator's (:mod:`condition_eval`): explanation and
evaluation never disagree (a test checks it on generated conditions).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
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
    PathRef,
)
from workbench.core.flow.condition_eval import evaluate
from workbench.core.flow.condition_parser import to_text
from workbench.core.flow.conditions import Condition
from workbench.core.flow.paths import MISSING, describe_kind, read_value

__all__ = ["Verdict", "explain", "failed_parts", "show_value"]

_VALUE_LIMIT = 80
_NEEDS = {
    "==": "equal to",
    "!=": "different from",
    ">": "more than",
    ">=": "at least",
    "<": "less than",
    "<=": "at most",
}


def show_value(value: Any, limit: int = _VALUE_LIMIT) -> str:
    """A value as JSON, cut to *limit* characters (``missing`` for a field that is not there)."""
    if value is MISSING:
        return "missing"
    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class Verdict:
    """One part of a condition: its text, whether it holds, why, and its parts.

    ``values`` maps each path the part reads to the value it had (``show_value``
    text; ``"missing"`` when the field does not exist).
    """

    text: str
    holds: bool
    sentence: str
    kind: str
    values: dict[str, str] = field(default_factory=dict)
    children: tuple[Verdict, ...] = ()

    def reasons(self) -> list[Verdict]:
        """The innermost parts that decided this verdict.

        False ``and``: its false parts. False ``or``: all its parts (each would
        have to hold). True ``and``: all parts. True ``or``: its true parts.
        ``not`` hands on its inner part's reasons.
        """
        if self.kind == "and":
            chosen = self.children if self.holds else [c for c in self.children if not c.holds]
        elif self.kind == "or":
            chosen = [c for c in self.children if c.holds] if self.holds else list(self.children)
        elif self.kind == "not":
            return [self] if not self.children[0].children else self.children[0].reasons()
        else:
            return [self]
        out: list[Verdict] = []
        for child in chosen:
            out.extend(child.reasons())
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "holds": self.holds,
            "sentence": self.sentence,
            "kind": self.kind,
            "values": dict(self.values),
            "children": [c.to_dict() for c in self.children],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Verdict:
        return cls(
            text=str(data.get("text", "")),
            holds=bool(data.get("holds")),
            sentence=str(data.get("sentence", "")),
            kind=str(data.get("kind", "")),
            values={str(k): str(v) for k, v in (data.get("values") or {}).items()},
            children=tuple(cls.from_dict(c) for c in data.get("children") or ()),
        )


def explain(condition: Condition | Node, roots: Mapping[str, Any]) -> Verdict:
    """The :class:`Verdict` of *condition* on *roots* (``{"profile": …, "event": …}``)."""
    node = condition.tree if isinstance(condition, Condition) else condition
    return _explain(node, roots)


def failed_parts(condition: Condition | Node, roots: Mapping[str, Any]) -> list[dict[str, Any]]:
    """For a false condition: ``[{"part", "because", "values"}]`` of the parts that failed.

    Empty when the condition holds. This is what the engine stores for a rule
    that did not match (a compact form of :func:`explain`).
    """
    verdict = explain(condition, roots)
    if verdict.holds:
        return []
    return [
        {"part": part.text, "because": part.sentence, "values": dict(part.values)}
        for part in verdict.reasons()
    ]


def _read(operand: Operand, roots: Mapping[str, Any]) -> Any:
    if isinstance(operand, Literal):
        return operand.value
    root = roots.get(operand.path.root)
    if root is None:
        return MISSING
    return read_value(root, operand.path.keys)


def _values(roots: Mapping[str, Any], *operands: Operand) -> dict[str, str]:
    return {str(o.path): show_value(_read(o, roots)) for o in operands if isinstance(o, PathRef)}


def _name(operand: Operand, value: Any) -> str:
    """How the sentence names an operand: a path and its value, or a literal."""
    if isinstance(operand, Literal):
        return show_value(operand.value)
    if value is MISSING:
        return str(operand.path)
    return f"{operand.path} (which is {show_value(value)})"


def _explain(node: Node, roots: Mapping[str, Any]) -> Verdict:
    text = to_text(node)
    if isinstance(node, And | Or):
        left, right = _explain(node.left, roots), _explain(node.right, roots)
        children = _flatten(type(node), left, right)
        if isinstance(node, And):
            holds = all(c.holds for c in children)
            failed = sum(1 for c in children if not c.holds)
            sentence = (
                "every part holds"
                if holds
                else f"{failed} of its {len(children)} parts "
                f"{'does' if failed == 1 else 'do'} not hold, and all must"
            )
        else:
            holds = any(c.holds for c in children)
            passed = sum(1 for c in children if c.holds)
            sentence = (
                f"{passed} of its {len(children)} alternatives "
                f"{'holds' if passed == 1 else 'hold'}; one is enough"
                if holds
                else f"none of its {len(children)} alternatives holds; one would be enough"
            )
        return Verdict(
            text, holds, sentence, "and" if isinstance(node, And) else "or", {}, children
        )
    if isinstance(node, Not):
        inner = _explain(node.operand, roots)
        if inner.holds:
            sentence = f"it must not be true that {inner.text}, but it is: {inner.sentence}"
        else:
            sentence = f"it is not true that {inner.text} ({inner.sentence}), as required"
        return Verdict(text, not inner.holds, sentence, "not", dict(inner.values), (inner,))
    holds = evaluate(node, roots)
    return Verdict(
        text, holds, _leaf_sentence(node, roots, holds), _kind(node), _leaf_values(node, roots)
    )


def _flatten(kind: type, left: Verdict, right: Verdict) -> tuple[Verdict, ...]:
    """``a and b and c`` parses as ``(a and b) and c``: show it as three parts."""
    word = "and" if kind is And else "or"
    out: list[Verdict] = []
    for side in (left, right):
        out.extend(side.children if side.kind == word else (side,))
    return tuple(out)


def _kind(node: Node) -> str:
    return {Compare: "compare", Exists: "exists", Contains: "contains", Between: "between"}[
        type(node)
    ]


def _leaf_values(node: Node, roots: Mapping[str, Any]) -> dict[str, str]:
    if isinstance(node, Compare):
        return _values(roots, node.left, node.right)
    if isinstance(node, Exists):
        return _values(roots, node.operand)
    if isinstance(node, Contains):
        return _values(roots, node.container, node.item)
    assert isinstance(node, Between)
    return _values(roots, node.operand, node.low, node.high)


def _missing_sentence(operands: list[Operand], values: list[Any], doing: str) -> str | None:
    gone = [
        str(o.path)
        for o, v in zip(operands, values, strict=True)
        if v is MISSING and isinstance(o, PathRef)
    ]
    if not gone:
        return None
    names = " and ".join(gone)
    verb = "does" if len(gone) == 1 else "do"
    return f"{names} {verb} not exist, so there is nothing to {doing}"


def _leaf_sentence(node: Node, roots: Mapping[str, Any], holds: bool) -> str:
    if isinstance(node, Exists):
        value = _read(node.operand, roots)
        subject = (
            str(node.operand.path) if isinstance(node.operand, PathRef) else text_of(node.operand)
        )
        if holds:
            return f"{subject} exists (it is {show_value(value)})"
        return f"{subject} does not exist"
    if isinstance(node, Compare):
        left, right = _read(node.left, roots), _read(node.right, roots)
        missing = _missing_sentence([node.left, node.right], [left, right], "compare")
        if missing:
            return missing
        need = _NEEDS[node.op]
        subject, other = _name(node.left, left), _name(node.right, right)
        if isinstance(node.left, PathRef) and isinstance(node.right, Literal):
            subject = f"{node.left.path} is {show_value(left)}"
            if holds:
                return f"{subject}, which is {need} {other}"
            if node.op not in ("==", "!=") and describe_kind(left) != describe_kind(right):
                return (
                    f"{subject}: {describe_kind(left)} cannot be compared with "
                    f"{describe_kind(right)} {other}"
                )
            return f"{subject}, and the condition needs it to be {need} {other}"
        verdict = "is" if holds else "is not"
        return f"{subject} {verdict} {need} {other}"
    if isinstance(node, Contains):
        container, item = _read(node.container, roots), _read(node.item, roots)
        missing = _missing_sentence([node.container, node.item], [container, item], "look in")
        if missing:
            return missing
        subject = _name(node.container, container)
        verb = "contains" if holds else "does not contain"
        return f"{subject} {verb} {_name(node.item, item)}"
    assert isinstance(node, Between)
    value, low, high = (_read(o, roots) for o in (node.operand, node.low, node.high))
    missing = _missing_sentence([node.operand, node.low, node.high], [value, low, high], "compare")
    if missing:
        return missing
    verb = "is" if holds else "is not"
    return (
        f"{_name(node.operand, value)} {verb} between {_name(node.low, low)} "
        f"and {_name(node.high, high)}"
    )


def text_of(operand: Operand) -> str:
    return str(operand.path) if isinstance(operand, PathRef) else show_value(operand.value)
