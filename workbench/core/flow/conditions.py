"""The condition language of segments and rule conditions, parsed and never ``eval``-ed.

Grammar (keywords are case-insensitive, ``and`` binds tighter than ``or``)::

    condition  := or_expr
    or_expr    := and_expr ( "or" and_expr )*
    and_expr   := not_expr ( "and" not_expr )*
    not_expr   := "not" not_expr | "(" condition ")" | predicate
    predicate  := operand ( ("==" | "!=" | ">" | ">=" | "<" | "<=") operand
                          | "exists"
                          | "contains" operand
                          | "between" operand "and" operand )
    operand    := path | string | number | "true" | "false" | "null"
    path       := ("profile" | "event" | "session") "@" key ( "." key )*

Evaluation never raises: a missing field makes its predicate false, and a
comparison that makes no sense (``"abc" > 3``) is false *and* reported, so a
segment editor can say why a profile is not in a segment.
"""

from __future__ import annotations

import json
import math
import operator
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from workbench.core.flow.paths import (
    MISSING,
    ROOTS,
    FieldPath,
    PathError,
    describe_kind,
    parse_path,
    read_value,
)

__all__ = [
    "COMPARISONS",
    "And",
    "Between",
    "Compare",
    "Condition",
    "ConditionError",
    "Contains",
    "Exists",
    "Literal",
    "Node",
    "Not",
    "Or",
    "PathRef",
    "compile_condition",
    "evaluate",
    "parse_condition",
    "to_text",
]

COMPARISONS = ("==", "!=", ">=", "<=", ">", "<")
_KEYWORDS = {"and", "or", "not", "exists", "contains", "between", "true", "false", "null"}
_MAX_DEPTH = 64
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_PATH_CHARS = re.compile(r"[A-Za-z0-9_\-$.@]*")
_ESCAPES = {
    '"': '"',
    "'": "'",
    "\\": "\\",
    "/": "/",
    "n": "\n",
    "t": "\t",
    "r": "\r",
    "b": "\b",
    "f": "\f",
}


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


# --- AST -------------------------------------------------------------------------------------


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


# --- tokenizer -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Token:
    kind: str  # "op", "lparen", "rparen", "kw", "string", "number", "path", "end"
    value: Any
    position: int
    text: str


def _tokenize(text: str) -> Iterator[_Token]:
    pos = 0
    length = len(text)
    while pos < length:
        char = text[pos]
        if char.isspace():
            pos += 1
            continue
        if char == "(":
            yield _Token("lparen", "(", pos, "(")
            pos += 1
            continue
        if char == ")":
            yield _Token("rparen", ")", pos, ")")
            pos += 1
            continue
        two = text[pos : pos + 2]
        if two in ("==", "!=", ">=", "<="):
            yield _Token("op", two, pos, two)
            pos += 2
            continue
        if char in "<>":
            yield _Token("op", char, pos, char)
            pos += 1
            continue
        if char == "=":
            raise ConditionError("a single '=' is not a comparison; write '=='", text, pos)
        if char == "!":
            raise ConditionError(
                "'!' must be followed by '=' ('!='); use 'not' to negate", text, pos
            )
        if char in "\"'":
            value, end = _read_string(text, pos)
            yield _Token("string", value, pos, text[pos:end])
            pos = end
            continue
        if char.isdigit() or (char == "-" and pos + 1 < length and text[pos + 1].isdigit()):
            match = _NUMBER.match(text, pos)
            if match is None:  # pragma: no cover - the guard above makes this unreachable
                raise ConditionError("malformed number", text, pos)
            raw = match.group()
            end = match.end()
            if end < length and (text[end].isalnum() or text[end] in "._"):
                raise ConditionError(f"malformed number {text[pos : end + 1]!r}", text, pos)
            number: int | float = float(raw) if any(c in raw for c in ".eE") else int(raw)
            if isinstance(number, float) and not math.isfinite(number):
                raise ConditionError(f"number {raw} is too large", text, pos)
            yield _Token("number", number, pos, raw)
            pos = end
            continue
        word = _WORD.match(text, pos)
        if word is not None:
            end = word.end()
            if end < length and text[end] == "@":
                tail = _PATH_CHARS.match(text, end)
                end = tail.end() if tail else end
                raw = text[pos:end]
                try:
                    path = parse_path(raw)
                except PathError as exc:
                    raise ConditionError(
                        f"bad path: {exc.message}", text, pos + exc.position
                    ) from None
                yield _Token("path", path, pos, raw)
                pos = end
                continue
            lowered = word.group().lower()
            if lowered in _KEYWORDS:
                yield _Token("kw", lowered, pos, word.group())
                pos = end
                continue
            roots = ", ".join(f"{r}@…" for r in ROOTS)
            raise ConditionError(
                f"unknown word {word.group()!r}: expected a path ({roots}), a value "
                "or a keyword (and, or, not, exists, contains, between)",
                text,
                pos,
            )
        raise ConditionError(f"unexpected character {char!r}", text, pos)
    yield _Token("end", None, length, "")


