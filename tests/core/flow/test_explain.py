"""Why a condition holds or not: the verdicts agree with evaluation and name the real values."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.core.flow.test_conditions import _small_trees, _values
from workbench.core.flow.condition_ast import Node
from workbench.core.flow.condition_eval import evaluate
from workbench.core.flow.conditions import Condition
from workbench.core.flow.explain import Verdict, explain, failed_parts, show_value

PROFILE = {
    "id": "p1",
    "stats": {"views": 2},
    "traits": {"cart": ["Nike shoes"]},
    "data": {"preferences": {"purchases": ["Adidas"]}},
}


def _why(text: str, profile: dict[str, Any] = PROFILE) -> Verdict:
    return explain(Condition.parse(text), {"profile": profile})


def test_a_failed_comparison_says_the_value_and_what_was_needed() -> None:
    verdict = _why("profile@stats.views >= 3")
    assert not verdict.holds
    assert (
        verdict.sentence == "profile@stats.views is 2, and the condition needs it to be at least 3"
    )
    assert verdict.values == {"profile@stats.views": "2"}


def test_or_lists_every_alternative_and_says_one_is_enough() -> None:
    verdict = _why(
        "profile@stats.views >= 3 or profile@stats.counters.add-to-cart >= 1 "
        "or profile@traits.searches exists"
    )
    assert not verdict.holds
    assert "none of its 3 alternatives" in verdict.sentence
    reasons = verdict.reasons()
    assert [r.text for r in reasons] == [
        "profile@stats.views >= 3",
        "profile@stats.counters.add-to-cart >= 1",
        "profile@traits.searches exists",
    ]
    assert "does not exist" in reasons[1].sentence
    assert reasons[2].values == {"profile@traits.searches": "missing"}


def test_and_names_only_the_parts_that_failed() -> None:
    verdict = _why(
        'profile@traits.cart exists and profile@data.preferences.purchases contains "Nike shoes"'
    )
    assert not verdict.holds
    (reason,) = verdict.reasons()
    assert reason.text == 'profile@data.preferences.purchases contains "Nike shoes"'
    assert '["Adidas"]' in reason.sentence
    assert "does not contain" in reason.sentence


def test_not_explains_what_is_true_that_should_not_be() -> None:
    verdict = _why("not profile@traits.cart exists")
    assert not verdict.holds
    assert "must not be true" in verdict.sentence
    assert '["Nike shoes"]' in verdict.sentence


def test_type_mismatch_is_said_in_words() -> None:
    verdict = _why('profile@stats.views > "a"')
    assert not verdict.holds
    assert "a number cannot be compared with a string" in verdict.sentence


def test_failed_parts_is_empty_when_the_condition_holds() -> None:
    assert failed_parts(Condition.parse("profile@stats.views >= 1"), {"profile": PROFILE}) == []
    parts = failed_parts(
        Condition.parse("profile@stats.views between 5 and 9"), {"profile": PROFILE}
    )
    assert parts == [
        {
            "part": "profile@stats.views between 5 and 9",
            "because": "profile@stats.views (which is 2) is not between 5 and 9",
            "values": {"profile@stats.views": "2"},
        }
    ]


def test_verdicts_round_trip_through_dicts() -> None:
    verdict = _why("profile@stats.views >= 3 or not profile@traits.cart exists")
    assert Verdict.from_dict(verdict.to_dict()) == verdict


def test_long_values_are_cut() -> None:
    assert show_value("x" * 500).endswith("…")
    assert len(show_value("x" * 500)) == 80


@settings(max_examples=300, deadline=None)
@given(_small_trees, st.dictionaries(st.sampled_from("ab"), _values, max_size=2), _values)
def test_explanations_agree_with_evaluation(
    tree: Node, profile: dict[str, Any], event: Any
) -> None:
    roots = {"profile": profile, "event": event}
    verdict = explain(tree, roots)
    assert verdict.holds == evaluate(tree, roots)
    assert verdict.sentence
    for reason in verdict.reasons():
        assert reason.sentence  # every deciding part can be said
