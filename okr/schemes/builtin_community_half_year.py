"""Built-in `community-ops-half-year`: seed 004's half-year review over the quarterly results.

Seed 004 (社群运营部门考核方案): "考核周期:按季度、半年、年度进行" and "确定考核等级(优秀、良好、一般、
不合格)". The seed does not say how a half-year or a year is made of the quarters; the reading
stated in docs/review-templates.md (the built-in table) is the mean of the released quarterly
`community-ops` composites of the cycles within, on the same 100 points and the same bands as
the quarter, with no year-end bonus (the seed names none).
"""

from __future__ import annotations

from typing import Any

QUARTERLY_FAMILY = "community-ops"
"""The quarterly template family rolled up (seed 004's scheme, built in as `community-ops`)."""

BANDS: list[dict[str, str]] = [
    {"label": "优秀", "min": "90"},
    {"label": "良好", "min": "80"},
    {"label": "一般", "min": "60"},
    {"label": "不合格", "min": "0"},
]
"""Seed 004's grades at community-ops' thresholds (90 / 80 / 60)."""


def community_rollup(fmt: str, name: str, label: dict[str, str], within: str) -> dict[str, Any]:
    """A points template whose one part is the mean of the quarterly composites within."""
    return {
        "format": fmt,
        "name": name,
        "description": (
            f"依据种子方案 004《社群运营部门考核方案》（考核周期按季度、半年、年度进行）：{within}"
            "综合分 = 期内各季度已发布的社群运营季度综合分的平均（缺少的季度不计入，也不按 0 计；"
            "原方案未写明汇总方式，这里取平均），不设额外加分；优秀 90 分及以上、良好 80 分及以上、"
            "一般 60 分及以上、不合格。"
        ),
        "composite": "points",
        "total_scale": "100",
        "parts": {"quarterly": "100"},
        "criteria": {},
        "rollups": [
            {
                "key": "quarterly",
                "label": label,
                "rollup": {"family": QUARTERLY_FAMILY, "of": "mean", "cycles": "within"},
            }
        ],
        "adjustments": {"kinds": [], "free_form": False},
        "bands": [dict(band) for band in BANDS],
        "improvement_plan_grades": ["一般", "不合格"],
        "min_peer_raters": 1,
    }


def community_ops_half_year(fmt: str) -> dict[str, Any]:
    """The half-year template: the mean of the half's two released quarterly composites."""
    label = {"zh": "本半年各季度得分", "en": "Quarterly results of the half-year"}
    return community_rollup(fmt, "社群运营半年度考核（季度得分汇总）", label, "半年度")
