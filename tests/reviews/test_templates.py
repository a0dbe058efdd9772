"""Review templates as data: built-ins, pages, copy, edit, versions under a running review, import/export, access."""

from __future__ import annotations

import copy
import io
import json
import re
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from okr.cycles.services import create_cycle
from okr.extensions import db
from okr.review_templates.form_spec import form_data
from okr.review_templates.services import copy_template, load_builtin_templates
from okr.reviews.models import Appraisal, Review, ReviewTemplate
from okr.reviews.services import breakdown, spec_of
from okr.schemes.builtin import BUILT_IN
from okr.schemes.checks import validate
from tests.factories import opened_review
from tests.helpers import field_error, flashes, form_values, snapshot, text

BASE = "/reviews/templates"


@pytest.fixture
def org(app, make_person, make_department, admin):
    team = make_department("社群运营组")
    boss = make_person("吴昊", department=team)
    worker = make_person("郑堃", department=team, manager=boss)
    load_builtin_templates()
    db.session.commit()
    templates = {t.family: t for t in db.session.scalars(select(ReviewTemplate))}
    return SimpleNamespace(admin=admin, team=team, boss=boss, worker=worker, templates=templates)


def _custom(org, family="okr-default"):
    template = copy_template(org.templates[family])
    db.session.commit()
    return template


def _open_review(org, template):
    cycle = create_cycle("quarter", date(2026, 11, 21), make_current=True)
    review = opened_review(cycle, template, [org.team], org.admin)
    db.session.commit()
    return review


def _post_data(spec, **changes):
    """The edit form's fields for a spec, as a browser posts them, with changes."""
    values = form_data(spec)
    flat = {k: v for k, v in values.items() if k not in ("bands", "kinds") and v is not False}
    for i, band in enumerate(values["bands"]):
        flat |= {f"bands-{i}-{k}": v for k, v in band.items() if k != "plan"}
        if band["plan"]:
            flat[f"bands-{i}-plan"] = "y"
    for i, kind in enumerate(values["kinds"]):
        flat |= {
            f"kinds-{i}-{k}": kind[k] for k in ("key", "label", "points", "min", "max") if k in kind
        }
    flat.update(changes)
    return flat


def _count(model):
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


# Built-ins ----------------------------------------------------------------------------------


def test_loading_built_ins_again_changes_nothing_and_restores_an_unused_one_in_place(org):
    assert load_builtin_templates() == 0
    default = org.templates["okr-default"]
    default.spec = {**default.spec, "quotas": {}}
    db.session.commit()
    assert load_builtin_templates() == 1
    db.session.commit()
    assert _count(ReviewTemplate) == len(BUILT_IN)
    assert default.spec == validate(copy.deepcopy(BUILT_IN["okr-default"]))[0]
    assert (default.version, default.retired, default.built_in) == (1, False, True)


def test_refreshing_a_built_in_that_a_review_uses_makes_a_new_version(org):
    default = org.templates["okr-default"]
    _open_review(org, default)
    old_spec = {**default.spec, "quotas": {}}
    default.spec = old_spec
    db.session.commit()
    assert load_builtin_templates() == 1
    db.session.commit()
    versions = db.session.scalars(
        select(ReviewTemplate)
        .where(ReviewTemplate.family == "okr-default")
        .order_by(ReviewTemplate.version)
    ).all()
    assert [(v.version, v.retired) for v in versions] == [(1, True), (2, False)]
    assert versions[0].spec == old_spec  # the running review's version is untouched
    assert versions[1].spec["quotas"] == {"优秀": "0.2"}


# Pages --------------------------------------------------------------------------------------


def test_the_list_shows_current_versions_in_use_and_built_in_in_constant_queries(
    org, client, login, count_queries
):
    login(org.admin)
    _open_review(org, org.templates["community-ops"])
    with count_queries() as few:
        page = client.get(f"{BASE}/")
    for _n in range(4):
        _custom(org)
    with count_queries() as many:
        again = client.get(f"{BASE}/")
    assert page.status_code == again.status_code == 200
    assert few.count == many.count
    body = text(again)
    assert body.count('id="review-template-') == len(BUILT_IN) + 4
    row = re.search(
        r'id="review-template-{}".*?</tr>'.format(org.templates["community-ops"].id), body, re.S
    )
    assert "in use" in row.group(0) and "built-in" in row.group(0)
    assert "OKR 季度考核（默认） (copy)" in body


