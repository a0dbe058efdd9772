"""One vector chart per record: each key result's attainment week by week over the cycle."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from html import escape

WIDTH, HEIGHT = Decimal(680), Decimal(220)
LEFT, RIGHT, TOP, BOTTOM = Decimal(44), Decimal(12), Decimal(12), Decimal(28)
# SVG text does not inherit the page's CSS in WeasyPrint: name the shipped fonts here too.
FONTS = ", ".join(["OKR Sans", *(f"OKR Sans S{n:02d}" for n in range(1, 13)), "sans-serif"])
PLOT_W, PLOT_H = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
COLOURS = ("#2f5bea", "#1f8a4c", "#f79009", "#c9302c", "#7a5af8", "#0e9384", "#b54708", "#667085")


def _n(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.1'))}"


@dataclass(frozen=True)
class _Plot:
    """Where a day and an attainment fall: x over the cycle's days, y from 0 up to `top`."""

    start: date
    days: Decimal
    top: Decimal

    def x(self, day: str) -> Decimal:
        return LEFT + PLOT_W * Decimal((date.fromisoformat(day) - self.start).days) / self.days

    def y(self, fraction: Decimal) -> Decimal:
        return TOP + PLOT_H * (1 - min(fraction, self.top) / self.top)


def progress_svg(
    series: list[tuple[str, list[tuple[str, str]]]],
    first: str,
    last: str,
    cap: Decimal,
    empty: str,
    label: str = "",
) -> str:
    """SVG markup: x = the cycle's days, y = 0 % .. cap; one polyline and legend entry per key result."""
    start, end = date.fromisoformat(first), date.fromisoformat(last)
    plot = _Plot(start, Decimal(max((end - start).days, 1)), min(max(cap, Decimal(1)), Decimal(2)))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT + 18 * ((len(series) + 1) // 2)}" class="chart" role="img" aria-label="{escape(label)}" font-family="{FONTS}">',
        f"<title>{escape(label)}</title>",
        *_axes(plot, first, last),
    ]
    if not any(points for _title, points in series):
        parts.append(
            f'<text x="{WIDTH / 2}" y="{HEIGHT / 2}" font-size="11" text-anchor="middle" fill="#667085">{escape(empty)}</text>'
        )
    for index, (title, points) in enumerate(series):
        parts += _line(plot, index, title, points)
    parts.append("</svg>")
    return "".join(parts)


def _axes(plot: _Plot, first: str, last: str) -> list[str]:
    """A grid line with its percentage every 25 %, the cycle's first and last day below."""
    parts = []
    for tick in range(0, int(plot.top * 100) + 1, 25):
        ty = plot.y(Decimal(tick) / 100)
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{_n(ty)}" y2="{_n(ty)}" stroke="#e4e7ec" stroke-width="0.6"/>'
        )
        parts.append(
            f'<text x="{LEFT - 6}" y="{_n(ty + 3)}" font-size="9" text-anchor="end" fill="#667085">{tick}%</text>'
        )
    parts.append(
        f'<text x="{LEFT}" y="{HEIGHT - 10}" font-size="9" fill="#667085">{escape(first)}</text>'
    )
    parts.append(
        f'<text x="{WIDTH - RIGHT}" y="{HEIGHT - 10}" font-size="9" text-anchor="end" fill="#667085">{escape(last)}</text>'
    )
    return parts


def _line(plot: _Plot, index: int, title: str, points: list[tuple[str, str]]) -> list[str]:
    """One key result: its polyline with a dot per week, and its legend entry (two per row)."""
    colour = COLOURS[index % len(COLOURS)]
    coords = " ".join(f"{_n(plot.x(day))},{_n(plot.y(Decimal(value)))}" for day, value in points)
    parts = []
    if coords:
        parts.append(
            f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="1.6"/>'
        )
        for day, value in points:
            parts.append(
                f'<circle cx="{_n(plot.x(day))}" cy="{_n(plot.y(Decimal(value)))}" r="1.8" fill="{colour}"/>'
            )
    lx = LEFT + (PLOT_W / 2) * (index % 2)
    ly = HEIGHT + 4 + 18 * (index // 2)
    parts.append(f'<rect x="{lx}" y="{_n(ly)}" width="10" height="3" fill="{colour}"/>')
    parts.append(
        f'<text x="{lx + 14}" y="{_n(ly + 5)}" font-size="9" fill="#1d2330">{escape(title)}</text>'
    )
    return parts
