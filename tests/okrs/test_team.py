"""The manager's team view, the weekly report (周报) and its Excel export."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from okr.checkins.services import record_checkin
from okr.cycles.models import Cycle
from okr.cycles.services import create_cycle
from okr.db import utcnow
from okr.extensions import db
from okr.objectives.models import CheckIn, KeyResult, Objective
from okr.org.models import Person
from okr.team.queries import not_checked_in, team_query
from tests.helpers import field_error, text

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def running_cycle(day: date, current: bool = True) -> Cycle:
    cycle = create_cycle("quarter", day, make_current=current)
    cycle.status = "running"
    db.session.commit()
    return cycle


def give_okr(person, cycle, title="提升自然搜索流量", krs=(("自然流量", "0", "100"),)):
    """An approved individual objective with increase key results (equal weights)."""
    objective = Objective(
        cycle_id=cycle.id,
        level="individual",
        title=title,
        owner_id=person.id,
        department_id=person.department_id,
        weight=Decimal(100),
        status="approved",
    )
    db.session.add(objective)
    db.session.flush()
    weight = Decimal(100) / max(len(krs), 1)
    for position, (kr_title, start, target) in enumerate(krs):
        db.session.add(
            KeyResult(
                objective_id=objective.id,
                title=kr_title,
                kind="increase",
                unit="次",
                weight=weight,
                start=Decimal(start),
                target=Decimal(target),
                position=position,
            )
        )
    db.session.commit()
    return objective


def krs_of(objective):
    return db.session.scalars(
        select(KeyResult).where(KeyResult.objective_id == objective.id).order_by(KeyResult.id)
    ).all()


def check_in(kr, value, author, when=None, confidence="on_track"):
    record_checkin(kr, value, confidence, "", author, None, now=when or utcnow())
    db.session.commit()


@pytest.fixture
def team(make_department, make_person):
    """王志远 manages 李喆 (who manages 张玥) and 赵雅琪; 孙燊 reports to someone else."""
    marketing = make_department("网络营销部")
    seo = make_department("推广组", parent=marketing)
    other = make_department("客服部")
    boss = make_person("王志远", department=marketing, email="boss@example.com")
    lead = make_person("李喆", department=seo, manager=boss, email="lead@example.com")
    return {
        "marketing": marketing,
        "seo": seo,
        "other": other,
        "boss": boss,
        "lead": lead,
        "zhang": make_person("张玥", department=seo, manager=lead, email="zhang@example.com"),
        "zhao": make_person("赵雅琪", department=marketing, manager=boss, email="zhao@example.com"),
        "gone": make_person("离职者", department=seo, manager=lead, active=False),
        "outsider_boss": make_person("外部经理", department=other),
    }


# Who may see the team pages -----------------------------------------------------------------


@pytest.mark.parametrize("url", ["/team/", "/team/weekly", "/team/weekly.xlsx"])
def test_someone_without_reports_is_refused_every_team_page(client, login, team, url):
    running_cycle(date(2026, 11, 21))
    login(team["zhang"])
    response = client.get(url)
    assert response.status_code == 403
    assert "You do not have access to this page." in text(response)


def test_someone_without_reports_sees_no_team_link(client, login, team):
    running_cycle(date(2026, 11, 21))
    login(team["zhang"])
    assert "/team/" not in client.get("/").get_data(as_text=True)
    login(team["lead"])
    assert 'href="/team/"' in client.get("/").get_data(as_text=True)


def test_manager_sees_only_their_reports_even_when_asking_for_a_department(
    client, login, team, make_person
):
    cycle = running_cycle(date(2026, 11, 21))
    stranger = make_person("孙燊", department=team["other"], manager=team["outsider_boss"])
    give_okr(stranger, cycle, title="客服满意度")
    give_okr(team["zhang"], cycle, title="张的目标")
    login(team["lead"])
    body = client.get(f"/team/?department={team['other'].id}").get_data(as_text=True)
    assert f'id="person-{team["zhang"].id}"' in body
    assert "张的目标" in body
    assert f'id="person-{stranger.id}"' not in body
    assert "客服满意度" not in body
    assert f'id="person-{team["gone"].id}"' not in body  # deactivated
    weekly = client.get(f"/team/weekly?department={team['other'].id}").get_data(as_text=True)
    assert "张的目标" in weekly and "客服满意度" not in weekly


def test_admin_chooses_a_department_and_sees_everyone_below_it(
    client, login, team, make_person, admin
):
    cycle = running_cycle(date(2026, 11, 21))
    stranger = make_person("孙燊", department=team["other"], manager=team["outsider_boss"])
    give_okr(stranger, cycle, title="客服满意度")
    give_okr(team["zhang"], cycle, title="张的目标")
    login(admin)
    body = client.get(f"/team/?department={team['marketing'].id}").get_data(as_text=True)
    assert "张的目标" in body  # 推广组 is below 网络营销部
    assert f'id="person-{team["boss"].id}"' in body
    assert "客服满意度" not in body
    everyone = client.get("/team/").get_data(as_text=True)
    assert "张的目标" in everyone and "客服满意度" in everyone


def test_unknown_department_is_refused_beside_the_field(client, login, team, admin):
    running_cycle(date(2026, 11, 21))
    login(admin)
    response = client.get("/team/?department=999999")
    assert response.status_code == 422
    assert field_error(response, "department") == "Choose a department from the list."
    assert 'id="person-' not in response.get_data(as_text=True)


# Not checked in this week -------------------------------------------------------------------


def test_team_page_lists_reports_with_key_results_who_have_not_checked_in_this_week(
    client, login, team
):
    cycle = running_cycle(date(2026, 11, 21))
    fresh = krs_of(give_okr(team["lead"], cycle))[0]
    stale = krs_of(give_okr(team["zhao"], cycle))[0]
    give_okr(team["zhang"], cycle)  # indirect report, never checked in
    give_okr(team["gone"], cycle)  # deactivated: not listed
    check_in(fresh, "10", team["lead"])
    check_in(stale, "10", team["zhao"], when=utcnow() - timedelta(days=7))

    login(team["boss"])
    response = client.get("/team/")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    section = body[
        body.index('id="not-checked-in"') : body.index(
            "</section>", body.index('id="not-checked-in"')
        )
    ]
    assert f'id="straggler-{team["zhao"].id}"' in section
    assert f'id="straggler-{team["zhang"].id}"' in section
    assert "never checked in" in section
    assert f'id="straggler-{team["lead"].id}"' not in section
    assert f'id="straggler-{team["gone"].id}"' not in section
    assert "2 people have not checked in since" in text(response)


def test_people_without_key_results_are_not_counted_as_missing(client, login, team):
    cycle = running_cycle(date(2026, 11, 21))
    give_okr(team["zhao"], cycle, krs=())
    login(team["boss"])
    body = text(client.get("/team/"))
    assert "Everyone with key results has checked in since" in body
    assert "No objectives in 2026 Q4 yet." in body  # 李喆 and 张玥 have none


def test_this_week_starts_on_monday_in_the_company_timezone(app, team):
    """Shanghai is UTC+8: Monday 00:30 there is Sunday 16:30 UTC."""
    cycle = running_cycle(date(2026, 11, 21))
    early = krs_of(give_okr(team["lead"], cycle))[0]
    late = krs_of(give_okr(team["zhao"], cycle))[0]
    check_in(early, "5", team["lead"], when=datetime(2026, 11, 15, 16, 30, tzinfo=UTC))
    check_in(late, "5", team["zhao"], when=datetime(2026, 11, 15, 15, 30, tzinfo=UTC))
    now = datetime(2026, 11, 15, 18, 0, tzinfo=UTC)  # Monday 02:00 in Shanghai
    result = not_checked_in(cycle, team_query(team["boss"]), now)
    assert result.week == date(2026, 11, 16)
    assert [p.name for p in result.people] == ["赵雅琪"]
    assert result.people[0].last_checkin_at == datetime(2026, 11, 15, 15, 30, tzinfo=UTC)


def test_no_one_is_missing_while_the_cycle_is_being_planned(client, login, team):
    cycle = running_cycle(date(2026, 11, 21))
    give_okr(team["zhao"], cycle)
    cycle.status = "planning"
    db.session.commit()
    login(team["boss"])
    body = text(client.get("/team/"))
    assert "Check-ins are open while the cycle runs" in body
    assert "straggler-" not in body


# Each person's objectives ------------------------------------------------------------------


def test_team_page_shows_each_objective_with_progress_confidence_status_and_set_link(
    client, login, team
):
    cycle = running_cycle(date(2026, 11, 21))
    objective = give_okr(team["zhao"], cycle, title="社群粉丝增长")
    check_in(krs_of(objective)[0], "50", team["zhao"], confidence="at_risk")
    login(team["boss"])
    body = client.get("/team/").get_data(as_text=True)
    row = body[body.index(f'id="objective-{objective.id}"') :]
    row = row[: row.index("</tr>")]
    assert "社群粉丝增长" in row
    assert '<span class="pct">50%</span>' in row
    assert 'class="progress conf-at_risk"' in row
    assert "status-approved" in row
    assert "not aligned" in row
    assert f'href="/okrs/people/{team["zhao"].id}?cycle={cycle.id}"' in body


def test_team_page_defaults_to_the_current_cycle_and_switches(client, login, team):
    old = running_cycle(date(2026, 5, 1), current=False)
    current = running_cycle(date(2026, 11, 21))
    give_okr(team["zhao"], old, title="上季度目标")
    give_okr(team["zhao"], current, title="本季度目标")
    login(team["boss"])
    body = client.get("/team/").get_data(as_text=True)
    assert "本季度目标" in body and "上季度目标" not in body
    body = client.get(f"/team/?cycle={old.id}").get_data(as_text=True)
    assert "上季度目标" in body and "本季度目标" not in body
    assert client.get("/team/?cycle=999999").status_code == 404


def test_team_page_answers_htmx_with_the_view_fragment(client, login, team):
    running_cycle(date(2026, 11, 21))
    login(team["boss"])
    response = client.get("/team/", headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in body
    assert body.lstrip().startswith('<div id="team-view">')
    assert 'id="not-checked-in"' in body
    assert "HX-Request" in response.headers["Vary"]


def test_team_is_paged_by_people(app, client, login, team, make_person):
    app.config["PAGE_SIZE"] = 2
    running_cycle(date(2026, 11, 21))
    login(team["boss"])
    first = client.get("/team/").get_data(as_text=True)
    assert "People 1–2 of 3" in first
    second = client.get("/team/?page=2").get_data(as_text=True)
    assert "People 3–3 of 3" in second
    names = ("李喆", "张玥", "赵雅琪")
    assert sorted(n for n in names if n in first) != sorted(n for n in names if n in second)


# The weekly report -------------------------------------------------------------------------


@pytest.fixture
def weekly(team):
    """2026 Q4 (Thursday 1 Oct – 31 Dec): 张玥's two key results with check-ins in October."""
    cycle = running_cycle(date(2026, 10, 1))
    objective = give_okr(
        team["zhang"],
        cycle,
        title='=HYPERLINK("http://evil")',
        krs=(("自然流量", "40000", "60000"), ("收录页面", "100", "300")),
    )
    traffic, pages = krs_of(objective)
    zhang = team["zhang"]

    def at(day: int, hour: int = 4) -> datetime:  # noon in Shanghai
        return datetime(2026, 10, day, hour, tzinfo=UTC)

    check_in(traffic, "41000", zhang, when=at(6))  # week of 5 Oct: two, the later wins
    check_in(traffic, "42500.5", zhang, when=at(8))
    check_in(traffic, "47000", zhang, when=at(20))  # week of 19 Oct
    check_in(traffic, "50000", zhang, when=at(27))  # week of 26 Oct, after the report week
    check_in(pages, "150", zhang, when=at(2))  # week of 28 Sep (clipped to 1–4 Oct)
    return {"cycle": cycle, "objective": objective, "traffic": traffic, "pages": pages}


