"""A simple front-view body diagram (SVG) with each assessed joint marked.

Colour is never the only signal: a restricted joint also carries a "!" and a text title,
and the page shows the same facts as a table. The person's right is on the viewer's left.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from html import escape

# Marker centres (x, y) per body region and side, in a 200 x 360 view box.
POINTS: dict[str, dict[str, tuple[int, int]]] = {
    "neck": {"": (100, 52)},
    "thoracic": {"": (100, 95)},
    "lumbar": {"": (100, 140)},
    "shoulder": {"right": (68, 72), "left": (132, 72)},
    "elbow": {"right": (54, 122), "left": (146, 122)},
    "wrist": {"right": (44, 166), "left": (156, 166)},
    "hand": {"right": (40, 186), "left": (160, 186)},
    "hip": {"right": (84, 176), "left": (116, 176)},
    "knee": {"right": (84, 250), "left": (116, 250)},
    "ankle": {"right": (84, 322), "left": (116, 322)},
    "foot": {"right": (80, 340), "left": (120, 340)},
}
OUTLINE = (
    '<circle cx="100" cy="28" r="18" class="body"/>'
    '<path class="body" d="M70 62 h60 l8 110 h-76 z"/>'
    '<path class="limb" d="M68 72 L54 122 L44 166 M132 72 L146 122 L156 166 '
    'M84 176 L84 250 L84 322 M116 176 L116 250 L116 322"/>'
)
STYLE = (
    "<style>.body{fill:#eef1f5;stroke:#8a94a3}.limb{stroke:#8a94a3;stroke-width:10;"
    "stroke-linecap:round;fill:none}.restricted{fill:#9a3412}.borderline{fill:#fff;"
    "stroke:#b45309;stroke-width:3}.borderline+text{fill:#b45309}.within_normal{fill:#fff;"
    "stroke:#166534;stroke-width:3}.no_norm{fill:#fff;stroke:#5a6473;stroke-width:2;"
    "stroke-dasharray:3 2}text{font:bold 11px sans-serif;fill:#fff}</style>"
)


@dataclass(frozen=True)
class Mark:
    region: str
    side: str  # "left", "right", or "" for the spine
    status: str
    label: str


def body_svg(marks: Iterable[Mark]) -> str:
    parts = [
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 360" role="img" '
        'aria-labelledby="body-title" class="body-diagram">',
        '<title id="body-title">Body diagram of the assessed joints</title>',
        STYLE,
        OUTLINE,
    ]
    parts += [_marker(mark) for mark in marks if mark.region in POINTS]
    parts.append("</svg>")
    return "".join(parts)


def _marker(mark: Mark) -> str:
    points = POINTS[mark.region]
    x, y = points.get(mark.side) or points.get("") or next(iter(points.values()))
    title = escape(f"{mark.label}: {mark.status.replace('_', ' ')}")
    sign = {"restricted": "!", "borderline": "?"}.get(mark.status, "")
    bang = f'<text x="{x - 3}" y="{y + 4}">{sign}</text>' if sign else ""
    return (
        f'<g><title>{title}</title><circle cx="{x}" cy="{y}" r="8" class="{mark.status}"/>'
        f"{bang}</g>"
    )
