"""Issue 11's "done when", end to end: the planner's notices reach people through the real SMTP
server and a DingTalk robot receiver, on a clock the test sets (the planner's `now`, the
delivery's `now`, the robot's clock), never by sleeping.

A person who has not checked in by Friday 16:00 (Shanghai) gets exactly one message on their
channel and nothing after checking in; the one who stays behind gets Sunday's nudge; the
manager's digest lists exactly the report still missing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from okr.checkins.services import record_checkin
from okr.extensions import db
from okr.notify import channels
from okr.notify.channel_models import NoticePreference
from okr.notify.delivery import deliver_due
from okr.reminders.planner import plan
from tests.factories import approved_objective, kr_row, q4_cycle
from tests.notify.receivers import Receiver, running
from tests.notify.smtp import smtp_server

MONDAY = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)  # week 49 of 2026
FRIDAY_DUE = datetime(2026, 12, 4, 8, 0, tzinfo=UTC)  # Friday 16:00 in Shanghai
FRIDAY_LATER = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
FRIDAY_DIGEST = datetime(2026, 12, 4, 10, 0, tzinfo=UTC)  # 18:00, the manager's digest
SUNDAY_NUDGE = datetime(2026, 12, 6, 2, 0, tzinfo=UTC)  # Sunday 10:00


@pytest.fixture
def mailbox(app, tmp_path):
    with smtp_server(tmp_path) as box:
        app.config.update(
            SMTP_HOST="127.0.0.1", SMTP_PORT=box.port, BASE_URL="https://okr.example.cn"
        )
        yield box


def _tick(moment: datetime, robot: Receiver) -> None:
    """What the worker's minute does at `moment`: plan, commit, deliver what is due."""
    robot.now = moment
    plan(moment)
    db.session.commit()
    deliver_due(moment)
    db.session.commit()


def _recipients(mailbox) -> list[str]:
    return [m["To"].addresses[0].addr_spec for m in mailbox.mails()]


def test_one_message_each_on_their_channel_and_none_after_checking_in(
    app, mailbox, make_person, make_department
):
    app.config["DEFAULT_LOCALE"] = "zh"
    team = make_department("推广组")
    cycle = q4_cycle("running")
    lead = make_person("吴昊", department=team, email="lead@example.cn")
    people, krs = {}, {}
    for name, email in (
        ("王芳", "fang@example.cn"),
        ("张伟", "wei@example.cn"),
        ("李娜", "na@x.cn"),
    ):
        people[name] = make_person(name, department=team, manager=lead, email=email)
        objective = approved_objective(cycle, f"{name}的目标", "individual", people[name])
        krs[name] = kr_row(objective, "粉丝数", start="0", target="100")
    record_checkin(krs["李娜"], "10", "on_track", "", people["李娜"], None, MONDAY)
    db.session.add(
        NoticePreference(person_id=people["张伟"].id, channel="chat", chat_user_id="ding-0042")
    )
    db.session.commit()
    with running(Receiver("dingtalk", "team-token-0000001", "SECteam")) as robot:
        channels.save_channel(
            channels.ChannelData(
                "推广组群", "dingtalk", team.id, True, ["people"], True, robot.webhook, "SECteam"
            )
        )
        db.session.commit()

        _tick(FRIDAY_DUE, robot)
        assert _recipients(mailbox) == ["fang@example.cn"]  # 李娜 checked in on Monday
        (due,) = robot.requests
        assert "ding-0042" in str(due["body"])
        assert "https://okr.example.cn/week/" in str(due["body"])

        record_checkin(krs["王芳"], "30", "on_track", "", people["王芳"], None, FRIDAY_LATER)
        db.session.commit()
        _tick(FRIDAY_LATER, robot)
        assert len(mailbox.mails()) == 1 and len(robot.requests) == 1  # nothing twice

        _tick(FRIDAY_DIGEST, robot)
        digest = mailbox.mails()[-1]
        assert digest["To"].addresses[0].addr_spec == "lead@example.cn"
        text = digest.get_body(("plain",)).get_content()
        assert "张伟" in text and "王芳" not in text and "李娜" not in text

        _tick(SUNDAY_NUDGE, robot)
        assert len(robot.requests) == 2 and "ding-0042" in str(robot.requests[1]["body"])
    assert _recipients(mailbox) == ["fang@example.cn", "lead@example.cn"]  # 王芳: no nudge
