"""Bonuses and deductions on a person's cycle: recorded by the chain, read by the person, nobody else."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from okr.extensions import db
from okr.objectives.adjustments import add_adjustment
from okr.objectives.models import Adjustment
from okr.org.models import Company
from tests.factories import cycle_row
from tests.helpers import field_error, flashes, form_values, snapshot, text

HX = {"HX-Request": "true"}


@pytest.fixture
def org(make_person, make_department, admin):
    marketing = make_department("网络营销部")
    team = make_department("新媒体组", parent=marketing)
    care = make_department("客服组", parent=marketing)
    head = make_person("王志远", department=marketing)
    lead = make_person("赵雅琪", department=team, manager=head)
    editor = make_person("周晓琳", department=team, manager=lead, position="新媒体编辑")
    peer = make_person("孙燊", department=team, manager=lead, position="内容营销专员")
    care_head = make_person("何静", department=care, manager=head)
    marketing.head_id, team.head_id, care.head_id = head.id, lead.id, care_head.id
    cycle = cycle_row(
        "2026-11", date(2026, 11, 1), date(2026, 11, 30), "running", kind="month", current=True
    )
    db.session.commit()
    return SimpleNamespace(
        admin=admin,
        head=head,
        lead=lead,
        editor=editor,
        peer=peer,
        care_head=care_head,
        cycle=cycle,
        url=f"/okrs/people/{editor.id}/adjustments?cycle={cycle.id}",
        page=f"/okrs/people/{editor.id}?cycle={cycle.id}",
    )


def _rows():
    db.session.expire_all()
    return db.session.scalars(select(Adjustment).order_by(Adjustment.id)).all()


def test_manager_records_bonuses_and_deductions_shown_with_their_total(client, login, org):
    login(org.lead)
    # seed 003: a post over 100k reads +2 each; a typo -0.5
    response = client.post(org.url, data={"points": "2", "reason": "《双11攻略》阅读量超过10万"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"{org.page}#adjustments")
    client.post(org.url, data={"points": "-0.5", "reason": "推文有错别字"})
    assert [(a.points, a.reason, a.author_id) for a in _rows()] == [
        (Decimal(2), "《双11攻略》阅读量超过10万", org.lead.id),
        (Decimal("-0.5"), "推文有错别字", org.lead.id),
    ]
    page = text(client.get(org.page))
    assert 'id="adjustments"' in page
    assert "《双11攻略》阅读量超过10万" in page and "推文有错别字" in page
    assert "Total: +1.5 points" in page
    assert 'class="points deduction">-0.5<' in page

    login(org.editor)  # the person reads their own, without the form or delete buttons
    own = text(client.get(org.page))
    assert "Total: +1.5 points" in own and "推文有错别字" in own
    assert 'name="reason"' not in own and "/delete" not in own.split('id="adjustments"')[1]


def test_recording_over_htmx_swaps_the_section(client, login, org):
    login(org.head)  # skip-level manager: in the chain
    response = client.post(org.url, data={"points": "+3", "reason": "TOP-3 互动率"}, headers=HX)
    assert response.status_code == 200
    body = text(response)
    assert "<html" not in body
    assert body.lstrip().startswith('<section class="card adjustments" id="adjustments">')
    [row] = _rows()
    assert f'id="adjustment-{row.id}"' in body and "Total: +3 points" in body
    assert form_values(response)["points"] == ""  # a fresh form for the next one
    assert "HX-Request" in response.headers["Vary"]


def test_the_section_alone_is_a_page_and_a_fragment(client, login, org):
    add_adjustment(org.cycle, org.editor, Decimal(1), "帮助新人", org.lead)
    db.session.commit()
    login(org.editor)
    full = client.get(org.url)
    assert full.status_code == 200 and "<html" in text(full) and "帮助新人" in text(full)
    fragment = client.get(org.url, headers=HX)
    assert "<html" not in text(fragment) and "帮助新人" in text(fragment)


def test_wrong_people_cannot_record_and_nothing_changes(client, login, org):
    before = snapshot("adjustment")
    for person in (
        org.editor,
        org.peer,
        org.care_head,
    ):  # themself, a peer, another department's head
        login(person)
        response = client.post(org.url, data={"points": "5", "reason": "自己加分"})
        assert response.status_code == 403
    assert snapshot("adjustment") == before


def test_outsiders_do_not_see_adjustments_even_with_transparency(client, login, org):
    add_adjustment(org.cycle, org.editor, Decimal("-1"), "重复发帖", org.lead)
    db.session.add(Company(name="星辰", okr_transparency=True))
    db.session.commit()
    login(org.peer)
    page = client.get(org.page)
    assert page.status_code == 200  # transparency: the department reads the OKRs
    assert "重复发帖" not in text(page) and 'id="adjustments"' not in text(page)
    assert client.get(org.url).status_code == 403
    login(org.care_head)
    assert client.get(org.url).status_code == 403


BAD = [
    ({"points": "0", "reason": "x"}, "points", "Enter points other than 0"),
    ({"points": "abc", "reason": "x"}, "points", "“abc” is not a number."),
    ({"points": "", "reason": "x"}, "points", "Enter a number."),
    ({"points": "1", "reason": "   "}, "reason", "Say why."),
]


def test_bad_input_is_refused_beside_the_field_and_kept(client, login, org):
    login(org.lead)
    for data, field, message in BAD:
        response = client.post(org.url, data=data, headers=HX)
        assert response.status_code == 422, data
        assert message in field_error(response, field), data
        assert form_values(response)["points"] == data["points"]
        assert "<html" not in text(response)
        plain = client.post(org.url, data=data)
        assert plain.status_code == 422 and "<html" in text(plain)
        assert message in field_error(plain, field)
    assert _rows() == []


def test_only_the_author_or_an_admin_deletes(client, login, org):
    mine = add_adjustment(org.cycle, org.editor, Decimal(2), "直播带货", org.lead)
    other = add_adjustment(org.cycle, org.editor, Decimal(1), "培训分享", org.lead)
    db.session.commit()
    mine_id, other_id = mine.id, other.id
    before = snapshot("adjustment")
    for person in (org.head, org.editor, org.peer):  # chain but not the author; the person; a peer
        login(person)
        assert client.post(f"/okrs/adjustments/{mine_id}/delete").status_code == 403
    assert snapshot("adjustment") == before
    login(org.head)
    assert f"/okrs/adjustments/{mine_id}/delete" not in text(client.get(org.page))

    login(org.lead)
    response = client.post(f"/okrs/adjustments/{mine_id}/delete", headers=HX)
    assert response.status_code == 200
    assert "<html" not in text(response) and f'id="adjustment-{mine_id}"' not in text(response)
    assert "Total: +1 points" in text(response)
    login(org.admin)
    response = client.post(f"/okrs/adjustments/{other_id}/delete")
    assert response.status_code == 303
    assert _rows() == []


def test_closed_cycles_keep_their_adjustments(client, login, org):
    kept = add_adjustment(org.cycle, org.editor, Decimal("-0.5"), "配图错误", org.lead)
    org.cycle.status = "closed"
    db.session.commit()
    kept_id = kept.id
    login(org.lead)
    page = text(client.get(org.page))
    assert "配图错误" in page and 'name="reason"' not in page and "/delete" not in page
    response = client.post(org.url, data={"points": "1", "reason": "补录"})
    assert response.status_code == 422
    assert "2026-11 is closed: its bonuses and deductions can no longer change." in text(response)
    response = client.post(f"/okrs/adjustments/{kept_id}/delete", headers=HX)
    assert response.status_code == 422 and "is closed" in text(response)
    response = client.post(f"/okrs/adjustments/{kept_id}/delete")
    assert "2026-11 is closed" in flashes(client.get(response.headers["Location"]))[0]
    assert [a.id for a in _rows()] == [kept_id]


def test_set_page_query_count_does_not_grow_with_adjustments(client, login, org, count_queries):
    for n in range(2):
        add_adjustment(org.cycle, org.editor, Decimal(n + 1), f"加分{n}", org.lead)
    db.session.commit()
    login(org.lead)
    client.get(org.page)
    with count_queries() as few:
        assert client.get(org.page).status_code == 200
    for n in range(6):
        add_adjustment(org.cycle, org.editor, Decimal("-0.5"), f"扣分{n}", org.head)
    db.session.commit()
    with count_queries() as many:
        page = client.get(org.page)
    assert "扣分5" in text(page)
    assert many.count == few.count
