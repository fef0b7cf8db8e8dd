from __future__ import annotations

import math
from statistics import NormalDist
from typing import Any

import pytest

from selfmob.knowledge.errors import KnowledgeError
from selfmob.knowledge.rules.measures import (
    Person,
    classify_asymmetry,
    classify_side,
    reference,
    severe_loss,
    threshold,
)
from selfmob.knowledge.schema import RomTest
from tests.support.knowledge import SOURCE, limits, norm, rom_test

POLICY = limits()
Z5 = -NormalDist().inv_cdf(0.05)  # 1.645: the 5th percentile of a normal distribution
ADULT = Person(age=30, sex="f")


def spread_test(mean: float = 10.0, sd: float = 2.0, **overrides: Any) -> RomTest:
    return rom_test(
        cutoff=None, norms=[norm(mean, age_min=20, age_max=44) | {"sd": sd}], **overrides
    )


def test_with_a_spread_the_limit_is_the_fifth_percentile() -> None:
    limit = threshold(spread_test(), ADULT, POLICY)
    assert limit is not None
    assert limit.value == pytest.approx(10.0 - Z5 * 2.0)
    assert limit.method == "percentile"
    assert "5th percentile of healthy people aged 20–44" in limit.basis


def test_the_percentile_rule_is_graded_as_ours() -> None:
    limit = threshold(spread_test(), ADULT, POLICY)
    assert limit is not None
    assert limit.grade == "M"
    assert "selfmob-defaults" in limit.sources
    assert "our configurable default" in limit.basis


def test_a_coach_percentile_moves_the_limit_and_says_so() -> None:
    limit = reference(spread_test(), ADULT, POLICY, percentile=2.5).limit
    assert limit is not None
    assert limit.value == pytest.approx(10.0 - 1.959964 * 2.0)
    assert "set by the coach" in limit.basis
    assert limit.grade == "V"


def test_a_test_can_carry_its_own_percentile() -> None:
    test = spread_test(limit_percentile=10, limit_percentile_source="selfmob-defaults")
    limit = threshold(test, ADULT, POLICY)
    assert limit is not None
    assert limit.value == pytest.approx(10.0 - 1.281552 * 2.0)


@pytest.mark.parametrize("percentile", [0, 50, -1, math.nan, True])
def test_a_bad_percentile_is_refused(percentile: float) -> None:
    with pytest.raises(KnowledgeError, match="percentile must be a number above 0"):
        reference(spread_test(), ADULT, POLICY, percentile=percentile)


def test_an_sd_can_come_from_a_confidence_interval_and_n() -> None:
    ci = norm(20.0, age_min=2, age_max=8) | {"ci_low": 19.0, "ci_high": 21.0, "n": 64}
    limit = threshold(rom_test(cutoff=None, norms=[ci]), Person(age=5), POLICY)
    assert limit is not None
    sd = 2.0 / (2 * 1.96) * 8
    assert limit.value == pytest.approx(20.0 - Z5 * sd)
    assert "derived from the 95% CI of the mean and n = 64" in limit.basis


def test_below_the_limit_is_restricted() -> None:
    result = classify_side(spread_test(), "left", 6.6, ADULT, POLICY)
    assert result.status == "restricted"
    assert "below the limit of normal of 6.71 cm" in result.reasons[0]


def test_at_the_limit_and_within_one_mdc_above_it_is_borderline() -> None:
    test = spread_test()
    limit = 10.0 - Z5 * 2.0
    assert classify_side(test, "left", limit, ADULT, POLICY).status == "borderline"
    assert classify_side(test, "left", limit + 1.59, ADULT, POLICY).status == "borderline"
    assert classify_side(test, "left", limit + 1.6, ADULT, POLICY).status == "within_normal"
    reason = classify_side(test, "left", limit + 1, ADULT, POLICY).reasons[0]
    assert "cannot be told apart from measurement error" in reason


def test_a_healthy_value_near_the_mean_is_within_normal() -> None:
    assert classify_side(spread_test(), "left", 8.4, ADULT, POLICY).status == "within_normal"


def test_a_published_cutoff_applies_when_no_norm_has_a_spread() -> None:
    test = rom_test(norms=[norm(14.0, age_min=20, age_max=44)])
    limit = threshold(test, ADULT, POLICY)
    assert limit is not None
    assert (limit.value, limit.method, limit.grade) == (10.0, "cutoff", "V")
    assert "applies to adults (no ages stated by the source; applied to ages 18–64)" in limit.basis


def test_a_spread_comes_before_a_cutoff() -> None:
    test = rom_test(norms=[norm(10.0, age_min=20, age_max=44) | {"sd": 2.0}])
    limit = threshold(test, ADULT, POLICY)
    assert limit is not None and limit.method == "percentile"


