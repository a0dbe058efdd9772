"""A key result's history as a server-rendered SVG line chart: plain data in, markup out.

Pure: no Flask, no database, no floats. Coordinates are computed with Decimal and written with two
decimals; every text is escaped here, so the caller may mark the result safe.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from xml.sax.saxutils import escape, quoteattr

from okr.domain.numbers import fmt, join_unit

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 68, 20, 18, 34  # margins around the plot area
PLOT_LEFT, PLOT_RIGHT = Decimal(LEFT), Decimal(WIDTH - RIGHT)
PLOT_TOP, PLOT_BOTTOM = Decimal(TOP), Decimal(HEIGHT - BOTTOM)
Y_TICKS = 4
COLOURS = {"grid": "#eaecf0", "axis": "#98a2b3", "text": "#667085", "line": "#1570ef"}
COLOURS |= {"target": "#12b76a", "start": "#98a2b3"}


@dataclass(frozen=True)
class ChartText:
    """The words on the chart, already in the reader's language."""

    title: str
    target: str = "Target"
    start: str = "Start"
    empty: str = "No check-ins yet"


@dataclass(frozen=True)
class Frame:
    """Maps days onto the x axis and values onto the y axis of the plot area."""

    first: date
    last: date
    low: Decimal
    high: Decimal

    def x(self, day: date) -> Decimal:
        span = (self.last - self.first).days
        if span == 0:
            return (PLOT_LEFT + PLOT_RIGHT) / 2
        return PLOT_LEFT + (PLOT_RIGHT - PLOT_LEFT) * (day - self.first).days / span

    def y(self, value: Decimal) -> Decimal:
        return PLOT_TOP + (PLOT_BOTTOM - PLOT_TOP) * (self.high - value) / (self.high - self.low)


def nice_step(span: Decimal, ticks: int = Y_TICKS) -> Decimal:
    """A round tick distance (1, 2, 2.5 or 5 times a power of ten) giving about `ticks` intervals."""
    raw = span / ticks
    magnitude = Decimal(1).scaleb(raw.adjusted())
    for factor in (1, 2, Decimal("2.5"), 5, 10):
        if raw <= magnitude * factor:
            return magnitude * factor
    return magnitude * 10  # pragma: no cover  (raw < 10 × magnitude by construction)


def value_range(values: Sequence[Decimal]) -> tuple[Decimal, Decimal, Decimal]:
    """The y axis: lowest and highest tick around all values, and the distance between ticks."""
    if not values:
        return Decimal(0), Decimal(1), Decimal("0.25")
    low, high = min(values), max(values)
    if low == high:
        pad = abs(low) / 10 if low else Decimal(1)
        low, high = low - pad, high + pad
    step = nice_step(high - low)
    low = (low / step).to_integral_value(ROUND_FLOOR) * step
    high = (high / step).to_integral_value(ROUND_CEILING) * step
    return low, high, step


def day_ticks(first: date, last: date) -> list[date]:
    """Days to label: month starts for long ranges, Mondays for a few weeks, else every day."""
    span = (last - first).days
    days = [first + timedelta(days=n) for n in range(span + 1)]
    if span > 62:
        return [d for d in days if d.day == 1] or [first]
    if span > 6:
        return [d for d in days if d.weekday() == 0] or [first]
    return days


def _n(value: Decimal) -> str:
    return fmt(value.quantize(Decimal("0.01")))


def _text(x: Decimal, y: Decimal, content: str, cls: str, anchor: str = "middle") -> str:
    return (
        f'<text class="{cls}" x="{_n(x)}" y="{_n(y)}" text-anchor="{anchor}" '
        f'font-size="11" fill="{COLOURS["text"]}">{escape(content)}</text>'
    )


def _hline(y: Decimal, cls: str, colour: str, dash: str = "") -> str:
    dashed = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<line class="{cls}" x1="{_n(PLOT_LEFT)}" x2="{_n(PLOT_RIGHT)}" y1="{_n(y)}" '
        f'y2="{_n(y)}" stroke="{colour}"{dashed}/>'
    )


def _default_day(day: date) -> str:
    return f"{day.month}/{day.day}"


