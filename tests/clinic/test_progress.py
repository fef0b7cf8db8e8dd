from __future__ import annotations

import re
import uuid
from datetime import date, timedelta

import pytest
from django.urls import reverse

from selfmob.clinic import selectors
from selfmob.clinic.charts import MAX_POINTS, Point, progress_svg
from selfmob.clinic.dashboard import DashboardRow, coach_dashboard
from selfmob.clinic.models import PlanItem, Session
from selfmob.clinic.progress import Series, client_progress
from selfmob.clinic.services.assessments import MeasurementInput, assessment_record
from selfmob.clinic.services.sessions import session_log
from selfmob.knowledge.catalogue import load_catalogue
from selfmob.knowledge.rules.mdc import MeasuredIn, mdc_for
from tests.support.factories import logged_before_rest_pain
from tests.support.personas import ANON, TODAY, Personas, as_


def log(
    item: PlanItem, day_offset: int, pre: float, post: float, measured_by: str = "self"
) -> None:
    session_log(
        measured_by=measured_by,
        plan_item=item,
        idempotency_key=uuid.uuid4(),
        performed_on=TODAY + timedelta(days=day_offset),
        pre=pre,
        post=post,
        pain_rest=0,
        pain_during=1,
        today=TODAY + timedelta(days=30),
    )


def test_carry_over_is_judged_against_the_baseline(
    ankle_item: PlanItem, screened: Personas
) -> None:
    log(ankle_item, 0, 7.0, 8.0)
    log(ankle_item, 2, 7.5, 8.5)
    log(ankle_item, 9, 10.5, 11.0)
    [series] = client_progress(screened.client, TODAY + timedelta(days=10)).series
    assert series.baseline == 7.0
    assert series.baseline_from == "first pre-test"
    assert series.carry_over.verdict == "real_gain"
    assert series.carry_over.change == pytest.approx(3.5)
    assert [w.sessions for w in series.weeks] == [2, 1]


def test_carry_over_uses_the_between_days_mdc_of_how_the_values_were_taken(
    ankle_item: PlanItem, screened: Personas
) -> None:
    """The person took both pre-tests: one rater between days, a self-test, so the closest
    clinician MDC widened by the policy's factor; a clinician re-test gets the clinician's."""
    catalogue = load_catalogue()
    test, policy = catalogue.test(ankle_item.retest_id), catalogue.policy.change
    log(ankle_item, 0, 7.0, 8.0)
    log(ankle_item, 2, 9.5, 10.0)
    carry = only_series(screened).carry_over
    self_mdc = mdc_for(test, MeasuredIn(tester="self"), policy)
    assert (carry.mdc, carry.fit, carry.source) == (self_mdc.value, "default", "selfmob-defaults")
    assert carry.verdict == "within_error"  # 2.5 cm: within a self-test's error
    log(ankle_item, 3, 9.5, 10.0, measured_by="clinician")
    carry = only_series(screened).carry_over
    # The baseline was the person's own test, the latest a clinician's: two raters.
    two = mdc_for(test, MeasuredIn(raters="different", tester="self"), policy)
    assert carry.mdc == two.value


def only_series(people: Personas, day_offset: int = 10) -> Series:
    [series] = client_progress(people.client, TODAY + timedelta(days=day_offset)).series
    return series


def test_three_sessions_on_the_same_day_do_not_carry_over(
    ankle_item: PlanItem, screened: Personas
) -> None:
    for pre in (7.0, 8.5, 10.0):
        log(ankle_item, 0, pre, pre + 1.5)
    carry_over = only_series(screened).carry_over
    assert carry_over.verdict == "not_yet_measurable"
    assert (carry_over.after, carry_over.change, carry_over.after_on) == (None, None, None)
    assert carry_over.reasons[0].startswith("Not yet measurable")


def test_carry_over_reads_the_first_pre_test_of_the_latest_day(
    ankle_item: PlanItem, screened: Personas
) -> None:
    log(ankle_item, 0, 7.0, 9.0)
    log(ankle_item, 1, 7.5, 9.5)
    log(ankle_item, 1, 9.5, 11.0)  # a repeat: its pre-test still holds the first one's gain
    carry_over = only_series(screened).carry_over
    assert (carry_over.after, carry_over.after_on) == (7.5, TODAY + timedelta(days=1))
    assert carry_over.verdict == "within_error"


def test_carry_over_from_an_assessment_needs_a_later_day(
    ankle_item: PlanItem, screened: Personas
) -> None:
    lunge = MeasurementInput("wblt-distance", "right", [6.0], "tape-measure")
    assessment_record(
        client=screened.client, recorded_by=screened.coach, measured_on=TODAY,
        measured_by="Coach", measurements=[lunge], today=TODAY,
    )  # fmt: skip
    log(ankle_item, 0, 9.0, 10.0)
    assert only_series(screened).carry_over.verdict == "not_yet_measurable"
    log(ankle_item, 1, 9.0, 10.0)
    carry_over = only_series(screened).carry_over
    assert carry_over.verdict == "real_gain"
    assert carry_over.change == pytest.approx(3.0)
    # The coach measured the baseline, the person the pre-test: two raters, a self-test.
    catalogue = load_catalogue()
    two = MeasuredIn(raters="different", tester="self")
    expected = mdc_for(catalogue.test("wblt-distance"), two, catalogue.policy.change)
    assert (carry_over.mdc, carry_over.fit) == (expected.value, "default")
    assert "another rater" in carry_over.reasons[0]


