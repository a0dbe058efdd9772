"""Seed 003's 客服绩效考核 (私域 customer service) as the built-in `customer-service-40`.

The seed's table, under "日常维护 (40%)", as written:

* 回复条数: 2500≤x<3000 3 分; 3000≤x<3500 5 分; x>3500 8 分; x<2500 0 分
* 平均响应时间: "90s≤x<75s" 3 分; "75s≤x≤60s" 6 分; x<60 10 分; x>90s 0 分
* 发圈数: x≥90 6 分; x<40 0 分
* 购买率: 10%≤x<20% 3 分; 20%≤x<30% 5 分; x≥30% 8 分; x<10% 0 分
* 购买金额: 2W≤x<4W 3 分; 4W≤x<6W 5 分; x≥6W 8 分; x<2W 0 分

Interpretations (stated in docs/review-templates.md): the maxima 8 + 10 + 6 + 8 + 8 are the 40
points; the ends are kept exactly as written, so a value in none of the seed's tiers (exactly
3500 replies, 40 to 89 posts) scores 0 and its derivation says so; the response-time tiers are
written with their bounds reversed and are read as 75 < x ≤ 90 → 3 and 60 ≤ x ≤ 75 → 6 (each
end as strict or inclusive as printed); 2W is 20 000 yuan. The seed names no grades: the bands
are the default 90 / 80 / 60 % of the 40 points (36 / 32 / 24)."""

from __future__ import annotations

from typing import Any

from okr.schemes.format import FORMAT


def _tier(lower: str | None, upper: str | None, points: str, **ends: bool) -> dict[str, Any]:
    found: dict[str, Any] = {"points": points}
    if lower is not None:
        found["lower"] = lower
    if upper is not None:
        found["upper"] = upper
    return {**found, **ends}


def _tiers(key: str, zh: str, en: str, top: str, unit: str, *tiers: dict[str, Any]) -> dict:
    return {
        "key": key,
        "label": {"zh": zh, "en": en},
        "max": top,
        "unit": unit,
        "rule": {"kind": "tiers", "tiers": list(tiers)},
    }


INDICATORS = [
    _tiers(
        "replies", "回复条数", "Replies", "8", "条",
        _tier(None, "2500", "0"),
        _tier("2500", "3000", "3"),
        _tier("3000", "3500", "5"),
        _tier("3500", None, "8", lower_inclusive=False),
    ),
    _tiers(
        "response", "平均响应时间", "Average response time", "10", "s",
        _tier(None, "60", "10"),
        _tier("60", "75", "6", upper_inclusive=True),
        _tier("75", "90", "3", lower_inclusive=False, upper_inclusive=True),
        _tier("90", None, "0", lower_inclusive=False),
    ),
    _tiers(
        "posts", "发圈数", "Moments posts", "6", "条",
        _tier(None, "40", "0"),
        _tier("90", None, "6"),
    ),
    _tiers(
        "purchase_rate", "购买率", "Purchase rate", "8", "%",
        _tier(None, "10", "0"),
        _tier("10", "20", "3"),
        _tier("20", "30", "5"),
        _tier("30", None, "8"),
    ),
    _tiers(
        "purchase_amount", "购买金额", "Purchase amount", "8", "元",
        _tier(None, "20000", "0"),
        _tier("20000", "40000", "3"),
        _tier("40000", "60000", "5"),
        _tier("60000", None, "8"),
    ),
]  # fmt: skip

CUSTOMER_SERVICE: dict[str, Any] = {
    "format": FORMAT,
    "name": "客服绩效考核（私域运营，40 分）",
    "description": "种子 003 客服绩效考核：回复条数 8 分、平均响应时间 10 分、发圈数 6 分、购买率 8 分、购买金额 8 分，按档计分，各档开闭区间照原文；不在任何一档的数值得 0 分（如恰好 3500 条、40—89 条朋友圈）。等级为 40 分的 90%/80%/60%（种子未规定）。",
    "composite": "points",
    "total_scale": "40",
    "parts": {"service": "40"},
    "sections": [
        {
            "key": "service",
            "label": {"zh": "客服绩效考核", "en": "Customer service"},
            "indicators": INDICATORS,
        }
    ],
    "criteria": {},
    "bands": [
        {"label": "优秀", "min": "36"},
        {"label": "良好", "min": "32"},
        {"label": "合格", "min": "24"},
        {"label": "不合格", "min": "0"},
    ],
    "adjustments": {"kinds": [], "free_form": False},
    "improvement_plan_grades": ["合格", "不合格"],
    "min_peer_raters": 1,
}
