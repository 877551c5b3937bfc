"""Bar charts of daily counts as plain geometry, drawn by a template as inline SVG.

No chart library and no script: the server computes rectangles and labels, the template
writes `<rect>` and `<text>` with presentation attributes (the CSP allows those; it forbids
`style=`), and CSS classes colour them for light and dark schemes.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil

from loupe_core.analytics.reports import DayCount

WIDTH, HEIGHT = 720, 220
LEFT, RIGHT, TOP, BOTTOM = 40, 8, 10, 26
GAP = 0.2
"""Share of each day's slot left empty between bars."""


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    day: str
    count: int


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    plot_left: float
    plot_right: float
    baseline: float
    bars: tuple[Bar, ...]
    y_ticks: tuple[Tick, ...]
    x_ticks: tuple[Tick, ...]
    total: int
    peak: DayCount | None


def nice_ceiling(value: int) -> int:
    """The axis top: 1, 2 or 5 times a power of ten, at least `value` (and at least 1)."""
    if value <= 1:
        return 1
    magnitude = 10 ** (len(str(value)) - 1)
    return next(step * magnitude for step in (1, 2, 5, 10) if step * magnitude >= value)


def bar_chart(days: list[DayCount]) -> BarChart:
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    baseline = TOP + plot_height
    top = nice_ceiling(max((d.count for d in days), default=0))
    slot = plot_width / max(len(days), 1)
    bars = tuple(
        Bar(
            x=round(LEFT + i * slot + slot * GAP / 2, 2),
            y=round(baseline - d.count / top * plot_height, 2),
            width=round(slot * (1 - GAP), 2),
            height=round(d.count / top * plot_height, 2),
            day=d.day.isoformat(),
            count=d.count,
        )
        for i, d in enumerate(days)
    )
    y_ticks = tuple(Tick(round(baseline - v / top * plot_height, 2), str(v)) for v in sorted({0, ceil(top / 2), top}))
    labelled = sorted({0, len(days) // 2, len(days) - 1}) if days else []
    x_ticks = tuple(Tick(round(LEFT + (i + 0.5) * slot, 2), days[i].day.strftime("%m-%d")) for i in labelled)
    peak = max(days, key=lambda d: (d.count, d.day), default=None)
    return BarChart(
        width=WIDTH,
        height=HEIGHT,
        plot_left=LEFT,
        plot_right=WIDTH - RIGHT,
        baseline=baseline,
        bars=bars,
        y_ticks=y_ticks,
        x_ticks=x_ticks,
        total=sum(d.count for d in days),
        peak=peak if peak and peak.count else None,
    )