def test_a_mean_without_spread_or_cutoff_uses_the_labelled_default() -> None:
    test = rom_test(cutoff=None, norms=[norm(20.0, age_min=20, age_max=44)])
    limit = threshold(test, ADULT, POLICY)
    assert limit is not None
    assert limit.value == pytest.approx(20.0 - Z5 * 3.0)
    assert (limit.method, limit.grade) == ("assumed-spread", "M")
    assert "SD is taken as 15% of the mean (a labelled default)" in limit.basis


def test_a_coach_cutoff_overrides_everything() -> None:
    result = classify_side(spread_test(), "left", 7.1, ADULT, POLICY, cutoff=5.5)
    assert result.status == "within_normal"
    assert (
        classify_side(spread_test(), "left", 5.4, ADULT, POLICY, cutoff=5.5).status == "restricted"
    )
    assert result.threshold is not None and result.threshold.grade == "coach"


def test_without_norm_or_cutoff_the_status_is_no_norm() -> None:
    result = classify_side(rom_test(cutoff=None), "right", 4.0, ADULT, POLICY)
    assert result.status == "no_norm"
    assert result.threshold is None
    assert "No norm or cut-off for this test" in result.reasons[0]


def test_norms_of_the_other_mode_never_set_a_limit() -> None:
    passive = norm(14.0) | {"mode": "passive", "sd": 2.0}
    assert threshold(rom_test(cutoff=None, norms=[passive]), ADULT, POLICY) is None


def test_an_older_person_outside_every_stratum_is_not_compared_with_young_adults() -> None:
    test = rom_test(norms=[norm(14.0, age_min=20, age_max=44) | {"sd": 2.0}])
    found = reference(test, Person(age=75, sex="m"), POLICY)
    assert found.limit is None
    assert "No reference values in our sources fit a person aged 75" in found.notes[-1]
    result = classify_side(test, "left", 5.0, Person(age=75, sex="m"), POLICY)
    assert result.status == "no_norm"


def test_an_unstated_age_range_means_the_policy_adults() -> None:
    test = rom_test(cutoff=None, norms=[norm(10.0) | {"sd": 2.0}])
    assert threshold(test, Person(age=40), POLICY) is not None
    assert threshold(test, Person(age=65), POLICY) is None
    assert threshold(test, Person(age=12), POLICY) is None
    assert threshold(test, Person(age=65), limits(adult_ages_max=70)) is not None


def test_a_cutoff_with_unstated_ages_does_not_reach_children() -> None:
    assert threshold(rom_test(), Person(age=10), POLICY) is None
    assert threshold(rom_test(), Person(age=30), POLICY) is not None


def test_fractional_ages_fall_in_their_whole_year_band() -> None:
    test = spread_test()
    assert threshold(test, Person(age=44.9), POLICY) is not None
    assert threshold(test, Person(age=19.99), POLICY) is None


def test_with_no_age_the_adult_rules_apply_and_are_stated() -> None:
    test = rom_test(
        cutoff=None,
        norms=[
            norm(12.0, age_min=2, age_max=8) | {"sd": 2.0},
            norm(10.0, age_min=20, age_max=44) | {"sd": 2.0},
            norm(9.0, age_min=45, age_max=69) | {"sd": 2.0},
        ],
    )
    found = reference(test, Person(), POLICY)
    assert found.limit is not None
    assert found.limit.value == pytest.approx(9.0 - Z5 * 2.0)  # the more lenient adult band
    assert any("No age given: the adult rules apply" in n for n in found.notes)


def test_with_no_sex_the_more_lenient_of_women_and_men_applies() -> None:
    test = rom_test(
        cutoff=None,
        norms=[
            norm(12.0, sex="f", age_min=20, age_max=44) | {"sd": 2.0},
            norm(10.0, sex="m", age_min=20, age_max=44) | {"sd": 2.0},
        ],
    )
    assert threshold(test, Person(age=30), POLICY).value == pytest.approx(10.0 - Z5 * 2)  # type: ignore[union-attr]
    assert threshold(test, Person(age=30, sex="f"), POLICY).value == pytest.approx(12.0 - Z5 * 2)  # type: ignore[union-attr]
    assert any("No sex given" in n for n in reference(test, Person(age=30), POLICY).notes)


def test_a_stated_stratum_wins_over_an_unstated_one() -> None:
    test = rom_test(
        cutoff=None,
        norms=[norm(30.0) | {"sd": 2.0}, norm(10.0, age_min=20, age_max=44) | {"sd": 2.0}],
    )
    limit = threshold(test, ADULT, POLICY)
    assert limit is not None and limit.value == pytest.approx(10.0 - Z5 * 2.0)