def _read_string(text: str, start: int) -> tuple[str, int]:
    quote = text[start]
    out: list[str] = []
    pos = start + 1
    while pos < len(text):
        char = text[pos]
        if char == quote:
            return "".join(out), pos + 1
        if char == "\\":
            if pos + 1 >= len(text):
                break
            escaped = text[pos + 1]
            if escaped == "u":
                digits = text[pos + 2 : pos + 6]
                if len(digits) != 4 or not all(c in "0123456789abcdefABCDEF" for c in digits):
                    raise ConditionError("'\\u' needs four hex digits", text, pos)
                out.append(chr(int(digits, 16)))
                pos += 6
                continue
            if escaped not in _ESCAPES:
                raise ConditionError(f"unknown escape '\\{escaped}' in a string", text, pos)
            out.append(_ESCAPES[escaped])
            pos += 2
            continue
        out.append(char)
        pos += 1
    raise ConditionError(f"string is not closed: add {quote}", text, start)


# --- parser ----------------------------------------------------------------------------------


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = list(_tokenize(text))
        self.index = 0
        self.depth = 0

    @property
    def current(self) -> _Token:
        return self.tokens[self.index]

    def advance(self) -> _Token:
        token = self.tokens[self.index]
        if token.kind != "end":
            self.index += 1
        return token

    def is_kw(self, word: str) -> bool:
        return self.current.kind == "kw" and self.current.value == word

    def fail(self, message: str, token: _Token | None = None) -> ConditionError:
        token = token or self.current
        return ConditionError(message, self.text, token.position)

    def describe(self, token: _Token) -> str:
        return "the end of the condition" if token.kind == "end" else repr(token.text)

    def parse(self) -> Node:
        if self.current.kind == "end":
            raise self.fail("the condition is empty")
        node = self.or_expr()
        if self.current.kind != "end":
            token = self.current
            if token.kind == "rparen":
                raise self.fail("')' without a matching '('")
            raise self.fail(f"expected 'and', 'or' or the end, found {self.describe(token)}")
        return node

    def or_expr(self) -> Node:
        node = self.and_expr()
        while self.is_kw("or"):
            self.advance()
            node = Or(node, self.and_expr())
        return node

    def and_expr(self) -> Node:
        node = self.not_expr()
        while self.is_kw("and"):
            self.advance()
            node = And(node, self.not_expr())
        return node

    def not_expr(self) -> Node:
        self.depth += 1
        if self.depth > _MAX_DEPTH:
            raise self.fail(f"the condition nests deeper than {_MAX_DEPTH} levels")
        try:
            if self.is_kw("not"):
                self.advance()
                return Not(self.not_expr())
            if self.current.kind == "lparen":
                opening = self.advance()
                node = self.or_expr()
                if self.current.kind != "rparen":
                    raise self.fail(
                        f"expected ')' to close the '(' at character {opening.position + 1}, "
                        f"found {self.describe(self.current)}"
                    )
                self.advance()
                return node
            return self.predicate()
        finally:
            self.depth -= 1

    def operand(self, what: str) -> Operand:
        token = self.current
        if token.kind == "path":
            self.advance()
            return PathRef(token.value)
        if token.kind in ("string", "number"):
            self.advance()
            return Literal(token.value)
        if token.kind == "kw" and token.value in ("true", "false", "null"):
            self.advance()
            return Literal({"true": True, "false": False, "null": None}[token.value])
        raise self.fail(f"expected {what} (a path or a value), found {self.describe(token)}")

    def predicate(self) -> Node:
        left = self.operand("a comparison")
        token = self.current
        if token.kind == "op":
            self.advance()
            return Compare(token.value, left, self.operand(f"a value after {token.value!r}"))
        if token.kind == "kw" and token.value == "exists":
            self.advance()
            return Exists(left)
        if token.kind == "kw" and token.value == "contains":
            self.advance()
            return Contains(left, self.operand("a value after 'contains'"))
        if token.kind == "kw" and token.value == "between":
            self.advance()
            low = self.operand("the lower bound after 'between'")
            if not self.is_kw("and"):
                raise self.fail(
                    f"expected 'and' between the two bounds, found {self.describe(self.current)}"
                )
            self.advance()
            return Between(left, low, self.operand("the upper bound after 'and'"))
        raise self.fail(
            "expected a comparison (==, !=, >, >=, <, <=), 'exists', 'contains' or 'between' "
            f"after {self.describe(self.tokens[self.index - 1])}, found {self.describe(token)}"
        )


