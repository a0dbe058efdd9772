"""A cycle's review template: chosen when the cycle is opened (okr-default's current version by
default), changed until it is closed, only by HR, and the default of a review opened for it."""

from __future__ import annotations

from sqlalchemy import select

from okr.cycles.models import Cycle
from okr.cycles.services import create_cycle
from okr.extensions import db
from tests.factories import store_template
from tests.helpers import field_error, form_values, snapshot, text


def _cycle(label: str = "2026 Q4") -> Cycle:
    db.session.expire_all()
    return db.session.scalar(select(Cycle).where(Cycle.label == label))


def test_a_new_cycle_names_the_current_okr_default_by_default(client, login, admin):
    store_template("okr-default")
    current = store_template("okr-default", version=2)
    custom = store_template("community-ops", name="社群运营考核")
    db.session.commit()
    login(admin)
    page = client.get("/cycles/")
    assert form_values(page)["template"] == str(current.id)
    data = {"kind": "quarter", "day": "2026-11-21", "cap": "100", "template": str(custom.id)}
    assert client.post("/cycles/", data=data).status_code == 303
    assert _cycle().template_id == custom.id
    assert (
        client.post("/cycles/", data={**data, "day": "2027-01-05", "template": ""}).status_code
        == 303
    )
    assert _cycle("2027 Q1").template_id is None  # none yet: allowed, and said on the OKR page


def test_a_superseded_or_unknown_template_is_refused_beside_the_field(client, login, admin):
    old = store_template("okr-default", retired=True)
    db.session.commit()
    login(admin)
    before = snapshot("cycle")
    for value in (str(old.id), "999"):
        data = {"kind": "quarter", "day": "2026-11-21", "cap": "100", "template": value}
        response = client.post("/cycles/", data=data)
        assert response.status_code == 422
        assert field_error(response, "template") == "Choose one of the current review templates."
    assert snapshot("cycle") == before


def test_hr_changes_a_cycles_template_until_it_is_closed(client, login, admin, make_person):
    first, other = store_template("okr-default"), store_template("marketing-specialist")
    cycle = create_cycle("quarter", _day(), template_id=first.id)
    db.session.commit()
    url = f"/cycles/{cycle.id}/template"
    manager = make_person("吴昊")
    login(manager)  # only HR
    assert client.post(url, data={"template": str(other.id)}).status_code == 403
    assert _cycle().template_id == first.id
    login(admin)
    assert client.post(url, data={"template": str(other.id)}).status_code == 303
    assert _cycle().template_id == other.id
    refused = client.post(url, data={"template": "999"})
    assert refused.status_code == 422
    assert "Choose one of the current review templates." in text(refused)
    assert f'id="template-{cycle.id}-error"' in text(refused)
    cycle = _cycle()
    cycle.status = "closed"
    db.session.commit()
    closed = client.post(url, data={"template": str(first.id)})
    assert closed.status_code == 422
    assert "The review template of a closed cycle no longer changes." in text(closed)
    assert _cycle().template_id == other.id


def test_a_review_opens_with_the_cycles_template_by_default(client, login, admin):
    store_template("okr-default")
    own = store_template("marketing-specialist")
    cycle = create_cycle("quarter", _day(), template_id=own.id)
    later = create_cycle("quarter", _day().replace(year=2027))  # newest, no template
    db.session.commit()
    login(admin)
    assert form_values(client.get(f"/reviews/new?cycle={cycle.id}"))["template_id"] == str(own.id)
    values = form_values(client.get("/reviews/new"))  # the newest cycle: no default of its own
    assert values["cycle_id"] == str(later.id)
    newer = store_template("marketing-specialist", version=2)  # supersedes the cycle's
    db.session.commit()
    values = form_values(client.get(f"/reviews/new?cycle={cycle.id}"))
    assert values["template_id"] == str(newer.id)


def _day():
    from datetime import date

    return date(2026, 11, 21)