def _use(org, template, name):
    """A review round using this template version (a row is enough to freeze it)."""
    from okr.cycles.models import Cycle

    cycle = db.session.scalar(select(Cycle).limit(1)) or create_cycle("quarter", date(2026, 11, 21))
    db.session.add(
        Review(
            name=name,
            cycle_id=cycle.id,
            template_id=template.id,
            self_deadline=date.today(),
            peer_deadline=date.today(),
            interview_deadline=date.today(),
            created_by_id=org.admin.id,
        )
    )
    db.session.commit()


def _current(family):
    db.session.expire_all()
    return db.session.scalar(
        select(ReviewTemplate).where(
            ReviewTemplate.family == family, ReviewTemplate.retired.is_(False)
        )
    )


def test_the_template_page_shows_the_whole_scheme_and_its_versions_in_constant_queries(
    org, client, login, count_queries
):
    login(org.admin)
    template = _custom(org)
    _use(org, template, "Review 60")
    url = f"{BASE}/{template.id}"
    with count_queries() as few:
        first = client.get(url)
    for weight in ("65", "70", "75"):  # each version used by a review, then edited
        current = _current(template.family)
        parts = {"weight_kr": weight, "weight_peer": str(80 - int(weight))}
        response = client.post(f"{BASE}/{current.id}/edit", data=_post_data(current.spec, **parts))
        assert response.status_code == 303
        _use(org, _current(template.family), f"Review {weight}")
    url = f"{BASE}/{_current(template.family).id}"
    with count_queries() as many:
        again = client.get(url)
    assert first.status_code == again.status_code == 200
    assert few.count == many.count
    body = text(again)
    assert body.count('id="review-template-version-') == 4
    assert "Review 65" in body and "superseded" in body and "v4" in body
    for words in (
        "<td>key-result attainment</td><td>75%</td>",
        "<td>peer evaluation</td><td>5%</td>",
        "合作能力",
        "cooperation",
        "1–5",
        "≥ 90",
        "at most 20% per department",
        "错别字",
        "-5 to -1, chosen when recorded",
        "allowed, with a reason",
        "no cap",
    ):
        assert words in body, words


def test_copying_makes_a_new_family_that_can_be_edited(org, client, login):
    login(org.admin)
    source = org.templates["marketing-dept-120"]
    response = client.post(f"{BASE}/{source.id}/copy")
    assert response.status_code == 303
    copy_ = db.session.scalar(select(ReviewTemplate).where(ReviewTemplate.built_in.is_(False)))
    assert response.headers["Location"].endswith(f"/{copy_.id}/edit")
    assert (copy_.family, copy_.version, copy_.name) == (
        "marketing-dept-120-copy",
        1,
        "网络营销部考核（120分制） (copy)",
    )
    assert {k: v for k, v in copy_.spec.items() if k != "name"} == {
        k: v for k, v in source.spec.items() if k != "name"
    }
    again = client.post(f"{BASE}/{source.id}/copy")
    assert again.status_code == 303
    families = set(db.session.scalars(select(ReviewTemplate.family)))
    assert "marketing-dept-120-copy-2" in families


def test_a_band_condition_is_edited_on_its_row_and_checked_beside_it(org, client, login):
    login(org.admin)
    template = _custom(org, "marketing-specialist")
    page = client.get(f"{BASE}/{template.id}/edit")
    values = form_values(page)
    assert (values["bands-0-require_part"], values["bands-0-require_count"]) == ("interview", "")
    assert (values["bands-1-require_count"], values["bands-1-require_level"]) == ("3", "80")
    data = _post_data(template.spec, **{"bands-1-require_count": "6"})
    response = client.post(f"{BASE}/{template.id}/edit", data=data)
    assert response.status_code == 422
    assert "asks for 6 criteria of the one-on-one interview, which has 5" in text(response)
    assert form_values(response)["bands-1-require_count"] == "6"  # nothing typed is lost
    data = _post_data(template.spec, **{"bands-1-require_count": "4", "bands-1-require_level": "x"})
    response = client.post(f"{BASE}/{template.id}/edit", data=data)
    assert response.status_code == 422
    assert field_error(response, "bands-1-require_level") == "“x” is not a number."
    data = _post_data(template.spec, **{"bands-1-require_count": "4"})
    assert client.post(f"{BASE}/{template.id}/edit", data=data).status_code == 303
    db.session.expire_all()
    band = db.session.get(ReviewTemplate, template.id).spec["bands"][1]
    assert band["require"] == {"part": "interview", "level": "80", "count": "4"}
    page = text(client.get(f"{BASE}/{template.id}"))
    assert "at least 4 criteria of the one-on-one interview at 80 or more" in page
    assert "all criteria of the one-on-one interview at 80 or more" in page


