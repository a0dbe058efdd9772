"""Rating levels: every rating input says what each point means (1 = 未达到期望 … 5 = 远超期望).

The words come from the review template (data, one text per language) or, for the built-in
1–5 and 0–100 scales, from the default wording; they are shown as radio buttons in a
fieldset whose legend is the criterion, on the self-assessment, the team evaluation and the
interview, and beside each rating in the derivation.
"""

from __future__ import annotations

import copy
import json
import re

import pytest

from okr.appraisals.services import assign_rater
from okr.extensions import db
from okr.review_templates.services import export_template, import_template
from okr.reviews.models import ReviewTemplate
from okr.schemes.builtin import BUILT_IN
from okr.schemes.checks import TemplateInvalid, read_json, validate
from tests.factories import World, build_world, interview_with, rate, self_assess
from tests.helpers import field_error, form_values, text

ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}
EN = {"Accept-Language": "en"}
FIVE_ZH = ["未达到期望", "部分达到期望", "达到期望", "超出期望", "远超期望"]
FIVE_EN = [
    "Below expectations",
    "Partly meets expectations",
    "Meets expectations",
    "Exceeds expectations",
    "Far exceeds expectations",
]
CUSTOM = [
    {"value": "1", "label": {"zh": "远未达成", "en": "Far from the target"}},
    {"value": "2", "label": {"zh": "部分达成", "en": "Partly reached"}},
    {"value": "3", "label": {"zh": "达成", "en": "Reached"}},
    {"value": "4", "label": {"zh": "超额达成", "en": "Beyond the target"}},
    {"value": "5", "label": {"zh": "大幅超额", "en": "Far beyond the target"}},
]


@pytest.fixture
def world(make_person, make_department) -> World:
    return build_world(make_person, make_department)


def groups(html: str) -> dict[str, list[tuple[str, str]]]:
    """Each rating fieldset: its legend's first word -> (value, words) of every radio button."""
    found = {}
    for legend, body in re.findall(
        r'<fieldset class="rating[^"]*"[^>]*>\s*<legend>([^<]*?)\s*<.*?</legend>(.*?)</fieldset>',
        html,
        re.S,
    ):
        found[legend.strip()] = [
            (value, words.strip())
            for value, words in re.findall(
                r'<input type="radio"[^>]*value="([^"]*)"[^>]*>\s*<span class="rating-value">[^<]*</span>'
                r'(?:\s*<span class="rating-words">([^<]*)</span>)?',
                body,
            )
        ]
    return found


def _with_levels(world: World, levels) -> None:
    spec = copy.deepcopy(world.template.spec)
    for part in ("self", "interview"):
        spec["criteria"][part][0]["levels"] = levels
    world.template.spec = spec
    db.session.commit()


def test_the_self_assessment_offers_each_level_with_its_words_in_chinese(world, login):
    response = login(world.person).get(f"/reviews/appraisals/{world.appraisal.id}", headers=ZH)
    found = groups(response.get_data(as_text=True))
    assert list(found) == ["目标达成", "专业能力", "工作态度"]
    for options in found.values():
        assert options == [(str(n), w) for n, w in enumerate(FIVE_ZH, start=1)]


def test_the_same_levels_read_in_english(world, login):
    response = login(world.person).get(f"/reviews/appraisals/{world.appraisal.id}", headers=EN)
    found = groups(response.get_data(as_text=True))
    assert found["目标达成"] == [(str(n), w) for n, w in enumerate(FIVE_EN, start=1)]


def test_a_chosen_level_is_checked_after_saving_and_shown_with_its_words(world, login):
    client = login(world.person)
    url = f"/reviews/appraisals/{world.appraisal.id}"
    data = {"action": "draft", "version": "1", "reflection": "", **rate(results="4", skills="2")}
    assert client.post(f"{url}/self", data=data).status_code == 303
    page = client.get(url, headers=ZH)
    values = form_values(page)
    assert (values["rating-results"], values["rating-skills"], values["rating-attitude"]) == (
        "4",
        "2",
        "",
    )
    db.session.expire_all()
    appraisal = db.session.get(type(world.appraisal), world.appraisal.id)
    self_assess(appraisal, world.spec, {"results": "4", "skills": "2", "attitude": "5"})
    db.session.commit()
    interview = text(login(world.manager).get(f"{url}/interview?step=self_assessment", headers=ZH))
    assert re.search(
        r"<td>目标达成</td><td[^>]*>1–5</td><td>4</td><td[^>]*>超出期望</td>", interview
    )


def test_the_peer_form_and_the_interview_offer_the_levels_too(world, login):
    form = assign_rater(world.appraisal, world.peers[0], world.manager)
    db.session.commit()
    peer = login(world.peers[0]).get(f"/reviews/peer-forms/{form.id}", headers=ZH)
    assert list(groups(peer.get_data(as_text=True))) == ["合作能力", "创新能力", "执行能力"]
    assert groups(peer.get_data(as_text=True))["合作能力"][2] == ("3", "达到期望")
    interview = login(world.manager).get(
        f"/reviews/appraisals/{world.appraisal.id}/interview?step=result", headers=ZH
    )
    assert groups(interview.get_data(as_text=True))["目标达成"][4] == ("5", "远超期望")


def test_a_template_gives_its_own_words_in_each_language(world, login):
    _with_levels(world, CUSTOM)
    url = f"/reviews/appraisals/{world.appraisal.id}"
    zh = groups(login(world.person).get(url, headers=ZH).get_data(as_text=True))
    en = groups(login(world.person).get(url, headers=EN).get_data(as_text=True))
    assert [w for _v, w in zh["目标达成"]] == [
        "远未达成",
        "部分达成",
        "达成",
        "超额达成",
        "大幅超额",
    ]
    assert en["目标达成"][3] == ("4", "Beyond the target")
    assert zh["专业能力"][3] == ("4", "超出期望")  # no levels of its own: the default wording


