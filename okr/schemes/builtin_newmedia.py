"""Seed 003's 新媒体绩效考核方案 as the built-in template `new-media-monthly`.

From the seed's own words: "用户满意度调查: 每提高1%,得0.5分,最高得10分; 用户投诉率: 投诉率每降低1%,
得1分,最高得10分; 品牌形象(10分): 每增加100次曝光,得0.1分,最高得5分; 每增加10次正面口碑传播,
得0.1分,最高得5分", its daily deductions and bonuses (NEW_MEDIA_KINDS), "TOP1:奖励8分、TOP2:奖励6分、
TOP3:奖励3分", "最佳网红单篇稿件…每月评1项,奖励20分" and "综合分数达到90分升级;80分~90分为保级;
80分以下则降级". Every reading where the seed is silent is in docs/review-templates.md."""

from __future__ import annotations

import copy
from typing import Any


def _per_unit(step: str, each: str, top: str, direction: str = "up") -> dict[str, str]:
    return {
        "kind": "per_unit",
        "start": "0",
        "step": step,
        "points_per_step": each,
        "direction": direction,
        "max_points": top,
    }


def _top(key: str, label: str, rank: int, points: str) -> dict[str, Any]:
    return {
        "key": key,
        "label": label,
        "when": {"rank": rank, "in": "department"},
        "points": points,
    }


SECTIONS: list[dict[str, Any]] = [
    {
        "key": "operations",
        "label": {"zh": "粉丝增长与内容质量", "en": "Followers and content"},
        "indicators": [
            {
                "key": "fans_content",
                "label": {
                    "zh": "粉丝增长、活跃度与内容质量、传播效果",
                    "en": "Follower growth, activity, content quality and reach",
                },
                "max": "70",
                "rule": {"kind": "points"},
            }
        ],
    },
    {
        "key": "satisfaction",
        "label": {"zh": "用户满意度", "en": "User satisfaction"},
        "indicators": [
            {
                "key": "survey",
                "label": {"zh": "用户满意度调查", "en": "Satisfaction survey"},
                "max": "10",
                "unit": "%",
                "rule": _per_unit("1", "0.5", "10"),
            },
            {
                "key": "complaints",
                "label": {"zh": "用户投诉率", "en": "Complaint rate"},
                "max": "10",
                "unit": "%",
                "rule": _per_unit("1", "1", "10", "down"),
            },
        ],
    },
    {
        "key": "brand",
        "label": {"zh": "品牌形象", "en": "Brand image"},
        "indicators": [
            {
                "key": "exposure",
                "label": {"zh": "品牌曝光度", "en": "Brand exposure"},
                "max": "5",
                "rule": _per_unit("100", "0.1", "5"),
            },
            {
                "key": "reputation",
                "label": {"zh": "品牌口碑", "en": "Word of mouth"},
                "max": "5",
                "rule": _per_unit("10", "0.1", "5"),
            },
        ],
    },
]


def new_media_monthly(kinds: list[dict[str, Any]], format_name: str) -> dict[str, Any]:
    """The template; `kinds` are seed 003's daily bonuses and deductions (builtin.NEW_MEDIA_KINDS)."""
    return {
        "format": format_name,
        "name": "新媒体绩效考核方案（月度）",
        "description": (
            "综合分 100 分：用户满意度 20 分、品牌形象 10 分按原方案逐项计分（每提高1%得0.5分、"
            "投诉率每降低1%得1分、每100次曝光0.1分、每10次正面口碑0.1分，各有封顶）；粉丝增长与"
            "内容质量 70 分的评分细则原方案缺失，由主管按实际打分。日常加减分按原方案（错别字、重稿、"
            "10万+稿件、最佳网红等）；月度 TOP1/TOP2/TOP3 奖励 8/6/3 分。综合分达到 90 分升级，"
            "80 分（含）至 90 分保级，80 分以下降级。"
        ),
        "composite": "points",
        "total_scale": "100",
        "parts": {"operations": "70", "satisfaction": "20", "brand": "10"},
        "sections": copy.deepcopy(SECTIONS),
        "criteria": {},
        "adjustments": {
            "kinds": [
                *kinds,
                {"key": "best_viral", "label": "最佳网红稿件或运营推广策划项目", "points": "20"},
            ],
            "free_form": False,
        },
        # "综合分数达到90分升级;80分~90分为保级;80分以下则降级": 90 itself upgrades, 80 itself keeps.
        "bands": [
            {"label": "升级", "min": "90"},
            {"label": "保级", "min": "80"},
            {"label": "降级", "min": "0"},
        ],
        "improvement_plan_grades": ["降级"],
        "min_peer_raters": 1,
        # Rank rules are "at most N", so they stack: the seed's 8/6/3 points are given as steps
        # (3 for the top three, 3 more for the top two, 2 more for the first) that add up to them.
        "outcomes": [
            _top("top3", "月度TOP3奖励3分", 3, "3"),
            _top("top2", "月度TOP2再奖励3分（合计6分）", 2, "3"),
            _top("top1", "月度TOP1再奖励2分（合计8分）", 1, "2"),
        ],
    }
