"""Seed 003's 用户满意度 (20 分) and 品牌形象 (10 分) tables as a scorecard template, and values
that score 5.5 and 5.8."""

from __future__ import annotations


def _per_unit(step, each, top, direction="up"):
    return {
        "kind": "per_unit",
        "start": "0",
        "step": step,
        "points_per_step": each,
        "direction": direction,
        "max_points": top,
    }


SEED_003 = {
    "name": "新媒体考核（用户满意度与品牌形象）",
    "composite": "points",
    "total_scale": "30",
    "parts": {"satisfaction": "20", "brand": "10"},
    "sections": [
        {
            "key": "satisfaction",
            "label": {"zh": "用户满意度", "en": "User satisfaction"},
            "indicators": [
                {
                    "key": "survey",
                    "label": "用户满意度调查",
                    "max": "10",
                    "unit": "%",
                    "rule": _per_unit("1", "0.5", "10"),
                },
                {
                    "key": "complaints",
                    "label": "用户投诉率",
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
                    "label": "品牌曝光度",
                    "max": "5",
                    "rule": _per_unit("100", "0.1", "5"),
                },
                {
                    "key": "reputation",
                    "label": "品牌口碑",
                    "max": "5",
                    "rule": _per_unit("10", "0.1", "5"),
                },
            ],
        },
    ],
    "bands": [{"label": "达标", "min": "15"}, {"label": "未达标", "min": "0"}],
}
VALUES = {
    "satisfaction": {"survey": "7", "complaints": "-2"},
    "brand": {"exposure": "3000", "reputation": "280"},
}
