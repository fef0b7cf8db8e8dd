"""Reads for the progress page: per test and side, sessions against the baseline."""

from __future__ import annotations

import statistics
from dataclasses import asdict, dataclass, replace
from datetime import date, timedelta
from itertools import groupby
from typing import Literal

from selfmob.clinic.charts import PainMark, Point, progress_svg
from selfmob.clinic.models import Client, Measurement, PlanItem, Session
from selfmob.clinic.selectors import (
    Adherence,
    adherence_of,
    client_person,
    coach_percentile,
    facts_of,
    measured_in,
    schedule_of,
)
from selfmob.knowledge.catalogue import load_catalogue
from selfmob.knowledge.rules.change import classify_change
from selfmob.knowledge.rules.flags import carried_over
from selfmob.knowledge.rules.mdc import MeasuredIn, mdc_for
from selfmob.knowledge.rules.measures import reference
from selfmob.knowledge.schema import RomTest

PAIN_SHOWN = 28  # the most recent sessions listed with their pain
NOT_YET = (
    "Not yet measurable: no test before a session on a day after the baseline ({day}). "
    "What carries over shows in the first test before a session on a later day; a test after "
    "a session, or another one the same day, still holds that session's immediate effect."
)


@dataclass(frozen=True)
class Week:
    starts_on: date
    mean_pre: float
    mean_post: float
    sessions: int


@dataclass(frozen=True)
class CarryOver:
    """What lasted: the baseline against the pre-test of the first session of the latest day
    after the baseline's day. The fields of a `Change` (read as `carry_over` by the pages and
    the API), the verdict `not_yet_measurable` when no such pre-test exists, and the days."""

    test: str
    unit: str
    before: float
    after: float | None
    change: float | None
    mdc: float
    verdict: Literal["real_gain", "within_error", "real_loss", "not_yet_measurable"]
    source: str | None
    grade: str
    reasons: list[str]
    baseline_on: date
    after_on: date | None
    level: str = "unstated"
    fit: str = ""
    """How the MDC fits the context of baseline and pre-test (knowledge/rules/mdc.py)."""


@dataclass(frozen=True)
class Series:
    test: RomTest
    side: str
    points: list[Point]
    baseline: float
    baseline_from: str
    mdc: float
    threshold: float | None
    weeks: list[Week]
    carry_over: CarryOver
    pain: list[PainMark]
    """One session's pain each: at rest (None for sessions logged before it was asked), during,
    the next day (None until recorded), and whether it was over the limit."""


@dataclass(frozen=True)
class ClientProgress:
    adherence: Adherence
    series: list[Series]


def client_progress(client: Client, today: date) -> ClientProgress:
    """Three queries: sessions, baseline measurements, plan items."""
    sessions = list(Session.objects.filter(client=client).order_by("performed_on", "created_at"))
    measured = Measurement.objects.filter(assessment__client=client).select_related("assessment")
    baselines: dict[tuple[str, str], Measurement] = {}
    for m in measured.order_by("-assessment__measured_on"):
        baselines[(m.test_id, m.side)] = m  # the earliest assessment wins
    items = list(PlanItem.objects.filter(plan__client=client).select_related("plan"))
    facts = [facts_of(s) for s in sessions]
    series = [
        _series(list(group), baseline=baselines.get(key), client=client, today=today)
        for key, group in groupby(sorted(sessions, key=_test_side), key=_test_side)
    ]
    schedules = [(i.id.hex, schedule_of(i)) for i in items]
    return ClientProgress(adherence_of(schedules, facts, today), series)


def _test_side(s: Session) -> tuple[str, str]:
    return (s.test_id, s.side)


