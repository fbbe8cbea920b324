"""Text to tree and back: the tokenizer, the recursive-descent parser and the printer.

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

Parsing and printing live together because they are two halves of one
contract: ``parse_condition(to_text(tree)) == tree``.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from workbench.core.flow.condition_ast import (
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
from workbench.core.flow.paths import ROOTS, FieldPath, PathError, describe_kind, parse_path

__all__ = ["parse_condition", "paths_with_positions", "to_text"]

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


def paths_with_positions(text: str) -> Iterator[tuple[FieldPath, int]]:
    """Every path in *text* with its 0-based character, so a caller can point at a bad one."""
    for token in _tokenize(text):
        if token.kind == "path":
            yield token.value, token.position
