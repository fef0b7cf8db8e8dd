"""Small SVG charts built by hand: fast enough for a page budget of tens of milliseconds
(importing matplotlib alone takes longer). Every chart has a title, a description that says
its numbers in words and a legend; the page shows the same numbers as tables.

Sizes are in the viewBox's units. A chart is 400 wide and scales to its box: on a 390 px
phone the box is about 324 px, so text of 14 units is drawn at 11.3 px."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from html import escape
from itertools import chain, pairwise

from selfmob.knowledge.rules.measures import fmt

WIDTH = 400
FONT = 14
CHAR = 0.6 * FONT  # a generous mean glyph width: labels are kept apart by this estimate
LABEL_GAP = 10  # the least room between two date labels
MOST_LABELS = int(WIDTH // (3 * CHAR + LABEL_GAP))  # of "Jan", the shortest label
RIGHT, INSET = 10, 6  # INSET keeps the first and last dots off the axes
RANGE_TOP, RANGE_HEIGHT, PAIN_HEIGHT, ROW = 28, 140, 80, 20
MAX_POINTS = 365  # sessions drawn per chart: a year of daily practice
NICE_STEPS = (1.0, 2.0, 2.5, 5.0)
BLUE, WARN, INK, GREY, GRID = "#145da0", "#9a3412", "#1d2430", "#5a6473", "#d9dee5"
BAND, TEAL = "#dae5f2", "#0f766e"
DASHED = 'stroke-width="1.5" stroke-dasharray="6 4"'
Swatch = Callable[[float, float], str]  # a legend's mark, drawn from (x, y) rightwards
Tick = tuple[float, str]  # a position on an axis and its label
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class Point:
    day: date
    pre: float
    post: float


@dataclass(frozen=True)
class PainMark:
    """One session's pain (0-10): at rest before it, during it, the next day."""

    day: date
    rest: int | None
    during: int
    next_day: int | None
    over_limit: bool


@dataclass(frozen=True)
class Marks:
    """What a range is read against: the baseline ± MDC band and the limit of normal."""

    unit: str
    baseline: float | None
    mdc: float
    threshold: float | None


@dataclass(frozen=True)
class Frame:
    """A plot area: where a value and a day land."""

    left: float
    top: float
    height: float
    low: float
    high: float
    first: date
    last: date

    def x(self, day: date) -> float:
        span = (self.last - self.first).days
        if span == 0:
            return (self.left + WIDTH - RIGHT) / 2
        width = WIDTH - RIGHT - self.left - 2 * INSET
        return self.left + INSET + width * (day - self.first).days / span

    def y(self, value: float) -> float:
        return self.top + self.height * (self.high - value) / (self.high - self.low)


def progress_svg(
    points: Sequence[Point],
    *,
    title: str,
    unit: str,
    baseline: float | None,
    mdc: float,
    threshold: float | None,
    pain: Sequence[PainMark] = (),
    pain_ceiling: int | None = None,
) -> str:
    """The tests before and after each session against the baseline ± MDC band and the limit
    of normal; under them, when given, the pain of the latest sessions with its ceiling."""
    if not points:
        return ""
    shown = list(points[-MAX_POINTS:])  # a long history would make a slow, unreadable chart
    marks = Marks(unit, baseline, mdc, threshold)
    frame, axis = _range_frame(shown, marks)
    body = _range(frame, shown, axis, marks)
    legend, bottom = _legend(_range_legend(marks), frame.top + frame.height + 48)
    body += legend
    words = _summary(points, shown, marks)
    recent = [p for p in pain if frame.first <= p.day <= frame.last]
    if recent:
        panel, bottom = _pain(recent, frame, top=bottom + 16, ceiling=pain_ceiling)
        body += panel
        words += _pain_summary(recent, pain_ceiling)
    key = "chart-" + "".join(c if c.isalnum() else "-" for c in title.lower())
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {bottom:.0f}" '
        f'width="100%" role="img" class="chart" aria-labelledby="{key}-t {key}-d" '
        f'font-size="{FONT}" fill="{INK}">'
        f'<title id="{key}-t">{escape(title)}</title><desc id="{key}-d">{escape(words)}</desc>'
        f"{''.join(body)}</svg>"
    )


