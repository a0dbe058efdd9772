"""The demo company: a Chinese online-marketing department with four teams."""

from __future__ import annotations

from datetime import datetime, timedelta

from okr.db import utcnow
from okr.demo.okrs import load_demo_okrs
from okr.demo.reviews import load_demo_reviews
from okr.demo.story import Story
from okr.domain.periods import CycleKind, period_containing, previous_period
from okr.extensions import db
from okr.kr_templates.services import load_builtin_templates
from okr.org.models import Company, Department
from okr.org.services import PersonData, create_department, create_person
from okr.review_templates.services import load_builtin_templates as load_review_templates

DEMO_PASSWORD = "demo1234"
DEMO_ACCOUNTS = (
    ("admin", "linhui@example.com", DEMO_PASSWORD),
    ("manager", "wangzhiyuan@example.com", DEMO_PASSWORD),
    ("employee", "zhangyue@example.com", DEMO_PASSWORD),
)

COMPANY = "星辰网络科技有限公司"

# (department, parent, [(name, email, position, manager email, admin)])
PEOPLE: list[tuple[str, str | None, list[tuple[str, str, str, str | None, bool]]]] = [
    ("人力资源部", None, [("林慧", "linhui@example.com", "人事经理", None, True)]),
    ("网络营销部", None, [("王志远", "wangzhiyuan@example.com", "部门经理", None, False)]),
    (
        "推广组",
        "网络营销部",
        [
            ("李喆", "lizhe@example.com", "推广主管", "wangzhiyuan@example.com", False),
            ("张玥", "zhangyue@example.com", "SEO专员", "lizhe@example.com", False),
            ("刘彧", "liuyu@example.com", "SEM专员", "lizhe@example.com", False),
            ("陈思远", "chensiyuan@example.com", "SDR", "lizhe@example.com", False),
        ],
    ),
    (
        "内容组",
        "网络营销部",
        [
            ("赵雅琪", "zhaoyaqi@example.com", "内容主管", "wangzhiyuan@example.com", False),
            ("孙燊", "sunshen@example.com", "内容营销专员", "zhaoyaqi@example.com", False),
            ("周晓琳", "zhouxiaolin@example.com", "新媒体编辑", "zhaoyaqi@example.com", False),
        ],
    ),
    (
        "社群运营组",
        "网络营销部",
        [
            ("吴昊", "wuhao@example.com", "社群主管", "wangzhiyuan@example.com", False),
            ("郑堃", "zhengkun@example.com", "社交媒体运营", "wuhao@example.com", False),
            ("冯雨桐", "fengyutong@example.com", "社群运营专员", "wuhao@example.com", False),
        ],
    ),
    (
        "客服组",
        "网络营销部",
        [
            ("何静", "hejing@example.com", "客服主管", "wangzhiyuan@example.com", False),
            ("许嘉怡", "xujiayi@example.com", "客服", "hejing@example.com", False),
            ("高晨", "gaochen@example.com", "客服", "hejing@example.com", False),
        ],
    ),
]


def load_demo(now: datetime | None = None) -> None:
    """Create the demo company as of `now` (default: this moment); nothing is dated after it.

    Every demo person has a password; last quarter is closed and reviewed, this quarter runs.
    """
    story = Story.at_moment(now or utcnow())
    founded = previous_period(period_containing(CycleKind.QUARTER, story.today)).start
    with story.on(story.at(founded - timedelta(days=30), 9)):
        _company()
        load_builtin_templates()  # seed 001's KR templates per position
        load_review_templates()
    load_demo_okrs(story)
    load_demo_reviews(story)


def _company() -> None:
    db.session.add(Company(name=COMPANY))
    departments: dict[str, Department] = {}
    ids: dict[str, int] = {}
    for dept_name, parent, people in PEOPLE:
        parent_id = departments[parent].id if parent else None
        department = create_department(dept_name, parent_id)
        departments[dept_name] = department
        for index, (name, email, position, manager, admin) in enumerate(people):
            person = create_person(
                PersonData(name, email, position, department.id, ids.get(manager or ""), admin),
                DEMO_PASSWORD,
            )
            ids[email] = person.id
            if index == 0 and not admin:
                department.head_id = person.id
    departments["人力资源部"].head_id = ids["linhui@example.com"]
