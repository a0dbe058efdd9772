"""Built-in review templates: the default OKR scheme and the seed schemes users bring."""

from __future__ import annotations

from typing import Any

from okr.schemes.builtin_community_half_year import community_ops_half_year
from okr.schemes.builtin_community_yearly import community_ops_yearly
from okr.schemes.builtin_newmedia import new_media_monthly
from okr.schemes.builtin_planning import PLANNING
from okr.schemes.builtin_seed002 import MONTHLY_OBJECTIVES
from okr.schemes.builtin_service import CUSTOMER_SERVICE
from okr.schemes.builtin_yearly import new_media_yearly
from okr.schemes.format import FORMAT


def _stars(*items: tuple[str, str, int]) -> list[dict[str, Any]]:
    return [
        {"key": k, "label": label, "weight": str(w), "scale": ["1", "5"]} for k, label, w in items
    ]


def _points(*items: tuple[str, str, int]) -> list[dict[str, Any]]:
    return [
        {"key": k, "label": label, "weight": str(w), "scale": ["0", "100"]} for k, label, w in items
    ]


def _on_interview(level: str, count: str) -> dict[str, str]:
    """A band's condition: `count` ("all" or N) interview criteria rated `level` or more."""
    return {"part": "interview", "level": level, "count": count}


DEFAULT_BANDS = [
    {"label": "优秀", "min": "90"},
    {"label": "良好", "min": "80"},
    {"label": "合格", "min": "60"},
    {"label": "不合格", "min": "0"},
]
PEER = _stars(
    ("cooperation", "合作能力", 40), ("innovation", "创新能力", 30), ("execution", "执行能力", 30)
)
MANAGER = _stars(
    ("results", "目标达成", 40), ("skills", "专业能力", 30), ("attitude", "工作态度", 30)
)
# Seed 003's daily bonuses and deductions (新媒体KPI绩效考核方案), all of them, with no caps: the seed
# caps only its satisfaction and complaint indicators, not these.
NEW_MEDIA_KINDS = [
    {"key": "typo", "label": "错别字", "points": "-0.5"},
    {"key": "wrong_image", "label": "图片出错", "points": "-0.5"},
    {"key": "duplicate_post", "label": "重稿", "points": "-1"},
    {"key": "title_error", "label": "标题出错", "points": "-1"},
    {"key": "execution_error", "label": "运营推广执行出错", "points": "-1"},
    {"key": "major_error", "label": "重大差错", "min": "-5", "max": "-1"},
    {"key": "post_100k", "label": "单篇阅读超10万", "points": "2"},
    {"key": "sina_first", "label": "新浪媒体势力榜月排名全国第一", "points": "3"},
    {
        "key": "sina_behind",
        "label": "新浪媒体势力榜未进全国前三且落后于主要竞争对手",
        "points": "-3",
    },
]

