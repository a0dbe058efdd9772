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
from decimal import Decimal
from fractions import Fraction
from html import unescape

import pytest

from okr.appraisals.services import save_interview, save_self_assessment
from okr.extensions import db
from okr.objectives.models import Adjustment
from okr.review_templates.services import load_builtin_templates
from okr.schemes.builtin import BUILT_IN
from tests.reviews.test_appraisal_page import peer_rate
from tests.reviews.test_review_access import World, build_world, rate

ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}
CJK = "\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”‘’"
KEYS = {
    *(c["key"] for t in BUILT_IN.values() for items in t["criteria"].values() for c in items),
    *(k["key"] for t in BUILT_IN.values() for k in (t.get("adjustments") or {}).get("kinds", [])),
    *("kr", "peer", "interview", "self", "key_results", "objectives", "parts", "criteria"),
}
# Allowed ASCII: the word OKR, anonymous rater labels (6 hex digits), record numbers and ids.
ALLOWED = re.compile(r"\bOKR\b|(?<=评价人 )[0-9a-f]{6}\b|\bR\d{4}-\d{6}\b|#\d+")


# Checks ------------------------------------------------------------------------------------


def problems_of(lines: list[str]) -> list[str]:
    """Everything wrong with derivation lines shown to a Chinese reader."""
    found = []
    for line in lines:
        for key in KEYS:
            if re.search(rf"(?<![A-Za-z_]){re.escape(key)}(?![A-Za-z_])", ALLOWED.sub("", line)):
                found.append(f"template key {key!r}: {line}")
        words = re.findall(r"[A-Za-z]{2,}", ALLOWED.sub("", line))
        if words:
            found.append(f"English {words}: {line}")
        if re.search(rf"[{CJK}] +[{CJK}]", line):
            found.append(f"space between Chinese characters: {line}")
        if re.search(r"\d\.\d{5,}", line):
            found.append(f"more than 4 decimals: {line}")
        found += [f"{wrong}: {line}" for wrong in arithmetic_errors(line)]
    return found


def assert_reads_in_chinese(lines: list[str]) -> None:

    assert lines, "no derivation shown"
    assert any(re.search(f"[{CJK}]", line) for line in lines)
    problems = problems_of(lines)
    assert problems == [], "\n".join(problems)


_TOKEN = re.compile(r"≈?-?\d+(?:\.\d+)?%?|[-+−×÷()]")


def _number(token: str) -> tuple[Fraction, Fraction]:
    """A shown number as the interval it stands for: exact, or ± half its last decimal when ≈."""
    approx, text = token.startswith("≈"), token.lstrip("≈")
    percent = text.endswith("%")
    text = text.rstrip("%")
    value = Fraction(Decimal(text))
    half = Fraction(1, 2 * 10 ** len(text.partition(".")[2])) if approx else Fraction(0)
    low, high = value - half, value + half
    if percent:
        low, high = low / 100, high / 100
    return low, high


class _Parser:
    """Interval arithmetic over + − × ÷ and parentheses, the operators derivations use."""

    def __init__(self, tokens: list[str]) -> None:
        self.tokens, self.i = tokens, 0

    def peek(self) -> str | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> str:
        self.i += 1
        return self.tokens[self.i - 1]

    def expr(self) -> tuple[Fraction, Fraction]:
        low, high = self.term()
        while self.peek() in ("+", "−", "-"):
            op = self.take()
            b_low, b_high = self.term()
            low, high = (low + b_low, high + b_high) if op == "+" else (low - b_high, high - b_low)
        return low, high

    def term(self) -> tuple[Fraction, Fraction]:
        low, high = self.factor()
        while self.peek() in ("×", "÷"):
            op = self.take()
            b_low, b_high = self.factor()
            if op == "÷":
                b_low, b_high = 1 / b_high, 1 / b_low
            corners = [low * b_low, low * b_high, high * b_low, high * b_high]
            low, high = min(corners), max(corners)
        return low, high

    def factor(self) -> tuple[Fraction, Fraction]:
        token = self.take()
        if token == "(":
            value = self.expr()
            assert self.take() == ")"
            return value
        if token in ("+", "−", "-"):
            low, high = self.factor()
            return (low, high) if token == "+" else (-high, -low)
        return _number(token)

    def parse(self) -> tuple[Fraction, Fraction]:
        value = self.expr()
        assert self.peek() is None, self.tokens
        return value


_RUN = "[-+−×÷()%≈\\d. ]+"


def _side(text: str, where: str) -> tuple[Fraction, Fraction] | None:
    """The expression next to a relation sign (words beyond it left aside); None without one."""
    run = re.search(f"{_RUN}$" if where == "left" else f"^{_RUN}", text)
    tokens = _TOKEN.findall(run.group(0)) if run else []
    if not any(t[-1].isdigit() or t.endswith("%") for t in tokens):
        return None
    return _Parser(tokens).parse()


def arithmetic_errors(line: str) -> list[str]:
    """Equations, inequalities and rounding statements in a line that do not hold."""
    errors = []
    for segment in re.split(r"[：；:;，。（）]", line):
        if "四舍五入保留" in segment or "rounded half up to" in segment:
            numbers = re.findall(r"≈?-?\d+(?:\.\d+)?", segment)
            if len(numbers) == 3 and not numbers[0].startswith("≈"):
                value, places, rounded = (Decimal(n) for n in numbers)
                shown = value.quantize(Decimal(1).scaleb(-int(places)), rounding="ROUND_HALF_UP")
                if shown != rounded:
                    errors.append(f"{value} rounded to {places} decimals is {shown}")
            continue
        parts = re.split(r"\s(=|≈|≥|>)\s", segment)
        sides, relations = parts[0::2], parts[1::2]
        for n, relation in enumerate(relations):
            a = _side(sides[n], "left")
            b = _side(("≈" if relation == "≈" else "") + sides[n + 1].strip(), "right")
            if a is None or b is None:
                continue
            if (
                (relation in ("=", "≈") and (a[1] < b[0] or b[1] < a[0]))
                or (relation == "≥" and a[1] < b[0])
                or (relation == ">" and a[1] <= b[0])
            ):
                errors.append(f"{segment.strip()} does not hold")
    return errors


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


def derivation_items(html: str, list_class: str) -> list[str]:
    match = re.search(rf'<ol class="{list_class}"[^>]*>(.*?)</ol>', html, re.S)
    assert match, list_class
    return [
        re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", li))).strip()
        for li in re.findall(r"<li>(.*?)</li>", match.group(1), re.S)
    ]


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
    save_interview(world.appraisal, world.spec, rate(results="4"), {}, "", False, None)
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
    save_self_assessment(
        world.appraisal, world.spec, rate(results="5", skills="4", attitude="4"), "", True, None
    )
    save_interview(
        world.appraisal,
        world.spec,
        rate(results="4", skills="4", attitude="3"),
        {"purpose": "季度回顾"},
        "",
        True,
        None,
    )
    db.session.add(
        Adjustment(
            cycle_id=world.cycle.id,
            person_id=world.person.id,
            points=Decimal("-0.5"),
            reason="错别字",
            author_id=world.manager.id,
        )
    )
    db.session.commit()
    html = _page(world, login)
    lines = derivation_items(html, "steps derivation")
    assert_reads_in_chinese(lines)
    text = "\n".join(lines)
    assert "目标达成 4（超出期望）：(4 − 1) ÷ (5 − 1) = 0.75" in text
    assert "≈ 0." in text  # the mean over three raters is rounded, and says so
    assert "错别字（#" in text
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
