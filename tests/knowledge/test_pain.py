from __future__ import annotations

import pytest

from selfmob.knowledge.catalogue import load_catalogue
from selfmob.knowledge.errors import KnowledgeError
from selfmob.knowledge.rules.pain import (
    STOP_GUIDANCE,
    check_during,
    check_next_day,
    checked_pain,
    pain_rule,
)

POLICY = load_catalogue().policy


def test_the_default_limit_is_two_out_of_ten() -> None:
    rule = pain_rule(POLICY)
    assert rule.limit == 2
    assert "2/10 or less" in rule.during
    assert "push" not in rule.during


@pytest.mark.parametrize("limit", [0, 3])
def test_a_coach_may_set_a_limit_from_zero_to_three(limit: int) -> None:
    assert pain_rule(POLICY, limit).limit == limit


@pytest.mark.parametrize("limit", [-1, 4, 10, True, 2.5])
def test_limits_outside_zero_to_three_are_refused(limit: object) -> None:
    with pytest.raises(KnowledgeError, match="from 0 to 3"):
        pain_rule(POLICY, limit)  # type: ignore[arg-type]


def test_pain_at_the_limit_is_fine_and_above_it_means_stop() -> None:
    assert not check_during(POLICY, 2).over_limit
    above = check_during(POLICY, 3)
    assert above.over_limit
    assert above.guidance == STOP_GUIDANCE
    assert "do not push through pain" in STOP_GUIDANCE


def test_the_limit_set_by_the_coach_applies() -> None:
    assert check_during(POLICY, 1, limit=0).over_limit


def test_next_day_pain_up_by_two_means_review() -> None:
    assert check_next_day(POLICY, before=1, next_day=3).over_limit
    assert not check_next_day(POLICY, before=1, next_day=2).over_limit
    assert not check_next_day(POLICY, before=5, next_day=0).over_limit


@pytest.mark.parametrize("pain", [-1, 11, 2.5, "3", None, True])
def test_pain_must_be_a_whole_number_from_zero_to_ten(pain: object) -> None:
    with pytest.raises(KnowledgeError, match="whole number from 0 to 10"):
        checked_pain(pain)