def test_the_edit_form_shows_the_template_in_structured_fields(org, client, login):
    login(org.admin)
    template = _custom(org)
    page = client.get(f"{BASE}/{template.id}/edit")
    values = form_values(page)
    assert values["weight_kr"] == "60" and values["weight_self"] == "0"
    assert values["bands-0-label"] == "优秀" and values["bands-0-quota"] == "20"
    assert values["bands-2-plan"] is True and values["bands-0-plan"] is False
    assert values["kinds-3-key"] == "title_error" and values["bonus_cap"] == ""
    assert (values["kinds-5-key"], values["kinds-5-min"], values["kinds-5-max"]) == (
        "major_error",
        "-5",
        "-1",
    )
    assert values["kinds-5-points"] == "" and values["free_form"] is True
    assert values["attainment_cap"] == "100" and values["min_peer_raters"] == "2"
    assert '"key": "cooperation"' in text(page)
    assert 'class="table compact criteria-preview"' in text(page)


def test_saving_an_unused_template_changes_it_in_place(org, client, login):
    login(org.admin)
    template = _custom(org)
    data = _post_data(
        template.spec,
        name="社群季度考核",
        weight_kr="50",
        weight_peer="30",
        **{"bands-1-min": "75", "bands-3-quota": "5", "kinds-0-points": "-1"},
    )
    response = client.post(f"{BASE}/{template.id}/edit", data=data)
    assert response.status_code == 303
    db.session.expire_all()
    saved = db.session.get(ReviewTemplate, template.id)
    assert (saved.name, saved.version, saved.retired) == ("社群季度考核", 1, False)
    assert saved.spec["parts"] == {"kr": "50", "peer": "30", "interview": "20", "self": "0"}
    assert saved.spec["bands"][1] == {"label": "良好", "min": "75"}
    assert saved.spec["quotas"] == {"优秀": "0.2", "不合格": "0.05"}
    assert saved.spec["adjustments"]["kinds"][0]["points"] == "-1"
    assert _count(ReviewTemplate) == len(BUILT_IN) + 1
    unchanged = client.post(f"{BASE}/{template.id}/edit", data=_post_data(saved.spec))
    assert "Nothing changed." in flashes(client.get(unchanged.headers["Location"]))


def test_weights_that_do_not_sum_to_100_are_refused_with_the_sum_and_nothing_is_lost(
    org, client, login
):
    login(org.admin)
    template = _custom(org)
    before = snapshot("review_template")
    data = _post_data(template.spec, weight_kr="70", name="改过的名字")
    response = client.post(f"{BASE}/{template.id}/edit", data=data)
    assert response.status_code == 422
    assert "The part weights add up to 110%, not 100%." in text(response)
    values = form_values(response)
    assert (values["weight_kr"], values["name"]) == ("70", "改过的名字")
    assert snapshot("review_template") == before


def test_problems_are_shown_beside_their_fields(org, client, login):
    login(org.admin)
    template = _custom(org)
    data = _post_data(
        template.spec,
        **{"bands-1-min": "90", "bands-0-quota": "150", "kinds-1-points": "0"},
        total_scale="abc",
    )
    response = client.post(f"{BASE}/{template.id}/edit", data=data)
    assert response.status_code == 422
    assert field_error(response, "total_scale") == "“abc” is not a number."
    data["total_scale"] = "100"
    response = client.post(f"{BASE}/{template.id}/edit", data=data)
    assert response.status_code == 422
    assert (
        field_error(response, "bands-1-min") == "良好 and 优秀 both start at 90: the bands overlap."
    )
    assert "between 0 and 1" in field_error(response, "bands-0-quota")
    assert field_error(response, "kinds-1-points") == "Adjustment “wrong_image” gives 0 points."


