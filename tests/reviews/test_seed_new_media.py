"""Seed 003's 新媒体绩效考核方案, the built-in `new-media-monthly`, from the seed's own numbers:
"用户满意度调查: 每提高1%,得0.5分,最高得10分; 用户投诉率: 投诉率每降低1%,得1分,最高得10分;
品牌曝光度: 每增加100次曝光,得0.1分,最高得5分; 品牌口碑: 每增加10次正面口碑传播,得0.1分,最高得5分",
"1个错别字减0.5分 … 重大差错扣1—5分", "TOP1:奖励8分、TOP2:奖励6分、TOP3:奖励3分" and
"综合分数达到90分升级;80分~90分为保级;80分以下则降级".

Interpretations (docs/review-templates.md): 90 itself upgrades and 80 itself keeps the level; the
seed's excerpt lost the rules of 粉丝增长 and 内容质量, whose 70 points the manager enters; the
TOP-N rules stack as steps of 3 + 3 + 2 points; TOP3 is the department's ranking."""

from __future__ import annotations

import copy
import io
import re
from datetime import date
from decimal import Decimal

import pytest
from flask_babel import force_locale
from openpyxl import load_workbook
from pypdf import PdfReader

from okr.calibration.results import finalize, release
from okr.cycles.services import create_cycle
from okr.extensions import db
from okr.objectives.adjustments import add_adjustment
from okr.review_templates.simulator import read_inputs, simulate
from okr.reviews.models import Appraisal
from okr.schemes.builtin import BUILT_IN
from okr.schemes.checks import validate
from tests.factories import appraisal_of, opened_review, store_template
from tests.helpers import text

FAMILY = "new-media-monthly"
# 满意度 +7% (3.5) and 投诉率 −2% (2): 5.5 of 20; 3000 次曝光 (3) and 280 次口碑 (2.8): 5.8 of 10.
SEED = {
    "satisfaction": {"survey": "7", "complaints": "-2"},
    "brand": {"exposure": "3000", "reputation": "280"},
}


def _spec():
    return validate(copy.deepcopy(BUILT_IN[FAMILY]))[1]


def _sections(operations, **more):
    return {"operations": {"fans_content": operations}, **copy.deepcopy(SEED), **more}


def _simulate(app, values):
    spec = _spec()
    with app.test_request_context(), force_locale("zh"):
        return simulate(spec, read_inputs(spec, values))


def test_the_template_is_valid_and_its_parts_sum_to_100(app):
    with app.test_request_context():
        canonical, spec = validate(copy.deepcopy(BUILT_IN[FAMILY]))  # raises on any problem
    assert sum(Decimal(v) for v in canonical["parts"].values()) == Decimal(100)
    assert [s.key for s in spec.domain.sections] == ["operations", "satisfaction", "brand"]


def test_satisfaction_and_brand_sum_to_exactly_11_3(app):
    breakdown = _simulate(app, {"sections": _sections("0")})
    assert breakdown.result.composite == Decimal("11.3")
    assert str(breakdown.result.composite) == "11.3"
    assert breakdown.result.grade == "降级"


@pytest.mark.parametrize(
    ("operations", "adjustments", "composite", "grade"),
    [
        ("66.7", {"post_100k": 6}, "90", "升级"),  # "达到90分升级": 90 itself upgrades
        ("66.2", {"post_100k": 6}, "89.5", "保级"),
        ("68.7", {}, "80", "保级"),  # "80分以下则降级": 80 itself keeps the level
        ("70", {"typo": 3}, "79.8", "降级"),  # 81.3 − 3 × 0.5
        ("70", {"post_100k": 2, "major_error": ["-3"]}, "82.3", "保级"),  # 81.3 + 4 − 3
        ("60", {"best_viral": 1}, "91.3", "升级"),  # 最佳网红 奖励20分
    ],
)
def test_the_month_scores_as_the_seed_counts(app, operations, adjustments, composite, grade):
    values = {"sections": _sections(operations), "adjustments": adjustments}
    result = _simulate(app, values).result
    assert (result.composite, result.grade) == (Decimal(composite), grade)


def test_the_per_unit_caps_are_the_seeds(app):
    capped = {
        "operations": {"fans_content": "0"},
        "satisfaction": {"survey": "35", "complaints": "-40"},  # 17.5 and 40 capped at 10 each
        "brand": {"exposure": "99999", "reputation": "9999"},  # 99.9 and 99.9 capped at 5 each
    }
    assert str(_simulate(app, {"sections": capped}).result.composite) == "30"


def test_a_missing_indicator_leaves_the_month_without_a_composite(app):
    sections = _sections("70")
    sections["brand"]["reputation"] = ""
    assert _simulate(app, {"sections": sections}).result.composite is None


