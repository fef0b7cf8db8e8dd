"""The progress chart: round ticks, readable dates, a legend, pain, escaped text, light."""

from __future__ import annotations

import math
import re
import uuid
from datetime import date, timedelta
from itertools import pairwise

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from selfmob.clinic.charts import (
    CHAR,
    FONT,
    LABEL_GAP,
    WIDTH,
    PainMark,
    Point,
    date_ticks,
    nice_ticks,
    progress_svg,
)
from selfmob.clinic.models import PlanItem
from selfmob.clinic.progress import client_progress, series_chart
from selfmob.clinic.services.sessions import session_log
from selfmob.knowledge.catalogue import load_catalogue
from tests.support.personas import TODAY, Personas, as_

PHONE_CHART_PX = 324  # the chart's box on a 390 px phone: the page's and card's padding off
START = date(2026, 1, 5)


def points(count: int, *, every: int = 2, start: date = START) -> list[Point]:
    return [
        Point(start + timedelta(days=every * i), 7.0 + 0.1 * i, 8.0 + 0.1 * i) for i in range(count)
    ]


def pains(days: list[date], *, over_on: int | None = None) -> list[PainMark]:
    return [
        PainMark(day, rest=1, during=2 + (i == over_on) * 3, next_day=1, over_limit=i == over_on)
        for i, day in enumerate(days)
    ]


def chart(
    shown: list[Point], *, title: str = "Lunge, right", pain: list[PainMark] | None = None
) -> str:
    return progress_svg(
        shown,
        title=title,
        unit="cm",
        baseline=shown[0].pre,
        mdc=1.9,
        threshold=9.4,
        pain=pain or [],
        pain_ceiling=5 if pain else None,
    )


def date_axes(svg: str) -> list[list[tuple[float, str]]]:
    """The date labels of each x-axis: (x, text)."""
    axes = re.findall(r'<g class="dates"[^>]*>(.*?)</g>', svg)
    found = [re.findall(r'<text x="([\d.]+)"[^>]*>([^<]*)<', axis) for axis in axes]
    return [[(float(x), s) for x, s in labels] for labels in found]


def is_nice(step: float) -> bool:
    mantissa = step / 10.0 ** math.floor(math.log10(step) + 1e-9)
    return any(math.isclose(mantissa, m, rel_tol=1e-6) for m in (1, 2, 2.5, 5, 10))


@given(
    low=st.floats(min_value=-10_000, max_value=10_000),
    width=st.floats(min_value=0.001, max_value=10_000),
)
def test_ticks_are_round_evenly_spaced_and_cover_the_values(low: float, width: float) -> None:
    high = low + width
    ticks = nice_ticks(low, high)
    steps = [b - a for a, b in pairwise(ticks)]
    assert 2 <= len(ticks) <= 6
    assert all(s > 0 for s in steps)
    assert all(math.isclose(s, steps[0], rel_tol=1e-6) for s in steps)
    assert is_nice(steps[0])
    assert ticks[0] <= low + steps[0] * 1e-6 and ticks[-1] >= high - steps[0] * 1e-6


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        (6.2, 13.1, [6, 8, 10, 12, 14]),  # labels were 5, 7, 10, 12, 14 cm
        (48, 57, [48, 50, 52, 54, 56, 58]),
        (0, 12, [0, 2.5, 5, 7.5, 10, 12.5]),
        (0.31, 0.74, [0.3, 0.4, 0.5, 0.6, 0.7, 0.8]),
        (-3.2, 4.1, [-4, -2, 0, 2, 4, 6]),
        (7, 7, [6, 6.5, 7, 7.5, 8]),
    ],
)
def test_ticks_for_typical_ranges(low: float, high: float, expected: list[float]) -> None:
    assert nice_ticks(low, high) == pytest.approx(expected)


def test_the_range_axis_is_labelled_with_its_ticks_and_unit() -> None:
    svg = progress_svg(
        [Point(START, 6.2, 13.1)], title="t", unit="cm", baseline=None, mdc=0, threshold=None
    )
    labels = re.findall(r'<g text-anchor="end"[^>]*>(.*?)</g>', svg)[0]
    assert re.findall(r">([^<]+)</text>", labels) == ["6", "8", "10", "12", "14"]
    assert f'y="{28 - 12}" fill="#5a6473">cm</text>' in svg


@given(first=st.dates(date(2000, 1, 1), date(2100, 1, 1)), span=st.integers(0, 2000))
def test_date_labels_never_overlap_and_stay_inside(first: date, span: int) -> None:
    labels = date_ticks(first, first + timedelta(days=span), left=40)
    assert len(labels) >= (2 if span else 1)
    for (x1, s1), (x2, s2) in pairwise(labels):
        assert x2 - x1 >= (len(s1) + len(s2)) * CHAR / 2 + LABEL_GAP
    assert all(len(s) * CHAR / 2 <= x <= WIDTH - len(s) * CHAR / 2 for x, s in labels)


@pytest.mark.parametrize(("count", "every"), [(2, 1), (32, 2), (60, 2), (365, 1)])
def test_the_charts_date_labels_are_apart(count: int, every: int) -> None:
    shown = points(count, every=every)
    axes = date_axes(chart(shown, pain=pains([p.day for p in shown[-28:]])))
    assert len(axes) == 2  # the range's and the pain's
    for axis in axes:
        assert len(axis) >= 2
        assert all(b[0] - a[0] >= 50 for a, b in pairwise(axis))


