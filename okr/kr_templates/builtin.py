"""The built-in KR templates: seed 001's role sets for online-marketing positions.

Seed 001 ("三、不同崗位的差異化考核方案") lists, per position, core indicators with example weights, and
gives one complete KR set ("指標庫模板 [崗位:社交媒體運營]": followers 50k -> 60k 30%, engagement
>= 3% 40%, campaign ROI >= 1:5 30%).  The social-media template is that set verbatim.  For the
other three positions the seed's weights are kept as printed, but they add up to 75 (SEO), 80
(content) and 90 (SDR); a set must sum to 100 and is never normalised, so each is completed with
an indicator the same seed names for that kind of role: unique visitors 60,000 (its OKR
decomposition example) for SEO, share rate > 5% (its content-quality note) for content, and
4,000 trial sign-ups (its OKR decomposition example) for SDR.  Targets the seed does not state
are starting values for the planning conversation; the objective is created as a draft and its
owner and manager adjust them before submitting.

Hold key results score met or not met (the seed gives no partial credit for any of them), with
the edge as the seed writes it: "平均互动率≥3%" and "活动ROI≥1:5" inclusive, "内容分享率>5%"
strict (its "高分享率(如>5%)"); the rest, whose targets the seed does not state, inclusive.

Numbers are exact text, as stored in ``KRTemplate.key_results``.
"""

from __future__ import annotations

from typing import Any

RULE_FIELDS = ("start", "target", "step", "points_per_step", "direction", "max_points")


HOLD_KINDS = ("at_least", "at_most")


def kr(title: str, unit: str, kind: str, weight: str, **rule: Any) -> dict[str, Any]:
    """One template key result as stored: every rule field present, numbers as exact text.

    A hold kind scores met or not met unless `hold_scoring="proportional"` is given, with an
    inclusive edge unless `hold_strict=True`; the other kinds have no hold rule.
    """
    item: dict[str, Any] = {"title": title, "unit": unit, "kind": kind, "weight": weight}
    for name in RULE_FIELDS:
        item[name] = rule.get(name)
    item["tiers"] = list(rule.get("tiers", []))
    hold = kind in HOLD_KINDS
    item["hold_scoring"] = rule.get("hold_scoring") or ("pass_fail" if hold else None)
    item["hold_strict"] = bool(rule.get("hold_strict", False))
    if rule.get("aspect"):  # quantity | quality | time; untagged items stay as they were stored
        item["aspect"] = rule["aspect"]
    return item


BUILT_IN: tuple[dict[str, Any], ...] = (
    {
        "name": "SEO专员",
        "position": "SEO专员",
        "objective_title": "提升自然搜索带来的流量与线索",
        "key_results": [
            kr("自然搜索流量占比", "%", "at_least", "30", target="40"),
            kr("关键词排名Top10占比", "%", "at_least", "25", target="30"),
            kr("自然搜索引流线索量", "条", "ratio", "20", target="600"),
            kr("独立访问量达6万", "人", "ratio", "25", target="60000"),
        ],
    },
    {
        "name": "社交媒体运营",
        "position": "社交媒体运营",
        "objective_title": "扩大社交媒体影响力并带来转化",
        "key_results": [
            kr("粉丝量从5万增长到6万", "人", "increase", "30", start="50000", target="60000"),
            kr("平均互动率≥3%", "%", "at_least", "40", target="3"),
            kr("活动ROI≥1:5", "倍", "at_least", "30", target="5"),
        ],
    },
    {
        "name": "内容营销专员",
        "position": "内容营销专员",
        "objective_title": "用优质内容吸引并转化目标用户",
        "key_results": [
            kr("内容产出量", "篇", "ratio", "20", target="36"),
            kr("平均页面停留时长", "秒", "at_least", "30", target="120"),
            kr("内容转化率（下载/注册）", "%", "at_least", "30", target="3"),
            kr("内容分享率>5%", "%", "at_least", "20", target="5", hold_strict=True),
        ],
    },
    {
        "name": "SDR（线索开发）",
        "position": "SDR",
        "objective_title": "开发并交付高质量销售线索",
        "key_results": [
            kr("有效线索转化率", "%", "at_least", "40", target="25"),
            kr("商机达标率", "%", "at_least", "30", target="80"),
            kr("线索字段完整度", "%", "at_least", "20", target="95"),
            kr("新试用注册4,000人", "人", "ratio", "10", target="4000"),
        ],
    },
)
