"""Who may open what in a running review; every write tried with the wrong user changes nothing.

`build_world` (used by the other review page tests) sets up a company with one review open:
HR, a director, a manager with three reports, a colleague, and another team with its manager.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from okr.appraisals.services import assign_rater
from okr.checkins.services import record_checkin
from okr.cycles.models import Cycle
from okr.cycles.services import change_status, create_cycle
from okr.db import local_date, utcnow
from okr.extensions import db
from okr.objectives.models import KeyResult, Objective
from okr.objectives.services import KeyResultData, ObjectiveData, add_key_result, create_objective
from okr.org.models import Department, Person
from okr.reviews.models import Appraisal, PeerForm, Review, ReviewTemplate
from okr.reviews.services import open_review, spec_of
from okr.schemes.builtin import BUILT_IN
from okr.schemes.format import TemplateSpec
from tests.helpers import snapshot


@dataclass
class World:
    hr: Person
    director: Person
    manager: Person
    person: Person
    peers: list[Person]
    colleague: Person
    other_manager: Person
    other_report: Person
    marketing: Department
    team: Department
    other_team: Department
    cycle: Cycle
    template: ReviewTemplate
    review: Review
    appraisal: Appraisal
    objective: Objective
    kr: KeyResult

    @property
    def spec(self) -> TemplateSpec:
        return spec_of(self.template)

    def appraisal_of(self, person: Person) -> Appraisal:
        return db.session.scalar(
            select(Appraisal).where(
                Appraisal.person_id == person.id, Appraisal.review_id == self.review.id
            )
        )


def today() -> date:
    return local_date(utcnow())


def store_template(family: str = "okr-default", **kw) -> ReviewTemplate:
    template = ReviewTemplate(
        family=family,
        version=kw.pop("version", 1),
        name=BUILT_IN[family]["name"],
        spec=BUILT_IN[family],
        built_in=True,
        **kw,
    )
    db.session.add(template)
    db.session.flush()
    return template


def build_world(make_person, make_department, family: str = "okr-default") -> World:
    """A running cycle with one objective for the person, and a review opened for two teams."""
    marketing = make_department("网络营销部")
    team = make_department("社群运营组", parent=marketing)
    other_team = make_department("SEO组", parent=marketing)
    hr_team = make_department("人事部")
    hr = make_person("林慧", department=hr_team, is_admin=True)
    director = make_person("周总", department=marketing)
    manager = make_person("吴昊", department=team, manager=director)
    person = make_person("郑堃", department=team, manager=manager)
    peers = [make_person(n, department=team, manager=manager) for n in ("冯雨桐", "何静")]
    colleague = make_person("孙悦", department=team, manager=manager)
    other_manager = make_person("钱峰", department=other_team, manager=director)
    other_report = make_person("赵敏", department=other_team, manager=other_manager)
    cycle = create_cycle("quarter", today(), make_current=True)
    objective = create_objective(
        cycle, "individual", ObjectiveData("粉丝增长", "", Decimal(100), None), person, owner=person
    )
    kr, _warnings = add_key_result(
        objective,
        KeyResultData(
            "粉丝数", "人", "increase", Decimal(100), start=Decimal(50000), target=Decimal(60000)
        ),
        person,
    )
    change_status(cycle, "running", hr)
    record_checkin(kr, "55000", "on_track", "", person, None)
    template = store_template(family)
    review = open_review(
        "2026 Q4 考核",
        cycle,
        template,
        [team.id, other_team.id],
        (today() + timedelta(days=3), today() + timedelta(days=5), today() + timedelta(days=7)),
        hr,
    )
    db.session.commit()
    world = World(
        hr,
        director,
        manager,
        person,
        peers,
        colleague,
        other_manager,
        other_report,
        marketing,
        team,
        other_team,
        cycle,
        template,
        review,
        None,  # type: ignore[arg-type]
        objective,
        kr,
    )
    world.appraisal = world.appraisal_of(person)
    return world


def rate(**values: str) -> dict[str, str]:
    return {f"rating-{k}": v for k, v in values.items()}


@pytest.fixture
def world(make_person, make_department) -> World:
    return build_world(make_person, make_department)


def _assign(world: World) -> PeerForm:
    form = assign_rater(world.appraisal, world.peers[0], world.manager)
    db.session.commit()
    return form


# Reading ------------------------------------------------------------------------------------


def test_an_employee_cannot_open_a_colleagues_appraisal(world, login):
    client = login(world.colleague)
    assert client.get(f"/reviews/appraisals/{world.appraisal.id}").status_code == 403
    assert client.get(f"/reviews/appraisals/{world.appraisal.id}/interview").status_code == 403
    assert client.get(f"/reviews/appraisals/{world.appraisal.id}/raters").status_code == 403


def test_a_manager_of_another_team_cannot_open_the_appraisal(world, login):
    client = login(world.other_manager)
    assert client.get(f"/reviews/appraisals/{world.appraisal.id}").status_code == 403
    assert client.get(f"/reviews/appraisals/{world.appraisal.id}/interview").status_code == 403


def test_the_person_their_chain_and_hr_open_the_appraisal(world, login):
    for viewer in (world.person, world.manager, world.director, world.hr):
        assert login(viewer).get(f"/reviews/appraisals/{world.appraisal.id}").status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/reviews/",
        "/reviews/new",
        "/reviews/todo",
        "/reviews/peer-forms/",
        "/reviews/{review}",
        "/reviews/appraisals/{appraisal}",
        "/reviews/appraisals/{appraisal}/interview",
        "/reviews/peer-forms/{form}",
    ],
)
def test_anonymous_visitors_are_sent_to_sign_in(world, client, path):
    form = _assign(world)
    url = path.format(review=world.review.id, appraisal=world.appraisal.id, form=form.id)
    response = client.get(url)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


# Writing with the wrong user --------------------------------------------------------------


WRITES = {
    "self": ("/reviews/appraisals/{appraisal}/self", {"action": "draft", **rate(results="4")}),
    "acknowledge": ("/reviews/appraisals/{appraisal}/acknowledge", {"answer": "agree"}),
    "add_rater": ("/reviews/appraisals/{appraisal}/raters", {"rater": "{colleague}"}),
    "remove_rater": ("/reviews/appraisals/{appraisal}/raters/{form}/remove", {}),
    "interview": (
        "/reviews/appraisals/{appraisal}/interview",
        {
            "action": "complete",
            "note-purpose": "回顾",
            **rate(results="5", skills="5", attitude="5"),
        },
    ),
    "peer_form": ("/reviews/peer-forms/{form}", {"action": "submit", **rate(cooperation="1")}),
}
WRONG = {
    "self": ("manager", "colleague", "hr", "other_manager"),
    "acknowledge": ("manager", "colleague", "hr"),
    "add_rater": ("person", "colleague", "other_manager"),
    "remove_rater": ("person", "colleague", "other_manager", "peer"),
    "interview": ("person", "colleague", "other_manager", "peer", "hr"),
    "peer_form": ("person", "manager", "director", "hr", "other_peer", "colleague"),
}


def _who(world: World, name: str) -> Person:
    return {"peer": world.peers[0], "other_peer": world.peers[1]}.get(name) or getattr(world, name)


@pytest.mark.parametrize(("write", "user"), [(w, u) for w, users in WRONG.items() for u in users])
def test_every_write_by_the_wrong_user_is_refused_and_changes_nothing(world, login, write, user):
    form = _assign(world)
    path, data = WRITES[write]
    values = {"appraisal": world.appraisal.id, "form": form.id, "colleague": world.colleague.id}
    data = {k: v.format(**values) for k, v in data.items()}
    before = snapshot("appraisal", "peer_form")
    response = login(_who(world, user)).post(path.format(**values), data=data)
    assert response.status_code == 403
    assert snapshot("appraisal", "peer_form") == before


@pytest.mark.parametrize("write", sorted(WRITES))
def test_anonymous_writes_are_refused_and_change_nothing(world, client, write):
    form = _assign(world)
    path, data = WRITES[write]
    values = {"appraisal": world.appraisal.id, "form": form.id, "colleague": world.colleague.id}
    before = snapshot("appraisal", "peer_form")
    response = client.post(
        path.format(**values), data={k: v.format(**values) for k, v in data.items()}
    )
    assert response.status_code == 302
    assert snapshot("appraisal", "peer_form") == before


def test_opening_a_review_is_for_hr_only(world, login):
    before = snapshot("review", "appraisal")
    client = login(world.manager)
    assert client.get("/reviews/new").status_code == 403
    response = client.post(
        "/reviews/new",
        data={
            "name": "x",
            "cycle_id": world.cycle.id,
            "template_id": world.template.id,
            "departments": [world.team.id],
            "self_deadline": "2030-01-01",
            "peer_deadline": "2030-01-02",
            "interview_deadline": "2030-01-03",
        },
    )
    assert response.status_code == 403
    assert snapshot("review", "appraisal") == before


def test_a_peer_form_of_another_appraisal_cannot_be_removed_through_this_one(world, login):
    form = _assign(world)
    other = world.appraisal_of(world.colleague)
    before = snapshot("peer_form")
    response = login(world.manager).post(f"/reviews/appraisals/{other.id}/raters/{form.id}/remove")
    assert response.status_code == 404
    assert snapshot("peer_form") == before
