"""Derivations read in Chinese: no template keys, no English, no stray spaces, right arithmetic.

The appraisal page, the scheme simulator (page and command line) and the review record (printable
page and PDF) are rendered in Chinese and every derivation line is checked: criterion, part and
adjustment keys never appear (their labels do), no ASCII word leaks, no space sits between two
Chinese characters, no number shows more than 4 decimals, and every equation holds with the
numbers shown (a number marked ≈ is rounded half up to 4 decimals: it stands for the interval it
was rounded from).
"""

from __future__ import annotations

import json
import re
from html import unescape

import pytest

from okr.extensions import db
from okr.review_templates.services import load_builtin_templates
from tests.factories import (
    World,
    build_world,
    interview_with,
    peer_rate,
    self_assess,
    typo_deduction,
)
from tests.helpers import ZH, assert_reads_in_chinese, derivation_items, problems_of

# Checks ------------------------------------------------------------------------------------


def test_the_checks_catch_what_was_reported():
    reported = [
        "results：(5 − 1) ÷ (5 − 1) = 1",
        "缺少部分：peer, interview；暂无综合得分和等级。",
        "目标 的权重：100 = 100",
        "团队评估：0.741666666666666666666666 × 20% × 100 = 14.83333333333333333333",
        "关键结果达成：0.8 × 100% × 100 = 79.995",
        "(0.675 + 0.85) ÷ 2 = 1.525 ÷ 2 = 0.7",
        "59.75 ≥ 60：等级为合格",
    ]
    assert len(problems_of(reported)) >= len(reported)
    fine = [
        "目标达成 4（超出期望）：(4 − 1) ÷ (5 − 1) = 0.75",
        "团队评估的平均值：(0.675 + 0.85 + 0.7) ÷ 3 = 2.225 ÷ 3 ≈ 0.7417",
        "团队评估：≈0.7417 × 20% × 100 ≈ 14.8333",
        "关键结果达成：≈0.8000 × 100% × 100 = 79.995",
        "60.25 + (-0.5) = 59.75",
        "59.75 ≥ 0：等级为不合格",
        "59.755 四舍五入保留 2 位小数 = 59.76",
    ]
    assert problems_of(fine) == []


# Pages -------------------------------------------------------------------------------------


def _missing(html: str) -> list[str]:
    match = re.search(r'<div class="missing-parts">(.*?)</div>', html, re.S)
    return [] if not match else [unescape(m) for m in re.findall(r"<li>(.*?)</li>", match.group(1))]


@pytest.fixture
def world(make_person, make_department) -> World:
    return build_world(make_person, make_department)


def _page(world, login) -> str:
    response = login(world.manager).get(f"/reviews/appraisals/{world.appraisal.id}", headers=ZH)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_missing_parts_and_ratings_are_named_in_chinese(world, login):
    peer_rate(world, world.peers[0], cooperation="4", innovation="3", execution="5")
    interview_with(world.appraisal, world.spec, {"results": "4"}, {}, complete=False)
    db.session.commit()
    html = _page(world, login)
    lines = derivation_items(html, "steps derivation") + _missing(html)
    assert_reads_in_chinese(lines)
    text = "\n".join(lines)
    assert "缺少以下评分：专业能力和工作态度；该部分不完整。" in text
    assert "缺少部分：团队评估和一对一面谈" in text or "缺少部分：" in text


def test_a_full_appraisal_with_three_raters_and_a_deduction_reads_right(world, login):
    for peer, (c, i, e) in zip(
        (*world.peers, world.colleague),
        (("4", "3", "5"), ("5", "5", "5"), ("4", "4", "3")),
        strict=True,
    ):
        peer_rate(world, peer, cooperation=c, innovation=i, execution=e)
    self_assess(world.appraisal, world.spec, {"results": "5", "skills": "4", "attitude": "4"})
    interview_with(world.appraisal, world.spec, {"results": "4", "skills": "4", "attitude": "3"})
    typo_deduction(world.cycle, world.person, world.manager)
    db.session.commit()
    html = _page(world, login)
    lines = derivation_items(html, "steps derivation")
    assert_reads_in_chinese(lines)
    text = "\n".join(lines)
    assert "目标达成 4（超出期望）：(4 − 1) ÷ (5 − 1) = 0.75" in text
    assert "≈ 0." in text  # the mean over three raters is rounded, and says so
    assert "错别字：1 × -0.5 = -0.5" in text  # the template's kind, under its label
    assert "≈" in html and "标以“≈”" in html  # the rule is stated beside the derivation


# The simulator ------------------------------------------------------------------------------


@pytest.fixture
def templates(app):
    load_builtin_templates()
    db.session.commit()
    from sqlalchemy import select

    from okr.reviews.models import ReviewTemplate

    return {t.family: t for t in db.session.scalars(select(ReviewTemplate))}


SIMULATIONS = {
    "three raters, a capped bonus": {
        "kr_percent": "79.995",
        **{
            f"peer-{n}-{k}": v
            for n, sheet in enumerate(("435", "555", "443"))
            for k, v in zip(("cooperation", "innovation", "execution"), sheet, strict=True)
        },
        **{"interview-results": "4", "interview-skills": "4", "interview-attitude": "3"},
        "adjustments-post_100k": "6",
        "adjustments-typo": "1",
    },
    "a missing part": {"kr_percent": "85", "peer-0-cooperation": "4"},
}


@pytest.mark.parametrize("case", SIMULATIONS)
def test_the_simulator_reads_in_chinese(client, login, admin, templates, case):
    login(admin)
    data = {"template": str(templates["okr-default"].id), "raters": "3", **SIMULATIONS[case]}
    response = client.post("/reviews/templates/simulate", data=data, headers=ZH)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    lines = derivation_items(html, "steps")
    table = re.search(
        r'<table class="table compact simulation-parts">(.*?)</table>', html, re.S
    ).group(1)
    cells = [
        re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", c))).strip()
        for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", table, re.S)
    ]
    assert_reads_in_chinese(lines + [c for c in cells if c])


def test_the_command_line_simulator_reads_in_chinese(runner, tmp_path):
    inputs = tmp_path / "inputs.json"
    inputs.write_text(
        json.dumps(
            {
                "kr_percent": "79.995",
                "peer": [
                    {"cooperation": 4, "innovation": 3, "execution": 5},
                    {"cooperation": 5, "innovation": 5, "execution": 5},
                    {"cooperation": 4, "innovation": 4, "execution": 3},
                ],
                "interview": {"results": 4, "skills": 4, "attitude": 3},
                "adjustments": {"post_100k": 6},
            }
        ),
        encoding="utf-8",
    )
    result = runner.invoke(args=["review", "simulate", "okr-default", str(inputs), "--lang", "zh"])
    assert result.exit_code == 0, result.output
    lines = [line.strip() for line in result.output.splitlines() if line.strip()]
    start = next(n for n, line in enumerate(lines) if line.startswith("加权合计："))
    report = lines[start:]  # the facts and the derivation after the table
    assert "封顶前：12" in result.output
    assert_reads_in_chinese([re.sub(r"^\d+\. ", "", line) for line in report])
