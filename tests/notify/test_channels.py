"""HR's channels: admin only, webhook and secret encrypted and never shown again, bad input 422
beside the field in both languages, and "send a test message" delivered by the job."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest
from cryptography.fernet import InvalidToken
from sqlalchemy import select

from okr.extensions import db
from okr.jobs.models import Job
from okr.notify import channels, secrets
from okr.notify.channel_models import Channel, Delivery
from okr.notify.delivery import deliver_due
from okr.notify.models import Notice
from tests.helpers import ZH, field_error
from tests.notify.receivers import RATE_LIMITED, Receiver, running

NOW = datetime(2026, 12, 4, 8, 0, tzinfo=UTC)
TOKEN = "d1ngta1k-t0ken-0123456789abcdef"
SECRET = "SEC5ecret-signing-key-0123456789"


def _form(hook: str, **extra: object) -> dict[str, object]:
    return {
        "name": "市场部钉钉群",
        "platform": "dingtalk",
        "department": "",
        "subtree": "y",
        "kinds": ["people"],
        "rich": "y",
        "webhook": hook,
        "secret": SECRET,
        **extra,
    }


def _dingtalk_hook(port: int = 9) -> str:
    return f"http://127.0.0.1:{port}/robot/send?access_token={TOKEN}"


@pytest.fixture
def saved(app, admin) -> Channel:
    data = channels.ChannelData(
        "市场部钉钉群", "dingtalk", None, True, ["people"], True, _dingtalk_hook(), SECRET
    )
    channel = channels.save_channel(data)
    db.session.commit()
    return channel


def test_every_channel_page_is_for_hr_only(app, make_person, login, saved):
    client = login(make_person("普通员工"))
    cid = saved.id
    for method, url in [
        ("get", "/notify/channels"),
        ("get", "/notify/channels/new"),
        ("post", "/notify/channels/new"),
        ("get", f"/notify/channels/{cid}/edit"),
        ("post", f"/notify/channels/{cid}/edit"),
        ("post", f"/notify/channels/{cid}/delete"),
        ("post", f"/notify/channels/{cid}/test"),
        ("post", "/notify/test-email"),
        ("get", "/notify/log"),
        ("get", "/notify/preview"),
    ]:
        assert getattr(client, method)(url).status_code == 403, url
    assert db.session.get(Channel, cid) is not None
    assert db.session.scalar(select(Notice.id)) is None


def test_a_saved_webhook_and_secret_are_encrypted_and_never_shown_again(app, admin, login):
    client = login(admin)
    response = client.post("/notify/channels/new", data=_form(_dingtalk_hook()))
    assert response.status_code == 303
    channel = db.session.scalar(select(Channel))
    assert TOKEN not in channel.webhook and SECRET not in (channel.secret or "")
    assert channels.credentials(channel) == (_dingtalk_hook(), SECRET)
    for page in ("/notify/channels", f"/notify/channels/{channel.id}/edit"):
        html = client.get(page).get_data(as_text=True)
        assert TOKEN not in html and SECRET not in html and TOKEN[:8] not in html
        assert "http://127.0.0.1:9/…cdef" in html


def test_editing_without_retyping_keeps_the_webhook_and_secret(app, admin, login, saved):
    client = login(admin)
    response = client.post(
        f"/notify/channels/{saved.id}/edit", data=_form("", secret="", name="销售群", subtree="")
    )
    assert response.status_code == 303
    db.session.expire_all()
    channel = db.session.get(Channel, saved.id)
    assert (channel.name, channel.subtree) == ("销售群", False)
    assert channels.credentials(channel) == (_dingtalk_hook(), SECRET)
    client.post(f"/notify/channels/{saved.id}/edit", data=_form("", secret="", clear_secret="y"))
    db.session.expire_all()
    assert db.session.get(Channel, saved.id).secret is None


@pytest.mark.parametrize(
    ("changes", "field", "english", "chinese"),
    [
        ({"webhook": "not a url"}, "webhook", "Enter the webhook address", "请输入"),
        (
            {"webhook": "https://oapi.dingtalk.com/other"},
            "webhook",
            "A DingTalk webhook looks like",
            "钉钉",
        ),
        ({"secret": "abc"}, "secret", "starts with SEC", "SEC"),
        (
            {
                "platform": "wecom",
                "webhook": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k",
            },
            "secret",
            "no signing secret",
            "企业微信",
        ),
        ({"kinds": []}, "kinds", "at least one kind", "至少"),
    ],
)
def test_bad_input_is_refused_beside_the_field_in_both_languages(
    app, admin, login, changes, field, english, chinese
):
    client = login(admin)
    response = client.post("/notify/channels/new", data=_form(_dingtalk_hook(), **changes))
    assert response.status_code == 422
    assert english in field_error(response, field)
    assert SECRET not in response.get_data(as_text=True)
    admin.locale = "zh"
    db.session.commit()
    response = client.post(
        "/notify/channels/new", data=_form(_dingtalk_hook(), **changes), headers=ZH
    )
    assert response.status_code == 422 and chinese in field_error(response, field)
    assert db.session.scalar(select(Channel)) is None


def test_deleting_a_channel(app, admin, login, saved):
    response = login(admin).post(f"/notify/channels/{saved.id}/delete")
    assert response.status_code == 303
    assert db.session.scalar(select(Channel)) is None


def test_a_test_message_is_queued_sent_by_the_job_and_its_result_shown(app, admin, login, caplog):
    caplog.set_level(logging.DEBUG)
    receiver = Receiver("dingtalk", TOKEN, SECRET, now=NOW)
    with running(receiver):
        data = channels.ChannelData(
            "钉钉群", "dingtalk", None, True, ["people"], True, receiver.webhook, SECRET
        )
        channel = channels.save_channel(data)
        db.session.commit()
        client = login(admin)
        assert client.post(f"/notify/channels/{channel.id}/test").status_code == 303
        notice = db.session.scalar(select(Notice))
        assert (notice.kind, notice.params, notice.status) == (
            "notify.test",
            {"channel_id": channel.id},
            "queued",
        )
        assert db.session.scalar(select(Job.kind)) == "notify.deliver"
        receiver.answer_next(200, RATE_LIMITED["dingtalk"])
        assert deliver_due(NOW).counts == {"retry": 1}
        assert deliver_due(NOW).counts == {}  # backing off
        later = NOW.replace(minute=5)
        assert deliver_due(later).counts == {"sent": 1}
    html = client.get("/notify/channels").get_data(as_text=True)
    assert "sent" in html and "0: ok" in html
    statuses = db.session.scalars(select(Delivery.status).order_by(Delivery.id)).all()
    assert statuses == ["retry", "sent"]
    assert len(receiver.requests) == 2
    assert TOKEN not in caplog.text and SECRET not in caplog.text
    assert "test message" in receiver.requests[-1]["body"]["markdown"]["text"].lower()


def test_the_key_can_be_a_separate_setting(app):
    app.config["NOTIFY_KEY"] = "x" * 43 + "="
    token = secrets.encrypt("https://example.cn/hook")
    assert secrets.decrypt(token) == "https://example.cn/hook"
    app.config["NOTIFY_KEY"] = ""
    with pytest.raises(InvalidToken):
        secrets.decrypt(token)


def test_a_test_email_reaches_hr_through_the_mail_server(app, admin, login, tmp_path):
    from tests.notify.smtp import smtp_server

    with smtp_server(tmp_path) as mailbox:
        app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=mailbox.port)
        assert login(admin).post("/notify/test-email").status_code == 303
        assert deliver_due(NOW).counts == {"sent": 1}
    (mail,) = mailbox.mails()
    assert (
        mail["Subject"] == "Test message from OKR" and mail["To"].addresses[0].username == "admin"
    )
