"""Seed 002's 月度目标管理考核办法 as the built-in `monthly-objectives-100`.

The seed's 月度绩效考核表 lists each goal (目标项目及完成时间) with its 计划得分 (plan points), the
person's 自考核完成情况 and the reviewer's 考核人考核完成情况 / 考核得分, "月(年)度合计 100". Its filled-in
example (推广部, May) is the table here: 制作4个主题视频, 网站内容编辑200篇 30, 网站推广 25, 人员招募 5,
临时交办任务记录 10, and 规章制度管理增减分 (rule bonuses and deductions, no amounts).

Interpretations (stated in docs/review-templates.md): the extracted text loses the first row's
points; the 30 printed just before 网站内容编辑 is read as 制作4个主题视频's, the one figure that
makes the printed 100. The goals are one self-assessed section of points indicators: the person
enters their own points (自考核), the reviewer's (考核人) count. The seed names no grades, so the
bands are the default template's 90 / 80 / 60, and plans follow 合格 and 不合格 as there; 增减分
carry no amounts, so they are free-form with a reason. The five-step interview is the app's."""

from __future__ import annotations

from typing import Any

from okr.schemes.format import FORMAT


def _goal(key: str, zh: str, en: str, points: str) -> dict[str, Any]:
    return {"key": key, "label": {"zh": zh, "en": en}, "max": points, "rule": {"kind": "points"}}


MONTHLY_OBJECTIVES: dict[str, Any] = {
    "format": FORMAT,
    "name": "月度目标管理考核（计划得分 / 自考核 / 考核人考核）",
    "description": "种子 002 月度目标管理考核办法：每项目标有计划得分，被考核人自评得分，考核人评定的得分计入，合计 100 分；规章制度管理增减分写明原因与分数；面谈五步骤。等级沿用默认的 90/80/60 分档（种子未规定）。",
    "composite": "points",
    "total_scale": "100",
    "parts": {"goals": "100"},
    "sections": [
        {
            "key": "goals",
            "label": {"zh": "月度目标", "en": "Monthly goals"},
            "self_assessed": True,
            "indicators": [
                _goal("videos", "制作4个主题视频", "Four topic videos", "30"),
                _goal("content", "网站内容编辑200篇", "200 site articles edited", "30"),
                _goal("promotion", "网站推广", "Site promotion", "25"),
                _goal("recruiting", "人员招募", "Recruiting", "5"),
                _goal("ad_hoc", "临时交办任务记录", "Ad-hoc tasks", "10"),
            ],
        }
    ],
    "criteria": {},
    "bands": [
        {"label": "优秀", "min": "90"},
        {"label": "良好", "min": "80"},
        {"label": "合格", "min": "60"},
        {"label": "不合格", "min": "0"},
    ],
    "adjustments": {"kinds": [], "free_form": True},
    "improvement_plan_grades": ["合格", "不合格"],
    "min_peer_raters": 1,
}