def _series(
    sessions: list[Session], *, baseline: Measurement | None, client: Client, today: date
) -> Series:
    test_id, side = _test_side(sessions[0])
    test = load_catalogue().test(test_id)
    start = baseline.value if baseline else sessions[0].pre
    start_on = baseline.assessment.measured_on if baseline else sessions[0].performed_on
    source = f"assessment of {start_on}" if baseline else "first pre-test"
    person = client_person(client, today)
    limits = load_catalogue().policy.limits
    limit = reference(test, person, limits, percentile=coach_percentile(client)).limit
    start_by = _baseline_by(client, baseline, sessions[0])
    start_with = baseline.instrument if baseline else sessions[0].instrument
    carry = carry_over_of(
        test, sessions, baseline=start, baseline_on=start_on, baseline_how=(start_by, start_with)
    )
    return Series(
        test=test,
        side=side,
        points=[Point(s.performed_on, s.pre, s.post) for s in sessions],
        baseline=start,
        baseline_from=source,
        mdc=carry.mdc,
        threshold=limit.value if limit else None,
        weeks=_weeks(sessions),
        carry_over=carry,
        pain=[
            PainMark(s.performed_on, s.pain_rest, s.pain_during, s.pain_next_day, s.over_limit)
            for s in sessions[-PAIN_SHOWN:]
        ],
    )


def carry_over_of(
    test: RomTest,
    sessions: list[Session],
    *,
    baseline: float,
    baseline_on: date,
    baseline_how: tuple[str, str] = ("self", ""),
) -> CarryOver:
    """`sessions` oldest first. Same-day repeats and post-tests never count as carry-over.
    `baseline_how` is who measured the baseline (`self` or `clinician`) and with what; the
    MDC is the between-days one of that context and the latest pre-test's (rules/mdc.py)."""
    latest = carried_over(sessions, baseline_on=baseline_on)
    policy = load_catalogue().policy.change
    measured = between_days(baseline_how, latest or sessions[-1])
    if latest is None:
        used = mdc_for(test, measured, policy)
        reason = NOT_YET.format(day=baseline_on)
        return CarryOver(
            test.id, test.unit, baseline, None, None, used.value, "not_yet_measurable",
            used.source, used.grade, [reason], baseline_on, None, used.level, used.fit,
        )  # fmt: skip
    change = classify_change(
        test, before=baseline, after=latest.pre, policy=policy, measured=measured
    )
    return CarryOver(**asdict(change), baseline_on=baseline_on, after_on=latest.performed_on)


def between_days(baseline_how: tuple[str, str], session: Session) -> MeasuredIn:
    """The context of a baseline against a later pre-test: another rater when one of them
    was the person and the other a clinician; a self-test when either was; the later test's
    instrument, and whether the two used different ones."""
    by, instrument = baseline_how
    now_by = session.measured_by or "self"
    return replace(
        measured_in("between_days", session.instrument, now_by, session.readings),
        raters="same" if by == now_by else "different",
        tester="self" if "self" in (by, now_by) else "clinician",
        mixed_instruments=bool(
            instrument and session.instrument and instrument != session.instrument
        ),
    )


def _baseline_by(client: Client, baseline: Measurement | None, first: Session) -> str:
    """Who measured the baseline: the person when they recorded the assessment themselves,
    else a clinician; without an assessment, whoever took the first pre-test."""
    if baseline is None:
        return first.measured_by or "self"
    return "self" if baseline.assessment.recorded_by_id == client.user_id else "clinician"


def _weeks(sessions: list[Session]) -> list[Week]:
    def monday(s: Session) -> date:
        return s.performed_on - timedelta(days=s.performed_on.weekday())

    weeks = []
    for start, group in groupby(sessions, key=monday):
        rows = list(group)
        weeks.append(
            Week(
                start,
                round(statistics.fmean(r.pre for r in rows), 2),
                round(statistics.fmean(r.post for r in rows), 2),
                len(rows),
            )
        )
    return weeks


def series_chart(series: Series) -> str:
    """The SVG chart of one test and side, as the progress page and report show it: the
    tests before and after each session, and under them the pain of the latest sessions.
    Built from numbers and escaped text only (charts.py), so safe to put in a page."""
    return progress_svg(
        series.points,
        title=f"{series.test.name}, {series.side or 'both'}",
        unit=series.test.unit,
        baseline=series.baseline,
        mdc=series.mdc,
        threshold=series.threshold,
        pain=series.pain,
        pain_ceiling=load_catalogue().policy.pain.ceiling,
    )