BUILT_IN: dict[str, dict[str, Any]] = {
    "okr-default": {
        "format": FORMAT,
        "name": "OKR 季度考核（默认）",
        "description": "关键结果达成 60%、团队评估 20%、一对一面谈 20%；90/80/60 分档；优秀不超过 20%。加减分：新媒体方案（种子 003）的各项，另可写明原因自由加减分；不设封顶。",
        "total_scale": "100",
        "parts": {"kr": "60", "peer": "20", "interview": "20", "self": "0"},
        "criteria": {"peer": PEER, "interview": MANAGER, "self": MANAGER},
        "bands": DEFAULT_BANDS,
        "adjustments": {"kinds": NEW_MEDIA_KINDS, "free_form": True},
        "quotas": {"优秀": "0.2"},
        "improvement_plan_grades": ["合格", "不合格"],
        "min_peer_raters": 2,
        "attainment_cap": "1",
    },
    "marketing-specialist": {
        "format": FORMAT,
        "name": "网络营销专员绩效考核表",
        "description": "销售业绩 40%、市场推广 20%、广告投放 15%、网络推广 15%、客户维护 10%，由主管按百分制评分；优秀（90 分以上且各项均 80 分以上）、良好（80 分以上且至少 3 项 80 分以上）、合格（60 分以上且至少 3 项 60 分以上）、不合格四档。",
        "total_scale": "100",
        "parts": {"kr": "0", "peer": "0", "interview": "100", "self": "0"},
        "criteria": {
            "interview": _points(
                ("sales", "销售业绩", 40),
                ("promotion", "市场推广", 20),
                ("ads", "广告投放", 15),
                ("online", "网络推广", 15),
                ("care", "客户维护", 10),
            ),
            "self": _points(
                ("sales", "销售业绩", 40),
                ("promotion", "市场推广", 20),
                ("ads", "广告投放", 15),
                ("online", "网络推广", 15),
                ("care", "客户维护", 10),
            ),
        },
        # Seed 000 grades on every indicator, not only the total (see docs/review-templates.md).
        "bands": [
            {"label": "优秀", "min": "90", "require": _on_interview("80", "all")},
            {"label": "良好", "min": "80", "require": _on_interview("80", "3")},
            {"label": "合格", "min": "60", "require": _on_interview("60", "3")},
            {"label": "不合格", "min": "0"},
        ],
        "improvement_plan_grades": ["合格", "不合格"],
        "min_peer_raters": 1,
    },
    "marketing-dept-120": {
        "format": FORMAT,
        "name": "网络营销部考核（120分制）",
        "description": "满分 120 分：关键结果 70%、主管评分 30%。108 分及以上优秀，95 分及以上合格，80 分以下需鼓励；80–95 分的一档原方案未命名，这里称“需努力”。",
        "total_scale": "120",
        "parts": {"kr": "70", "peer": "0", "interview": "30", "self": "0"},
        "criteria": {"interview": MANAGER, "self": MANAGER},
        "bands": [
            {"label": "优秀", "min": "108"},
            {"label": "合格", "min": "95"},
            {"label": "需努力", "min": "80"},
            {"label": "需鼓励", "min": "0"},
        ],
        "improvement_plan_grades": ["需努力", "需鼓励"],
        "min_peer_raters": 1,
        # 每月按照排名表进行奖惩:超过108分奖励50-200元,低于65分惩处50-200元
        "outcomes": [
            {
                "key": "above_108",
                "label": "超过108分奖励",
                "when": {"above": "108"},
                "money": {"min": "50", "max": "200"},
            },
            {
                "key": "below_65",
                "label": "低于65分惩处",
                "when": {"below": "65"},
                "money": {"min": "-200", "max": "-50"},
            },
        ],
        # 连续两个月被评为需鼓励员工将被警告、三个月被评为需鼓励员工将取消年终奖金资格;
        # 连续三个月被评为前三名优秀员工将被授予“优秀员工”
        "streaks": [
            {
                "key": "encourage_2",
                "label": "连续两个月需鼓励：警告",
                "cycles": 2,
                "when": {"grade": ["需鼓励"]},
                "consequence": "warning",
            },
            {
                "key": "encourage_3",
                "label": "连续三个月需鼓励：取消年终奖金资格",
                "cycles": 3,
                "when": {"grade": ["需鼓励"]},
                "consequence": "no_year_end_bonus",
            },
            {
                "key": "top3_3",
                "label": "连续三个月前三名：授予“优秀员工”",
                "cycles": 3,
                "when": {"rank": 3, "in": "department"},
                "consequence": "title",
                "title": "优秀员工",
            },
        ],
    },
    "community-ops": {
        "format": FORMAT,
        "name": "社群运营部门考核方案",
        "description": "粉丝 40%、内容质量 30%、互动效果 20%、销售业绩 10%（原方案另列运营成本 10%，合计 110%，已去掉）；优秀、良好、一般、不合格。",
        "total_scale": "100",
        "parts": {"kr": "0", "peer": "30", "interview": "70", "self": "0"},
        "criteria": {
            "interview": _points(
                ("fans", "粉丝", 40),
                ("content", "内容质量", 30),
                ("interaction", "互动效果", 20),
                ("sales", "销售业绩", 10),
            ),
            "peer": PEER,
            "self": _points(
                ("fans", "粉丝", 40),
                ("content", "内容质量", 30),
                ("interaction", "互动效果", 20),
                ("sales", "销售业绩", 10),
            ),
        },
        "bands": [
            {"label": "优秀", "min": "90"},
            {"label": "良好", "min": "80"},
            {"label": "一般", "min": "60"},
            {"label": "不合格", "min": "0"},
        ],
        "quotas": {"优秀": "0.2"},
        "improvement_plan_grades": ["一般", "不合格"],
        "min_peer_raters": 2,
    },
    # Seed 000's 网络推广员工考核表(月度): 标准分100分, 每违反一项扣除1分, 定金和签单为加项;
    # 90分以下(含90分)为需努力员工, 连续3个月度个人考核<90分将进行解聘; 100分以上为优秀员工,
    # 每月分数排名第一名者奖励现金100元.
    "promotion-monthly-100": {
        "format": FORMAT,
        "name": "网络推广员工考核表（月度）",
        "description": "标准分 100 分，每违反一项制度扣 1 分，定金和签单为加项（由主管按实际填写分数和原因）；100 分以上优秀，90 分以下（含 90 分）需努力，其间为合格；连续 3 个月低于 90 分进入解聘评估；每月第一名奖励现金 100 元。",
        "composite": "points",
        "total_scale": "100",
        "parts": {"conduct": "100"},
        "sections": [
            {
                "key": "conduct",
                "label": {"zh": "制度执行", "en": "Following the rules"},
                "indicators": [
                    {
                        "key": "breaches",
                        "label": {"zh": "违反制度（每项扣1分）", "en": "Breaches (−1 each)"},
                        "max": "100",
                        "rule": {"kind": "deductions", "each": "-1"},
                    }
                ],
            }
        ],
        "criteria": {},
        "adjustments": {"kinds": [], "free_form": True},
        "bands": [
            {"label": "优秀", "min": "100", "inclusive": False},
            {"label": "合格", "min": "90", "inclusive": False},
            {"label": "需努力", "min": "0"},
        ],
        "improvement_plan_grades": ["需努力"],
        "min_peer_raters": 1,
        "outcomes": [
            {
                "key": "first",
                "label": "月度第一名奖励现金",
                "when": {"rank": 1, "in": "department"},
                "money": "100",
            }
        ],
        "streaks": [
            {
                "key": "below_90_3",
                "label": "连续3个月低于90分：解聘评估",
                "cycles": 3,
                "when": {"below": "90"},
                "consequence": "dismissal_review",
            }
        ],
    },
    "monthly-objectives-100": MONTHLY_OBJECTIVES,
    "customer-service-40": CUSTOMER_SERVICE,
    "marketing-planning-quarterly": PLANNING,
    "new-media-monthly": new_media_monthly(NEW_MEDIA_KINDS, FORMAT),
    "new-media-yearly": new_media_yearly(FORMAT),
    "community-ops-half-year": community_ops_half_year(FORMAT),
    "community-ops-yearly": community_ops_yearly(FORMAT),
}
