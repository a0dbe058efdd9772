"""Built-in `new-media-yearly`: seed 003's year-end review (年终考核) over the monthly results.

Seed 003 (新媒体KPI绩效考核方案): "考核分数将纳入年终考核"; "获得月度奖，年度考核综合分加4分，入TOP3加2分；
6个月一次未获得的编辑，减1分"; "重大差错，减考核综合分5~10分"; 微博/微信 teams "总加（减）年度考核综合分10分，
由团队负责人依据日常工作情况进行分配"; "综合分90分为升降级标准……80分~90分为保级；80分以下则降级".

The interpretations (docs/review-templates.md, the built-in table) are stated where they are
made: the monthly results' mean on the 100-point scale, 月度奖 read as the month's TOP1, the
half-year −1 and the team shares entered as adjustments, no cap anywhere (the seed caps none).
"""

from __future__ import annotations

import copy
from typing import Any

MONTHLY_FAMILY = "new-media-monthly"
"""The monthly template family rolled up (seed 003's monthly scheme, built in as such)."""

ROLLUPS: list[dict[str, Any]] = [
    {
        "key": "monthly",
        "label": {"zh": "1–12 月月度得分", "en": "Monthly results"},
        "rollup": {"family": MONTHLY_FAMILY, "of": "mean", "cycles": "within"},
        "bonuses": [
            # "获得月度奖" read as the month's first place: the monthly family's outcome rule top1.
            {
                "key": "monthly_award",
                "label": "获得月度奖（月度 TOP1）年度综合分加4分",
                "points": "4",
                "outcome": "top1",
            },
            {"key": "top3", "label": "入TOP3加2分", "points": "2", "top": 3},
        ],
    }
]
"""The one roll-up part: the mean of the released monthly composites, with the year-end bonuses."""

KINDS: list[dict[str, Any]] = [
    {"key": "major_error", "label": "重大差错（减5~10分）", "min": "-10", "max": "-5"},
    # "6个月一次未获得的编辑，减1分": entered by the manager, not computed from the months.
    {"key": "no_award_6m", "label": "6个月一次未获得月度奖", "points": "-1"},
    # The 微博/微信 team's ±10 "由团队负责人…分配": each member's share, within the team's 10.
    {
        "key": "team_bonus",
        "label": "微博/微信团队年度加分（团队共10分，由负责人分配）",
        "min": "0.1",
        "max": "10",
    },
    {
        "key": "team_deduction",
        "label": "微博/微信团队年度减分（团队共10分，由负责人分配）",
        "min": "-10",
        "max": "-0.1",
    },
]
"""The year-end adjustments a manager enters (the seed caps none of them)."""


def new_media_yearly(fmt: str) -> dict[str, Any]:
    """The yearly template: the mean of the released monthly composites plus the year-end rules."""
    return {
        "format": fmt,
        "name": "新媒体年度考核（月度得分汇总）",
        "description": (
            "依据种子方案 003《新媒体KPI绩效考核方案》：月度考核分数纳入年终考核。年度综合分 = "
            "年内各月已发布的月度综合分的平均（缺少的月份不计入，也不按 0 计），获得月度奖（按月度"
            "TOP1 计）每月加 4 分，入 TOP3 每月加 2 分；重大差错减 5~10 分；6 个月一次未获得月度奖减 "
            "1 分、微博/微信团队年度加减 10 分（由团队负责人分配）由主管作为加减分录入。综合分达到 "
            "90 分升级，80 分（含）至 90 分保级，80 分以下降级。"
        ),
        "composite": "points",
        "total_scale": "100",
        "parts": {"monthly": "100"},
        "criteria": {},
        "rollups": copy.deepcopy(ROLLUPS),
        "adjustments": {"kinds": copy.deepcopy(KINDS), "free_form": False},
        "bands": [
            {"label": "升级", "min": "90"},
            {"label": "保级", "min": "80"},
            {"label": "降级", "min": "0"},
        ],
        "improvement_plan_grades": ["降级"],
        "min_peer_raters": 1,
    }
