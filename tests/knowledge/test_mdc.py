from __future__ import annotations

import itertools
from dataclasses import replace

import pytest

from selfmob.knowledge.catalogue import load_catalogue
from selfmob.knowledge.errors import KnowledgeError
from selfmob.knowledge.rules.change import classify_change
from selfmob.knowledge.rules.mdc import MeasuredIn, checked_context, mdc_for
from selfmob.knowledge.schema import RomTest
from tests.support.knowledge import change_policy, context_error, rom_test

POLICY = change_policy(1.5)
CATALOGUE = load_catalogue()
BETWEEN_SAME = MeasuredIn()
WITHIN_SAME = MeasuredIn(timing="within_session")


def synthetic(*errors: dict[str, object], headline: dict[str, object] | None = None) -> RomTest:
    return rom_test(
        error=headline or context_error(2.0, "between_days", "same"), errors=list(errors)
    )


def test_the_mdc_measured_in_the_same_context_is_used() -> None:
    test = CATALOGUE.test("shoulder-ir")
    used = mdc_for(test, MeasuredIn(instrument="inclinometer"), CATALOGUE.policy.change)
    assert (used.value, used.level, used.source, used.fit) == (
        4.0,
        "90",
        "shoulder-inclinometer2009",
        "exact",
    )


def test_another_rater_gets_the_two_rater_mdc() -> None:
    test = CATALOGUE.test("shoulder-ir")
    used = mdc_for(test, MeasuredIn(raters="different"), CATALOGUE.policy.change)
    assert (used.value, used.source) == (8.0, "kolber2011")
    assert used.fit == "unstated"
    assert "does not state the timing" in used.why


def test_a_within_session_change_may_use_a_between_days_mdc_which_is_noisier() -> None:
    used = mdc_for(synthetic(), WITHIN_SAME, POLICY)
    assert (used.value, used.fit) == (2.0, "noisier")
    assert "errs on caution" in used.why


def test_a_within_session_mdc_wins_for_a_within_session_change() -> None:
    test = synthetic(context_error(1.2, "within_session", "same"))
    assert mdc_for(test, WITHIN_SAME, POLICY).value == 1.2
    assert mdc_for(test, BETWEEN_SAME, POLICY).value == 2.0


def test_a_between_days_change_never_uses_a_within_session_mdc_alone() -> None:
    test = synthetic(headline=context_error(1.2, "within_session", "same"))
    used = mdc_for(test, BETWEEN_SAME, POLICY)
    assert (used.value, used.fit, used.source, used.grade) == (
        1.8,
        "default",
        "selfmob-defaults",
        "M",
    )
    assert "the source measured within one session" in used.why
    assert "widened by 1.5 times" in used.why


def test_one_rater_may_use_a_two_rater_mdc_but_not_the_reverse() -> None:
    test = synthetic(headline=context_error(3.0, "between_days", "different"))
    assert mdc_for(test, BETWEEN_SAME, POLICY).fit == "noisier"
    one_rater = synthetic()
    used = mdc_for(one_rater, MeasuredIn(raters="different"), POLICY)
    assert (used.value, used.fit) == (3.0, "default")


def test_a_self_test_widens_the_closest_clinician_mdc() -> None:
    used = mdc_for(synthetic(), MeasuredIn(tester="self"), POLICY)
    assert (used.value, used.fit) == (3.0, "default")
    assert "not self-tests" in used.why
    assert mdc_for(synthetic(), MeasuredIn(tester="self"), change_policy(2)).value == 4.0


def test_another_instrument_does_not_fit_and_an_unsaid_one_is_unstated() -> None:
    test = rom_test(
        instruments=["tape-measure", "inclinometer"],
        error=context_error(2.0, "between_days", "same", instrument="tape-measure"),
    )
    assert mdc_for(test, MeasuredIn(instrument="tape-measure"), POLICY).fit == "exact"
    other = mdc_for(test, MeasuredIn(instrument="inclinometer"), POLICY)
    assert (other.value, other.fit) == (3.0, "default")
    assert "not interchangeable" in other.why
    unsaid = mdc_for(test, MeasuredIn(), POLICY)
    assert (unsaid.value, unsaid.fit) == (2.0, "unstated")
    assert "does not say which instrument" in unsaid.why


def test_an_instrument_the_test_does_not_offer_never_fits_a_named_one() -> None:
    test = synthetic(
        headline=context_error(2.0, "between_days", "same", instrument_other="phone compass app")
    )
    used = mdc_for(test, MeasuredIn(instrument="tape-measure"), POLICY)
    assert (used.value, used.fit) == (3.0, "default")
    assert "phone compass app" in used.why


def test_values_taken_with_two_instruments_do_not_fit() -> None:
    used = mdc_for(synthetic(), MeasuredIn(mixed_instruments=True), POLICY)
    assert (used.value, used.fit) == (3.0, "default")
    assert "different instruments" in used.why


