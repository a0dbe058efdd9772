"""Bonuses and deductions on a person's cycle: the review template's kinds (fixed or ranged
points, free-form only where it allows), recorded by the chain, read by the person, nobody else."""

from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from okr.errors import Invalid
from okr.extensions import db
from okr.objectives.adjustments import add_adjustment
from okr.objectives.models import Adjustment
from okr.org.models import Company
from okr.reviews.models import ReviewTemplate
from okr.schemes.builtin import BUILT_IN
from tests.factories import cycle_row, opened_review, store_template
from tests.helpers import field_error, flashes, form_values, snapshot, text

HX = {"HX-Request": "true"}


def strict_spec() -> dict:
    """okr-default's kinds without free-form adjustments."""
    spec = copy.deepcopy(BUILT_IN["okr-default"])
    spec["adjustments"] = {**spec["adjustments"], "free_form": False}
    return spec


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
    template = store_template()  # okr-default: seed 003's kinds, free-form allowed
    cycle.template_id = template.id
    db.session.commit()
    return SimpleNamespace(
        admin=admin,
        head=head,
        lead=lead,
        editor=editor,
        peer=peer,
        care_head=care_head,
        team=team,
        cycle=cycle,
        template=template,
        url=f"/okrs/people/{editor.id}/adjustments?cycle={cycle.id}",
        page=f"/okrs/people/{editor.id}?cycle={cycle.id}",
    )


def _strict(org) -> None:
    """The cycle's scheme allows only its own kinds."""
    strict = ReviewTemplate(family="strict", name="只按项目", spec=strict_spec())
    db.session.add(strict)
    db.session.flush()
    org.cycle.template_id = strict.id
    db.session.commit()


def _rows():
    db.session.expire_all()
    return db.session.scalars(select(Adjustment).order_by(Adjustment.id)).all()


def test_a_fixed_kind_is_recorded_count_times_its_points(client, login, org):
    login(org.lead)
    response = client.post(
        org.url, data={"kind": "typo", "count": "3", "points": "", "reason": "推文三处错别字"}
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"{org.page}#adjustments")
    client.post(org.url, data={"kind": "post_100k", "count": "1", "reason": "《双11攻略》10万+"})
    assert [(a.kind, a.count, a.points, a.reason, a.author_id) for a in _rows()] == [
        ("typo", 3, Decimal("-1.5"), "推文三处错别字", org.lead.id),
        ("post_100k", 1, Decimal(2), "《双11攻略》10万+", org.lead.id),
    ]
    page = text(client.get(org.page))
    assert "Total: +0.5 points" in page
    row = page.split(f'id="adjustment-{_rows()[0].id}"')[1].split("</tr>")[0]
    assert "错别字" in row and "3 × −0.5" in row and "-1.5" in row and "推文三处错别字" in row
    assert "赵雅琪" in row

    login(org.editor)  # the person reads their own, without the form or delete buttons
    own = text(client.get(org.page))
    assert "Total: +0.5 points" in own and "推文三处错别字" in own
    assert 'name="reason"' not in own and "/delete" not in own.split('id="adjustments"')[1]


def test_the_kind_select_shows_labels_and_points_and_free_form_only_where_allowed(
    client, login, org
):
    login(org.lead)
    body = text(client.get(org.url, headers=HX))
    assert '<option value="typo">错别字 −0.5</option>' in body
    assert '<option data-points="typed" value="major_error">重大差错 −5 … −1</option>' in body
    assert "单篇阅读超10万 +2" in body
    assert '<option data-points="typed" value="">Other (free-form)</option>' in body
    _strict(org)
    body = text(client.get(org.url, headers=HX))
    assert "错别字 −0.5" in body and "Other (free-form)" not in body


def test_a_ranged_kind_takes_each_ones_points_within_its_range(client, login, org):
    login(org.lead)
    data = {"kind": "major_error", "count": "2", "points": "-3", "reason": "两次报价出错"}
    response = client.post(org.url, data=data, headers=HX)
    assert response.status_code == 200
    [row] = _rows()
    assert (row.kind, row.count, row.points) == ("major_error", 2, Decimal(-6))
    assert "2 × −3" in text(response)
    for points, message in (
        ("-6", "重大差错 gives between -5 and -1 points each, not -6."),
        ("-0.5", "重大差错 gives between -5 and -1 points each, not -0.5."),
        ("2", "重大差错 gives between -5 and -1 points each, not 2."),
        ("", "Enter the points of each one, from -5 to -1."),
    ):
        refused = client.post(org.url, data={**data, "points": points}, headers=HX)
        assert refused.status_code == 422, points
        assert field_error(refused, "points") == message
        assert form_values(refused)["points"] == points  # nothing typed is lost
        assert form_values(refused)["reason"] == "两次报价出错"
    assert len(_rows()) == 1