def test_weekly_report_shows_the_last_value_of_each_week_up_to_the_chosen_week(
    client, login, team, weekly
):
    login(team["lead"])
    response = client.get(f"/team/weekly?cycle={weekly['cycle'].id}&week=2026-10-19")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    header = body[body.index("<thead>") : body.index("</thead>")]
    assert [
        w for w in ("2026-W40", "2026-W41", "2026-W42", "2026-W43", "2026-W44") if w in header
    ] == [
        "2026-W40",
        "2026-W41",
        "2026-W42",
        "2026-W43",
    ]
    row = body[body.index(f'id="weekly-kr-{weekly["traffic"].id}"') :]
    row = row[: row.index("</tr>")]
    cells = [c.split(">", 1)[1].split("</td>")[0].strip() for c in row.split("<td")[1:]]
    # person, objective, key result, target, W40, W41, W42, W43, latest, progress
    assert cells[3] == "60000次"
    assert cells[4:8] == ["", "42500.5", "", "47000"]
    assert cells[8] == "50000次"
    assert '<span class="pct">50%</span>' in cells[9]
    pages = body[body.index(f'id="weekly-kr-{weekly["pages"].id}"') :]
    pages = pages[: pages.index("</tr>")]
    assert 'class="num report-week missing"' in pages  # nothing checked in during W43