def test_a_side_under_half_the_mean_is_severe() -> None:
    test = spread_test(mean=20.0, sd=2.0)
    healthy = threshold(test, ADULT, POLICY)

    def severe(value: float, other: float = 20.0) -> str | None:
        sides = {
            "left": classify_side(test, "left", value, ADULT, POLICY),
            "right": classify_side(test, "right", other, ADULT, POLICY),
        }
        return severe_loss(test, sides["left"], sides, healthy, POLICY)

    assert severe(9.9) is not None and "under 50% of the reference value of 20 cm" in severe(9.9)  # type: ignore[operator]
    assert severe(10.0) is None


def test_a_wide_spread_keeps_half_the_mean_from_referring_healthy_people() -> None:
    test = spread_test(mean=10.0, sd=3.0)  # 3 SD below the mean is 1 cm, under half of 10
    healthy = threshold(test, ADULT, POLICY)
    side = classify_side(test, "left", 4.0, ADULT, POLICY)
    assert severe_loss(test, side, {"left": side}, healthy, POLICY) is None
    side = classify_side(test, "left", 0.9, ADULT, POLICY)
    assert severe_loss(test, side, {"left": side}, healthy, POLICY) is not None


def test_without_a_reference_a_severe_loss_is_judged_against_the_other_side() -> None:
    test = rom_test(cutoff=None)
    left = classify_side(test, "left", 4.0, ADULT, POLICY)
    right = classify_side(test, "right", 9.0, ADULT, POLICY)
    assert severe_loss(test, left, {"left": left, "right": right}, None, POLICY) is not None
    even = classify_side(test, "right", 7.0, ADULT, POLICY)
    assert severe_loss(test, left, {"left": left, "right": even}, None, POLICY) is None


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_it_refuses_values_that_are_not_finite(value: float) -> None:
    with pytest.raises(KnowledgeError, match="finite number"):
        classify_side(rom_test(), "left", value, ADULT, POLICY)


@pytest.mark.parametrize("value", [-0.1, 30.1])
def test_it_refuses_values_outside_the_physiological_range(value: float) -> None:
    with pytest.raises(KnowledgeError, match="outside the physiological range 0–30 cm"):
        classify_side(rom_test(), "left", value, ADULT, POLICY)


def test_range_errors_speak_in_degrees_for_angle_tests() -> None:
    test = rom_test(unit="deg", physiological_range={"min": 0, "max": 80, **SOURCE})
    with pytest.raises(KnowledgeError, match="90 deg is outside the physiological range 0–80 deg"):
        classify_side(test, "left", 90, ADULT, POLICY)


@pytest.mark.parametrize(("age", "sex"), [(-1, None), (121, None), (math.nan, None), (30, "x")])
def test_it_refuses_a_bad_person(age: float, sex: str | None) -> None:
    with pytest.raises(KnowledgeError):
        Person(age=age, sex=sex)


def test_a_difference_exactly_at_the_mdc_is_within_error() -> None:
    result = classify_asymmetry(rom_test(), 10.0, 8.4)
    assert result.difference == pytest.approx(1.6)
    assert not result.real
    assert result.worse_side is None


def test_a_difference_above_the_mdc_is_real_and_names_the_worse_side() -> None:
    result = classify_asymmetry(rom_test(), 8.3, 10.0)
    assert result.real
    assert result.worse_side == "left"


def test_asymmetry_uses_the_side_to_side_mdc_when_the_test_has_one() -> None:
    error = {"mdc": 2.0, "level": "unstated", "context": "side to side", **SOURCE}
    test = rom_test(asymmetry_error=error)
    assert not classify_asymmetry(test, 10.0, 8.1).real
    assert classify_asymmetry(test, 10.0, 7.9).real


def test_a_coach_mdc_overrides_the_catalogue_for_asymmetry() -> None:
    result = classify_asymmetry(rom_test(), 10.0, 9.0, mdc=0.5)
    assert result.real
    assert result.sources == []


def test_lower_is_better_tests_flip_the_direction() -> None:
    test = spread_test(better="lower")
    limit = 10.0 + Z5 * 2.0
    result = classify_side(test, "left", limit + 0.1, ADULT, POLICY)
    assert result.status == "restricted"
    assert "is above the limit of normal" in result.reasons[0]
    assert classify_side(test, "left", limit - 1.0, ADULT, POLICY).status == "borderline"
    assert classify_side(test, "left", limit - 1.7, ADULT, POLICY).status == "within_normal"
    assert classify_asymmetry(test, 12.0, 10.0).worse_side == "left"


def test_minus_zero_reads_as_zero() -> None:
    assert str(classify_side(rom_test(), "left", -0.0, ADULT, POLICY).value) == "0.0"
