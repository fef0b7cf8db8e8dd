"""Reads for the progress page: per test and side, sessions against the baseline."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import groupby

from selfmob.clinic.charts import Point, progress_svg
from selfmob.clinic.models import Client, Measurement, PlanItem, Session
from selfmob.clinic.selectors import (
    Adherence,
    adherence_of,
    client_person,
    coach_percentile,
    facts_of,
    schedule_of,
)
from selfmob.knowledge.catalogue import load_catalogue
from selfmob.knowledge.rules.change import Change, classify_change
from selfmob.knowledge.rules.measures import reference
from selfmob.knowledge.schema import RomTest

PAIN_SHOWN = 28  # the most recent sessions listed with their pain


@dataclass(frozen=True)
class Week:
    starts_on: date
    mean_pre: float
    mean_post: float
    sessions: int


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
    carry_over: Change
    pain: list[tuple[date, int, int | None]]


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
    source = f"assessment of {baseline.assessment.measured_on}" if baseline else "first pre-test"
    person = client_person(client, today)
    limits = load_catalogue().policy.limits
    limit = reference(test, person, limits, percentile=coach_percentile(client)).limit
    return Series(
        test=test,
        side=side,
        points=[Point(s.performed_on, s.pre, s.post) for s in sessions],
        baseline=start,
        baseline_from=source,
        mdc=test.error.mdc,
        threshold=limit.value if limit else None,
        weeks=_weeks(sessions),
        carry_over=classify_change(test, before=start, after=sessions[-1].pre),
        pain=[(s.performed_on, s.pain_during, s.pain_next_day) for s in sessions[-PAIN_SHOWN:]],
    )


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
    """The SVG chart of one test and side, as the progress page and report show it. Built
    from numbers and escaped text only (charts.py), so safe to put in a page."""
    return progress_svg(
        series.points,
        title=f"{series.test.name}, {series.side or 'both'}",
        unit=series.test.unit,
        baseline=series.baseline,
        mdc=series.mdc,
        threshold=series.threshold,
    )
