"""Fixtures shared by the organisation tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def marketing(make_department, make_person):
    """人力资源部 (林慧, HR) and 网络营销部 (王志远) with 推广组 (李喆) and 内容组."""
    hr = make_department("人力资源部")
    marketing = make_department("网络营销部")
    seo = make_department("推广组", parent=marketing)
    content = make_department("内容组", parent=marketing)
    boss = make_person(
        "王志远", email="wangzhiyuan@example.com", position="部门经理", department=marketing
    )
    return {
        "hr": hr,
        "marketing": marketing,
        "seo": seo,
        "content": content,
        "admin": make_person(
            "林慧", email="linhui@example.com", position="人事经理", department=hr, is_admin=True
        ),
        "boss": boss,
        "lead": make_person(
            "李喆", email="lizhe@example.com", position="推广主管", department=seo, manager=boss
        ),
    }