def test_criteria_that_are_not_json_are_reported_with_the_other_problems(org, client, login):
    login(org.admin)
    template = _custom(org)
    data = _post_data(template.spec, criteria='{"peer": [', weight_self="10")
    response = client.post(f"{BASE}/{template.id}/edit", data=data)
    assert response.status_code == 422
    assert field_error(response, "criteria").startswith("This is not valid JSON")
    assert "The part weights add up to 110%, not 100%." in text(response)
    assert '{"peer": [' in text(response)


def test_adding_a_band_row_redraws_the_form_without_saving(org, client, login):
    login(org.admin)
    template = _custom(org)
    data = _post_data(template.spec, add_band="1", weight_kr="99")
    response = client.post(f"{BASE}/{template.id}/edit", data=data)
    assert response.status_code == 200
    values = form_values(response)
    assert values["bands-4-label"] == "" and values["weight_kr"] == "99"
    db.session.expire_all()
    assert db.session.get(ReviewTemplate, template.id).spec["parts"]["kr"] == "60"


# Versions under a running review ----------------------------------------------------------


def test_editing_a_template_in_use_makes_a_new_version_and_the_running_review_keeps_the_old(
    org, client, login
):
    login(org.admin)
    template = _custom(org)
    review = _open_review(org, template)
    appraisal = db.session.scalar(select(Appraisal).where(Appraisal.person_id == org.worker.id))
    old_spec = copy.deepcopy(template.spec)
    page = client.get(f"{BASE}/{template.id}/edit")
    assert "Saving makes version 2; these reviews keep version 1." in text(page)

    data = _post_data(template.spec, weight_kr="70", weight_peer="10")
    response = client.post(f"{BASE}/{template.id}/edit", data=data)
    assert response.status_code == 303
    db.session.expire_all()
    new = db.session.scalar(
        select(ReviewTemplate).where(
            ReviewTemplate.family == template.family, ReviewTemplate.version == 2
        )
    )
    assert response.headers["Location"].endswith(f"/{new.id}")
    old = db.session.get(ReviewTemplate, template.id)
    assert old.retired is True and old.spec == old_spec
    assert new.spec["parts"]["kr"] == "70" and new.retired is False
    running = db.session.get(Review, review.id)
    assert running.template_id == old.id
    spec = spec_of(db.session.get(ReviewTemplate, running.template_id))
    assert spec.domain.weight("kr") == Decimal(60)
    assert breakdown(db.session.get(Appraisal, appraisal.id), spec).parts["kr"].weight == 60

    old_page = client.get(f"{BASE}/{old.id}")
    assert "This is an old version" in text(old_page)
    assert client.get(f"{BASE}/{old.id}/edit").headers["Location"].endswith(f"/{new.id}/edit")
    before = snapshot("review_template")
    stale = client.post(
        f"{BASE}/{old.id}/edit", data=_post_data(old_spec, weight_kr="50", weight_peer="30")
    )
    assert stale.status_code == 422
    assert "A newer version of this template was saved meanwhile" in text(stale)
    assert form_values(stale)["weight_kr"] == "50"
    assert snapshot("review_template") == before


def test_a_save_based_on_a_form_opened_before_someone_else_saved_is_refused(org, client, login):
    login(org.admin)
    template = _custom(org)
    opened = _post_data(template.spec, name="我的修改")
    first = client.post(
        f"{BASE}/{template.id}/edit", data=_post_data(template.spec, name="别人的修改")
    )
    assert first.status_code == 303
    response = client.post(f"{BASE}/{template.id}/edit", data=opened)
    assert response.status_code == 422
    assert "Someone saved this template since you opened it" in text(response)
    db.session.expire_all()
    assert db.session.get(ReviewTemplate, template.id).name == "别人的修改"


def test_built_in_templates_are_copied_not_edited(org, client, login):
    login(org.admin)
    built_in = org.templates["okr-default"]
    response = client.get(f"{BASE}/{built_in.id}/edit")
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/{built_in.id}")
    before = snapshot("review_template")
    post = client.post(f"{BASE}/{built_in.id}/edit", data=_post_data(built_in.spec, name="x"))
    assert post.status_code == 422
    assert "Built-in templates cannot be changed" in text(post)
    assert snapshot("review_template") == before


# Import and export --------------------------------------------------------------------------


