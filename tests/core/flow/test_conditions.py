"""The condition language: every form, precise parse errors, evaluation, printing."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.core.flow.condition_codegen import compile_predicates
from workbench.core.flow.conditions import (
    And,
    Between,
    Compare,
    Condition,
    ConditionError,
    Contains,
    Exists,
    Literal,
    Node,
    Not,
    Or,
    PathRef,
    compile_condition,
    evaluate,
    parse_condition,
    to_text,
)
from workbench.core.flow.paths import FieldPath

PROFILE: dict[str, Any] = {
    "id": "p1",
    "stats": {"views": 5, "visits": 2},
    "traits": {"plan": "pro", "tags": ["a", "b"], "vip": True, "note": None, "name": "Ann Lee"},
    "data": {"metrics": {"ltv": 120.5}},
}
ROOTS = {
    "profile": PROFILE,
    "event": {"type": "page-view", "properties": {"n": 3}},
    "session": None,
}


def holds(text: str) -> bool:
    return evaluate(parse_condition(text), ROOTS)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("profile@stats.views == 5", True),
        ("profile@stats.views != 5", False),
        ("profile@stats.views > 4", True),
        ("profile@stats.views >= 5", True),
        ("profile@stats.views < 5", False),
        ("profile@stats.views <= 5.0", True),
        ('profile@traits.plan == "pro"', True),
        ("profile@traits.plan == 'pro'", True),
        ("profile@traits.vip == true", True),
        ("profile@traits.vip == 1", False),
        ("profile@traits.note == null", True),
        ("profile@traits.note exists", True),
        ("profile@traits.nothing exists", False),
        ('profile@traits.tags contains "b"', True),
        ('profile@traits.tags contains "z"', False),
        ('profile@traits.name contains "Lee"', True),
        ('profile@traits contains "plan"', True),
        ("profile@stats.views between 1 and 5", True),
        ("profile@stats.views between 6 and 9", False),
        ('profile@traits.plan between "a" and "z"', True),
        ("profile@stats.views > 1 and profile@stats.visits > 1", True),
        ("profile@stats.views > 9 or profile@stats.visits > 1", True),
        ("not profile@stats.views > 9", True),
        ("NOT (profile@stats.views > 9 OR profile@traits.vip == false)", True),
        ("event@properties.n >= 3 and event@type == 'page-view'", True),
        ("5 > profile@stats.visits", True),
        ("profile@data.metrics.ltv > -1e2", True),
    ],
)
def test_each_form(text: str, expected: bool) -> None:
    assert holds(text) is expected


def test_and_binds_tighter_than_or() -> None:
    tree = parse_condition("profile@a == 1 or profile@b == 2 and profile@c == 3")
    assert isinstance(tree, Or)
    assert isinstance(tree.right, And)


@pytest.mark.parametrize(
    "text",
    [
        "profile@missing == 1",
        "profile@missing != 1",
        "profile@missing > 1",
        "profile@missing contains 'x'",
        "profile@missing between 1 and 2",
        "session@context.x == 1",
    ],
)
def test_missing_field_is_false_not_an_error(text: str) -> None:
    errors: list[str] = []
    assert evaluate(parse_condition(text), ROOTS, errors) is False
    assert errors == []


def test_nonsense_comparison_is_false_and_reported() -> None:
    errors: list[str] = []
    assert evaluate(parse_condition("profile@traits.plan > 3"), ROOTS, errors) is False
    assert errors == ["profile@traits.plan > 3: cannot compare a string with a number"]
    errors.clear()
    assert evaluate(parse_condition("profile@stats.views contains 1"), ROOTS, errors) is False
    assert "'contains' needs" in errors[0]
    errors.clear()
    assert evaluate(parse_condition("profile@traits.vip between 0 and 1"), ROOTS, errors) is False
    assert "'between' needs" in errors[0]


@pytest.mark.parametrize(
    ("text", "position", "fragment"),
    [
        ("", 0, "empty"),
        ("profile@stats.views = 5", 20, "write '=='"),
        ("profile@stats.views ! 5", 20, "'!='"),
        ("profile@stats.views >", 21, "expected a value after '>'"),
        ("profile@stats.views", 19, "expected a comparison"),
        ("(profile@a == 1", 15, "expected ')' to close the '(' at character 1"),
        ("profile@a == 1)", 14, "')' without a matching '('"),
        ("profile@a == 1 profile@b == 2", 15, "expected 'and', 'or'"),
        ("profile@a == 'open", 13, "string is not closed"),
        ("profile@a == 'bad \\q'", 18, "unknown escape"),
        ("traits.plan == 1", 0, "unknown word 'traits'"),
        ("user@plan == 1", 0, "unknown root 'user'"),
        ("profile@a. == 1", 10, "bad path"),
        ("profile@a between 1 2", 20, "expected 'and' between the two bounds"),
        ("profile@a == 12abc", 13, "malformed number"),
        ("profile@a == 1 and", 18, "the end of the condition"),
        ("profile@a # 1", 10, "unexpected character '#'"),
    ],
)
def test_parse_errors_carry_positions(text: str, position: int, fragment: str) -> None:
    with pytest.raises(ConditionError) as info:
        parse_condition(text)
    assert fragment in info.value.message
    assert info.value.position == position
    assert info.value.pointer().splitlines()[1] == " " * position + "^"


def test_deep_nesting_is_a_condition_error() -> None:
    with pytest.raises(ConditionError, match="nests deeper"):
        parse_condition("(" * 500 + "profile@a exists" + ")" * 500)
    with pytest.raises(ConditionError, match="nests deeper"):
        parse_condition("not " * 500 + "profile@a exists")


def test_condition_restricts_roots() -> None:
    with pytest.raises(ConditionError) as info:
        Condition.parse("profile@a == 1 and event@type == 'x'", roots=("profile",))
    assert info.value.position == 19
    assert "only profile@ paths" in info.value.message
    condition = Condition.parse("profile@stats.views > 1", roots=("profile",))
    assert condition.evaluate(ROOTS) == (True, [])


def test_printer_examples() -> None:
    tree = parse_condition("(profile@a == 1 or profile@b == 2) and not (profile@c exists)")
    assert to_text(tree) == "(profile@a == 1 or profile@b == 2) and not profile@c exists"
    tree = Or(
        Exists(PathRef(FieldPath("profile", ("a",)))),
        Or(
            Exists(PathRef(FieldPath("profile", ("b",)))),
            Exists(PathRef(FieldPath("profile", ("c",)))),
        ),
    )
    assert to_text(tree) == "profile@a exists or (profile@b exists or profile@c exists)"
    assert parse_condition(to_text(tree)) == tree
    assert to_text(parse_condition('profile@a == "say \\"hi\\"\\n"')) == (
        'profile@a == "say \\"hi\\"\\n"'
    )


# --- property tests ---------------------------------------------------------------------------

_keys = st.from_regex(r"[A-Za-z0-9_$\-]{1,6}", fullmatch=True)
_paths = st.builds(
    lambda root, keys: PathRef(FieldPath(root, tuple(keys))),
    st.sampled_from(["profile", "event", "session"]),
    st.lists(_keys, min_size=1, max_size=3),
)
_literals = st.builds(
    Literal,
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(10**12), max_value=10**12),
        st.floats(allow_nan=False, allow_infinity=False),
        st.text(max_size=8),
    ),
)
_operands = st.one_of(_paths, _literals)
_predicates = st.one_of(
    st.builds(Compare, st.sampled_from(["==", "!=", ">", ">=", "<", "<="]), _operands, _operands),
    st.builds(Exists, _operands),
    st.builds(Contains, _operands, _operands),
    st.builds(Between, _operands, _operands, _operands),
)
_trees: st.SearchStrategy[Node] = st.recursive(
    _predicates,
    lambda inner: st.one_of(
        st.builds(Not, inner), st.builds(And, inner, inner), st.builds(Or, inner, inner)
    ),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_trees)
def test_print_then_parse_gives_the_same_tree(tree: Node) -> None:
    assert parse_condition(to_text(tree)) == tree


_alphabet = st.sampled_from(
    [
        *"()=!<>\"'\\@._- 0123456789abcdeEnotrxisu",
        "profile@",
        "event@",
        " and ",
        " or ",
        " not ",
        " exists",
        " contains ",
        " between ",
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(max_size=60), st.lists(_alphabet, max_size=30).map("".join)))
def test_parser_never_crashes(text: str) -> None:
    try:
        tree = parse_condition(text)
    except ConditionError as exc:
        assert 0 <= exc.position <= len(text)
    else:
        assert parse_condition(to_text(tree)) == tree
        evaluate(tree, ROOTS, [])


_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.text(alphabet="ab", max_size=2)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.sampled_from("ab"), inner, max_size=2)
    ),
    max_leaves=6,
)
_small_paths = st.builds(
    lambda root, keys: PathRef(FieldPath(root, tuple(keys))),
    st.sampled_from(["profile", "event"]),
    st.lists(st.sampled_from(["a", "b", "0"]), min_size=1, max_size=2),
)
_small_operands = st.one_of(
    _small_paths,
    st.builds(
        Literal,
        st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.text(alphabet="ab", max_size=2)),
    ),
)
_small_trees: st.SearchStrategy[Node] = st.recursive(
    st.one_of(
        st.builds(
            Compare, st.sampled_from(["==", "!=", ">", "<="]), _small_operands, _small_operands
        ),
        st.builds(Exists, _small_operands),
        st.builds(Contains, _small_operands, _small_operands),
        st.builds(Between, _small_operands, _small_operands, _small_operands),
    ),
    lambda inner: st.one_of(
        st.builds(Not, inner), st.builds(And, inner, inner), st.builds(Or, inner, inner)
    ),
    max_leaves=6,
)


@settings(max_examples=300, deadline=None)
@given(_small_trees, st.dictionaries(st.sampled_from("ab"), _values, max_size=2), _values)
def test_compiled_conditions_agree_with_the_tree_walker(
    tree: Node, profile: dict[str, Any], event: Any
) -> None:
    roots = {"profile": profile, "event": event}
    walked: list[str] = []
    compiled: list[str] = []
    assert compile_condition(tree)(roots, compiled) == evaluate(tree, roots, walked)
    assert compiled == walked


@settings(max_examples=400, deadline=None)
@given(
    st.lists(_small_trees, min_size=1, max_size=4),
    st.dictionaries(st.sampled_from("ab"), _values, max_size=2),
    _values,
)
def test_generated_predicates_answer_as_the_evaluator_or_not_at_all(
    trees: list[Node], profile: dict[str, Any], event: Any
) -> None:
    """A True/False from the generated function is the evaluator's answer, and the
    evaluator reports nothing then; None (not sure) hands the decision back."""
    roots = {"profile": profile, "event": event}
    answers = compile_predicates(trees)(roots)
    assert len(answers) == len(trees)
    for tree, answer in zip(trees, answers, strict=True):
        problems: list[str] = []
        expected = evaluate(tree, roots, problems)
        if answer is not None:
            assert answer is expected
            assert problems == []


def test_generated_predicates_share_reads_and_decide_plain_cases() -> None:
    trees = [
        parse_condition("profile@stats.counters.purchases >= 1"),
        parse_condition("profile@stats.counters.purchases >= 2 and profile@traits.vip exists"),
        parse_condition('profile@traits.device contains "iPhone"'),
        parse_condition('profile@data.email != null or profile@data.name == "x"'),
        parse_condition('profile@stats.counters.purchases > "x"'),
    ]
    profile = {"stats": {"counters": {"purchases": 1}}, "traits": {"device": "an iPhone"}}
    assert compile_predicates(trees)({"profile": profile}) == (True, False, True, False, None)
    assert compile_predicates(trees)({"profile": {}}) == (False, False, False, False, False)