def history_svg(
    points: Sequence[tuple[date, Decimal]],
    *,
    start: Decimal | None,
    target: Decimal | None,
    text: ChartText,
    period: tuple[date, date] | None = None,
    unit: str = "",
    day_label: Callable[[date], str] = _default_day,
    value_label: Callable[[Decimal], str] = fmt,
) -> str:
    """SVG markup of a key result's values over time, with its start and target lines."""
    points = sorted(points, key=lambda p: p[0])
    days = [day for day, _value in points]
    if period:
        days += list(period)
    first, last = (min(days), max(days)) if days else (date(2000, 1, 1),) * 2
    refs = [v for v in (start, target) if v is not None]
    low, high, step = value_range([value for _day, value in points] + refs)
    frame = Frame(first, last, low, high)
    return "".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" class="kr-chart" viewBox="0 0 {WIDTH} {HEIGHT}" '
            f'width="100%" role="img" aria-label={quoteattr(text.title)}>',
            f"<title>{escape(text.title)}</title>",
            *_y_axis(frame, step, value_label),
            *_x_axis(frame, bool(days), day_label),
            *_reference_lines(
                frame, start, target, text, lambda v: join_unit(value_label(v), unit)
            ),
            *_series(frame, points, text, lambda v: join_unit(value_label(v), unit)),
            "</svg>",
        ]
    )


def _y_axis(frame: Frame, step: Decimal, value_label: Callable[[Decimal], str]) -> list[str]:
    """A grid line and a label at every tick from the lowest to the highest."""
    parts = ['<g class="y-axis">']
    tick = frame.low
    while tick <= frame.high:
        parts.append(_hline(frame.y(tick), "grid", COLOURS["grid"]))
        parts.append(
            _text(PLOT_LEFT - 8, frame.y(tick) + 4, value_label(tick), "tick y-tick", "end")
        )
        tick += step
    parts.append("</g>")
    return parts


def _x_axis(frame: Frame, any_day: bool, day_label: Callable[[date], str]) -> list[str]:
    """The base line, and the labelled days when the chart has any."""
    parts = ['<g class="x-axis">', _hline(PLOT_BOTTOM, "axis", COLOURS["axis"])]
    if any_day:
        for day in day_ticks(frame.first, frame.last):
            parts.append(_text(frame.x(day), PLOT_BOTTOM + 18, day_label(day), "tick x-tick"))
    parts.append("</g>")
    return parts


def _reference_lines(
    frame: Frame,
    start: Decimal | None,
    target: Decimal | None,
    text: ChartText,
    with_unit: Callable[[Decimal], str],
) -> list[str]:
    """The start line (unless it is the target) and the target line, each labelled."""
    parts = []
    if start is not None and start != target:
        y = frame.y(start)
        parts.append(_hline(y, "start-line", COLOURS["start"], "2 4"))
        label = f"{text.start} {with_unit(start)}"
        parts.append(_text(PLOT_LEFT + 4, y - 5, label, "line-label start-label", "start"))
    if target is not None:
        y = frame.y(target)
        parts.append(_hline(y, "target-line", COLOURS["target"], "6 4"))
        label = f"{text.target} {with_unit(target)}"
        parts.append(_text(PLOT_RIGHT - 4, y - 5, label, "line-label target-label", "end"))
    return parts


def _series(
    frame: Frame,
    points: Sequence[tuple[date, Decimal]],
    text: ChartText,
    with_unit: Callable[[Decimal], str],
) -> list[str]:
    """The values as a line through a point per value, or the words for no values yet."""
    if not points:
        middle_y = (PLOT_TOP + PLOT_BOTTOM) / 2
        return [_text((PLOT_LEFT + PLOT_RIGHT) / 2, middle_y, text.empty, "empty")]
    parts = []
    coords = [(frame.x(day), frame.y(value)) for day, value in points]
    if len(coords) > 1:
        line = " ".join(f"{_n(x)},{_n(y)}" for x, y in coords)
        parts.append(
            f'<polyline class="history-line" points="{line}" fill="none" '
            f'stroke="{COLOURS["line"]}" stroke-width="2"/>'
        )
    parts.append('<g class="points">')
    for (day, value), (x, y) in zip(points, coords, strict=True):
        tip = f"{day.isoformat()}: {with_unit(value)}"
        parts.append(
            f'<circle class="point" cx="{_n(x)}" cy="{_n(y)}" r="4" fill="{COLOURS["line"]}" '
            f'data-day="{day.isoformat()}" data-value="{fmt(value)}"><title>{escape(tip)}</title></circle>'
        )
    parts.append("</g>")
    return parts
