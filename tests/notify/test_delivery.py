"""Delivering the outbox (okr.notify.delivery): routing by each person's choice and by the
channels covering a department, opt-out vs mandatory, still-due checks, back-off and never
twice, through the real SMTP server and robot receivers; a person's choices page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from okr.extensions import db
from okr.notify import channels
from okr.notify.channel_models import Delivery, NoticePreference
from okr.notify.delivery import deliver_due
from okr.notify.kinds import notice_kind
from okr.notify.models import Notice
from okr.notify.outbox import Post, post
from tests.helpers import ZH, field_error
from tests.notify.receivers import RATE_LIMITED, Receiver, running
from tests.notify.smtp import smtp_server

NOW = datetime(2026, 12, 4, 8, 0, tzinfo=UTC)
DONE: set[str] = set()  # the still-due check of "test.due": params["what"] not done yet

notice_kind(
    "test.due",
    _l("Test: due"),
    sample=lambda: ("t", [], None),
    still_due=lambda notices: [n.params["what"] not in DONE for n in notices],
)
notice_kind("test.digest", _l("Test: digest"), sample=lambda: ("t", [], None), digest=True)


@pytest.fixture
def mailbox(app, tmp_path):
    with smtp_server(tmp_path) as box:
        app.config.update(
            SMTP_HOST="127.0.0.1", SMTP_PORT=box.port, BASE_URL="https://okr.example.cn"
        )
        yield box


def _post(person=None, department=None, kind="test.due", key="k1", mandatory=False, **params):
    post(
        [
            Post(
                kind,
                key,
                "本周进展待更新",
                ["2 个关键结果本周尚未更新"],
                "/week/",
                person_id=person.id if person else None,
                department_id=department.id if department else None,
                mandatory=mandatory,
                params={"what": key, **params},
            )
        ]
    )
    db.session.commit()


def _channel(receiver, department=None, subtree=True, kinds=("people",), name="群"):
    data = channels.ChannelData(
        name,
        receiver.platform,
        department.id if department else None,
        subtree,
        list(kinds),
        True,
        receiver.webhook,
        receiver.secret or "",
    )
    channel = channels.save_channel(data)
    db.session.commit()
    return channel


def _status(key="k1"):
    db.session.expire_all()
    return db.session.scalar(select(Notice).where(Notice.key == key))


def test_a_person_gets_one_mail_in_their_language_with_the_link(app, mailbox, make_person):
    person = make_person("李娜", locale="zh")
    _post(person)
    assert deliver_due(NOW).counts == {"sent": 1}
    assert deliver_due(NOW).counts == {}
    (mail,) = mailbox.mails()
    assert mail["Subject"] == "本周进展待更新" and mail["To"].addresses[0].display_name == "李娜"
    html = mail.get_body(("html",)).get_content()
    assert '<a href="https://okr.example.cn/week/">在 OKR 中打开</a>' in html
    notice = _status()
    assert (notice.status, notice.attempts, notice.sent_at) == ("sent", 1, NOW)
    (log,) = db.session.scalars(select(Delivery)).all()
    assert (log.via, log.target, log.status) == ("email", person.email, "sent")


def test_a_notice_not_yet_due_waits_for_its_time(app, mailbox, make_person):
    person = make_person()
    post(
        [
            Post(
                "test.due",
                "k1",
                "t",
                person_id=person.id,
                params={"what": "k1"},
                not_before=NOW + timedelta(hours=9),
            )
        ]
    )
    db.session.commit()
    assert deliver_due(NOW).counts == {}
    assert deliver_due(NOW + timedelta(hours=9)).counts == {"sent": 1}


def test_no_longer_due_is_skipped_and_nothing_sent(app, mailbox, make_person):
    person = make_person()
    _post(person, key="done-already")
    DONE.add("done-already")
    try:
        assert deliver_due(NOW).counts == {"skipped": 1}
    finally:
        DONE.discard("done-already")
    assert (_status("done-already").status, _status("done-already").outcome) == (
        "skipped",
        "no longer due",
    )
    assert mailbox.mails() == []


def test_a_broken_still_due_check_holds_back_only_its_own_notice(app, mailbox, make_person):
    person = make_person()
    post([Post("test.due", "no-params", "t", person_id=person.id)])  # its check reads params
    _post(person, key="fine")
    db.session.commit()
    assert deliver_due(NOW).counts == {"skipped": 1, "sent": 1}
    assert _status("no-params").outcome == "its still-due check failed"
    assert len(mailbox.mails()) == 1


def test_opted_out_skips_the_optional_and_keeps_the_mandatory(app, mailbox, make_person):
    person = make_person()
    db.session.add(NoticePreference(person_id=person.id, opted_out=True))
    db.session.commit()
    _post(person, key="optional")
    _post(person, key="mandatory", mandatory=True)
    assert deliver_due(NOW).counts == {"skipped": 1, "sent": 1}
    assert _status("optional").outcome == "opted out"
    assert len(mailbox.mails()) == 1


def test_chat_goes_to_the_nearest_channel_with_a_mention(app, make_person, make_department):
    top = make_department("市场中心")
    team = make_department("推广组", parent=top)
    person = make_person(department=team)
    db.session.add(NoticePreference(person_id=person.id, channel="chat", chat_user_id="ding-0042"))
    db.session.commit()
    with (
        running(Receiver("dingtalk", "company-token-0001", "SECcompany", now=NOW)) as company,
        running(Receiver("wecom", "team-key-00000001", None, now=NOW)) as near,
    ):
        _channel(company, None, name="全公司")
        _channel(near, top, subtree=True, name="市场中心群")
        _post(person)
        assert deliver_due(NOW).counts == {"sent": 1}
    assert company.requests == []
    (request,) = near.requests
    assert "<@ding-0042>" in request["body"]["markdown"]["content"]
    assert db.session.scalar(select(Delivery.target)) == "市场中心群"


def test_chat_without_a_channel_falls_back_to_email(app, mailbox, make_person):
    person = make_person()
    db.session.add(NoticePreference(person_id=person.id, channel="chat"))
    db.session.commit()
    _post(person)
    assert deliver_due(NOW).counts == {"sent": 1} and len(mailbox.mails()) == 1


def test_a_digest_goes_to_every_channel_covering_the_department(app, make_department):
    top = make_department("市场中心")
    team = make_department("推广组", parent=top)
    with (
        running(Receiver("feishu", "hook-top-000000001", "s1", now=NOW)) as subtree,
        running(Receiver("feishu", "hook-only-00000001", "s2", now=NOW)) as itself,
        running(Receiver("feishu", "hook-other-0000001", "s3", now=NOW)) as other_kind,
    ):
        _channel(subtree, top, subtree=True, kinds=("test.digest",))
        _channel(itself, top, subtree=False, kinds=("test.digest",))
        _channel(other_kind, team, kinds=("people",))
        _post(department=team, kind="test.digest", key="d-team")
        _post(department=top, kind="test.digest", key="d-top")
        assert deliver_due(NOW).counts == {"sent": 2}
    assert len(subtree.requests) == 2 and len(itself.requests) == 1 and other_kind.requests == []


def test_a_digest_no_channel_takes_is_skipped(app, make_department):
    _post(department=make_department(), kind="test.digest")
    assert deliver_due(NOW).counts == {"skipped": 1}
    assert _status().outcome == "no channel takes it"


def test_a_retry_sends_only_to_the_channels_that_had_not_accepted(app, make_department):
    team = make_department()
    with (
        running(Receiver("dingtalk", "accepting-000001", "SECa", now=NOW)) as fine,
        running(Receiver("dingtalk", "limited-00000001", "SECb", now=NOW)) as limited,
    ):
        _channel(fine, team, kinds=("test.digest",))
        _channel(limited, team, kinds=("test.digest",))
        limited.answer_next(200, RATE_LIMITED["dingtalk"])
        _post(department=team, kind="test.digest")
        assert deliver_due(NOW).counts == {"retry": 1}
        notice = _status()
        assert (notice.status, notice.attempts, notice.next_attempt_at) == (
            "queued",
            1,
            NOW + timedelta(seconds=60),
        )
        assert "130101" in notice.outcome
        assert deliver_due(NOW + timedelta(seconds=59)).counts == {}
        assert deliver_due(NOW + timedelta(seconds=60)).counts == {"sent": 1}
    assert len(fine.requests) == 1 and len(limited.requests) == 2


def test_retries_back_off_and_fail_after_the_limit(app, make_person):
    app.config.update(NOTIFY_MAX_ATTEMPTS=3, SMTP_HOST="127.0.0.1", SMTP_PORT=9, SMTP_TIMEOUT=1)
    _post(make_person())
    moment = NOW
    for delay in (60, 120):
        assert deliver_due(moment).counts == {"retry": 1}
        assert _status().next_attempt_at == moment + timedelta(seconds=delay)
        moment += timedelta(seconds=delay)
    assert deliver_due(moment).counts == {"failed": 1}
    notice = _status()
    assert (notice.status, notice.attempts) == ("failed", 3) and "refused" in notice.outcome.lower()
    assert len(db.session.scalars(select(Delivery)).all()) == 3


def test_a_run_killed_while_sending_never_sends_again(app, mailbox, make_person):
    _post(make_person())
    notice = _status()
    notice.status, notice.attempts = "sending", 1  # as a run killed after marking leaves it
    db.session.commit()
    assert deliver_due(NOW).counts == {}
    assert _status().status == "failed" and "interrupted" in _status().outcome
    assert mailbox.mails() == []


def test_delivery_reads_people_and_channels_once_per_batch(
    app, mailbox, make_person, count_queries
):
    app.config["NOTIFY_BATCH"] = 100
    selects = []
    for size in (3, 12):
        for n in range(size):
            _post(make_person(), key=f"{size}-{n}")
        with count_queries() as counted:
            assert deliver_due(NOW).counts == {"sent": size}
        selects.append(
            sum(1 for s in counted.statements if s.lstrip().upper().startswith("SELECT"))
        )
    assert selects[0] == selects[1]


def test_my_notices_page_saves_my_choice(app, client, login, make_person, make_department):
    person = make_person(department=make_department())
    login(person)
    page = client.get("/notify/preferences")
    assert page.status_code == 200 and "No group chat of your department" in page.get_data(
        as_text=True
    )
    refused = client.post("/notify/preferences", data={"channel": "chat"})
    assert refused.status_code == 422 and "No group chat" in field_error(refused, "channel")
    refused = client.post("/notify/preferences", data={"channel": "chat"}, headers=ZH)
    assert "还没有" in field_error(refused, "channel")
    saved = client.post("/notify/preferences", data={"channel": "email", "opted_out": "y"})
    assert saved.status_code == 303
    assert db.session.get(NoticePreference, person.id).opted_out is True
    assert 'href="/notify/preferences"' in client.get("/account").get_data(as_text=True)


def test_my_notices_page_needs_a_sign_in(app, client):
    assert client.get("/notify/preferences").status_code == 302
