"""Releasing calibrated results: people see them, ranks are computed inside each department."""

from __future__ import annotations

import re

from sqlalchemy import event

from okr.extensions import db
from okr.reviews.access import sees_scores
from tests.factories import build_org, interview, open_cycle_review, rated_and_final
from tests.helpers import flashes, snapshot, text


def _release(client, review, run_jobs):
    """Release on the page, let the job run, and follow its progress back to the board."""
    response = client.post(f"/reviews/{review.id}/calibration/release", follow_redirects=True)
    ran = run_jobs()
    if not ran:  # refused: the board with why
        return response
    return client.get(f"/reviews/{review.id}/calibration/jobs/{ran[-1]}", follow_redirects=True)


def test_release_publishes_finalized_results_ranked_inside_each_department(
    client, login, make_person, make_department, run_jobs
):
    org = build_org(make_person, make_department, teams=2, per_manager=3)
    review = open_cycle_review(org)
    team_a, team_b = org.staff[:3], org.staff[3:]
    for person, rating in zip(team_a + team_b, ("70", "90", "70", "65", "99", "80"), strict=True):
        rated_and_final(org, person, rating)
    interview(org, org.appraisal(org.managers[0]), "88")  # complete, not finalized: not released
    response = _release(login(org.hr), review, run_jobs)
    assert response.status_code == 200
    assert "6 results released" in " ".join(flashes(response))
    db.session.expire_all()
    ranks = [org.appraisal(p).rank for p in team_a + team_b]
    assert ranks == [2, 1, 2, 3, 1, 2]  # ties share a rank; each department counts from 1
    assert all(org.appraisal(p).released_at is not None for p in org.staff)
    assert org.appraisal(org.managers[0]).released_at is None
    assert db.session.get(type(review), review.id).status == "released"


def test_people_see_their_scores_only_once_released(
    client, login, make_person, make_department, run_jobs
):
    org = build_org(make_person, make_department, per_manager=1)
    review = open_cycle_review(org)
    person = org.staff[0]
    appraisal = rated_and_final(org, person, "75")
    assert sees_scores(person, appraisal) is False
    assert sees_scores(org.managers[0], appraisal) is True
    _release(login(org.hr), review, run_jobs)
    db.session.expire_all()
    assert sees_scores(person, org.appraisal(person)) is True


def test_nothing_to_release_is_said_and_changes_nothing(
    client, login, make_person, make_department, run_jobs
):
    org = build_org(make_person, make_department, per_manager=1)
    review = open_cycle_review(org)
    before = snapshot("appraisal", "review", "job")
    response = _release(login(org.hr), review, run_jobs)
    assert "Nothing finalized is waiting to be released." in flashes(response)
    assert snapshot("appraisal", "review", "job") == before


def test_only_hr_releases(client, login, make_person, make_department):
    org = build_org(make_person, make_department, per_manager=1)
    review = open_cycle_review(org)
    rated_and_final(org, org.staff[0], "75")
    before = snapshot("appraisal", "review", "job")
    for user in (org.staff[0], org.managers[0]):
        response = login(user).post(f"/reviews/{review.id}/calibration/release")
        assert response.status_code == 403
    assert snapshot("appraisal", "review", "job") == before


def test_release_button_shows_how_many_wait(client, login, make_person, make_department, run_jobs):
    org = build_org(make_person, make_department, per_manager=2)
    review = open_cycle_review(org)
    rated_and_final(org, org.staff[0], "75")
    rated_and_final(org, org.staff[1], "85")
    body = text(login(org.hr).get(f"/reviews/{review.id}/calibration"))
    assert "Release 2 results" in body
    _release(client, review, run_jobs)
    assert "Release 2 results" not in text(client.get(f"/reviews/{review.id}/calibration"))


def test_a_release_done_before_the_board_is_drawn_still_says_what_it_did(
    client, login, make_person, make_department, run_jobs
):
    """The page follows a job by polling it; a small review's job can end before the board is
    drawn, so the answer to the click goes by the job's address, which tells what it did."""
    org = build_org(make_person, make_department, per_manager=2)
    review = open_cycle_review(org)
    for person in org.staff:
        rated_and_final(org, person, "80")
    hr = login(org.hr)
    asked = hr.post(f"/reviews/{review.id}/calibration/release?grade=良好")
    assert asked.status_code == 303
    (job_id,) = run_jobs()  # the worker ends it before the browser follows the redirect
    assert asked.headers["Location"].startswith(f"/reviews/{review.id}/calibration/jobs/{job_id}")
    board = hr.get(asked.headers["Location"])
    assert board.status_code == 303  # to the board, its filter kept
    assert board.headers["Location"] == f"/reviews/{review.id}/calibration?grade=%E8%89%AF%E5%A5%BD"
    shown = hr.get(board.headers["Location"])
    assert "2 results released and ranked inside each department." in flashes(shown)


def test_a_release_that_ends_between_its_address_and_the_board_still_says_so(
    client, login, make_person, make_department, run_jobs
):
    org = build_org(make_person, make_department, per_manager=2)
    review = open_cycle_review(org)
    for person in org.staff:
        rated_and_final(org, person, "80")
    hr = login(org.hr)
    asked = hr.post(f"/reviews/{review.id}/calibration/release")
    following = hr.get(asked.headers["Location"])  # the job has not run yet: follow it
    assert following.status_code == 303 and "followed=" in following.headers["Location"]
    run_jobs()  # it ends before the board is drawn, so the board's polling never starts
    shown = hr.get(following.headers["Location"])
    assert "2 results released and ranked inside each department." in flashes(shown)


def test_a_release_that_ends_while_the_board_is_drawn_is_polled_or_announced(
    client, login, make_person, make_department, run_jobs
):
    """The board reads the job it follows once: it ending right after that read still leaves the
    board polling it (which says what it did), never a board that neither polls nor says."""
    org = build_org(make_person, make_department, per_manager=2)
    review = open_cycle_review(org)
    for person in org.staff:
        rated_and_final(org, person, "80")
    hr = login(org.hr)
    asked = hr.post(f"/reviews/{review.id}/calibration/release")
    following = hr.get(asked.headers["Location"])
    job_id = int(following.headers["Location"].rsplit("followed=", 1)[1])
    ran: list[int] = []
    reads: list[str] = []

    def end_after_the_first_read(_conn, _cursor, statement, *_args):
        if not reads and re.match(r"SELECT\b.*\bFROM job\b", statement, re.S):
            reads.append(statement)
            ran.extend(run_jobs())  # the worker finishes it just after the board read it

    event.listen(db.engine, "after_cursor_execute", end_after_the_first_read)
    try:
        shown = hr.get(following.headers["Location"])
    finally:
        event.remove(db.engine, "after_cursor_execute", end_after_the_first_read)
    assert ran == [job_id]
    polled = f'hx-get="/reviews/{review.id}/calibration/jobs/{job_id}"' in shown.text
    announced = "2 results released and ranked inside each department." in flashes(shown)
    assert polled or announced
