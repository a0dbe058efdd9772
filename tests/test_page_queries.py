"""Every GET page's SQL statements, counted on a world and again on the world grown (issue 8).

The count must not grow with the data: a page loads what it shows with a fixed number of
queries (eager loading, one aggregate), however many people, objectives, check-ins, appraisals
and cycles there are. CASES gives, for every GET endpoint of the app, who looks at it (the role
that uses the page), the address of an object of the world and what the page must show; an
endpoint without a case fails `test_every_get_page_has_a_case`, so a new page cannot go
without its count.

One world serves every case: it is built once, each page is counted, the world grows
(tests/factories.py `grow_world`, past one page of every list) and each page is counted again.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from flask import Flask
from sqlalchemy import func, select

from okr.api.tokens import create_token
from okr.appraisals.services import assign_rater
from okr.calibration.results import finalize
from okr.checkins.models import ValueUpload
from okr.cycles.models import Cycle
from okr.cycles.services import create_cycle
from okr.extensions import db
from okr.jobs.models import Job
from okr.jobs.runner import run_job
from okr.kr_templates.models import KRTemplate
from okr.kr_templates.services import copy_template as copy_kr_template
from okr.kr_templates.services import load_builtin_templates
from okr.notify.channel_models import Channel
from okr.notify.models import Notice
from okr.objectives.adjustments import add_adjustment
from okr.objectives.models import CheckIn, KeyResult, Objective
from okr.org.models import Company, ImportBatch, Person
from okr.records.batch import start_batch
from okr.records.models import RecordBatch
from okr.review_templates.services import copy_template
from okr.reviews.models import Appraisal, PeerForm, Review, ReviewTemplate
from tests.factories import (
    World,
    appraisal_in,
    build_world,
    check_in_all,
    complete,
    grow_world,
    okr_set,
    released_quarter,
    replan,
    resume,
    today,
)
from tests.helpers import HTMX, csv_bytes, sign_in, text

PAGE_SIZE = 10  # rows per page of the lists here, so that the grown world fills several


@dataclass
class Pages:
    """The world and the objects its pages show."""

    world: World
    past: Review  # last quarter's review, released
    past_appraisal: Appraisal  # the person's in it, with an improvement plan
    colleague_appraisal: Appraisal  # this quarter's, open: raters and the interview to come
    peer_form: PeerForm  # the person rates the colleague (not submitted yet)
    company: Objective  # this quarter's company objective
    team_objective: Objective  # the team's, aligned to it, with the team's objectives below
    team_kr: KeyResult
    next_objective: Objective  # the team's objective for next quarter, being planned
    next_kr: KeyResult
    checkin: CheckIn  # the latest on the person's key result: it can be corrected
    kr_template: KRTemplate  # a copy of a built-in one, which HR may edit
    review_template: ReviewTemplate  # a copy of the world's, which HR may edit
    record_batch: RecordBatch  # done by its job, its ZIP kept in the database
    import_batch: ImportBatch  # a people file uploaded, waiting for confirmation
    finalize_job: Job  # this quarter's finalize, running (the board follows it)
    value_upload: ValueUpload  # a file of values uploaded by the person, not confirmed


def page_world(app: Flask, make_person, make_department) -> Pages:
    """build_world with heads for its departments, this quarter's objectives aligned company ->
    team -> people and checked in, last quarter reviewed and released (the person under the plan
    grades), next quarter being planned, the person's appraisal finalized and a colleague's open,
    a bonus, templates, a record batch run and a people file uploaded."""
    w = build_world(make_person, make_department)
    db.session.add(Company(name="星辰网络科技有限公司"))
    w.marketing.head_id, w.team.head_id = w.director.id, w.manager.id
    w.other_team.head_id = w.other_manager.id
    status = replan(w.cycle, w.hr)
    company, company_krs = okr_set(w.cycle, w.director, w.hr, level="company")
    team_objective, team_krs = okr_set(
        w.cycle, w.manager, w.manager, level="department", department=w.team, parent=company
    )
    owned = {w.director.id: company_krs, w.manager.id: team_krs}
    for person in (*w.peers, w.colleague, w.other_report):
        parent = team_objective if person.department_id == w.team.id else None
        owned[person.id] = okr_set(w.cycle, person, person, parent=parent)[1]
    resume(w.cycle, status, w.hr)
    for owner_id, krs in owned.items():
        check_in_all(krs, db.session.get_one(Person, owner_id), Decimal(owner_id % 4 + 1) / 5)
    # the cycle's calendar windows, so its pages show their banners (read from the cycle row)
    w.cycle.planning_opens, w.cycle.planning_closes = (
        w.cycle.start - timedelta(days=3),
        w.cycle.start,
    )
    w.cycle.assessment_opens = today() - timedelta(days=1)
    w.cycle.assessment_closes = today() + timedelta(days=5)
    db.session.commit()

    past = released_quarter(w, w.cycle.start - timedelta(days=1), low=(w.person,))
    following = create_cycle("quarter", w.cycle.end + timedelta(days=1))
    next_objective, next_krs = okr_set(
        following, w.manager, w.manager, level="department", department=w.team
    )
    complete(w.appraisal, w.spec, w.peers, w.manager, "3")
    finalize(w.appraisal, w.spec)
    colleague = w.appraisal_of(w.colleague)
    peer_form = assign_rater(colleague, w.person, w.manager)
    add_adjustment(w.cycle, w.person, w.manager, kind="post_100k", reason="单篇阅读超10万")
    load_builtin_templates()
    kr_template = copy_kr_template(
        db.session.scalars(select(KRTemplate).order_by(KRTemplate.id)).first()
    )
    review_template = copy_template(w.template)
    record_batch = start_batch(past, w.other_team.id, False, "en", w.hr)
    db.session.commit()
    app.config["RECORD_PROCESSES"] = 1
    run_job(record_batch.job_id)  # as a worker would
    finalize_job = Job(
        kind="review.finalize", status="running", params={"review_id": w.review.id}, done=3, total=9
    )
    finalize_job.created_by_id = w.hr.id
    db.session.add(finalize_job)
    db.session.commit()

    people = [
        [p.name, p.email, "客户运营", w.team.name, w.manager.email, "no"]
        for p in (w.person, *w.peers, w.colleague)
    ]
    upload = sign_in(app.test_client(), w.hr).post(
        "/people/import",
        data={"file": (io.BytesIO(csv_bytes(people)), "people.csv")},
        content_type="multipart/form-data",
    )
    assert upload.status_code == 303, text(upload)
    for who in (w.person, w.colleague):  # tokens on the tokens page (HR lists everyone's)
        create_token(who, "同步脚本", ["read"], 30)
    db.session.commit()
    w.kr.source, w.kr.source_key = "upload", "page:kr"
    db.session.commit()
    values = [["page:kr", "0.5"], ["page:other", "1"]]
    sent = sign_in(app.test_client(), w.person).post(
        "/week/upload",
        data={"file": (io.BytesIO(csv_bytes(values, ["id", "value"])), "values.csv")},
        content_type="multipart/form-data",
    )
    assert sent.status_code == 303, text(sent)
    return Pages(
        world=w,
        past=past,
        past_appraisal=appraisal_in(past, w.person),
        colleague_appraisal=colleague,
        peer_form=peer_form,
        company=company,
        team_objective=team_objective,
        team_kr=team_krs[0],
        next_objective=next_objective,
        next_kr=next_krs[0],
        checkin=db.session.scalars(
            select(CheckIn).where(CheckIn.key_result_id == w.kr.id).order_by(CheckIn.id.desc())
        ).first(),
        kr_template=kr_template,
        review_template=review_template,
        record_batch=record_batch,
        import_batch=db.session.scalars(select(ImportBatch)).one(),
        finalize_job=finalize_job,
        value_upload=db.session.scalars(select(ValueUpload)).one(),
    )


def grow_notices(p: Pages, channels: int, notices: int) -> None:
    """Channels of HR, notices to people and their delivery attempts (okr.notify pages)."""
    from okr.notify.channel_models import Delivery
    from okr.notify.channels import ChannelData, save_channel
    from okr.notify.outbox import Post, post

    w = p.world
    start = db.session.scalar(select(func.count(Channel.id)))
    for n in range(start + 1, start + channels + 1):
        hook = f"https://oapi.dingtalk.com/robot/send?access_token=t{n:08d}"
        data = ChannelData(f"钉钉群 {n}", "dingtalk", w.team.id, True, ["people"], True, hook, "")
        save_channel(data)
    people = db.session.scalars(select(Person.id).order_by(Person.id).limit(notices)).all()
    start = db.session.scalar(select(func.count(Notice.id)))
    post(
        Post("notify.test", f"pages:{start + i}", "测试", person_id=pid)
        for i, pid in enumerate(people)
    )
    for notice_id in db.session.scalars(select(Notice.id).where(Notice.id > start)):
        db.session.add(
            Delivery(notice_id=notice_id, via="email", target="x@example.cn", status="sent")
        )
    db.session.commit()


def first_channel(p: Pages) -> int:
    return db.session.scalars(select(Channel.id).order_by(Channel.id)).first()


def viewers(p: Pages) -> dict[str, Person]:
    w = p.world
    return {
        "employee": w.person,
        "colleague": w.colleague,
        "manager": w.manager,
        "director": w.director,
        "hr": w.hr,
    }


# The cases ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """Who looks (a role of `viewers`, "" signed out) at what address, with which headers; the
    status expected and a text the page must show (on HTML pages), at both sizes."""

    viewer: str
    url: Callable[[Pages], str]
    headers: dict[str, str] | None = None
    status: int = 200
    shows: Callable[[Pages], str] | None = None

    def label(self, p: Pages) -> str:
        htmx = " (htmx)" if self.headers else ""
        return f"{self.url(p)} [{self.viewer or 'signed out'}]{htmx}"


def end_of_week() -> str:
    """Sunday 20:00 of this week: every weekly reminder is due (a dry run plans them all)."""
    return f"{today() + timedelta(days=6 - today().weekday())}T20:00"


def person(p: Pages) -> str:
    return p.world.person.name


def colleague(p: Pages) -> str:
    return p.world.colleague.name


def colleague_objective(p: Pages) -> str:
    return f"{p.world.colleague.name}：拓展客户"


def kr_title(p: Pages) -> str:
    return p.world.kr.title


CASES: dict[str, tuple[Case, ...]] = {
    "api_pages.docs": (Case("", lambda p: "/api/v1/docs"),),
    "api_pages.tokens": (
        Case("employee", lambda p: "/account/api-tokens", shows=lambda p: "API tokens"),
        Case("hr", lambda p: "/account/api-tokens?everyone=1", shows=person),
    ),
    "alignment.children": (
        Case(
            "manager",
            lambda p: f"/alignment/objectives/{p.team_objective.id}/children",
            HTMX,
            shows=colleague_objective,
        ),
        Case(
            "employee",
            lambda p: f"/alignment/objectives/{p.company.id}/children",
            shows=lambda p: p.team_objective.title,
        ),
    ),
    "alignment.index": (
        Case("manager", lambda p: "/alignment/", shows=lambda p: p.company.title),
        Case(
            "hr", lambda p: f"/alignment/?department={p.world.team.id}", shows=colleague_objective
        ),
        Case("hr", lambda p: f"/alignment/?person={p.world.colleague.name}", HTMX, shows=colleague),
    ),
    "appraisals.interview": (
        Case(
            "manager",
            lambda p: f"/reviews/appraisals/{p.colleague_appraisal.id}/interview",
            shows=colleague,
        ),
        Case(
            "manager",
            lambda p: f"/reviews/appraisals/{p.colleague_appraisal.id}/interview?step=result",
            shows=colleague,
        ),
    ),
    "appraisals.raters": (
        Case(
            "manager",
            lambda p: f"/reviews/appraisals/{p.colleague_appraisal.id}/raters",
            HTMX,
            shows=person,
        ),
    ),
    "appraisals.show": (
        Case("employee", lambda p: f"/reviews/appraisals/{p.world.appraisal.id}", shows=kr_title),
        Case(
            "manager",
            lambda p: f"/reviews/appraisals/{p.colleague_appraisal.id}",
            shows=colleague_objective,
        ),
        Case("hr", lambda p: f"/reviews/appraisals/{p.past_appraisal.id}", shows=person),
        Case(
            "colleague",
            lambda p: f"/reviews/appraisals/{p.colleague_appraisal.id}",
            shows=colleague_objective,
        ),
    ),
    "auth.account": (
        Case("employee", lambda p: "/account", shows=person),
        Case("employee", lambda p: "/account?tz=Asia", HTMX, shows=lambda p: "Asia/Shanghai"),
    ),
    "auth.login": (Case("", lambda p: "/login"),),
    "calibration.job": (
        Case(
            "hr",
            lambda p: f"/reviews/{p.world.review.id}/calibration/jobs/{p.finalize_job.id}",
            HTMX,
            shows=lambda p: "3",
        ),
    ),
    "calibration.changes": (
        Case("hr", lambda p: f"/reviews/{p.past.id}/calibration/changes", shows=lambda p: "Grade"),
        Case("hr", lambda p: f"/reviews/{p.past.id}/calibration/changes?page=2", HTMX),
    ),
    "calibration.leniency": (
        Case("hr", lambda p: f"/reviews/{p.world.review.id}/calibration/leniency", HTMX),
        Case(
            "hr",
            lambda p: f"/reviews/{p.past.id}/calibration/leniency?department={p.world.team.id}",
            shows=lambda p: p.world.manager.name,
        ),
    ),
    "calibration.show": (
        Case("hr", lambda p: f"/reviews/{p.world.review.id}/calibration", shows=person),
        Case("hr", lambda p: f"/reviews/{p.past.id}/calibration", shows=colleague),
        Case(
            "hr",
            lambda p: f"/reviews/{p.world.review.id}/calibration?department={p.world.team.id}",
            shows=person,
        ),
        Case(
            "hr",
            lambda p: (
                f"/reviews/{p.world.review.id}/calibration"
                f"?department={p.world.marketing.id}&status=open&page=2"
            ),
            HTMX,
        ),
        Case(
            "hr",
            lambda p: f"/reviews/{p.past.id}/calibration?status=released&grade=合格",
            HTMX,
        ),
    ),
    "checkins.check_in": (
        Case(
            "employee",
            lambda p: f"/week/key-results/{p.world.kr.id}/check-in",
            HTMX,
            shows=kr_title,
        ),
    ),
    "checkins.correct": (
        Case(
            "employee",
            lambda p: f"/week/key-results/{p.world.kr.id}/check-ins/{p.checkin.id}/correct",
            shows=kr_title,
        ),
        Case(
            "employee",
            lambda p: (
                f"/week/key-results/{p.world.kr.id}/check-ins/{p.checkin.id}/correct?back=week"
            ),
            HTMX,
            shows=kr_title,
        ),
    ),
    "checkins.upload": (Case("employee", lambda p: "/week/upload"),),
    "checkins.upload_preview": (
        Case("employee", lambda p: f"/week/upload/{p.value_upload.id}", shows=lambda p: "page:kr"),
    ),
    "checkins.index": (
        Case("employee", lambda p: "/week/", shows=kr_title),
        Case("manager", lambda p: "/week/", shows=lambda p: p.team_kr.title),
        Case("employee", lambda p: f"/week/?cycle={p.past.cycle_id}", shows=lambda p: "新增客户"),
    ),
    "cycles.index": (Case("hr", lambda p: "/cycles/", shows=lambda p: p.past.name[:7]),),
    "cycles.calendar": (
        Case("hr", lambda p: f"/cycles/{p.past.cycle_id}/calendar", shows=lambda p: "Planning"),
        Case(
            "hr",
            lambda p: f"/cycles/{p.past.cycle_id}/calendar?suggest=seed002",
            shows=lambda p: "dekad",
        ),
    ),
    "departments.edit": (
        Case(
            "hr",
            lambda p: f"/departments/{p.world.team.id}/edit",
            shows=lambda p: p.world.team.name,
        ),
    ),
    "departments.index": (
        Case("hr", lambda p: "/departments/", shows=lambda p: p.world.other_team.name),
    ),
    "departments.suggest": (
        Case(
            "employee",
            lambda p: "/departments/suggest?department=组",
            shows=lambda p: p.world.team.name,
        ),
    ),
    "departments.new": (Case("hr", lambda p: "/departments/new"),),
    "flags.index": (
        Case("hr", lambda p: "/reviews/flags"),
        Case("hr", lambda p: "/reviews/flags?cycles=2&below=90", shows=person),
        Case("hr", lambda p: "/reviews/flags?cycles=2&below=&level=合格", shows=person),
        Case(
            "hr",
            lambda p: f"/reviews/flags?cycles=1&below=90&department={p.world.marketing.id}",
            shows=person,
        ),
        Case("hr", lambda p: "/reviews/flags?cycles=1&below=90&page=2", HTMX),
    ),
    "key_results.detail": (
        Case(
            "manager",
            lambda p: f"/okrs/key-results/{p.team_kr.id}",
            shows=lambda p: p.team_kr.title,
        ),
        Case("employee", lambda p: f"/okrs/key-results/{p.world.kr.id}", shows=kr_title),
    ),
    "key_results.edit": (
        Case(
            "manager",
            lambda p: f"/okrs/key-results/{p.next_kr.id}/edit",
            shows=lambda p: p.next_kr.title,
        ),
    ),
    "key_results.source": (
        Case("employee", lambda p: f"/okrs/key-results/{p.world.kr.id}/source", shows=kr_title),
    ),
    "key_results.new": (
        Case(
            "manager",
            lambda p: f"/okrs/objectives/{p.next_objective.id}/key-results/new",
            shows=lambda p: p.next_objective.title,
        ),
    ),
    "jobs.download": (Case("hr", lambda p: f"/jobs/{p.record_batch.job_id}/download"),),
    "jobs.show": (
        Case("hr", lambda p: f"/jobs/{p.record_batch.job_id}", shows=lambda p: "Review records"),
        Case("hr", lambda p: f"/jobs/{p.record_batch.job_id}", HTMX),
    ),
    "kr_templates.detail": (
        Case(
            "hr",
            lambda p: f"/okrs/templates/{p.kr_template.id}",
            shows=lambda p: p.kr_template.name,
        ),
        Case(
            "manager",
            lambda p: f"/okrs/templates/{p.kr_template.id}?person={p.world.colleague.id}",
            shows=lambda p: p.world.colleague.email,
        ),
    ),
    "kr_templates.edit": (
        Case(
            "hr",
            lambda p: f"/okrs/templates/{p.kr_template.id}/edit",
            shows=lambda p: p.kr_template.name,
        ),
    ),
    "kr_templates.index": (
        Case("hr", lambda p: "/okrs/templates/", shows=lambda p: p.kr_template.name),
        Case("manager", lambda p: "/okrs/templates/", shows=lambda p: p.kr_template.name),
    ),
    "kr_templates.new": (Case("hr", lambda p: "/okrs/templates/new"),),
    "main.home": (
        Case("employee", lambda p: "/", shows=person),
        Case("manager", lambda p: "/", shows=lambda p: p.world.peers[0].name),
        Case("hr", lambda p: "/"),
    ),
    "notify.channel_list": (Case("hr", lambda p: "/notify/channels", shows=lambda p: "钉钉群 1"),),
    "notify.delivery_log": (
        Case("hr", lambda p: "/notify/log", shows=lambda p: "x@example.cn"),
        Case("hr", lambda p: "/notify/log?status=sent&kind=notify.test&page=2", HTMX),
        Case("hr", lambda p: f"/notify/log?person={p.world.person.name}", shows=person),
    ),
    "notify.edit_channel": (
        Case(
            "hr", lambda p: f"/notify/channels/{first_channel(p)}/edit", shows=lambda p: "钉钉群 1"
        ),
    ),
    "notify.new_channel": (Case("hr", lambda p: "/notify/channels/new"),),
    "notify.preview": (Case("hr", lambda p: "/notify/preview", shows=lambda p: "DingTalk"),),
    "notify.preferences": (
        Case("employee", lambda p: "/notify/preferences", shows=lambda p: "钉钉群 1"),
    ),
    "okrs.adjustments": (
        Case(
            "manager",
            lambda p: f"/okrs/people/{p.world.person.id}/adjustments",
            HTMX,
            shows=lambda p: "单篇阅读超10万",
        ),
    ),
    "okrs.company": (Case("employee", lambda p: "/okrs/company", shows=lambda p: p.company.title),),
    "okrs.department": (
        Case(
            "manager",
            lambda p: f"/okrs/departments/{p.world.team.id}",
            shows=lambda p: p.team_objective.title,
        ),
        Case(
            "director",
            lambda p: f"/okrs/departments/{p.world.team.id}",
            shows=lambda p: p.team_objective.title,
        ),
    ),
    "okrs.edit_objective": (
        Case(
            "manager",
            lambda p: f"/okrs/objectives/{p.next_objective.id}/edit",
            shows=lambda p: p.next_objective.title,
        ),
    ),
    "okrs.index": (Case("employee", lambda p: "/okrs/", status=302),),
    "okrs.new_objective": (
        Case("employee", lambda p: f"/okrs/objectives/new?cycle={p.next_objective.cycle_id}"),
        Case(
            "manager",
            lambda p: (
                f"/okrs/objectives/new?cycle={p.next_objective.cycle_id}&level=department"
                f"&department={p.world.team.id}"
            ),
        ),
    ),
    "okrs.objective": (
        Case(
            "manager",
            lambda p: f"/okrs/objectives/{p.team_objective.id}",
            shows=colleague_objective,
        ),
        Case(
            "employee",
            lambda p: f"/okrs/objectives/{p.company.id}",
            shows=lambda p: p.team_objective.title,
        ),
    ),
    "okrs.person": (
        Case("employee", lambda p: f"/okrs/people/{p.world.person.id}", shows=kr_title),
        Case("manager", lambda p: f"/okrs/people/{p.world.person.id}", shows=kr_title),
        Case(
            "director",
            lambda p: f"/okrs/people/{p.world.person.id}?cycle={p.past.cycle_id}",
            shows=lambda p: "新增客户",
        ),
    ),
    "peer_forms.edit": (
        Case("employee", lambda p: f"/reviews/peer-forms/{p.peer_form.id}", shows=colleague),
    ),
    "peer_forms.index": (
        Case("employee", lambda p: "/reviews/peer-forms/", shows=colleague),
        Case("colleague", lambda p: "/reviews/peer-forms/"),
    ),
    "people.detail": (
        Case("manager", lambda p: f"/people/{p.world.person.id}", shows=person),
        Case("hr", lambda p: f"/people/{p.world.manager.id}", shows=person),
    ),
    "people.edit": (Case("hr", lambda p: f"/people/{p.world.person.id}/edit", shows=person),),
    "people.export": (
        Case("hr", lambda p: "/people/export.csv"),
        Case("hr", lambda p: "/people/export.xlsx"),
    ),
    "people.import_preview": (
        Case("hr", lambda p: f"/people/import/{p.import_batch.id}", shows=colleague),
    ),
    "people.import_upload": (Case("hr", lambda p: "/people/import"),),
    "people.index": (
        Case("hr", lambda p: "/people/", shows=lambda p: p.world.director.name),
        Case("manager", lambda p: f"/people/?q={p.world.team.name}", shows=colleague),
        Case("hr", lambda p: "/people/?q=example&page=2", HTMX),
        Case("hr", lambda p: f"/people/?department={p.world.marketing.id}", shows=colleague),
        Case(
            "manager",
            lambda p: f"/people/?department={p.world.team.id}&page=2",
            HTMX,
        ),
    ),
    "people.new": (Case("hr", lambda p: "/people/new"),),
    "people.suggest": (
        Case("hr", lambda p: "/people/suggest?q=example", HTMX, shows=lambda p: "@example.com"),
    ),
    "plans.show": (
        Case(
            "manager",
            lambda p: f"/reviews/appraisals/{p.past_appraisal.id}/plan",
            shows=lambda p: "Training",
        ),
        Case(
            "employee",
            lambda p: f"/reviews/appraisals/{p.past_appraisal.id}/plan",
            shows=lambda p: "Training",
        ),
    ),
    "rankings.export": (
        Case("hr", lambda p: f"/reviews/{p.world.review.id}/results.xlsx"),
        Case(
            "manager",
            lambda p: f"/reviews/{p.past.id}/results.xlsx?department={p.world.team.id}&grade=合格",
        ),
    ),
    "rankings.index": (
        Case("hr", lambda p: f"/reviews/{p.world.review.id}/rankings", shows=person),
        Case("manager", lambda p: f"/reviews/{p.world.review.id}/rankings", shows=person),
        Case("manager", lambda p: f"/reviews/{p.past.id}/rankings", shows=colleague),
        Case(
            "hr",
            lambda p: f"/reviews/{p.past.id}/rankings?department={p.world.marketing.id}",
            shows=colleague,
        ),
        Case(
            "director",
            lambda p: f"/reviews/{p.past.id}/rankings?department={p.world.team.id}&status=released",
            HTMX,
            shows=colleague,
        ),
        Case("hr", lambda p: f"/reviews/{p.past.id}/rankings?page=2&grade=优秀"),
    ),
    "records.batch": (
        Case("hr", lambda p: f"/records/batches/{p.record_batch.id}", shows=lambda p: p.past.name),
        Case("hr", lambda p: f"/records/batches/{p.record_batch.id}", HTMX),
    ),
    "records.download": (Case("hr", lambda p: f"/records/batches/{p.record_batch.id}/download"),),
    "records.page": (
        Case("manager", lambda p: f"/records/appraisals/{p.world.appraisal.id}", shows=kr_title),
        Case("employee", lambda p: f"/records/appraisals/{p.past_appraisal.id}", shows=person),
    ),
    "records.pdf": (Case("employee", lambda p: f"/records/appraisals/{p.past_appraisal.id}.pdf"),),
    "records.review_batches": (
        Case(
            "hr",
            lambda p: f"/records/reviews/{p.past.id}",
            shows=lambda p: p.world.other_team.name,
        ),
    ),
    "reminders.calendar": (
        Case("hr", lambda p: "/reminders/calendar", shows=lambda p: "Asia/Shanghai"),
    ),
    "reminders.index": (
        Case("hr", lambda p: "/reminders/"),
        Case("hr", lambda p: f"/reminders/?at={end_of_week()}", HTMX),
    ),
    "review_templates.detail": (
        Case(
            "hr",
            lambda p: f"/reviews/templates/{p.world.template.id}",
            shows=lambda p: p.world.template.name,
        ),
    ),
    "review_templates.edit": (
        Case(
            "hr",
            lambda p: f"/reviews/templates/{p.review_template.id}/edit",
            shows=lambda p: p.review_template.name,
        ),
    ),
    "review_templates.export": (
        Case("hr", lambda p: f"/reviews/templates/{p.world.template.id}/export"),
    ),
    "review_templates.import_": (Case("hr", lambda p: "/reviews/templates/import"),),
    "review_templates.index": (
        Case("hr", lambda p: "/reviews/templates/", shows=lambda p: p.review_template.name),
        Case("manager", lambda p: "/reviews/templates/", shows=lambda p: p.world.template.name),
    ),
    "review_templates.simulate": (
        Case("hr", lambda p: "/reviews/templates/simulate"),
        Case(
            "hr",
            lambda p: f"/reviews/templates/simulate?template={p.world.template.id}",
            shows=lambda p: p.world.template.name,
        ),
    ),
    "reviews.dashboard": (
        Case("hr", lambda p: f"/reviews/{p.world.review.id}", shows=colleague),
        Case("manager", lambda p: f"/reviews/{p.world.review.id}", shows=colleague),
        Case("director", lambda p: f"/reviews/{p.world.review.id}", shows=colleague),
        Case(
            "hr",
            lambda p: f"/reviews/{p.world.review.id}?status=draft&department={p.world.team.id}",
            HTMX,
            shows=lambda p: p.world.peers[0].name,
        ),
        Case(
            "hr",
            lambda p: f"/reviews/{p.world.review.id}?department={p.world.marketing.id}",
            shows=colleague,
        ),
        Case(
            "director",
            lambda p: f"/reviews/{p.world.review.id}?department={p.world.team.id}&status=draft",
            HTMX,
            shows=lambda p: p.world.peers[0].name,
        ),
        Case("hr", lambda p: f"/reviews/{p.world.review.id}?department_page=2", HTMX),
        Case(
            "manager",
            lambda p: (
                f"/reviews/{p.world.review.id}?department={p.world.marketing.id}&department_page=2"
            ),
            shows=colleague,
        ),
    ),
    "reviews.index": (
        Case("hr", lambda p: "/reviews/", shows=lambda p: p.past.name),
        Case("employee", lambda p: "/reviews/", shows=lambda p: p.world.review.name),
    ),
    "reviews.new": (Case("hr", lambda p: "/reviews/new", shows=lambda p: p.world.team.name),),
    "team.index": (
        Case("manager", lambda p: "/team/", shows=colleague_objective),
        Case("hr", lambda p: f"/team/?department={p.world.team.id}", shows=colleague_objective),
        Case("director", lambda p: "/team/", HTMX, shows=colleague_objective),
    ),
    "team.weekly": (
        Case("manager", lambda p: "/team/weekly", shows=colleague),
        Case("director", lambda p: "/team/weekly", HTMX, shows=colleague),
    ),
    "team.weekly_export": (Case("manager", lambda p: "/team/weekly.xlsx"),),
    "todo.index": (
        Case("employee", lambda p: "/reviews/todo", shows=colleague),
        Case("manager", lambda p: "/reviews/todo", shows=colleague),
        Case("colleague", lambda p: "/reviews/todo"),
    ),
}


# The API's endpoints (JSON, signed in by token) are counted at two sizes in tests/api/test_queries.py.
API_ENDPOINTS = ("api_okrs.", "api_org.", "api_results.", "api-docs.", "api_fallback.")


def get_endpoints(app: Flask) -> set[str]:
    endpoints = {r.endpoint for r in app.url_map.iter_rules() if "GET" in (r.methods or ())}
    return {e for e in endpoints - {"static"} if not e.startswith(API_ENDPOINTS)}


def test_every_get_page_has_a_case(app):
    assert sorted(get_endpoints(app) - set(CASES)) == [], "GET pages without a query-count case"
    assert sorted(set(CASES) - get_endpoints(app)) == [], "cases of pages that are gone"


# Counting -----------------------------------------------------------------------------------


def measure(app: Flask, pages: Pages, clients: dict[str, Any], count_queries) -> dict[str, Any]:
    """(status, statements, what a page misses of what it must show) of each case, by label."""
    routes = app.url_map.bind("localhost")
    seen = {}
    for endpoint, cases in CASES.items():
        for case in cases:
            url = case.url(pages)
            assert routes.match(url.partition("?")[0], "GET")[0] == endpoint, url
            with count_queries() as counted:
                response = clients[case.viewer].get(url, headers=case.headers)
                response.get_data()
            response.close()
            missing = ""
            if case.shows is not None and case.shows(pages) not in text(response):
                missing = case.shows(pages)
            seen[f"{endpoint} {case.label(pages)}"] = (
                response.status_code,
                counted.count,
                missing,
            )
    return seen


def date_key_results() -> None:
    """Give every key result an aspect and a due date in its cycle (its objective one too), so
    the "due in N days" / "overdue since" notes and the aspect are drawn on every page that
    lists key results, at both sizes."""
    aspects = ("quantity", "quality", "time", None)
    rows = db.session.execute(
        select(KeyResult, Cycle.start, Cycle.end)
        .join(Objective, KeyResult.objective_id == Objective.id)
        .join(Cycle, Objective.cycle_id == Cycle.id)
    ).all()
    for kr, start, end in rows:
        kr.aspect = aspects[kr.id % 4]
        kr.due_on = start + timedelta(days=kr.id % 60) if kr.id % 3 else end
    db.session.commit()


def test_no_page_runs_more_statements_on_a_bigger_world(
    app, make_person, make_department, count_queries
):
    app.config["PAGE_SIZE"] = PAGE_SIZE
    pages = page_world(app, make_person, make_department)
    grow_notices(pages, 2, 3)
    clients = {role: sign_in(app.test_client(), who) for role, who in viewers(pages).items()}
    clients[""] = app.test_client()
    date_key_results()
    small = measure(app, pages, clients, count_queries)
    grow_world(pages.world, make_person, make_department)
    grow_notices(pages, 30, 60)
    date_key_results()
    large = measure(app, pages, clients, count_queries)

    expected = {
        f"{endpoint} {case.label(pages)}": case.status
        for endpoint, cases in CASES.items()
        for case in cases
    }
    wrong = {
        label: f"status {small[label][0]}, then {large[label][0]}; expected {status}"
        for label, status in expected.items()
        if small[label][0] != status or large[label][0] != status
    }
    assert not wrong, listing("Pages that did not answer as they should", wrong)
    missing = {
        label: f"{small[label][2] or '(shown)'}, then {large[label][2] or '(shown)'}"
        for label in expected
        if small[label][2] or large[label][2]
    }
    assert not missing, listing("Pages that did not show what they should", missing)
    grew = {
        label: f"{small[label][1]} statements, then {large[label][1]}"
        for label in expected
        if small[label][1] != large[label][1]
    }
    assert not grew, listing("Pages whose statements grew with the data", grew)


def listing(title: str, found: dict[str, str]) -> str:
    return "\n".join(
        [f"{title} (world, then grown world):", *(f"  {k}: {v}" for k, v in found.items())]
    )