def test_the_derivation_names_each_ratings_level(world, login):
    _with_levels(world, CUSTOM)
    self_assess(world.appraisal, world.spec, {"results": "4", "skills": "4", "attitude": "3"})
    db.session.commit()
    interview_with(
        world.appraisal,
        world.spec,
        {"results": "4", "skills": "4", "attitude": "3"},
        complete=False,
    )
    db.session.commit()
    page = text(login(world.manager).get(f"/reviews/appraisals/{world.appraisal.id}", headers=EN))
    assert "目标达成 4 (Beyond the target): (4 − 1) ÷ (5 − 1) = 0.75" in page
    assert "工作态度 3 (Meets expectations): (3 − 1) ÷ (5 − 1) = 0.5" in page


def test_a_long_scale_is_typed_with_its_levels_listed_beside_the_box(
    make_person, make_department, login
):
    world = build_world(make_person, make_department, family="marketing-specialist")
    body = (
        login(world.person)
        .get(f"/reviews/appraisals/{world.appraisal.id}", headers=ZH)
        .get_data(as_text=True)
    )
    box = re.search(
        r'<fieldset class="rating"[^>]*id="rating-sales-group".*?</fieldset>', body, re.S
    )
    assert box and 'type="text" name="rating-sales"' in box.group(0)
    assert 'type="radio"' not in box.group(0)
    assert 'aria-describedby="rating-sales-levels"' in box.group(0)
    levels = re.findall(r"<li>(.*?)</li>", box.group(0))
    assert levels == [
        "0 至不足 60: 未达到期望",
        "60 至不足 70: 部分达到期望",
        "70 至不足 80: 达到期望",
        "80 至不足 90: 超出期望",
        "90–100: 远超期望",
    ]


def test_a_refused_rating_stays_chosen_beside_its_message(world, login):
    client = login(world.person)
    url = f"/reviews/appraisals/{world.appraisal.id}/self"
    data = {"action": "draft", "version": "1", "reflection": "", **rate(results="7")}
    response = client.post(url, data=data, headers=ZH)
    assert response.status_code == 422
    assert field_error(response, "rating-results") == "请在 1 到 5 之间评分。"
    assert groups(response.get_data(as_text=True))["目标达成"][-1] == ("7", "不在评分范围内")
    assert form_values(response)["rating-results"] == "7"


# The template format ------------------------------------------------------------------------


def _template(**levels_by_key):
    data = copy.deepcopy(BUILT_IN["okr-default"])
    for item in data["criteria"]["interview"]:
        if item["key"] in levels_by_key:
            item["levels"] = levels_by_key[item["key"]]
    return data


def test_levels_are_stored_and_exported_exactly_and_import_back(app):
    spec, parsed = validate(_template(results=[*CUSTOM[:4], {"value": 5, "label": "满分"}]))
    stored = spec["criteria"]["interview"][0]["levels"]
    assert stored[0] == {"value": "1", "label": {"zh": "远未达成", "en": "Far from the target"}}
    assert stored[4] == {"value": "5", "label": "满分"}
    assert "levels" not in spec["criteria"]["interview"][1]  # the default wording is not written
    template = import_template(json.dumps(spec, ensure_ascii=False))
    db.session.flush()
    _name, exported = export_template(template)
    assert json.loads(exported)["criteria"]["interview"][0]["levels"] == stored
    assert parsed.level_words("interview", "results", "5") == "满分"


@pytest.mark.parametrize(
    ("levels", "message"),
    [
        ([{"value": "2", "label": "二"}, {"value": "1", "label": "一"}], "must go upward"),
        ([{"value": "2", "label": "二"}], "must start at the lowest rating, 1"),
        (
            [{"value": "1", "label": "一"}, {"value": "6", "label": "六"}],
            "above the highest rating, 5",
        ),
        ([{"value": "1", "label": ""}], "needs its words"),
        ([{"value": "1", "label": {"fr": "un"}}], "needs its words"),
        ([{"value": "x", "label": "一"}], "needs a number as its value"),
        ([{"value": "1", "label": "一", "colour": "red"}], "must be {value, label}"),
        ("一到五", "must be a list of {value, label}"),
        ([{"value": "1", "label": "很长" * 31}], "at most 60 characters"),
    ],
)
def test_bad_levels_are_refused_with_their_place(app, levels, message):
    with pytest.raises(TemplateInvalid) as refused:
        validate(_template(results=levels))
    found = " ".join(
        m for place, m in refused.value.problems if place == "criteria.interview.0.levels"
    )
    assert message in found


def test_bad_levels_come_back_beside_the_criteria_box_on_import(client, login, admin):
    login(admin)
    data = _template(results=[{"value": "3", "label": "三"}])
    response = client.post(
        "/reviews/templates/import", data={"text": json.dumps(data, ensure_ascii=False)}
    )
    assert response.status_code == 422
    assert "must start at the lowest rating, 1" in text(response)
    assert db.session.query(ReviewTemplate).count() == 0


def test_the_documented_levels_example_is_a_valid_criterion(app):
    from okr import ROOT

    docs = (ROOT / "docs" / "review-templates.md").read_text(encoding="utf-8")
    example = re.search(r"### Rating levels.*?```json\n(.*?)```", docs, re.S).group(1)
    data = _template()
    data["criteria"]["interview"][0] = read_json(example)
    _spec, parsed = validate(data)
    assert parsed.level_words("interview", "results", "4") in ("超额达成", "Beyond the target")