def nice_ticks(low: float, high: float, *, most: int = 6) -> list[float]:
    """Round, evenly spaced axis values that cover `low` to `high`: a step of 1, 2, 2.5 or 5
    times a power of ten, the finest that needs at most `most` values.
    6.2 to 13.1 gives 6, 8, 10, 12, 14; 48 to 57 gives 48, 50, ... 58."""
    if high - low < 1e-9:  # one value: show it between two round neighbours
        low, high = low - 1, high + 1
    power = 10.0 ** math.floor(math.log10((high - low) / most))
    for step in (m * power * scale for scale in (1, 10, 100) for m in NICE_STEPS):
        first = math.floor(low / step + 1e-9)
        count = math.ceil(high / step - 1e-9) - first + 1
        if count <= most:
            return [round((first + i) * step, _decimals(step)) for i in range(count)]
    raise AssertionError("unreachable: a step of 100 times the rough one always fits")


def date_ticks(first: date, last: date, *, left: float) -> list[Tick]:
    """Date labels for an x-axis starting at `left`, as (x of the label's middle, text):
    every 1, 2, 3 or 4 days, the Mondays of every 1, 2 or 4 weeks, or the first of every 1,
    2, 3, 6 or 12 months; the finest whose labels stay `LABEL_GAP` apart inside the chart."""
    frame = Frame(left, 0, 1, 0, 1, first, last)
    monday = first + timedelta(days=-first.weekday() % 7)
    steps = chain(
        (_days(first, last, timedelta(days=n)) for n in (1, 2, 3, 4)),
        (_days(monday, last, timedelta(weeks=n)) for n in (1, 2, 4)),
        (_months(first, last, n) for n in (1, 2, 3, 6, 12)),
    )
    for ticks in steps:
        placed = _placed([(frame.x(day), label) for day, label in ticks])
        # A label moved in from an edge may crowd its neighbour: then it is left out.
        if len(placed) > 2 and not _apart(placed[-2], placed[-1]):
            placed.pop()
        if len(placed) > 2 and not _apart(placed[0], placed[1]):
            placed.pop(0)
        if len(placed) > 1 and all(_apart(a, b) for a, b in pairwise(placed)):
            return placed
    return _placed([(frame.x(day), _month_label(day)) for day in {first, last}])


def _range_frame(shown: list[Point], marks: Marks) -> tuple[Frame, list[Tick]]:
    """Round values from the lowest to the highest of the points, the band and the limit."""
    values = [v for p in shown for v in (p.pre, p.post)]
    if marks.baseline is not None:
        values += [marks.baseline - marks.mdc, marks.baseline + marks.mdc]
    if marks.threshold is not None:
        values.append(marks.threshold)
    ticks = nice_ticks(min(values), max(values))
    digits = _decimals(ticks[1] - ticks[0])
    axis = [(t, f"{t:.{digits}f}") for t in ticks]
    left = max(36.0, max(len(s) for _, s in axis) * CHAR + 10)
    frame = Frame(left, RANGE_TOP, RANGE_HEIGHT, ticks[0], ticks[-1], shown[0].day, shown[-1].day)
    return frame, axis