def parse_condition(text: str) -> Node:
    """Parse *text*; raise :class:`ConditionError` (and nothing else) when it is not valid."""
    if not isinstance(text, str):
        raise ConditionError(
            f"a condition must be a string, got {describe_kind(text)}", str(text), 0
        )
    return _Parser(text).parse()


# --- printer ---------------------------------------------------------------------------------

_PRECEDENCE = {Or: 1, And: 2, Not: 3}


def _operand_text(operand: Operand) -> str:
    if isinstance(operand, PathRef):
        return str(operand.path)
    value = operand.value
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    return json.dumps(value, ensure_ascii=False)


def _wrapped(node: Node, parent_precedence: int, strict: bool) -> str:
    text = to_text(node)
    precedence = _PRECEDENCE.get(type(node), 4)
    needs = precedence < parent_precedence or (strict and precedence == parent_precedence)
    return f"({text})" if needs else text


def to_text(node: Node) -> str:
    """Print a condition so that :func:`parse_condition` gives the same tree back."""
    if isinstance(node, Compare):
        return f"{_operand_text(node.left)} {node.op} {_operand_text(node.right)}"
    if isinstance(node, Exists):
        return f"{_operand_text(node.operand)} exists"
    if isinstance(node, Contains):
        return f"{_operand_text(node.container)} contains {_operand_text(node.item)}"
    if isinstance(node, Between):
        low, high = _operand_text(node.low), _operand_text(node.high)
        return f"{_operand_text(node.operand)} between {low} and {high}"
    if isinstance(node, Not):
        return f"not {_wrapped(node.operand, 3, False)}"
    keyword = "and" if isinstance(node, And) else "or"
    precedence = _PRECEDENCE[type(node)]
    left = _wrapped(node.left, precedence, False)
    right = _wrapped(node.right, precedence, True)
    return f"{left} {keyword} {right}"


# --- evaluation ------------------------------------------------------------------------------


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
    root_name, keys = operand.path.root, operand.path.keys

    def get(roots: Mapping[str, Any]) -> Any:
        current = roots.get(root_name)
        if current is None:
            return MISSING
        for depth, key in enumerate(keys):  # read_value, inlined for nested objects
            if type(current) is not dict:
                return read_value(current, keys[depth:])
            current = current.get(key, MISSING)
            if current is MISSING:
                return MISSING
        return current

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


# --- a parsed condition with its source text ------------------------------------------------


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
        for path, position in _paths_with_positions(text):
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


def _paths_with_positions(text: str) -> Iterator[tuple[FieldPath, int]]:
    for token in _tokenize(text):
        if token.kind == "path":
            yield token.value, token.position
