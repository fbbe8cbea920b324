"""Reading and writing journey text: YAML (JSON accepted) with the line of every field.

PyYAML (with libyaml's C parser when present) reads the text, with two changes
that keep a tracker payload what its author typed: only ``true``/``false`` are
booleans (YAML 1.1 would turn ``yes``, ``no``, ``on`` and ``off`` into booleans,
silently changing a property value), and dates stay strings (YAML 1.1 would make
``2024-05-01`` a date object, which is not JSON). A key given twice in one
mapping is an error instead of the last one silently winning. JSON text is read
by the JSON parser first (it is stricter and its errors are clearer).

:func:`load_text` returns the document and a map from field paths to 1-based
line numbers, so errors can say where to look.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import yaml

__all__ = ["FieldPath", "LoadedText", "SourceError", "dump_text", "inline_yaml", "load_text"]

FieldPath = tuple[str | int, ...]

#: The most values (counted with aliases expanded) one journey file may hold.
MAX_NODES = 200_000

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _JourneyLoader(_Loader):  # type: ignore[misc, valid-type]
    """Safe loading with YAML 1.2's booleans and no implicit dates."""


# Drop the implicit resolvers for bool and timestamp, then add a strict bool back.
_JourneyLoader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        if tag
        not in (
            "tag:yaml.org,2002:bool",
            "tag:yaml.org,2002:timestamp",
        )
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_JourneyLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


class SourceError(ValueError):
    """The text is not YAML/JSON; ``line`` and ``column`` are 1-based (0 when unknown)."""

    def __init__(self, message: str, line: int = 0, column: int = 0) -> None:
        self.message = message
        self.line = line
        self.column = column
        where = f" (line {line}, column {column})" if line else ""
        super().__init__(f"{message}{where}")


@dataclass(frozen=True)
class LoadedText:
    """A parsed document and the 1-based line of each field path in it."""

    document: Any
    lines: dict[FieldPath, int]

    def line_of(self, path: FieldPath) -> int:
        """The line of *path*, or of its nearest parent that has one (0 when unknown)."""
        current = tuple(path)
        while True:
            if current in self.lines:
                return self.lines[current]
            if not current:
                return 0
            current = current[:-1]


def _looks_like_json(text: str) -> bool:
    stripped = text.lstrip("\ufeff \t\r\n")
    return stripped.startswith("{")


def load_text(text: str) -> LoadedText:
    """Parse journey text (YAML or JSON); raise :class:`SourceError` saying where it breaks."""
    if _looks_like_json(text):
        try:
            return LoadedText(json.loads(text.lstrip("\ufeff")), {})
        except json.JSONDecodeError as exc:
            json_error = SourceError(f"not valid JSON: {exc.msg}", exc.lineno, exc.colno)
            # Flow-style YAML also starts with '{': fall back, but report JSON's error
            # when YAML cannot read it either.
            try:
                return _load_yaml(text)
            except SourceError:
                raise json_error from None
    return _load_yaml(text)


def _load_yaml(text: str) -> LoadedText:
    loader = _JourneyLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return LoadedText(None, {})
        lines: dict[FieldPath, int] = {}
        _check_and_index(node, (), lines, [MAX_NODES])
        document = loader.construct_document(node)
    except RecursionError:
        raise SourceError("the document is nested too deeply to read") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "cannot be read"
        context = f" {exc.context}" if exc.context and exc.problem else ""
        raise SourceError(
            f"not valid YAML: {problem}{context}",
            mark.line + 1 if mark else 0,
            mark.column + 1 if mark else 0,
        ) from None
    except yaml.YAMLError as exc:
        raise SourceError(f"not valid YAML: {exc}") from None
    finally:
        loader.dispose()
    return LoadedText(document, lines)


def _check_and_index(
    node: yaml.Node, path: FieldPath, lines: dict[FieldPath, int], budget: list[int]
) -> None:
    # Aliases make the node graph a DAG whose expansion can be exponential ("billion
    # laughs"); the budget counts nodes as the payload would be sent, expanded.
    budget[0] -= 1
    if budget[0] < 0:
        raise SourceError(
            f"the document expands to more than {MAX_NODES} values (too many aliases?)",
            node.start_mark.line + 1,
            node.start_mark.column + 1,
        )
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key is None:
                continue
            if key in seen:
                raise yaml.MarkedYAMLError(
                    problem=f"the key {key!r} is given twice (first on line {seen[key]})",
                    problem_mark=key_node.start_mark,
                )
            seen[key] = key_node.start_mark.line + 1
            _check_and_index(value_node, (*path, key), lines, budget)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _check_and_index(item, (*path, index), lines, budget)


def _str_presenter(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # Characters a YAML reader folds or normalises (NEL, line and paragraph separators,
    # carriage returns, other unprintables) survive only in double quotes, escaped.
    if any(not (c.isprintable() or c == "\n") for c in value):
        style: str | None = '"'
    else:
        style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


class _JourneyDumper(yaml.SafeDumper):
    """Block style, keys in the order given, multi-line strings as literal blocks."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        # Indent list items under their key, as people write YAML by hand.
        super().increase_indent(flow, False)


_JourneyDumper.add_representer(str, _str_presenter)


def dump_text(document: Any) -> str:
    """YAML for *document* that :func:`load_text` reads back to the same value."""
    text: str = yaml.dump(
        document,
        Dumper=_JourneyDumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=100,
    )
    return text


def _inline_str_presenter(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = '"' if any(not c.isprintable() for c in value) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


class _InlineDumper(yaml.SafeDumper):
    """One-line flow style; strings with line breaks double-quoted (escaped)."""


_InlineDumper.add_representer(str, _inline_str_presenter)


def inline_yaml(value: Any) -> str:
    """*value* as one line of YAML (``200``, ``{ge: 1}``, ``'yes'``) for a table cell."""
    text: str = yaml.dump(
        value,
        Dumper=_InlineDumper,
        default_flow_style=True,
        allow_unicode=True,
        sort_keys=False,
        width=1_000_000,
    )
    text = text.strip()
    if text.endswith("\n..."):
        text = text[: -len("\n...")]
    elif text.endswith("..."):
        text = text[:-3].rstrip()
    return text


def iter_lines(loaded: LoadedText) -> Iterator[tuple[FieldPath, int]]:
    """Every indexed field path with its line (for editors that map lines to fields)."""
    return iter(sorted(loaded.lines.items(), key=lambda item: item[1]))