def _range(frame: Frame, points: list[Point], axis: list[Tick], marks: Marks) -> list[str]:
    """The band under the grid; the lines and dots over it."""
    x, y, left, right = frame.x, frame.y, _n(frame.left), WIDTH - RIGHT
    parts = []
    if marks.baseline is not None:
        top, bottom = y(marks.baseline + marks.mdc), y(marks.baseline - marks.mdc)
        parts.append(
            f'<rect x="{left}" y="{_n(top)}" width="{_n(right - frame.left)}" '
            f'height="{_n(bottom - top)}" fill="{BAND}"/>'
        )
    parts += _y_axis(frame, axis)
    caption = "degrees" if marks.unit == "deg" else marks.unit
    parts.append(f'<text x="0" y="{RANGE_TOP - 12}" fill="{GREY}">{escape(caption)}</text>')
    parts += _x_axis(frame)
    if marks.baseline is not None:
        parts.append(f'<path d="M{left} {_n(y(marks.baseline))}H{right}" stroke="{GREY}"/>')
    if marks.threshold is not None:
        parts.append(
            f'<path d="M{left} {_n(y(marks.threshold))}H{right}" stroke="{WARN}" {DASHED}/>'
        )
    line = " ".join(f"{_n(x(p.day))},{_n(y(p.post))}" for p in points)
    parts.append(f'<polyline points="{line}" fill="none" stroke="{BLUE}" stroke-width="2"/>')
    before = "".join(f'<circle cx="{_n(x(p.day))}" cy="{_n(y(p.pre))}" r="3"/>' for p in points)
    parts.append(f'<g fill="#fff" stroke="{BLUE}" stroke-width="1.5">{before}</g>')
    # One filled dot per session, each with its own fill: the report's tests count them.
    parts += [
        f'<circle cx="{_n(x(p.day))}" cy="{_n(y(p.post))}" r="3" fill="{BLUE}"/>' for p in points
    ]
    return parts


def _pain(
    pain: list[PainMark], above: Frame, *, top: float, ceiling: int | None
) -> tuple[list[str], float]:
    """The pain panel, of the latest sessions only: on the days of the chart above, so that
    a day is under itself, unless they would fill less than a third of it; then on their own
    days. The pain at rest is a dash, with a stem up (or down) to the dot of the pain during."""
    first = above.first
    if (above.last - pain[0].day) * 3 < above.last - above.first:
        first = pain[0].day
    frame = replace(above, top=top + 22, height=PAIN_HEIGHT, low=0, high=10, first=first)
    x, y, left = frame.x, frame.y, _n(frame.left)
    sessions = f"the latest {len(pain)} sessions" if len(pain) > 1 else "the latest session"
    parts = [f'<text x="0" y="{_n(top + 4)}" font-weight="bold">Pain 0–10, {sessions}</text>']
    parts += _y_axis(frame, [(0, "0"), (5, "5"), (10, "10")]) + _x_axis(frame)
    if ceiling is not None:
        parts.append(
            f'<path d="M{left} {_n(y(ceiling))}H{WIDTH - RIGHT}" stroke="{WARN}" {DASHED}/>'
        )
    rises = "".join(
        f"M{_n(x(p.day) - 5)} {_n(y(p.rest))}h10m-5 0V{_n(y(p.during))}"
        for p in pain
        if p.rest is not None
    )
    parts.append(f'<path d="{rises}" stroke="{GREY}" stroke-width="2"/>')
    parts += _dots([(p.day, p.during) for p in pain if not p.over_limit], frame, INK, 3)
    parts += _dots([(p.day, p.during) for p in pain if p.over_limit], frame, WARN, 5)
    nexts = [(p.day, p.next_day) for p in pain if p.next_day is not None]
    parts += _dots(nexts, frame, TEAL, 4, hollow=True)
    legend, bottom = _legend(_pain_legend(pain, ceiling), frame.top + PAIN_HEIGHT + 48)
    return parts + legend, bottom


def _dots(
    values: list[tuple[date, int]], frame: Frame, color: str, r: float, *, hollow: bool = False
) -> list[str]:
    paint = f'fill="none" stroke="{color}" stroke-width="2"' if hollow else f'fill="{color}"'
    dots = "".join(
        f'<circle cx="{_n(frame.x(day))}" cy="{_n(frame.y(v))}" r="{r}"/>' for day, v in values
    )
    return [f"<g {paint}>{dots}</g>"] if dots else []


def _y_axis(frame: Frame, ticks: list[Tick]) -> list[str]:
    grid = "".join(f"M{_n(frame.left)} {_n(frame.y(t))}H{WIDTH - RIGHT}" for t, _ in ticks)
    labels = "".join(
        f'<text x="{_n(frame.left - 6)}" y="{_n(frame.y(t) + 5)}">{escape(s)}</text>'
        for t, s in ticks
    )
    return [f'<path d="{grid}" stroke="{GRID}"/><g text-anchor="end" fill="{GREY}">{labels}</g>']


