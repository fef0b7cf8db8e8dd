"""The numbers of the printed progress report: what the progress page shows (charts, weekly
means, carry-over, adherence) plus a bounded table of sessions and the coach's flags.

Bounds keep a long history readable and fast to typeset: the chart shows every session,
the table the last `SESSIONS_SHOWN` of each test and side, the weekly means the last
`WEEKS_SHOWN` weeks; the report says how many are left out.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.safestring import SafeString, mark_safe

from selfmob.clinic.dashboard import WINDOW_DAYS
from selfmob.clinic.models import Client, PlanItem, Session
from selfmob.clinic.progress import ClientProgress, Series, Week, client_progress, series_chart
from selfmob.clinic.selectors import facts_of, screening_gate
from selfmob.knowledge.catalogue import load_catalogue
from selfmob.knowledge.rules.flags import Flag, SessionFacts, client_flags

SESSIONS_SHOWN = 30
WEEKS_SHOWN = 26
VERDICT_WORDS = {"real_gain": "real gain", "within_error": "within error", "real_loss": "real loss"}


@dataclass(frozen=True)
class SessionRow:
    day: date
    pre: float
    post: float
    change: float
    verdict: str
    pain_rest: int | None
    pain_during: int
    pain_limit: int
    over_limit: bool
    pain_next_day: int | None

    @property
    def verdict_text(self) -> str:
        return VERDICT_WORDS.get(self.verdict, self.verdict)


@dataclass(frozen=True)
class SeriesReport:
    series: Series
    chart: SafeString
    rows: list[SessionRow]
    sessions: int
    weeks: list[Week]
    weeks_left_out: int
    over_limit: int


@dataclass(frozen=True)
class Report:
    progress: ClientProgress
    flags: list[Flag]
    series: list[SeriesReport]


def report_of(client: Client, today: date) -> Report:
    """Five queries: the three of the progress page, the sessions for the table and the
    flags, and the plan start dates."""
    summary = client_progress(client, today)
    logged = _logged(client)
    rows: defaultdict[tuple[str, str], list[SessionRow]] = defaultdict(list)
    for key, row, _ in logged:
        rows[key].append(row)
    series = [_series_report(s, rows[(s.test.id, s.side)]) for s in summary.series]
    return Report(summary, _flags(client, today, [facts for *_, facts in logged]), series)


def _series_report(series: Series, rows: list[SessionRow]) -> SeriesReport:
    chart = series_chart(series)
    return SeriesReport(
        series=series,
        chart=mark_safe(chart),  # built from numbers and escaped text only (charts.py)
        rows=rows[-SESSIONS_SHOWN:],
        sessions=len(rows),
        weeks=series.weeks[-WEEKS_SHOWN:],
        weeks_left_out=max(0, len(series.weeks) - WEEKS_SHOWN),
        over_limit=sum(r.over_limit for r in rows),
    )


def _logged(client: Client) -> list[tuple[tuple[str, str], SessionRow, SessionFacts]]:
    """Every session, oldest first: its test and side, its table row, its facts for flags."""
    sessions = Session.objects.filter(client=client).order_by("performed_on", "created_at")
    return [((s.test_id, s.side), _row(s), facts_of(s)) for s in sessions]


def _row(s: Session) -> SessionRow:
    return SessionRow(
        s.performed_on, s.pre, s.post, s.change, s.verdict, s.pain_rest, s.pain_during,
        s.pain_limit, s.over_limit, s.pain_next_day,
    )  # fmt: skip


def _flags(client: Client, today: date, facts: list[SessionFacts]) -> list[Flag]:
    """The dashboard's flags for this one client, from the same inputs: sessions of the
    last `WINDOW_DAYS`, each item's first pre-test and count, the last session day."""
    baselines: dict[str, tuple[float, int]] = {}
    for f in facts:
        first, count = baselines.get(f.item, (f.pre, 0))
        baselines[f.item] = (first, count + 1)
    starts = PlanItem.objects.filter(plan__client=client).values_list("plan__starts_on", flat=True)
    since = today - timedelta(days=WINDOW_DAYS)
    return client_flags(
        load_catalogue().policy,
        today=today,
        refer_uncleared=screening_gate(client).state == "refer",
        sessions=[f for f in facts if f.performed_on >= since],
        plan_started=min(starts, default=None),
        baselines=baselines,
        last_session_on=facts[-1].performed_on if facts else None,
    )
