"""The key-result history chart: well-formed SVG, points where the values are, lines, empty history."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal

import pytest

from okr.key_results.chart import (
    HEIGHT,
    PLOT_BOTTOM,
    PLOT_LEFT,
    PLOT_RIGHT,
    PLOT_TOP,
    WIDTH,
    ChartText,
    day_ticks,
    history_svg,
    nice_step,
    value_range,
)

SVG = "{http://www.w3.org/2000/svg}"
QUARTER = (date(2026, 10, 1), date(2026, 12, 31))
TEXT = ChartText(title="History", target="Target", start="Start", empty="No check-ins yet")


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    return root


def circles(root: ET.Element) -> list[dict[str, str]]:
    return [c.attrib for c in root.iter(f"{SVG}circle")]


def line(root: ET.Element, cls: str) -> dict[str, str]:
    (found,) = [e.attrib for e in root.iter(f"{SVG}line") if e.get("class") == cls]
    return found


def d(text: str) -> Decimal:
    return Decimal(text)


def test_chart_is_well_formed_svg_with_title_and_view_box():
    root = parse(
        history_svg(
            [(date(2026, 10, 5), d("45000"))],
            start=d("40000"),
            target=d("60000"),
            text=TEXT,
            period=QUARTER,
        )
    )
    assert root.get("viewBox") == f"0 0 {WIDTH} {HEIGHT}"
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "History"


def test_points_sit_on_the_start_and_target_lines_and_halfway_between():
    points = [
        (date(2026, 10, 1), d("40000")),
        (date(2026, 11, 15), d("50000")),
        (date(2026, 12, 31), d("60000")),
    ]
    root = parse(
        history_svg(points, start=d("40000"), target=d("60000"), text=TEXT, period=QUARTER)
    )
    first, middle, last = circles(root)
    start_y, target_y = d(line(root, "start-line")["y1"]), d(line(root, "target-line")["y1"])
    assert d(first["cy"]) == start_y
    assert d(last["cy"]) == target_y
    assert d(middle["cy"]) == (start_y + target_y) / 2
    assert target_y < start_y  # higher values are drawn higher up
    assert d(first["cx"]) == PLOT_LEFT
    assert d(last["cx"]) == PLOT_RIGHT
    # 15 Nov is day 45 of the 91-day span
    assert d(middle["cx"]) == (PLOT_LEFT + (PLOT_RIGHT - PLOT_LEFT) * 45 / 91).quantize(d("0.01"))
    assert [c["data-value"] for c in (first, middle, last)] == ["40000", "50000", "60000"]


def test_points_are_drawn_in_date_order_joined_by_one_line():
    points = [
        (date(2026, 11, 2), d("3")),
        (date(2026, 10, 5), d("1")),
        (date(2026, 10, 19), d("2")),
    ]
    root = parse(history_svg(points, start=d("0"), target=d("10"), text=TEXT, period=QUARTER))
    days = [c["data-day"] for c in circles(root)]
    assert days == ["2026-10-05", "2026-10-19", "2026-11-02"]
    (polyline,) = root.iter(f"{SVG}polyline")
    xs = [d(pair.split(",")[0]) for pair in polyline.get("points").split()]
    assert xs == sorted(xs) and len(xs) == 3


def test_decreasing_key_result_puts_lower_values_lower():
    points = [(date(2026, 10, 5), d("8.5")), (date(2026, 11, 5), d("6"))]
    root = parse(history_svg(points, start=d("10"), target=d("5"), text=TEXT, period=QUARTER))
    before, after = circles(root)
    assert d(after["cy"]) > d(before["cy"])
    assert d(line(root, "target-line")["y1"]) > d(line(root, "start-line")["y1"])


def test_all_points_stay_inside_the_plot_area():
    points = [(date(2026, 10, 1 + n), d(str(n * 7 - 20))) for n in range(20)]
    root = parse(history_svg(points, start=None, target=d("100"), text=TEXT, period=QUARTER))
    for c in circles(root):
        assert PLOT_LEFT <= d(c["cx"]) <= PLOT_RIGHT
        assert PLOT_TOP <= d(c["cy"]) <= PLOT_BOTTOM


def test_empty_history_says_so_and_still_draws_the_target():
    root = parse(history_svg([], start=d("40000"), target=d("60000"), text=TEXT, period=QUARTER))
    assert circles(root) == []
    assert list(root.iter(f"{SVG}polyline")) == []
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "No check-ins yet" in texts
    assert "Target 60000" in texts
    assert line(root, "target-line")


def test_empty_history_without_period_or_lines_is_still_valid():
    root = parse(history_svg([], start=None, target=None, text=TEXT))
    assert circles(root) == []
    assert "No check-ins yet" in [t.text for t in root.iter(f"{SVG}text")]


def test_a_single_point_is_a_dot_without_a_line():
    root = parse(history_svg([(date(2026, 10, 5), d("1"))], start=None, target=None, text=TEXT))
    assert len(circles(root)) == 1
    assert list(root.iter(f"{SVG}polyline")) == []
    # one day, no period: the point is centred rather than dividing by a zero-day span
    assert d(circles(root)[0]["cx"]) == (PLOT_LEFT + PLOT_RIGHT) / 2


def test_a_check_in_after_the_period_widens_the_axis():
    after_end = date(2027, 1, 4)  # reviewing: final values come in after the quarter
    root = parse(
        history_svg([(after_end, d("5"))], start=d("0"), target=d("10"), text=TEXT, period=QUARTER)
    )
    assert d(circles(root)[0]["cx"]) == PLOT_RIGHT


def test_axis_labels_name_round_values_and_month_starts():
    root = parse(history_svg([], start=d("40000"), target=d("60000"), text=TEXT, period=QUARTER))
    y_labels = [t.text for t in root.iter(f"{SVG}text") if "y-tick" in t.get("class")]
    x_labels = [t.text for t in root.iter(f"{SVG}text") if "x-tick" in t.get("class")]
    assert y_labels == ["40000", "45000", "50000", "55000", "60000"]
    assert x_labels == ["10/1", "11/1", "12/1"]


def test_text_is_escaped_and_unit_shown():
    text = ChartText(title='<script>"x"</script> & co', target="目标", start="起点", empty="暂无")
    svg = history_svg(
        [(date(2026, 10, 5), d("3"))], start=d("0"), target=d("5"), text=text, unit="<元>"
    )
    root = parse(svg)
    assert "<script>" not in svg
    assert root.find(f"{SVG}title").text == '<script>"x"</script> & co'
    assert "目标 5 <元>" in [t.text for t in root.iter(f"{SVG}text")]
    assert root.find(f"{SVG}g[@class='points']/{SVG}circle/{SVG}title").text == "2026-10-05: 3 <元>"


@pytest.mark.parametrize(
    ("span", "step"),
    [("20000", "5000"), ("1", "0.25"), ("0.03", "0.01"), ("7", "2"), ("100", "25")],
)
def test_nice_step(span, step):
    assert nice_step(d(span)) == d(step)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["0", "1"], ("0", "1", "0.25")),
        (["43", "61"], ("40", "65", "5")),
        (["5", "5"], ("4.5", "5.5", "0.25")),
        (["0", "0"], ("-1", "1", "0.5")),
        (["-3", "7"], ("-5", "7.5", "2.5")),
    ],
)
def test_value_range_rounds_outwards_to_ticks(values, expected):
    low, high, step = value_range([d(v) for v in values])
    assert (low, high, step) == tuple(d(e) for e in expected)


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        (
            date(2026, 10, 1),
            date(2026, 12, 31),
            [date(2026, 10, 1), date(2026, 11, 1), date(2026, 12, 1)],
        ),
        (
            date(2026, 10, 1),
            date(2026, 10, 31),
            [date(2026, 10, 5), date(2026, 10, 12), date(2026, 10, 19), date(2026, 10, 26)],
        ),
        (
            date(2026, 10, 1),
            date(2026, 10, 3),
            [date(2026, 10, 1), date(2026, 10, 2), date(2026, 10, 3)],
        ),
    ],
)
def test_day_ticks(first, last, expected):
    assert day_ticks(first, last) == expected
