from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from selfmob.knowledge.errors import KnowledgeError
from selfmob.knowledge.rules.change import classify_change
from tests.support.knowledge import change_policy, rom_test

TEST = rom_test()
POLICY = change_policy()
values = st.floats(min_value=0, max_value=30, allow_nan=False).map(lambda v: round(v, 1))


def test_a_gain_above_the_mdc_is_a_real_gain() -> None:
    result = classify_change(TEST, before=7.0, after=8.7, policy=POLICY)
    assert result.verdict == "real_gain"
    assert result.change == pytest.approx(1.7)
    assert result.source == "powden2015"


def test_a_change_exactly_at_the_mdc_is_within_error() -> None:
    assert classify_change(TEST, before=8.4, after=10.0, policy=POLICY).verdict == "within_error"
    assert classify_change(TEST, before=10.0, after=8.4, policy=POLICY).verdict == "within_error"


def test_a_loss_above_the_mdc_is_a_real_loss() -> None:
    result = classify_change(TEST, before=10.0, after=8.3, policy=POLICY)
    assert result.verdict == "real_loss"
    assert "real loss" in result.reasons[0]


def test_a_coach_mdc_replaces_the_catalogue_value() -> None:
    result = classify_change(TEST, before=7.0, after=8.0, mdc=0.9, policy=POLICY)
    assert result.verdict == "real_gain"
    assert result.source is None
    assert result.grade == "coach"


@pytest.mark.parametrize("mdc", [0.0, -1.0, float("nan"), float("inf")])
def test_it_refuses_a_bad_mdc(mdc: float) -> None:
    with pytest.raises(KnowledgeError, match="MDC override"):
        classify_change(TEST, before=7.0, after=8.0, mdc=mdc, policy=POLICY)


def test_it_refuses_values_outside_the_range() -> None:
    with pytest.raises(KnowledgeError, match="after 31 cm is outside"):
        classify_change(TEST, before=7.0, after=31.0, policy=POLICY)


@given(before=values, after=values)
def test_swapping_before_and_after_mirrors_the_verdict(before: float, after: float) -> None:
    forward = classify_change(TEST, before=before, after=after, policy=POLICY)
    backward = classify_change(TEST, before=after, after=before, policy=POLICY)
    mirror = {"real_gain": "real_loss", "real_loss": "real_gain", "within_error": "within_error"}
    assert backward.verdict == mirror[forward.verdict]
    assert backward.change == pytest.approx(-forward.change)


@given(value=values)
def test_no_change_is_always_within_error(value: float) -> None:
    assert classify_change(TEST, before=value, after=value, policy=POLICY).verdict == "within_error"


@given(before=values, after=values)
def test_the_verdict_agrees_with_the_size_of_the_change(before: float, after: float) -> None:
    result = classify_change(TEST, before=before, after=after, policy=POLICY)
    assert (result.verdict != "within_error") == (abs(result.change) > 1.6 + 1e-9)
