"""Built-in new-media-yearly end to end on the real built-in `new-media-monthly` (seed 003:
"考核分数将纳入年终考核", "获得月度奖，年度考核综合分加4分，入TOP3加2分"): monthly reviews entered
from the seed's indicators and released -> the yearly review opened over them -> finalize ->
release -> the grade -> the PDF record read back, and refused to a colleague."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from okr.calibration.results import finalize_all, release
from okr.cycles.services import create_cycle
from okr.extensions import db
from okr.objectives.adjustments import add_adjustment
from okr.reviews.services import spec_of
from okr.schemes.builtin import BUILT_IN
from okr.schemes.builtin_yearly import MONTHLY_FAMILY
from tests.factories import appraisal_of, cycle_row, opened_review, store_template
from tests.reviews.seed_flow import finalize_and_release, post_interview, record_text

# 满意度 +7% (3.5) and 投诉率 −2% (2): 5.5 of 20; 3000 次曝光 (3) and 280 次口碑 (2.8): 5.8 of 10;
# 11.3 with the 粉丝增长与内容质量 points the manager enters.
SEED = {
    "satisfaction": {"survey": "7", "complaints": "-2"},
    "brand": {"exposure": "3000", "reputation": "280"},
}


def _month(login, n, team, manager, hr, template, entries):
    """A month of the real monthly scheme: each person's 粉丝增长与内容质量 points and daily
    bonuses and deductions entered, the interview saved, finalized and released."""
    cycle = create_cycle("month", date(2026, n, 5), make_current=True)
    review = opened_review(cycle, template, [team], hr, name=f"2026-{n:02d} 新媒体考核")
    db.session.commit()
    for person, (operations, adjustments) in entries.items():
        for kind, count in adjustments.items():
            add_adjustment(cycle, person, manager, kind=kind, count=count, reason=f"{n} 月 {kind}")
        db.session.commit()
        indicators = {"operations": {"fans_content": operations}, **SEED}
        post_interview(login, manager, appraisal_of(review, person), indicators=indicators)
    return finalize_and_release(review, spec_of(template), list(entries))


def test_the_built_in_is_stored_as_written():
    spec = BUILT_IN["new-media-yearly"]
    assert spec["rollups"][0]["rollup"] == {
        "family": MONTHLY_FAMILY,
        "of": "mean",
        "cycles": "within",
    }
    assert [b["points"] for b in spec["rollups"][0]["bonuses"]] == ["4", "2"]
    assert [b["label"] for b in spec["bands"]] == ["升级", "保级", "降级"]


def test_the_real_monthly_scheme_to_the_yearly_record(
    app, login, make_person, make_department, admin
):
    team = make_department("新媒体部")
    manager = make_person("王静", department=team)
    a, b = (make_person(n, department=team, manager=manager) for n in ("李伟", "张敏"))
    monthly = store_template(MONTHLY_FAMILY)
    db.session.commit()
    # January: 李伟 70 + 11.3 + 5 篇10万+ × 2 = 91.3 (first); 张敏 68 + 11.3 − 2 × 0.5 + 2 = 80.3
    jan = _month(
        login,
        1,
        team,
        manager,
        admin,
        monthly,
        {a: ("70", {"post_100k": 5}), b: ("68", {"typo": 2, "post_100k": 1})},
    )
    assert {p: (r.composite, r.rank) for p, r in jan.items()} == {
        "李伟": (D("91.3"), 1),
        "张敏": (D("80.3"), 2),
    }
    # February: 张敏 70 + 11.3 + 最佳网红 20 = 101.3 (first); 李伟 60 + 11.3 − 重稿 1 = 70.3
    feb = _month(
        login,
        2,
        team,
        manager,
        admin,
        monthly,
        {a: ("60", {"duplicate_post": 1}), b: ("70", {"best_viral": 1})},
    )
    assert {p: (r.composite, r.rank) for p, r in feb.items()} == {
        "李伟": (D("70.3"), 2),
        "张敏": (D("101.3"), 1),
    }
    year = cycle_row("2026", date(2026, 1, 1), date(2026, 12, 31), "active", kind="year")
    yearly = store_template("new-media-yearly")
    review = opened_review(year, yearly, [team], admin, name="2026 年度考核")
    db.session.commit()
    spec = spec_of(yearly)
    assert finalize_all(review, spec) == (2, 1)  # the manager has no month: never scored as 0
    db.session.commit()
    release(review, spec)
    db.session.commit()
    mine, theirs = appraisal_of(review, a), appraisal_of(review, b)
    # 李伟: (91.3 + 70.3) ÷ 2 = 80.8; 月度奖 (TOP1) once +4; in the TOP3 both months +2 × 2
    assert (mine.composite, mine.final_grade) == (D("88.8"), "保级")
    # 张敏: (80.3 + 101.3) ÷ 2 = 90.8; TOP1 once +4; TOP3 twice +4
    assert (theirs.composite, theirs.final_grade) == (D("98.8"), "升级")
    record = record_text(login, a, mine)
    for line in (
        "2026-02 70.3 2 入TOP3加2分",  # the month, its department rank, what it earned
        "2 个结果（2026-01、2026-02）的平均 = （91.3 + 70.3）÷ 2 = 80.8",
        "入TOP3加2分：2 个周期（2026-01、2026-02）× 2 = 4",
        "80.8 + 年终加分 8 + (0) = 88.8 88.8 ≥ 80：等级为保级",
    ):
        assert line in record, (line, record)
    response = login(b).get(f"/records/appraisals/{mine.id}.pdf")
    assert response.status_code in (403, 404)