def test_weekly_report_refuses_a_week_outside_the_cycle_beside_the_field(
    client, login, team, weekly
):
    login(team["lead"])
    response = client.get(f"/team/weekly?cycle={weekly['cycle'].id}&week=2026-10-20")  # a Tuesday
    assert response.status_code == 422
    assert field_error(response, "week") == "Choose a week of 2026 Q4."
    export = client.get(f"/team/weekly.xlsx?cycle={weekly['cycle'].id}&week=nonsense")
    assert export.status_code == 422
    assert field_error(export, "week") == "Choose a week of 2026 Q4."


def test_switching_cycle_keeps_no_stale_week_from_the_previous_cycle(client, login, team, weekly):
    older = running_cycle(date(2026, 5, 1), current=False)
    give_okr(team["zhang"], older, title="上季度目标")
    login(team["lead"])
    response = client.get(f"/team/weekly?cycle={older.id}&week=2026-10-19")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "上季度目标" in body
    assert '<option selected value="2026-06-29">' in body  # Q2's last week, today being later


def test_weekly_report_answers_htmx_with_the_view_fragment(client, login, team, weekly):
    login(team["lead"])
    response = client.get(
        f"/team/weekly?cycle={weekly['cycle'].id}&week=2026-10-05", headers={"HX-Request": "true"}
    )
    body = response.get_data(as_text=True)
    assert "<html" not in body
    assert 'id="team-view"' in body
    assert f'id="weekly-kr-{weekly["traffic"].id}"' in body
    assert 'hx-target="#team-view"' in body
    assert "HX-Request" in response.headers["Vary"]


