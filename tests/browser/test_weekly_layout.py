"""The 周报 reads well at 1280 px and on a phone: wide enough columns, weeks that scroll inside the
table's own box (not the page), the first columns staying put, latest and progress reachable."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import expect

from okr.checkins.services import record_checkin
from okr.cycles.services import create_cycle
from okr.extensions import db
from okr.objectives.models import KeyResult, Objective
from tests.helpers import TEST_PASSWORD

pytestmark = pytest.mark.browser

CHARS = 8  # the narrowest a person, objective or key-result column may be, in Chinese characters
LAST_WEEK = "2026-09-28"  # 2026 Q3's last Monday: all 14 weeks of the quarter are shown

# person, position, [(objective, [(key result, unit, start, target, weight)])]
TEAM = [
    (
        "张玥",
        "SEO专员",
        [
            (
                "提升网站自然搜索流量，带动线上销售增长30%",
                [
                    ("自然搜索独立访客数从12000提升到20000", "人", 12000, 20000, 50),
                    ("核心关键词进入百度前10名的数量", "个", 8, 30, 30),
                    ("收录页面数量", "页", 100, 300, 20),
                ],
            ),
        ],
    ),
    (
        "欧阳嘉怡",
        "社交媒体运营",
        [
            (
                "扩大微信公众号与小红书的品牌影响力",
                [
                    ("公众号粉丝从50000增长到60000", "人", 50000, 60000, 40),
                    ("小红书笔记平均互动率", "%", 1, 3, 60),
                ],
            ),
            ("提高社群用户活跃度和复购率", [("社群周活跃率", "%", 20, 35, 100)]),
        ],
    ),
    (
        "陈思远",
        "SDR",
        [
            (
                "新增销售线索并提升试用转化",
                [
                    ("新增试用注册用户", "人", 0, 4000, 70),
                    ("线索到试用的转化率", "%", 5, 12, 30),
                ],
            ),
        ],
    ),
]


@pytest.fixture
def weekly_team(make_department, make_person):
    """李喆 leads three people with long Chinese objectives and 2026 Q3's check-ins every week."""
    team = make_department("推广组")
    lead = make_person("李喆", email="lizhe@example.com", department=team, locale="zh")
    cycle = create_cycle("quarter", date(2026, 7, 1), make_current=True)
    cycle.status = "running"
    db.session.commit()
    for name, position, objectives in TEAM:
        person = make_person(name, department=team, manager=lead, position=position)
        for o_position, (title, krs) in enumerate(objectives):
            objective = Objective(
                cycle_id=cycle.id,
                level="individual",
                title=title,
                owner_id=person.id,
                department_id=team.id,
                weight=Decimal(100) / len(objectives),
                status="approved",
                position=o_position,
            )
            db.session.add(objective)
            db.session.flush()
            for k_position, (kr_title, unit, start, target, weight) in enumerate(krs):
                kr = KeyResult(
                    objective_id=objective.id,
                    title=kr_title,
                    kind="increase",
                    unit=unit,
                    weight=Decimal(weight),
                    start=Decimal(start),
                    target=Decimal(target),
                    position=k_position,
                )
                db.session.add(kr)
                db.session.flush()
                for week in range(13):  # a check-in every Wednesday, noon in Shanghai
                    when = datetime(2026, 7, 1, 4, tzinfo=UTC) + timedelta(weeks=week)
                    value = Decimal(start) + (Decimal(target) - Decimal(start)) * week / 14
                    record_checkin(kr, f"{value:.1f}", "on_track", "", person, None, now=when)
    db.session.commit()
    return cycle


