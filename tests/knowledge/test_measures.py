from __future__ import annotations

import math

import pytest

from selfmob.knowledge.errors import KnowledgeError
from selfmob.knowledge.rules.measures import (
    Person,
    classify_asymmetry,
    classify_side,
    threshold,
)
from tests.support.knowledge import SOURCE, norm, rom_test


def test_it_restricts_a_value_below_the_cutoff() -> None:
    result = classify_side(rom_test(), "left", 9.9, Person())
    assert result.status == "restricted"
    assert "below the threshold of 10 cm" in result.reasons[0]


def test_a_value_exactly_at_the_cutoff_is_within_normal() -> None:
    assert classify_side(rom_test(), "left", 10.0, Person()).status == "within_normal"


def test_without_norm_or_cutoff_the_status_is_no_norm() -> None:
    result = classify_side(rom_test(cutoff=None), "right", 4.0, Person())
    assert result.status == "no_norm"
    assert result.threshold is None


def test_a_coach_cutoff_overrides_the_default() -> None:
    result = classify_side(rom_test(), "left", 9.0, Person(), cutoff=8.5)
    assert result.status == "within_normal"
    assert result.threshold is not None and result.threshold.grade == "coach"


def test_the_more_lenient_of_cutoff_and_stratum_norm_applies() -> None:
    test = rom_test(norms=[norm(11.0, sex="f", age_min=20, age_max=44), norm(30.0)])
    limit = threshold(test, Person(age=30, sex="f"))
    assert limit is not None
    assert limit.value == pytest.approx(9.4)
    assert "women aged 20–44" in limit.basis
    strict_norm = rom_test(norms=[norm(14.0, sex="f", age_min=20, age_max=44)])
    assert threshold(strict_norm, Person(age=30, sex="f")) == threshold(strict_norm, Person())


def test_without_a_cutoff_the_stratum_norm_minus_mdc_applies() -> None:
    test = rom_test(cutoff=None, norms=[norm(14.0, sex="f", age_min=20, age_max=44)])
    limit = threshold(test, Person(age=30, sex="f"))
    assert limit is not None
    assert limit.value == pytest.approx(12.4)
    assert limit.basis.startswith("measurably worse than average")


def test_norms_of_the_other_mode_never_set_a_threshold() -> None:
    passive = norm(14.0) | {"mode": "passive"}
    assert threshold(rom_test(cutoff=None, norms=[passive]), Person()) is None


def test_fractional_ages_fall_in_their_whole_year_band() -> None:
    test = rom_test(cutoff=None, norms=[norm(14.0, age_min=20, age_max=44)])
    assert threshold(test, Person(age=44.9)) is not None
    assert threshold(test, Person(age=19.99)) is None


def test_a_person_outside_every_stratum_falls_back_to_the_cutoff() -> None:
    test = rom_test(norms=[norm(14.0, sex="f", age_min=20, age_max=44)])
    limit = threshold(test, Person(age=70, sex="f"))
    assert limit is not None and limit.value == 10.0


def test_unknown_age_and_sex_do_not_match_a_stratified_norm() -> None:
    test = rom_test(cutoff=None, norms=[norm(14.0, sex="m", age_min=20, age_max=44)])
    assert classify_side(test, "left", 1.0, Person()).status == "no_norm"


def test_an_unstratified_norm_is_used_when_nothing_else_applies() -> None:
    test = rom_test(cutoff=None, norms=[norm(10.0)])
    assert classify_side(test, "left", 8.4, Person()).status == "within_normal"
    assert classify_side(test, "left", 8.3, Person()).status == "restricted"


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_it_refuses_values_that_are_not_finite(value: float) -> None:
    with pytest.raises(KnowledgeError, match="finite number"):
        classify_side(rom_test(), "left", value, Person())


@pytest.mark.parametrize("value", [-0.1, 30.1])
def test_it_refuses_values_outside_the_physiological_range(value: float) -> None:
    with pytest.raises(KnowledgeError, match="outside the physiological range 0–30 cm"):
        classify_side(rom_test(), "left", value, Person())


def test_range_errors_speak_in_degrees_for_angle_tests() -> None:
    test = rom_test(unit="deg", physiological_range={"min": 0, "max": 80, **SOURCE})
    with pytest.raises(KnowledgeError, match="90 deg is outside the physiological range 0–80 deg"):
        classify_side(test, "left", 90, Person())


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
    test = rom_test(better="lower")
    result = classify_side(test, "left", 10.1, Person())
    assert result.status == "restricted"
    assert "is above the threshold" in result.reasons[0]
    assert classify_side(test, "left", 10.0, Person()).status == "within_normal"
    assert classify_asymmetry(test, 12.0, 10.0).worse_side == "left"


def test_lower_is_better_norms_add_the_mdc() -> None:
    test = rom_test(better="lower", cutoff=None, norms=[norm(10.0)])
    assert classify_side(test, "left", 9.0, Person()).status == "within_normal"
    assert classify_side(test, "left", 11.7, Person()).status == "restricted"
    limit = threshold(test, Person())
    assert limit is not None
    assert "plus the test's MDC" in limit.basis


def test_minus_zero_reads_as_zero() -> None:
    assert str(classify_side(rom_test(), "left", -0.0, Person()).value) == "0.0"