def test_free_form_points_are_recorded_where_the_template_allows_them(client, login, org):
    login(org.head)  # skip-level manager: in the chain
    data = {"kind": "", "count": "1", "points": "+3", "reason": "TOP-3 互动率"}
    response = client.post(org.url, data=data, headers=HX)
    assert response.status_code == 200
    body = text(response)
    assert "<html" not in body
    assert body.lstrip().startswith('<section class="card adjustments" id="adjustments">')
    [row] = _rows()
    assert (row.kind, row.count, row.points) == (None, 1, Decimal(3))
    assert (
        f'id="adjustment-{row.id}"' in body and "Total: +3 points" in body and "Free-form" in body
    )
    assert form_values(response)["reason"] == ""  # a fresh form for the next one
    assert "HX-Request" in response.headers["Vary"]


def test_free_form_points_are_refused_where_the_template_has_only_its_kinds(client, login, org):
    _strict(org)
    login(org.lead)
    before = snapshot("adjustment")
    data = {"kind": "", "count": "1", "points": "3", "reason": "临时加分"}
    response = client.post(org.url, data=data, headers=HX)
    assert response.status_code == 422
    assert field_error(response, "kind") == (
        "This template allows only its own bonuses and deductions: choose one of them."
    )
    assert form_values(response)["points"] == "3"
    assert snapshot("adjustment") == before
    with pytest.raises(Invalid) as refused:  # the service refuses it too, for any caller
        add_adjustment(org.cycle, org.editor, org.lead, points=Decimal(3), reason="临时加分")
    assert set(refused.value.errors) == {"kind"}


BAD = [
    (
        {"kind": "bribe", "count": "1"},
        "kind",
        "Choose one of this template's bonuses and deductions.",
    ),
    ({"kind": "typo", "count": "0"}, "count", "Enter a whole number from 1 to 100."),
    ({"kind": "typo", "count": "101"}, "count", "Enter a whole number from 1 to 100."),
    ({"kind": "typo", "count": "two"}, "count", "Enter a whole number from 1 to 100."),
    (
        {"kind": "typo", "count": "1", "points": "-1"},
        "points",
        "错别字 gives -0.5 points each, not -1.",
    ),
    ({"kind": "", "count": "2", "points": "3"}, "count", "A free-form adjustment is recorded once"),
    ({"kind": "", "count": "1", "points": "0"}, "points", "Enter points other than 0"),
    ({"kind": "", "count": "1", "points": "abc"}, "points", "“abc” is not a number."),
    ({"kind": "", "count": "1", "points": "1001"}, "points", "at most 1000 points either way"),
    ({"kind": "post_100k", "count": "100", "points": ""}, "_", ""),  # 200: within the bound
    ({"kind": "typo", "count": "1", "reason": "   "}, "reason", "Say why."),
]


def test_bad_input_is_refused_beside_the_field_and_kept(client, login, org):
    login(org.lead)
    for values, field, message in BAD:
        data = {"points": "", "reason": "原因", **values}
        response = client.post(org.url, data=data, headers=HX)
        if field == "_":
            assert response.status_code == 200, data
            continue
        assert response.status_code == 422, data
        assert message in field_error(response, field), (data, text(response)[-1500:])
        assert form_values(response)["count"] == data["count"]
        assert form_values(response)["points"] == data["points"]
        assert "<html" not in text(response)
        plain = client.post(org.url, data=data)
        assert plain.status_code == 422 and "<html" in text(plain)
        assert message in field_error(plain, field)
    assert [(a.kind, a.count, a.points) for a in _rows()] == [("post_100k", 100, Decimal(200))]


def test_a_reason_is_required_and_at_most_300_characters_for_every_caller(org):
    for reason, message in (("  ", "Say why."), ("长" * 301, "Keep the reason to 300 characters")):
        with pytest.raises(Invalid) as refused:
            add_adjustment(org.cycle, org.editor, org.lead, kind="typo", reason=reason)
        assert message in refused.value.errors["reason"]
    assert _rows() == []


def test_the_review_appraising_the_person_decides_the_kinds(org, make_person):
    """A review of the cycle with the strict template: its kinds apply, not the cycle's own."""
    strict = ReviewTemplate(family="strict", name="只按项目", spec=strict_spec())
    db.session.add(strict)
    db.session.flush()
    opened_review(org.cycle, strict, [org.team], org.admin, name="11月考核")
    db.session.commit()
    with pytest.raises(Invalid) as refused:
        add_adjustment(org.cycle, org.editor, org.lead, points=Decimal(3), reason="临时加分")
    assert set(refused.value.errors) == {"kind"}
    outside = make_person("刘彧")  # in no review of the cycle: the cycle's own scheme applies
    db.session.commit()
    assert add_adjustment(org.cycle, outside, org.admin, points=Decimal(3), reason="支援活动")