def test_eight_weeks_are_labelled_on_every_other_monday() -> None:
    (axis,) = date_axes(chart(points(28)))
    assert [s for _, s in axis] == ["Jan 5", "Jan 19", "Feb 2", "Feb 16"]


def test_the_legend_names_every_mark() -> None:
    svg = chart(points(3))
    (legend,) = re.findall(r'<g class="legend">(.*?)</g>', svg)
    words = re.findall(r">([^<]+)</text>", legend)
    assert words == ["before", "after", "baseline 7 cm", "± MDC 1.9 cm", "limit of normal 9.4 cm"]


def test_the_legend_leaves_out_what_is_not_drawn() -> None:
    svg = progress_svg(points(3), title="t", unit="deg", baseline=None, mdc=5, threshold=None)
    assert "MDC" not in svg.split("</desc>")[1]
    assert "limit of normal" not in svg


def test_text_is_escaped() -> None:
    svg = progress_svg(
        points(2),
        title='<script>alert("x")</script>',
        unit="<b>",
        baseline=7.0,
        mdc=1.0,
        threshold=8.0,
    )
    assert "<script" not in svg and "<b>" not in svg
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</title>" in svg
    assert "7 &lt;b&gt;" in svg  # the unit in the description and the legend


def test_it_is_an_accessible_image_with_a_summary() -> None:
    svg = chart(points(3), pain=pains([START, START + timedelta(days=4)], over_on=1))
    assert re.match(r'<svg [^>]*role="img"[^>]*aria-labelledby="chart-lunge--right-t', svg)
    (desc,) = re.findall(r"<desc[^>]*>(.*?)</desc>", svg)
    assert desc.startswith("3 sessions from 2026-01-05 to 2026-01-09.")
    assert "7 cm at first, 7.2 cm at the latest" in desc
    assert "plus or minus the measurement error (MDC), 1.9 cm" in desc
    assert "pain from 0 to 10 in the latest 2 sessions: during 2 to 5" in desc
    assert "above the limit in 1." in desc


def test_text_stays_readable_on_a_phone() -> None:
    svg = chart(points(40), pain=pains([p.day for p in points(40)][-28:]))
    assert f'viewBox="0 0 {WIDTH} ' in svg and 'width="100%"' in svg
    sizes = [float(s) for s in re.findall(r'font-size="([\d.]+)"', svg)]
    assert sizes == [FONT]  # one size, set once, for all text
    assert FONT * PHONE_CHART_PX / WIDTH >= 11


def test_the_pain_panel_shows_rest_during_next_day_and_the_ceiling() -> None:
    shown = points(5)
    svg = chart(shown, pain=pains([p.day for p in shown[-3:]], over_on=2))
    panel = svg.split("Pain 0–10, the latest 3 sessions</text>")[1]
    (legend,) = re.findall(r'<g class="legend">(.*?)</g>', panel)
    words = re.findall(r">([^<]+)</text>", legend)
    assert words == ["at rest", "during", "over the limit", "next day", "ceiling 5/10"]
    assert panel.count('r="5"/>') == 1  # the session over the limit, marked larger
    assert panel.count('r="4"/>') == 3  # next-day pain


def test_there_is_no_pain_panel_without_pain() -> None:
    assert "Pain 0–10" not in chart(points(5))


def test_a_short_pain_history_gets_its_own_days() -> None:
    """The latest 28 of a year of sessions would fill a sliver of the year's axis."""
    shown = points(365, every=1)
    svg = chart(shown, pain=pains([p.day for p in shown[-28:]]))
    range_axis, pain_axis = date_axes(svg)
    assert [s for _, s in range_axis] == ["Mar 2026", "May", "Jul", "Sep", "Nov"]
    assert [s for _, s in pain_axis] == ["Dec 14", "Dec 21", "Dec 28", "Jan 4"]


def test_sixty_sessions_with_every_pain_recorded_stay_under_12_kb() -> None:
    shown = points(60)
    svg = chart(shown, pain=pains([p.day for p in shown[-28:]], over_on=27))
    assert len(svg.encode()) < 12_000


def log(item: PlanItem, day_offset: int, *, rest: int, during: int) -> None:
    session_log(
        plan_item=item,
        idempotency_key=uuid.uuid4(),
        performed_on=TODAY + timedelta(days=day_offset),
        pre=7.0,
        post=8.0,
        pain_rest=rest,
        pain_during=during,
        today=TODAY + timedelta(days=30),
    )


def test_the_progress_page_charts_pain_under_the_range(
    ankle_item: PlanItem, screened: Personas
) -> None:
    log(ankle_item, 0, rest=0, during=1)
    log(ankle_item, 2, rest=1, during=6)
    page = as_(screened, "owner").get(reverse("progress", args=[screened.client.id]))
    html = page.content.decode()
    ceiling = load_catalogue().policy.pain.ceiling
    assert "Pain 0–10, the latest 2 sessions</text>" in html
    assert f"ceiling {ceiling}/10</text>" in html
    assert "over the limit</text>" in html
    after_chart = html.split("Pain 0–10, the latest 2 sessions</text>")[1]
    assert "<th>At rest, before</th><th>During</th>" in after_chart  # the same, as a table


def test_series_chart_uses_the_policy_ceiling(ankle_item: PlanItem, screened: Personas) -> None:
    log(ankle_item, 0, rest=0, during=1)
    [series] = client_progress(screened.client, TODAY + timedelta(days=1)).series
    ceiling = load_catalogue().policy.pain.ceiling
    assert f"Dashed line: the ceiling, {ceiling}/10." in series_chart(series)