@pytest.mark.parametrize(
    ("rank", "earned"),
    [(1, ["top3", "top2", "top1"]), (2, ["top3", "top2"]), (3, ["top3"]), (4, [])],
)
def test_top1_top2_top3_earn_8_6_and_3_points(app, rank, earned):
    values = {"sections": _sections("70"), "ranks": {"department": rank}}
    found = [o for o in _simulate(app, values).outcomes if not o.pending]
    assert [o.rule.key for o in found] == earned
    assert sum((o.rule.amount for o in found), Decimal(0)) == {1: 8, 2: 6, 3: 3, 4: 0}[rank]


def test_before_ranking_the_top_rules_are_pending(app):
    found = _simulate(app, {"sections": _sections("70")}).outcomes
    assert [(o.rule.key, o.pending) for o in found] == [
        ("top3", True),
        ("top2", True),
        ("top1", True),
    ]


def test_a_real_month_from_the_interview_to_the_results(
    app, client, login, make_person, make_department, admin
):
    team = make_department("新媒体部")
    manager = make_person("王静", department=team)
    staff = [make_person(n, department=team, manager=manager) for n in ("李伟", "张敏")]
    outsider = make_person("赵强", department=make_department("财务部"))
    cycle = create_cycle("month", date(2026, 11, 2), make_current=True)
    template = store_template(FAMILY)
    review = opened_review(cycle, template, [team], admin, name="2026年11月 新媒体考核")
    db.session.commit()
    add_adjustment(cycle, staff[0], manager, kind="post_100k", count=5, reason="五篇10万+")
    add_adjustment(cycle, staff[1], manager, kind="typo", count=2, reason="推文两处错别字")
    add_adjustment(cycle, staff[1], manager, kind="post_100k", reason="《双11攻略》10万+")
    db.session.commit()
    entered = {}
    for person, operations in zip(staff, ("70", "68"), strict=True):
        appraisal = appraisal_of(review, person)
        form = {
            "step": "result",
            "goto": "result",
            "version": str(appraisal.version),
            "indicator-operations-fans_content": operations,
            "indicator-satisfaction-survey": "7",
            "indicator-satisfaction-complaints": "-2",
            "indicator-brand-exposure": "3000",
            "indicator-brand-reputation": "280",
        }
        entered[person.id] = (appraisal.id, form)
        response = login(manager).post(f"/reviews/appraisals/{appraisal.id}/interview", data=form)
        assert response.status_code == 303, text(response)
    # someone else's interview is neither shown nor changed
    appraisal_id, form = entered[staff[0].id]
    wrong = login(outsider)
    assert wrong.get(f"/reviews/appraisals/{appraisal_id}/interview").status_code in (403, 404)
    changed = {**form, "indicator-operations-fans_content": "0"}
    response = wrong.post(f"/reviews/appraisals/{appraisal_id}/interview", data=changed)
    assert response.status_code in (403, 404)
    db.session.expire_all()
    first, second = (appraisal_of(review, p) for p in staff)
    assert (str(first.composite), first.grade) == ("91.3", "升级")  # 70 + 11.3 + 5 × 2
    assert (str(second.composite), second.grade) == ("80.3", "保级")  # 68 + 11.3 − 1 + 2
    spec = _spec()
    for appraisal in (first, second):
        finalize(db.session.get(Appraisal, appraisal.id), spec)
    db.session.commit()
    release(review, spec)
    db.session.commit()
    sheet = login(admin).get(f"/reviews/{review.id}/results.xlsx")
    rows = list(load_workbook(io.BytesIO(sheet.data)).active.iter_rows(values_only=True))
    assert rows[0][-3:] == (
        "月度TOP3奖励3分 (points)",
        "月度TOP2再奖励3分（合计6分） (points)",
        "月度TOP1再奖励2分（合计8分） (points)",
    )
    cells = {row[1]: row[-3:] for row in rows[1:]}
    assert cells == {"李伟": (3, 3, 2), "张敏": (3, 3, None)}
    # the released record, read back from its PDF, shows the result and what it earned
    pdf = login(admin).get(
        f"/records/appraisals/{first.id}.pdf", headers={"Accept-Language": "zh-CN"}
    )
    assert pdf.status_code == 200
    pages = PdfReader(io.BytesIO(pdf.data)).pages
    record = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in pages))
    for shown in ("91.3", "升级", "用户满意度", "品牌形象", "月度TOP1再奖励2分"):
        assert shown in record, (shown, record)
    assert login(outsider).get(f"/records/appraisals/{first.id}.pdf").status_code in (403, 404)