def test_a_borrowed_mdc_is_never_an_exact_fit() -> None:
    test = synthetic(headline=context_error(2.0, "between_days", "same", borrowed=True))
    used = mdc_for(test, BETWEEN_SAME, POLICY)
    assert (used.value, used.fit) == (2.0, "borrowed")
    assert "borrowed" in used.why


def test_a_noisier_context_never_gets_a_smaller_mdc_than_a_quieter_one() -> None:
    """A pooled review may give a smaller MDC between raters (1.6 cm) than for one (1.9 cm)."""
    test = synthetic(
        context_error(1.6, "between_days", "different"),
        headline=context_error(1.9, "between_days", "same"),
    )
    two = mdc_for(test, MeasuredIn(raters="different"), POLICY)
    assert (two.value, two.fit) == (1.9, "noisier")
    assert "never judged more finely" in two.why
    lunge = CATALOGUE.test("wblt-distance")
    policy = CATALOGUE.policy.change
    one = mdc_for(lunge, MeasuredIn(), policy).value
    assert mdc_for(lunge, MeasuredIn(raters="different"), policy).value >= one


@pytest.mark.parametrize("test_id", sorted(CATALOGUE.tests))
def test_in_the_catalogue_noisier_contexts_never_get_smaller_mdcs(test_id: str) -> None:
    test, policy = CATALOGUE.test(test_id), CATALOGUE.policy.change
    for one in (MeasuredIn(), MeasuredIn(tester="self")):
        within = mdc_for(test, replace(one, timing="within_session"), policy).value
        between = mdc_for(test, one, policy).value
        two = mdc_for(test, replace(one, raters="different"), policy).value
        assert within <= between <= two


def test_an_mdc_of_averaged_readings_fits_only_as_many_readings_or_more() -> None:
    test = synthetic(headline=context_error(2.0, "between_days", "same", trials=3))
    assert mdc_for(test, MeasuredIn(trials=3), POLICY).fit == "exact"
    assert mdc_for(test, MeasuredIn(trials=5), POLICY).fit == "exact"
    single = mdc_for(test, MeasuredIn(trials=1), POLICY)
    assert mdc_for(synthetic(), MeasuredIn(trials=3), POLICY).fit == "unstated"
    assert (single.value, single.fit) == (3.0, "default")
    assert "mean of 3 readings" in single.why


def test_between_equally_close_mdcs_the_larger_wins() -> None:
    test = synthetic(context_error(2.5, "between_days", "same"))
    assert mdc_for(test, BETWEEN_SAME, POLICY).value == 2.5


def test_a_coach_mdc_wins_over_every_context() -> None:
    used = mdc_for(synthetic(), MeasuredIn(tester="self"), POLICY, coach=0.7)
    assert (used.value, used.fit, used.grade, used.source) == (0.7, "coach", "coach", None)


def test_the_verdict_names_the_mdc_its_level_source_and_why() -> None:
    test = CATALOGUE.test("thoracic-rotation")
    policy = CATALOGUE.policy.change
    between = classify_change(test, before=40, after=46, policy=policy)
    within = classify_change(
        test,
        before=40,
        after=46,
        policy=policy,
        measured=MeasuredIn(timing="within_session", raters="different"),
    )
    assert (between.verdict, between.mdc, between.source) == ("real_gain", 5.6, "johnson2012")
    assert (within.verdict, within.mdc) == ("within_error", 6.3)
    assert "two testers in one session" in within.reasons[0].lower()
    assert "confidence level not stated" in between.reasons[0]


@pytest.mark.parametrize(
    ("given", "field"),
    [
        ({"timing": "weekly"}, "timing"),
        ({"raters": "three"}, "raters"),
        ({"tester": "robot"}, "measured_by"),
        ({"instrument": "goniometer"}, "instrument"),
        ({"trials": 0}, "readings"),
        ({"trials": 6}, "readings"),
        ({"trials": True}, "readings"),
    ],
)
def test_a_bad_context_is_refused_by_name(given: dict[str, object], field: str) -> None:
    with pytest.raises(KnowledgeError) as caught:
        checked_context(CATALOGUE.test("wblt-distance"), **given)  # type: ignore[arg-type]
    assert caught.value.field == field


CONTEXTS = [
    MeasuredIn(timing=t, raters=r, tester=who, trials=n)  # type: ignore[arg-type]
    for t, r, who, n in itertools.product(
        ("within_session", "between_days"), ("same", "different"), ("clinician", "self"), (1, 3)
    )
]


@pytest.mark.parametrize("test_id", sorted(CATALOGUE.tests))
def test_every_catalogue_test_has_an_mdc_for_every_context(test_id: str) -> None:
    test = CATALOGUE.test(test_id)
    for measured in CONTEXTS:
        used = mdc_for(test, measured, CATALOGUE.policy.change)
        assert used.value >= min(e.mdc for e in test.contexts)
        assert used.source in {*(e.source for e in test.contexts), "selfmob-defaults"}
        assert used.why
        # No source in the catalogue measured self-tests: those are always our default.
        if measured.tester == "self":
            assert used.fit == "default"