def dashboard_row(people: Personas, day_offset: int) -> DashboardRow:
    rows = coach_dashboard(people.coach, TODAY + timedelta(days=day_offset))
    [row] = [r for r in rows if r.client.id == people.client.id]
    return row


def test_the_dashboard_change_needs_a_pre_test_on_a_later_day(
    ankle_item: PlanItem, screened: Personas
) -> None:
    log(ankle_item, 0, 7.0, 7.5)
    log(ankle_item, 0, 7.5, 9.5)
    assert dashboard_row(screened, 0).latest_change is None
    log(ankle_item, 2, 8.0, 10.0)
    log(ankle_item, 2, 10.0, 11.0)
    assert dashboard_row(screened, 2).latest_change == pytest.approx(1.0)


def test_the_dashboard_flags_no_gain_when_only_the_post_tests_rise(
    ankle_item: PlanItem, screened: Personas
) -> None:
    for day in range(6):
        log(ankle_item, day, 7.0, 10.0)
    row = dashboard_row(screened, 6)
    assert [f.kind for f in row.flags] == ["no_gain"]
    assert row.latest_change == pytest.approx(0.0)


@pytest.mark.parametrize(("measured_by", "flagged"), [("clinician", True), ("self", False)])
def test_range_falling_uses_the_between_days_mdc_of_how_the_tests_were_taken(
    ankle_item: PlanItem, screened: Personas, measured_by: str, flagged: bool
) -> None:
    """Pre-tests falling 2.5 cm a day: more than a clinician's between-days MDC for one rater
    (1.9 cm), within a self-test's widened one (2.85 cm)."""
    for day, pre in enumerate((14.0, 11.5, 9.0)):
        log(ankle_item, day, pre, pre, measured_by=measured_by)
    row = dashboard_row(screened, 2)
    assert ("rom_falling" in [f.kind for f in row.flags]) is flagged
    catalogue = load_catalogue()
    facts = [selectors.facts_of(s) for s in Session.objects.all()]
    expected = mdc_for(
        catalogue.test("wblt-distance"),
        MeasuredIn(tester="clinician" if measured_by == "clinician" else "self"),
        catalogue.policy.change,
    )
    assert {f.mdc for f in facts} == {expected.value}


def test_the_chart_is_an_accessible_svg() -> None:
    svg = progress_svg(
        [Point(TODAY, 7.0, 8.0), Point(TODAY + timedelta(days=2), 7.5, 9.0)],
        title="Lunge <right>",
        unit="cm",
        baseline=7.0,
        mdc=1.9,
        threshold=8.4,
    )
    assert svg.startswith("<svg")
    assert 'role="img"' in svg
    assert 'aria-labelledby="chart-lunge--right--t chart-lunge--right--d"' in svg
    assert '<title id="chart-lunge--right--t">Lunge &lt;right&gt;</title>' in svg
    assert '<desc id="chart-lunge--right--d">2 sessions from ' in svg
    assert svg.count('r="3" fill="#145da0"/>') == 2  # after each session, filled
    assert svg.count('r="3"/>') == 2  # before, hollow
    assert "stroke-dasharray" in svg
    assert progress_svg([], title="x", unit="cm", baseline=None, mdc=1, threshold=None) == ""


@pytest.mark.parametrize(
    ("who", "status"),
    [("owner", 200), ("client", 200), ("other_coach", 404), ("other_client", 404), (ANON, 302)],
)
def test_the_progress_page(ankle_item: PlanItem, screened: Personas, who: str, status: int) -> None:
    log(ankle_item, 0, 7.0, 9.5)
    url = reverse("progress", args=[screened.client.id])
    response = as_(screened, who).get(url)
    assert response.status_code == status
    if status == 200:
        page = response.content.decode()
        assert "<svg" in page
        assert "Weight-bearing lunge" in page
    assert as_(screened, "owner").post(url).status_code == 405


def test_the_progress_page_lists_pain_at_rest_during_and_the_next_day(
    ankle_item: PlanItem, screened: Personas
) -> None:
    log(ankle_item, 0, 7.0, 9.5)
    old = logged_before_rest_pain(Session.objects.get())
    Session.objects.filter(id=old.id).update(pain_next_day=3)
    log(ankle_item, 1, 7.5, 9.5)
    page = as_(screened, "owner").get(reverse("progress", args=[screened.client.id]))
    rows = re.findall(
        r'<td data-label="At rest, before">([^<]*)</td><td data-label="During">([^<]*)</td>'
        r'<td data-label="Next day">([^<]*)</td>',
        page.content.decode(),
    )
    assert rows == [("—", "1", "3"), ("0", "1", "—")]


def test_a_long_history_draws_only_the_last_year() -> None:
    start = date(2020, 1, 1)
    points = [Point(start + timedelta(days=i), 50.0, 51.0) for i in range(MAX_POINTS + 50)]
    svg = progress_svg(points, title="Wrist", unit="deg", baseline=None, mdc=5.0, threshold=None)
    assert svg.count('r="3" fill="#145da0"/>') + svg.count('r="3"/>') == 2 * MAX_POINTS
    assert f"The last {MAX_POINTS} of {MAX_POINTS + 50} sessions are shown." in svg
    assert (start + timedelta(days=50)).isoformat() in svg  # the first day drawn