def test_export_then_import_gives_an_equal_template(org, client, login):
    login(org.admin)
    source = org.templates["community-ops"]
    exported = client.get(f"{BASE}/{source.id}/export")
    assert exported.status_code == 200 and exported.mimetype == "application/json"
    assert exported.headers["Content-Disposition"] == 'attachment; filename="community-ops-v1.json"'
    assert json.loads(exported.get_data(as_text=True))["name"] == "社群运营部门考核方案"
    response = client.post(
        f"{BASE}/import",
        data={"file": (io.BytesIO(exported.get_data()), "community-ops-v1.json")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    imported = db.session.scalar(select(ReviewTemplate).where(ReviewTemplate.built_in.is_(False)))
    assert imported.family == "imported" and imported.version == 1
    db.session.expire_all()
    assert imported.spec == db.session.get(ReviewTemplate, source.id).spec
    again = client.get(f"{BASE}/{imported.id}/export")
    assert again.get_data() == exported.get_data()


def test_an_import_lists_every_problem_with_422_and_creates_nothing(org, client, login):
    login(org.admin)
    data = copy.deepcopy(BUILT_IN["community-ops"])
    data["criteria"]["interview"].append({"key": "cost", "label": "运营成本", "weight": "10"})
    data["quotas"] = {"卓越": "0.1"}
    before = snapshot()
    response = client.post(f"{BASE}/import", data={"text": json.dumps(data, ensure_ascii=False)})
    assert response.status_code == 422
    items = re.findall(r"<li>(.*?)</li>", text(response).split('id="import-problems"')[1])
    assert items == [
        "<code>criteria.interview</code>: The criteria weights of one-on-one interview add up to 110%, not 100%.",
        "<code>quotas.卓越</code>: There is a quota for “卓越”, which is not a grade band.",
    ]
    assert "2 problems" in text(response)
    nothing = client.post(f"{BASE}/import", data={"text": "  "})
    assert nothing.status_code == 422
    assert "Choose a file or paste the template JSON." in text(nothing)
    assert snapshot() == before


# Access -------------------------------------------------------------------------------------


def test_employees_get_403_on_every_page_and_write_and_nothing_changes(org, client, login):
    template = _custom(org)
    login(org.worker)
    before = snapshot()
    for url in (
        "/",
        f"/{template.id}",
        f"/{template.id}/export",
        f"/{template.id}/edit",
        "/import",
        "/simulate",
    ):
        assert client.get(BASE + url).status_code == 403, url
    writes = {
        "/load": {},
        f"/{template.id}/copy": {},
        f"/{template.id}/edit": _post_data(template.spec, name="hacked"),
        "/import": {"text": json.dumps(BUILT_IN["okr-default"], ensure_ascii=False)},
        "/simulate": {"template": str(template.id), "kr_percent": "50"},
    }
    for url, data in writes.items():
        assert client.post(BASE + url, data=data).status_code == 403, url
    assert snapshot() == before


def test_managers_read_templates_but_only_hr_changes_them(org, client, login):
    template = _custom(org)
    login(org.boss)
    for url in ("/", f"/{template.id}", f"/{template.id}/export", "/simulate"):
        assert client.get(BASE + url).status_code == 200, url
    page = text(client.get(f"{BASE}/{template.id}"))
    assert f"/{template.id}/edit" not in page and f"/{template.id}/copy" not in page
    before = snapshot()
    assert client.get(f"{BASE}/{template.id}/edit").status_code == 403
    assert client.get(f"{BASE}/import").status_code == 403
    for url, data in {
        "/load": {},
        f"/{template.id}/copy": {},
        f"/{template.id}/edit": _post_data(template.spec, name="hacked"),
        "/import": {"text": json.dumps(BUILT_IN["okr-default"], ensure_ascii=False)},
    }.items():
        assert client.post(BASE + url, data=data).status_code == 403, url
    assert snapshot() == before


def test_the_edit_page_reads_the_same_number_of_queries_however_many_reviews_use_it(
    org, client, login, count_queries
):
    login(org.admin)
    template = _custom(org)
    _use(org, template, "Review 1")
    url = f"{BASE}/{template.id}/edit"
    with count_queries() as few:
        first = client.get(url)
    for n in range(2, 6):
        _use(org, template, f"Review {n}")
    with count_queries() as many:
        again = client.get(url)
    assert first.status_code == again.status_code == 200
    assert few.count == many.count
    assert "Used by: Review 1, Review 2, Review 3, Review 4, Review 5." in text(again)