def test_weekly_export_is_a_workbook_with_typed_numbers_and_neutralised_text(
    client, login, team, weekly
):
    login(team["lead"])
    response = client.get(f"/team/weekly.xlsx?cycle={weekly['cycle'].id}&week=2026-10-19")
    assert response.status_code == 200
    assert response.mimetype == XLSX
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert "weekly-2026-Q4-2026-W43.xlsx" in disposition

    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (
        "Person",
        "Objective",
        "Key result",
        "Weight (%)",
        "Target",
        "Unit",
        "2026-W40",
        "2026-W41",
        "2026-W42",
        "2026-W43",
        "Latest",
        "Progress",
    )
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "D2"
    traffic, pages = rows[1], rows[2]
    assert traffic[:3] == ("张玥", '\'=HYPERLINK("http://evil")', "自然流量")
    assert traffic[3:6] == (50, 60000, "次")
    assert traffic[6:] == (None, 42500.5, None, 47000, 50000, 0.5)
    assert pages[6:10] == (150, None, None, None)
    for value in (*traffic[3:5], traffic[7], traffic[9], traffic[10], traffic[11]):
        assert isinstance(value, int | float) and not isinstance(value, bool)
    assert sheet.cell(row=2, column=12).number_format == "0.0%"


def test_a_big_teams_weekly_export_is_a_job_the_asker_alone_downloads(
    app, client, login, team, weekly, run_jobs
):
    url = f"/team/weekly.xlsx?cycle={weekly['cycle'].id}&week=2026-10-19"
    login(team["boss"])
    direct = client.get(url)
    app.config["EXPORT_JOB_ROWS"] = 2  # 张玥's two key results: a job
    assert "This export has 2 rows" in text(client.get(url))
    asked = client.post(url)
    assert (
        asked.status_code == 303
        and client.post(url).headers["Location"] == asked.headers["Location"]
    )
    job_id = int(asked.headers["Location"].rsplit("/", 1)[1])
    assert run_jobs() == [job_id]
    download = client.get(f"/jobs/{job_id}/download")
    assert download.status_code == 200 and download.mimetype == XLSX
    assert "weekly-2026-Q4-2026-W43.xlsx" in download.headers["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(download.data)).active.iter_rows(values_only=True))
    assert rows == list(load_workbook(io.BytesIO(direct.data)).active.iter_rows(values_only=True))
    login(team["lead"])  # another manager: neither the job nor its file
    assert client.get(f"/jobs/{job_id}").status_code == 403
    assert client.get(f"/jobs/{job_id}/download").status_code == 403


def test_weekly_export_covers_the_whole_team_not_one_page(app, client, login, team, weekly):
    app.config["PAGE_SIZE"] = 1
    give_okr(team["zhao"], weekly["cycle"], title="赵的目标")
    login(team["boss"])
    sheet = load_workbook(
        io.BytesIO(client.get(f"/team/weekly.xlsx?cycle={weekly['cycle'].id}").data)
    ).active
    people = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert people == {"张玥", "赵雅琪"}


# Query counts ------------------------------------------------------------------------------


def _grow_team(team, cycle, n):
    """n reports of 王志远, each with two objectives of two key results and two weeks of check-ins."""
    boss = team["boss"]
    for i in range(n):
        person = Person(
            name=f"成员{i:02d}-{boss.id}-{n}",
            email=f"member{i}-{n}@example.com",
            department_id=team["marketing"].id,
            manager_id=boss.id,
        )
        db.session.add(person)
        db.session.flush()
        for title in ("目标甲", "目标乙"):
            objective = Objective(
                cycle_id=cycle.id,
                level="individual",
                title=title,
                owner_id=person.id,
                department_id=person.department_id,
                weight=Decimal(50),
                status="approved",
            )
            db.session.add(objective)
            db.session.flush()
            for kr_title in ("a", "b"):
                kr = KeyResult(
                    objective_id=objective.id,
                    title=kr_title,
                    kind="increase",
                    weight=Decimal(50),
                    start=Decimal(0),
                    target=Decimal(10),
                    current=Decimal(2),
                    last_checkin_at=datetime(2026, 10, 13, 4, tzinfo=UTC),
                )
                db.session.add(kr)
                db.session.flush()
                for day, value in ((6, 1), (13, 2)):
                    moment = datetime(2026, 10, day, 4, tzinfo=UTC)
                    db.session.add(
                        CheckIn(
                            key_result_id=kr.id,
                            value=Decimal(value),
                            confidence="on_track",
                            author_id=person.id,
                            created_at=moment,
                            week=date(2026, 10, day - 1),
                        )
                    )
    db.session.commit()


@pytest.mark.parametrize(
    "url",
    ["/team/", "/team/weekly?week=2026-10-19", "/team/weekly.xlsx?week=2026-10-19"],
    ids=["team", "weekly", "xlsx"],
)
def test_team_pages_run_the_same_number_of_queries_for_2_or_8_people(
    client, login, team, count_queries, url
):
    cycle = running_cycle(date(2026, 10, 1))
    login(team["boss"])
    _grow_team(team, cycle, 2)
    client.get(url)  # warm-up: caches, first-request work
    with count_queries() as small:
        assert client.get(url).status_code == 200
    _grow_team(team, cycle, 6)
    with count_queries() as large:
        response = client.get(url)
    assert response.status_code == 200
    assert large.count == small.count, large.statements
    if url == "/team/":
        assert response.get_data(as_text=True).count('class="card member"') == 3 + 8