def _x_axis(frame: Frame) -> list[str]:
    bottom = frame.top + frame.height
    ticks = date_ticks(frame.first, frame.last, left=frame.left)
    marks = "".join(f"M{_n(x)} {_n(bottom)}v5" for x, _ in ticks)
    labels = "".join(
        f'<text x="{_n(x)}" y="{_n(bottom + 21)}">{escape(s)}</text>' for x, s in ticks
    )
    return [
        f'<path d="M{_n(frame.left)} {_n(bottom)}H{WIDTH - RIGHT}{marks}" stroke="{GREY}"/>'
        f'<g class="dates" text-anchor="middle" fill="{GREY}">{labels}</g>'
    ]


def _legend(items: list[tuple[Swatch, str]], top: float) -> tuple[list[str], float]:
    """Swatches and words, flowing onto a new row when a row is full; returns the bottom."""
    parts, x, y = ['<g class="legend">'], 0.0, top
    for swatch, words in items:
        width = 26 + len(words) * CHAR
        if x and x + width > WIDTH:
            x, y = 0.0, y + ROW
        parts.append(
            swatch(x, y - 5) + f'<text x="{_n(x + 26)}" y="{_n(y)}">{escape(words)}</text>'
        )
        x += width + 14
    return [*parts, "</g>"], y + 8


def _range_legend(marks: Marks) -> list[tuple[Swatch, str]]:
    items: list[tuple[Swatch, str]] = [
        (lambda x, y: _ring(x + 11, y, BLUE, 3), "before"),
        (lambda x, y: _dash(x, y, BLUE, 2) + _spot(x + 11, y, BLUE, 3), "after"),
    ]
    if marks.baseline is not None:
        baseline = f"baseline {fmt(marks.baseline, marks.unit)}"
        items.append((lambda x, y: _dash(x, y, GREY, 1), baseline))
        items.append((_band, f"± MDC {fmt(marks.mdc, marks.unit)}"))
    if marks.threshold is not None:
        items.append((_dashed, f"limit of normal {fmt(marks.threshold, marks.unit)}"))
    return items


def _pain_legend(pain: list[PainMark], ceiling: int | None) -> list[tuple[Swatch, str]]:
    items: list[tuple[Swatch, str]] = []
    if any(p.rest is not None for p in pain):
        items.append((lambda x, y: _dash(x + 6, y, GREY, 2, 10), "at rest"))
    items.append((lambda x, y: _spot(x + 11, y, INK, 3), "during"))
    if any(p.over_limit for p in pain):
        items.append((lambda x, y: _spot(x + 11, y, WARN, 5), "over the limit"))
    if any(p.next_day is not None for p in pain):
        items.append((lambda x, y: _ring(x + 11, y, TEAL, 4, 2), "next day"))
    if ceiling is not None:
        items.append((_dashed, f"ceiling {ceiling}/10"))
    return items


def _ring(x: float, y: float, color: str, r: float, width: float = 1.5) -> str:
    return (
        f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{r}" fill="#fff" stroke="{color}" '
        f'stroke-width="{width}"/>'
    )


def _spot(x: float, y: float, color: str, r: float) -> str:
    # Not ending in the fill, unlike the session's dots that the report's tests count.
    return f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{r}" fill="{color}" stroke="none"/>'


def _dash(x: float, y: float, color: str, width: float, length: float = 22) -> str:
    return f'<path d="M{_n(x)} {_n(y)}h{length}" stroke="{color}" stroke-width="{width}"/>'


def _dashed(x: float, y: float) -> str:
    return f'<path d="M{_n(x)} {_n(y)}h22" stroke="{WARN}" {DASHED}/>'


def _band(x: float, y: float) -> str:
    return f'<rect x="{_n(x)}" y="{_n(y - 7)}" width="22" height="14" fill="{BAND}"/>'


