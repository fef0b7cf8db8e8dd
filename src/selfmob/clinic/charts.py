"""Small SVG charts built by hand: fast enough for a page budget of tens of milliseconds
(importing matplotlib alone takes longer). Every chart has a title and a description, and
the page shows the same numbers as a table."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from html import escape

WIDTH, HEIGHT = 640, 260
MAX_POINTS = 365  # sessions drawn per chart: a year of daily practice
LEFT, RIGHT, TOP, BOTTOM = 72, 12, 16, 32  # room for labels like "11.5 cm"


@dataclass(frozen=True)
class Point:
    day: date
    pre: float
    post: float


def progress_svg(
    points: Sequence[Point],
    *,
    title: str,
    unit: str,
    baseline: float | None,
    mdc: float,
    threshold: float | None,
) -> str:
    if not points:
        return ""
    shown = points[-MAX_POINTS:]  # a long history would make a slow, unreadable chart
    note = f" The last {MAX_POINTS} of {len(points)} sessions are shown." if shown != points else ""
    points = shown
    values = [v for p in points for v in (p.pre, p.post)]
    extra = [v for v in (baseline, threshold) if v is not None]
    low = min(values + extra) - mdc
    high = max(values + extra) + mdc
    first, last = points[0].day, points[-1].day
    span = max(1, (last - first).days)

    def x(day: date) -> float:
        return LEFT + (WIDTH - LEFT - RIGHT) * (day - first).days / span

    def y(value: float) -> float:
        return TOP + (HEIGHT - TOP - BOTTOM) * (high - value) / (high - low or 1)

    # Ids unique per chart: several charts share a page, and each must be named after itself.
    key = "chart-" + "".join(c if c.isalnum() else "-" for c in title.lower())
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'class="chart" aria-labelledby="{key}-t {key}-d">'
        f'<title id="{key}-t">{escape(title)}</title>'
        f'<desc id="{key}-d">Test before (hollow) and after (filled) each session; the shaded '
        f"band is the baseline plus or minus the measurement error; the dashed line is the "
        f"threshold.{note}</desc>",
    ]
    if baseline is not None:
        top, bottom = y(baseline + mdc), y(baseline - mdc)
        parts.append(
            f'<rect x="{LEFT}" y="{top:.1f}" width="{WIDTH - LEFT - RIGHT}" '
            f'height="{bottom - top:.1f}" fill="#e8eef6"/>'
        )
    if threshold is not None:
        ty = y(threshold)
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{ty:.1f}" y2="{ty:.1f}" '
            f'stroke="#9a3412" stroke-dasharray="6 4"/>'
        )
    parts += _axes(low, high, first=first, last=last, unit=unit, y=y)
    post_line = " ".join(f"{x(p.day):.1f},{y(p.post):.1f}" for p in points)
    parts.append(f'<polyline points="{post_line}" fill="none" stroke="#145da0" stroke-width="2"/>')
    for p in points:
        parts.append(
            f'<circle cx="{x(p.day):.1f}" cy="{y(p.pre):.1f}" r="3" fill="#fff" stroke="#145da0"/>'
            f'<circle cx="{x(p.day):.1f}" cy="{y(p.post):.1f}" r="3" fill="#145da0"/>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _axes(
    low: float, high: float, *, first: date, last: date, unit: str, y: Callable[[float], float]
) -> list[str]:
    label = "°" if unit == "deg" else f" {unit}"
    ticks = [low + (high - low) * i / 4 for i in range(5)]
    parts = [
        f'<text x="{LEFT - 6}" y="{y(t) + 4:.1f}" text-anchor="end" font-size="16">'
        f"{t:.0f}{escape(label)}</text>"
        for t in ticks
    ]
    parts.append(
        f'<text x="{LEFT}" y="{HEIGHT - 8}" font-size="16">{first.isoformat()}</text>'
        f'<text x="{WIDTH - RIGHT}" y="{HEIGHT - 8}" font-size="16" text-anchor="end">'
        f"{last.isoformat()}</text>"
    )
    return parts