def _open(browser: Any, live_server: str, width: int, height: int) -> Any:
    context = browser.new_context(
        base_url=live_server, locale="zh-CN", viewport={"width": width, "height": height}
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto("/login")
    page.locator("input[name=email]").fill("lizhe@example.com")
    page.locator("input[name=password]").fill(TEST_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/")
    page.goto(f"/team/weekly?week={LAST_WEEK}")
    expect(page.locator(".weekly thead")).to_contain_text("W40")
    page.evaluate("() => document.fonts.ready.then(() => true)")
    return page


BOX = "(e) => { const r = e.getBoundingClientRect(); return {left: r.left, right: r.right, width: r.width}; }"
# The width of CHARS Chinese characters in the table's own font, measured in a body cell.
CHARS_WIDTH = f"""(cell) => {{
  const probe = document.createElement("span");
  probe.textContent = "中".repeat({CHARS});
  cell.appendChild(probe);
  const width = probe.getBoundingClientRect().width;
  probe.remove();
  return width;
}}"""


def _box(page: Any, selector: str) -> dict[str, float]:
    return page.locator(selector).first.evaluate(BOX)


def _scroll_to_the_end(page: Any) -> None:
    wrap = page.locator(".weekly-wrap")
    assert wrap.evaluate("(e) => e.scrollWidth > e.clientWidth"), "the weeks should scroll"
    wrap.evaluate("(e) => { e.scrollLeft = e.scrollWidth; }")
    page.wait_for_function(
        "() => { const e = document.querySelector('.weekly-wrap');"
        " return e.scrollLeft > 0 && e.scrollLeft + e.clientWidth >= e.scrollWidth - 1; }"
    )


def _inside(inner: dict[str, float], outer: dict[str, float]) -> bool:
    return (
        inner["left"] >= outer["left"] - 1 and inner["right"] <= outer["right"] + 1
    )  # sub-pixel scroll


def _page_does_not_scroll_sideways(page: Any) -> None:
    assert page.evaluate(
        "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def test_weekly_report_at_1280_has_wide_sticky_columns_and_reachable_latest_and_progress(
    browser, live_server, weekly_team
):
    page = _open(browser, live_server, 1280, 800)
    try:
        headers = page.locator(".weekly thead th")
        expect(headers).to_contain_text(["人员", "目标", "关键结果", "目标值"])
        texts = [t.strip() for t in headers.all_inner_texts()]
        assert texts.count("目标") == 1 and len(set(texts)) == len(texts), texts
        chars = page.locator(".weekly tbody td.col-kr").first.evaluate(CHARS_WIDTH)
        sticky = (".col-person", ".col-objective", ".col-kr")
        before = {}
        for column in sticky:
            head = _box(page, f".weekly thead th{column}")
            body = _box(page, f".weekly tbody tr[id] td{column}")
            assert head["width"] >= chars, (column, head["width"], chars)
            assert abs(head["left"] - body["left"]) < 0.5, (column, head, body)  # one column
            before[column] = (head["left"], body["left"])
        _page_does_not_scroll_sideways(page)

        _scroll_to_the_end(page)
        wrap = _box(page, ".weekly-wrap")
        for column in sticky:
            after = (
                _box(page, f".weekly thead th{column}")["left"],
                _box(page, f".weekly tbody tr[id] td{column}")["left"],
            )
            assert after == pytest.approx(before[column], abs=0.5), column
        for column in (".col-latest", ".col-progress", ".report-week"):
            assert _inside(_box(page, f".weekly thead th{column}"), wrap), column
            expect(page.locator(f".weekly thead th{column}")).to_be_in_viewport()
        expect(page.locator(".weekly thead th.report-week")).to_contain_text("W40")
        _page_does_not_scroll_sideways(page)
    finally:
        page.context.close()


def test_weekly_report_on_a_phone_heads_groups_with_person_and_objective(
    browser, live_server, weekly_team
):
    page = _open(browser, live_server, 390, 844)
    try:
        chars = page.locator(".weekly tbody td.col-kr").first.evaluate(CHARS_WIDTH)
        group = page.locator(".weekly .group-row").first
        expect(group).to_be_visible()
        expect(group).to_contain_text("张玥 · 提升网站自然搜索流量")
        label, kr = _box(page, ".weekly .group-label"), _box(page, ".weekly thead th.col-kr")
        assert label["width"] >= chars and kr["width"] >= chars, (label, kr, chars)
        expect(page.locator(".weekly thead th.col-person")).to_be_hidden()
        _page_does_not_scroll_sideways(page)

        before = (kr["left"], label["left"], _box(page, ".weekly tbody tr[id] td.col-kr")["left"])
        _scroll_to_the_end(page)
        after = (
            _box(page, ".weekly thead th.col-kr")["left"],
            _box(page, ".weekly .group-label")["left"],
            _box(page, ".weekly tbody tr[id] td.col-kr")["left"],
        )
        assert after == pytest.approx(before, abs=0.5)
        wrap = _box(page, ".weekly-wrap")
        for column in (".col-latest", ".col-progress"):
            assert _inside(_box(page, f".weekly thead th{column}"), wrap), column
            expect(page.locator(f".weekly thead th{column}")).to_be_in_viewport()
        _page_does_not_scroll_sideways(page)
    finally:
        page.context.close()