def _summary(points: Sequence[Point], shown: list[Point], marks: Marks) -> str:
    first, last, unit = shown[0], shown[-1], marks.unit
    count = f"{len(shown)} sessions" if len(shown) > 1 else "1 session"
    words = [
        f"{count} from {first.day.isoformat()} to {last.day.isoformat()}. "
        f"Test before each session (hollow dots): {fmt(first.pre, unit)} at first, "
        f"{fmt(last.pre, unit)} at the latest; after it (filled dots): "
        f"{fmt(first.post, unit)} at first, {fmt(last.post, unit)} at the latest."
    ]
    if marks.baseline is not None:
        words.append(
            f" Shaded band: the baseline, {fmt(marks.baseline, unit)}, plus or minus the "
            f"measurement error (MDC), {fmt(marks.mdc, unit)}."
        )
    if marks.threshold is not None:
        words.append(f" Dashed line: the limit of normal, {fmt(marks.threshold, unit)}.")
    if len(shown) < len(points):
        words.append(f" The last {len(shown)} of {len(points)} sessions are shown.")
    return "".join(words)


def _pain_summary(pain: list[PainMark], ceiling: int | None) -> str:
    during = [p.during for p in pain]
    sessions = f"{len(pain)} sessions" if len(pain) > 1 else "session"
    words = [f" Below, pain from 0 to 10 in the latest {sessions}: during {min(during)}"]
    words.append(f" to {max(during)}" if max(during) > min(during) else "")
    rests = [p.rest for p in pain if p.rest is not None]
    if rests:
        words.append(f", at rest before {min(rests)} to {max(rests)}")
    over = sum(p.over_limit for p in pain)
    words.append(f"; above the limit in {over}." if over else "; never above the limit.")
    if ceiling is not None:
        words.append(f" Dashed line: the ceiling, {ceiling}/10.")
    return "".join(words)


def _decimals(step: float) -> int:
    """Digits after the point that a multiple of `step` needs: 2.5 needs 1, 0.25 needs 2."""
    power = math.floor(math.log10(step) + 1e-9)
    halves = math.isclose(step / 10.0**power, 2.5)
    return max(0, halves - power)


def _n(value: float) -> str:
    """A coordinate, whole: a unit is under 1.5 px on a screen and 0.3 mm on paper, and
    sixty sessions stay under 12 KB."""
    return f"{value:.0f}"


def _days(start: date, last: date, step: timedelta) -> list[tuple[date, str]]:
    count = (last - start) // step + 1 if start <= last else 0
    if count > MOST_LABELS:
        return []
    return [(day, _day_label(day)) for day in (start + step * i for i in range(count))]


def _months(first: date, last: date, n: int) -> list[tuple[date, str]]:
    """The first of every n months from January (3 gives quarters); the year on the first
    label and on each January, or alone when n is 12."""
    index = first.year * 12 + first.month - 1 + (first.day > 1)
    index += -index % n
    days: list[date] = []
    while (day := date(index // 12, index % 12 + 1, 1)) <= last and len(days) <= MOST_LABELS:
        days.append(day)
        index += n
    if n == 12:
        return [(d, str(d.year)) for d in days]
    return [
        (d, _month_label(d) if i == 0 or d.month == 1 else MONTHS[d.month - 1])
        for i, d in enumerate(days)
    ]


def _day_label(day: date) -> str:
    return f"{MONTHS[day.month - 1]} {day.day}"


def _month_label(day: date) -> str:
    return f"{MONTHS[day.month - 1]} {day.year}"


def _placed(labels: list[Tick]) -> list[Tick]:
    """Labels moved inward where they would stick out of the chart."""
    half = [len(s) * CHAR / 2 for _, s in labels]
    return [(min(max(x, h), WIDTH - h), s) for (x, s), h in zip(labels, half, strict=True)]


def _apart(a: Tick, b: Tick) -> bool:
    return b[0] - a[0] >= (len(a[1]) + len(b[1])) * CHAR / 2 + LABEL_GAP
