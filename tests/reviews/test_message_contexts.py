"""One English word, two Chinese words: message contexts keep them apart (“submitted” 已提交 vs 待审批)."""

from __future__ import annotations

import re

import pytest
from flask_babel import force_locale

from okr.labels import status_label
from okr.plans.services import ITEM_STATUSES
from tests.factories import World, build_world, peer_rate
from tests.helpers import text

ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}


@pytest.fixture
def world(make_person, make_department) -> World:
    return build_world(make_person, make_department)


def _badges(body: str) -> list[str]:
    return re.findall(r'<span class="badge[^"]*">([^<]*)</span>', body)


def test_a_submitted_team_evaluation_reads_as_submitted_not_awaiting_approval(world, login):
    peer_rate(world, world.peers[0], cooperation="4", innovation="3", execution="5")
    rater_list = text(login(world.peers[0]).get("/reviews/peer-forms/", headers=ZH))
    assert "已提交" in _badges(rater_list) and "待审批" not in rater_list
    page = text(login(world.manager).get(f"/reviews/appraisals/{world.appraisal.id}", headers=ZH))
    raters = re.search(r'id="raters-\d+"(.*?)</section>', page, re.S).group(1)
    assert "已提交" in _badges(raters) and "待审批" not in raters


def test_an_objective_waiting_for_approval_still_reads_as_awaiting_approval(app):
    with app.test_request_context(), force_locale("zh"):
        assert status_label("submitted") == "待审批"


def test_an_open_review_is_running_while_an_open_plan_item_is_not_started(world, login, app):
    reviews = text(login(world.hr).get("/reviews/", headers=ZH))
    assert "进行中" in _badges(reviews) and "未开始" not in _badges(reviews)
    with app.test_request_context(), force_locale("zh"):
        assert str(ITEM_STATUSES["open"]) == "未开始"


def test_the_people_menu_and_the_head_count_column_use_their_own_words(world, login):
    home = text(login(world.hr).get("/", headers=ZH))
    assert re.search(r'href="/people/"[^>]*>人员<', home)
