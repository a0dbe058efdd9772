"""Objective (目标) and target (目标值) are different words, in the 周报 page, its Excel and the catalog."""

from __future__ import annotations

import io
import re
from datetime import date
from html import unescape
from pathlib import Path

from babel.messages.pofile import read_po
from openpyxl import load_workbook

from okr.cycles.services import create_cycle
from okr.extensions import db
from tests.factories import approved_objective, kr_row

CATALOG = Path(__file__).parents[2] / "okr" / "translations" / "zh" / "LC_MESSAGES" / "messages.po"


def _report(make_department, make_person):
    team = make_department("推广组")
    lead = make_person("李喆", department=team, locale="zh")
    zhang = make_person("张玥", department=team, manager=lead)
    cycle = create_cycle("quarter", date(2026, 10, 1), make_current=True)
    cycle.status = "running"
    objective = approved_objective(cycle, "提升自然搜索流量", "individual", zhang, department=team)
    kr_row(objective, "自然搜索独立访客", 100, 12000, 20000, unit="人")
    db.session.commit()
    return lead, cycle


def test_weekly_excel_headers_in_chinese_are_distinct(client, login, make_department, make_person):
    lead, cycle = _report(make_department, make_person)
    login(lead)
    response = client.get(f"/team/weekly.xlsx?cycle={cycle.id}&week=2026-10-12")
    assert response.status_code == 200
    header = next(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
    assert header == (
        "人员",
        "目标",
        "关键结果",
        "权重（%）",
        "目标值",
        "单位",
        "2026-W40",
        "2026-W41",
        "2026-W42",
        "最新",
        "进度",
    )
    assert len(set(header)) == len(header)


def test_weekly_page_headers_in_chinese_are_distinct(client, login, make_department, make_person):
    lead, cycle = _report(make_department, make_person)
    login(lead)
    body = client.get(f"/team/weekly?cycle={cycle.id}&week=2026-10-12").get_data(as_text=True)
    head = body[body.index("<thead>") : body.index("</thead>")]
    texts = [
        re.sub(r"<[^>]+>", " ", unescape(cell)).split()[0]
        for cell in re.findall(r"<th\b[^>]*>(.*?)</th>", head, re.S)
    ]
    assert texts == ["人员", "目标", "关键结果", "目标值", "W40", "W41", "W42", "最新", "进度"]


def test_no_two_of_objective_target_and_key_result_share_a_chinese_word():
    with CATALOG.open("rb") as po:
        catalog = read_po(po)
    words = {msgid: catalog[msgid].string for msgid in ("Objective", "Target", "Key result")}
    assert words == {"Objective": "目标", "Target": "目标值", "Key result": "关键结果"}
    # Wherever English speaks of a key result's target (and not of objectives), Chinese says 目标值.
    placeholder = re.compile(r"\{\w+\}|%\(\w+\)s")
    checked = 0
    for message in catalog:
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        string = message.string if isinstance(message.string, str) else message.string[0]
        english = placeholder.sub("", msgid)
        if re.search(r"\btargets?\b", english, re.I) and not re.search("objective", english, re.I):
            checked += 1
            assert "目标" not in placeholder.sub("", string).replace("目标值", ""), (msgid, string)
    assert checked >= 10
