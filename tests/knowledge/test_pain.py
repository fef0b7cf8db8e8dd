from __future__ import annotations

import pytest

from selfmob.knowledge.catalogue import load_catalogue
from selfmob.knowledge.errors import KnowledgeError
from selfmob.knowledge.rules.pain import (
    HELP,
    check_during,
    check_next_day,
    checked_pain,
    pain_rule,
    stored_during,
)

POLICY = load_catalogue().policy


def test_the_defaults_are_a_rise_of_two_and_a_ceiling_of_five() -> None:
    rule = pain_rule(POLICY)
    assert (rule.limit, rule.ceiling, rule.next_day_rise) == (2, 5, 2)
    assert "rise at most 2 points above it" in rule.during
    assert "never go above 5/10" in rule.during
    assert "push" not in rule.during


def test_the_ceiling_is_our_own_labelled_default() -> None:
    pain = POLICY.pain
    assert (pain.ceiling_source, pain.ceiling_grade) == ("selfmob-defaults", "M")


@pytest.mark.parametrize("limit", [0, 3])
def test_a_coach_may_set_a_limit_from_zero_to_three(limit: int) -> None:
    assert pain_rule(POLICY, limit).limit == limit


def test_a_limit_of_zero_reads_as_no_rise() -> None:
    assert "it may not rise above it" in pain_rule(POLICY, 0).during


@pytest.mark.parametrize("limit", [-1, 4, 10, True, 2.5])
def test_limits_outside_zero_to_three_are_refused(limit: object) -> None:
    with pytest.raises(KnowledgeError, match="from 0 to 3"):
        pain_rule(POLICY, limit)  # type: ignore[arg-type]


def test_a_rise_up_to_the_limit_is_fine() -> None:
    check = check_during(POLICY, 5, rest=3)
    assert not check.over_limit
    assert (check.guidance, check.hits, check.basis, check.allowed) == (None, (), "rest", 5)


def test_a_rise_of_one_more_than_the_limit_is_over() -> None:
    check = check_during(POLICY, 6, rest=3)
    assert check.over_limit
    assert check.hits == ("rise", "ceiling")


def test_a_rise_beyond_the_limit_below_the_ceiling_is_over() -> None:
    check = check_during(POLICY, 4, rest=1)
    assert (check.over_limit, check.hits) == (True, ("rise",))
    assert check.guidance is not None
    assert "rose from 1/10 before you started to 4/10" in check.guidance
    assert "it may rise 2 points at most" in check.guidance


def test_the_ceiling_applies_even_within_the_rise() -> None:
    check = check_during(POLICY, 6, rest=4)
    assert (check.over_limit, check.hits, check.allowed) == (True, ("ceiling",), 5)
    assert check.guidance is not None
    assert "should never go above 5/10" in check.guidance


def test_pain_at_the_ceiling_is_fine() -> None:
    assert not check_during(POLICY, 5, rest=4).over_limit


def test_pain_below_the_pain_at_rest_is_fine() -> None:
    assert not check_during(POLICY, 2, rest=6).over_limit


def test_the_limit_set_by_the_coach_applies_above_the_rest() -> None:
    assert check_during(POLICY, 3, limit=0, rest=2).over_limit
    assert not check_during(POLICY, 2, limit=0, rest=2).over_limit
    assert not check_during(POLICY, 5, limit=3, rest=2).over_limit


def test_resting_pain_above_the_ceiling_says_not_to_start() -> None:
    check = check_during(POLICY, 6, rest=6)
    assert check.hits == ("ceiling",)
    assert check.guidance is not None
    assert "already 6/10 before you started" in check.guidance
    assert "see a physiotherapist or a doctor" in check.guidance


def test_without_a_resting_value_the_older_absolute_rule_applies() -> None:
    assert not check_during(POLICY, 2).over_limit
    check = check_during(POLICY, 3)
    assert (check.over_limit, check.hits, check.basis, check.allowed) == (
        True,
        ("absolute",),
        "absolute",
        2,
    )
    assert check.guidance is not None
    assert "judged by the older rule" in check.guidance


@pytest.mark.parametrize(("pain", "rest"), [(6, 3), (6, 4), (3, None), (3, 0)])
def test_the_guidance_never_says_to_push_through_and_names_help_for_everyone(
    pain: int, rest: int | None
) -> None:
    guidance = check_during(POLICY, pain, rest=rest).guidance
    assert guidance is not None
    assert guidance.startswith("Stop this technique for today; do not push through pain.")
    assert "a physiotherapist or a doctor" in guidance
    assert HELP in guidance


def test_a_stored_verdict_is_never_judged_again() -> None:
    kept = stored_during(POLICY, pain=9, limit=2, rest=0, over_limit=False)
    assert (kept.over_limit, kept.guidance) == (False, None)
    flagged = stored_during(POLICY, pain=1, limit=2, rest=1, over_limit=True)
    assert flagged.over_limit
    assert flagged.guidance is not None
    assert flagged.guidance.startswith("Stop this technique")


def test_a_stored_verdict_explains_the_rule_that_made_it() -> None:
    older = stored_during(POLICY, pain=3, limit=2, rest=None, over_limit=True)
    assert (older.basis, older.hits) == ("absolute", ("absolute",))


def test_next_day_pain_is_compared_with_the_pain_at_rest_before_the_session() -> None:
    up = check_next_day(POLICY, rest=3, during=5, next_day=5)
    assert (up.review, up.basis, up.baseline) == (True, "rest", 3)
    assert up.guidance is not None
    assert "your pain before that session (3/10)" in up.guidance
    assert not check_next_day(POLICY, rest=3, during=5, next_day=4).review


def test_next_day_pain_below_the_pain_during_can_still_mean_review() -> None:
    assert check_next_day(POLICY, rest=1, during=4, next_day=3).review


def test_without_a_resting_value_next_day_pain_is_compared_with_pain_during() -> None:
    old = check_next_day(POLICY, rest=None, during=1, next_day=3)
    assert (old.review, old.basis, old.baseline) == (True, "during", 1)
    assert old.guidance is not None
    assert "no pain recorded before it" in old.guidance
    assert not check_next_day(POLICY, rest=None, during=1, next_day=2).review
    assert not check_next_day(POLICY, rest=None, during=5, next_day=0).review


@pytest.mark.parametrize("pain", [-1, 11, 2.5, "3", None, True])
def test_pain_must_be_a_whole_number_from_zero_to_ten(pain: object) -> None:
    with pytest.raises(KnowledgeError, match="whole number from 0 to 10"):
        checked_pain(pain)


@pytest.mark.parametrize(("pain", "rest", "field"), [(11, 2, "pain_during"), (3, -1, "pain_rest")])
def test_a_bad_pain_names_its_field(pain: int, rest: int, field: str) -> None:
    with pytest.raises(KnowledgeError) as caught:
        check_during(POLICY, pain, rest=rest)
    assert caught.value.field == field