def test_without_a_template_nothing_is_recorded_and_the_section_says_why(client, login, org):
    org.cycle.template_id = None
    db.session.commit()
    notice = (
        "Choose this cycle's review template first: its bonuses and deductions decide what can "
        "be recorded."
    )
    login(org.lead)
    page = text(client.get(org.page))
    assert notice in page and 'name="reason"' not in page
    assert "/cycles/" not in page.split('id="adjustments"')[1]  # the link is for admins
    response = client.post(
        org.url, data={"kind": "typo", "count": "1", "reason": "错字"}, headers=HX
    )
    assert response.status_code == 422 and notice in text(response)
    assert _rows() == []
    login(org.admin)
    page = text(client.get(org.page))
    assert notice in page and f'href="/cycles/#cycle-{org.cycle.id}"' in page
    with pytest.raises(Invalid) as refused:
        add_adjustment(org.cycle, org.editor, org.lead, kind="typo", reason="错字")
    assert refused.value.errors == {"_": notice}


def test_the_section_alone_is_a_page_and_a_fragment(client, login, org):
    add_adjustment(org.cycle, org.editor, org.lead, kind="post_100k", reason="帮助新人")
    db.session.commit()
    login(org.editor)
    full = client.get(org.url)
    assert full.status_code == 200 and "<html" in text(full) and "帮助新人" in text(full)
    fragment = client.get(org.url, headers=HX)
    assert "<html" not in text(fragment) and "帮助新人" in text(fragment)


def test_wrong_people_cannot_record_and_nothing_changes(client, login, org):
    before = snapshot("adjustment")
    for person in (org.editor, org.peer, org.care_head):  # themself, a peer, another department
        login(person)
        response = client.post(org.url, data={"kind": "", "points": "5", "reason": "自己加分"})
        assert response.status_code == 403
    assert snapshot("adjustment") == before


def test_outsiders_do_not_see_adjustments_even_with_transparency(client, login, org):
    add_adjustment(org.cycle, org.editor, org.lead, kind="duplicate_post", reason="重复发帖")
    db.session.add(Company(name="星辰", okr_transparency=True))
    db.session.commit()
    login(org.peer)
    page = client.get(org.page)
    assert page.status_code == 200  # transparency: the department reads the OKRs
    assert "重复发帖" not in text(page) and 'id="adjustments"' not in text(page)
    assert client.get(org.url).status_code == 403
    login(org.care_head)
    assert client.get(org.url).status_code == 403


def test_only_the_author_or_an_admin_deletes(client, login, org):
    mine = add_adjustment(org.cycle, org.editor, org.lead, kind="post_100k", reason="直播带货")
    other = add_adjustment(org.cycle, org.editor, org.lead, points=Decimal(1), reason="培训分享")
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
    kept = add_adjustment(org.cycle, org.editor, org.lead, kind="wrong_image", reason="配图错误")
    org.cycle.status = "closed"
    db.session.commit()
    kept_id = kept.id
    login(org.lead)
    page = text(client.get(org.page))
    assert "配图错误" in page and 'name="reason"' not in page and "/delete" not in page
    response = client.post(org.url, data={"kind": "typo", "count": "1", "reason": "补录"})
    assert response.status_code == 422
    assert "2026-11 is closed: its bonuses and deductions can no longer change." in text(response)
    response = client.post(f"/okrs/adjustments/{kept_id}/delete", headers=HX)
    assert response.status_code == 422 and "is closed" in text(response)
    response = client.post(f"/okrs/adjustments/{kept_id}/delete")
    assert "2026-11 is closed" in flashes(client.get(response.headers["Location"]))[0]
    assert [a.id for a in _rows()] == [kept_id]


def test_set_page_query_count_does_not_grow_with_adjustments(client, login, org, count_queries):
    for n in range(2):
        add_adjustment(org.cycle, org.editor, org.lead, kind="typo", count=n + 1, reason=f"扣分{n}")
    db.session.commit()
    login(org.lead)
    client.get(org.page)
    with count_queries() as few:
        assert client.get(org.page).status_code == 200
    for n in range(6):
        add_adjustment(
            org.cycle,
            org.editor,
            org.head,
            kind="major_error",
            points=Decimal(-1),
            reason=f"差错{n}",
        )
        add_adjustment(org.cycle, org.editor, org.head, points=Decimal(n + 1), reason=f"加分{n}")
    db.session.commit()
    with count_queries() as many:
        page = client.get(org.page)
    assert "加分5" in text(page) and "差错5" in text(page)
    assert many.count == few.count
