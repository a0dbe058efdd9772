"""Seed 000's 网络营销策划绩效考核方案 as the built-in `marketing-planning-quarterly`.

The seed: "考核周期为季度"; its six 考核指标 (品牌推广成效, 产品推广成效, 销售增长, 营销成本,
社交媒体效果, 收集用户反馈); its four 考核方式: 数据分析 ("得出每个指标的得分"), 口碑评价 ("用户评价、
媒体评价"), 团队评估 ("合作能力、创新能力、执行能力") and 面谈评估 ("了解工作情况、工作态度和工作困难");
and its 考核总结阶段: "计算每个指标的得分", "制定个人绩效排名", "召开考核总结会议,公布考核结果和个人绩效
排名", "就不足之处提出改进意见". It gives no weights, points, grades or rewards ("明确考核指标和权重" is
left to the company): every number here is ours, listed in docs/review-templates.md.
"""

from __future__ import annotations

from typing import Any

from okr.schemes.format import FORMAT


def _indicator(key: str, zh: str, en: str) -> dict[str, Any]:
    """An indicator scored 0–10 points from the quarter's data ("得出每个指标的得分")."""
    return {"key": key, "label": {"zh": zh, "en": en}, "max": "10", "rule": {"kind": "points"}}


def _stars(*items: tuple[str, str, int]) -> list[dict[str, Any]]:
    return [
        {"key": k, "label": label, "weight": str(w), "scale": ["1", "5"]} for k, label, w in items
    ]


PLANNING: dict[str, Any] = {
    "format": FORMAT,
    "name": "网络营销策划绩效考核（季度）",
    "description": "季度考核：数据分析 40%（六项考核指标各 10 分）、口碑评价 20%（用户评价、媒体评价各 10 分）、团队评估 20%（合作、创新、执行能力）、一对一面谈 20%（工作情况、工作态度）；按综合得分排名并公布；90/80/60 分档；合格与不合格制定改进计划。原方案未给权重和分档，均为本模板的设定。",
    "composite": "weighted",
    "total_scale": "100",
    "parts": {"data": "40", "reputation": "20", "peer": "20", "interview": "20"},
    "sections": [
        {
            "key": "data",
            "label": {"zh": "数据分析", "en": "Data analysis"},
            "indicators": [
                _indicator("brand", "品牌推广成效", "Brand promotion"),
                _indicator("product", "产品推广成效", "Product promotion"),
                _indicator("sales", "销售增长", "Sales growth"),
                _indicator("cost", "营销成本", "Marketing cost"),
                _indicator("social", "社交媒体效果", "Social media"),
                _indicator("feedback", "收集用户反馈", "User feedback"),
            ],
        },
        {
            "key": "reputation",
            "label": {"zh": "口碑评价", "en": "Reputation"},
            "indicators": [
                _indicator("users", "用户评价", "User reviews"),
                _indicator("media", "媒体评价", "Media reviews"),
            ],
        },
    ],
    "criteria": {
        "peer": _stars(
            ("cooperation", "合作能力", 40),
            ("innovation", "创新能力", 30),
            ("execution", "执行能力", 30),
        ),
        "interview": _stars(("work", "工作情况", 50), ("attitude", "工作态度", 50)),
    },
    "bands": [
        {"label": "优秀", "min": "90"},
        {"label": "良好", "min": "80"},
        {"label": "合格", "min": "60"},
        {"label": "不合格", "min": "0"},
    ],
    "improvement_plan_grades": ["合格", "不合格"],
    "min_peer_raters": 2,
}
