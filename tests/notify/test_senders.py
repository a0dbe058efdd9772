"""The senders against real parts: local robot receivers that check each request as the
platform documents it, and an aiosmtpd server (plain, STARTTLS + AUTH, SSL)."""

from __future__ import annotations

import logging
import smtplib
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from okr.notify import mail, robots
from okr.notify.message import Message, absolute_url
from tests.notify.receivers import BAD_HOOK, KEYWORD_MISSING, OK, RATE_LIMITED, Receiver, running
from tests.notify.smtp import PASSWORD, USER, smtp_server

NOW = datetime(2026, 12, 4, 8, 0, tzinfo=UTC)
TOKEN = "tok3n-5ecret-abcdef123456"
SECRET = "SECa1b2c3d4e5f6-signing"
MESSAGE = Message(
    title="本周进展待更新",
    lines=("2 个关键结果本周尚未更新",),
    url="https://okr.example.cn/week/",
    link_label="打开 OKR",
    mention="user-0017",
)
PLATFORMS = ["dingtalk", "feishu", "wecom"]


def _receiver(platform: str, secret: str | None = SECRET) -> Receiver:
    return Receiver(platform, TOKEN, secret if platform != "wecom" else None, now=NOW)


@pytest.mark.parametrize("platform", PLATFORMS)
@pytest.mark.parametrize("rich", [True, False])
def test_a_robot_message_is_accepted_as_documented(platform, rich):
    with running(_receiver(platform)) as receiver:
        outcome = robots.send(
            platform, receiver.webhook, receiver.secret, MESSAGE, now=NOW, rich=rich
        )
    assert outcome.sent, outcome.answer
    (request,) = receiver.requests
    text = str(request["body"])
    assert "本周进展待更新" in text and MESSAGE.url in text and "user-0017" in text


def test_dingtalk_markdown_mentions_the_person_in_text_and_at():
    with running(_receiver("dingtalk")) as receiver:
        robots.send("dingtalk", receiver.webhook, SECRET, MESSAGE, now=NOW)
    body = receiver.requests[0]["body"]
    assert body["at"] == {"atUserIds": ["user-0017"], "isAtAll": False}
    assert "@user-0017" in body["markdown"]["text"]
    assert "[打开 OKR](https://okr.example.cn/week/)" in body["markdown"]["text"]
    assert receiver.requests[0]["query"]["timestamp"] == str(int(NOW.timestamp() * 1000))


def test_feishu_card_has_a_button_to_the_page():
    with running(_receiver("feishu")) as receiver:
        robots.send("feishu", receiver.webhook, SECRET, MESSAGE, now=NOW)
    body = receiver.requests[0]["body"]
    assert body["timestamp"] == str(int(NOW.timestamp()))
    (button,) = body["card"]["elements"][1]["actions"]
    assert button["url"] == MESSAGE.url and button["text"]["content"] == "打开 OKR"
    assert "<at id=user-0017></at>" in body["card"]["elements"][0]["text"]["content"]


@pytest.mark.parametrize("platform", ["dingtalk", "feishu"])
def test_a_wrong_secret_fails_for_good_with_the_platforms_words(platform):
    with running(_receiver(platform)) as receiver:
        outcome = robots.send(platform, receiver.webhook, "SECwrong", MESSAGE, now=NOW)
    assert outcome.status == "failed"
    assert ("sign not match" if platform == "dingtalk" else "sign match fail") in outcome.answer


@pytest.mark.parametrize("platform", ["dingtalk", "feishu"])
def test_a_timestamp_outside_the_hour_is_refused(platform):
    receiver = _receiver(platform)
    with running(receiver):
        late = robots.send(
            platform, receiver.webhook, SECRET, MESSAGE, now=NOW - timedelta(hours=2)
        )
        within = robots.send(
            platform, receiver.webhook, SECRET, MESSAGE, now=NOW - timedelta(minutes=50)
        )
    assert (late.status, within.status) == ("failed", "sent")


@pytest.mark.parametrize("platform", PLATFORMS)
def test_an_invalid_webhook_fails_and_never_shows_the_token(platform):
    with running(_receiver(platform)) as receiver:
        wrong = receiver.webhook.replace(TOKEN, "0ther-t0ken-999999")
        outcome = robots.send(platform, wrong, receiver.secret, MESSAGE, now=NOW)
    assert outcome.status == "failed"
    assert (
        str(BAD_HOOK[platform].get("errmsg", BAD_HOOK[platform].get("msg")))[:12] in outcome.answer
    )
    assert "0ther-t0ken" not in outcome.answer and SECRET not in outcome.answer


@pytest.mark.parametrize("platform", PLATFORMS)
def test_rate_limited_is_retried_later(platform):
    with running(_receiver(platform)) as receiver:
        receiver.answer_next(200, RATE_LIMITED[platform])
        limited = robots.send(platform, receiver.webhook, receiver.secret, MESSAGE, now=NOW)
        again = robots.send(platform, receiver.webhook, receiver.secret, MESSAGE, now=NOW)
    assert limited.status == "retry" and again.sent
    assert str(next(iter(RATE_LIMITED[platform].values())))[:5] in limited.answer


@pytest.mark.parametrize("platform", ["dingtalk", "feishu"])
def test_a_missing_keyword_fails_for_good(platform):
    with running(_receiver(platform)) as receiver:
        receiver.answer_next(200, KEYWORD_MISSING[platform])
        outcome = robots.send(platform, receiver.webhook, SECRET, MESSAGE, now=NOW)
    assert outcome.status == "failed" and "ey" in outcome.answer.lower()


@pytest.mark.parametrize("status", [500, 502, 429])
def test_server_errors_are_retried_and_client_errors_are_not(status):
    with running(_receiver("wecom")) as receiver:
        receiver.answer_next(status, {"errcode": -1, "errmsg": "system busy"})
        receiver.answer_next(404, b"not found")
        first = robots.send("wecom", receiver.webhook, None, MESSAGE, now=NOW)
        second = robots.send("wecom", receiver.webhook, None, MESSAGE, now=NOW)
    assert first.status == "retry" and f"HTTP {status}" in first.answer
    assert second.status == "failed" and "HTTP 404" in second.answer


def test_a_refused_connection_is_retried_without_the_webhook_in_the_answer():
    with running(_receiver("wecom")) as receiver:
        webhook = receiver.webhook
    outcome = robots.send("wecom", webhook, None, MESSAGE, now=NOW, timeout=2)
    assert outcome.status == "retry" and TOKEN not in outcome.answer


def test_a_success_body_that_is_not_json_is_a_failure():
    with running(_receiver("wecom")) as receiver:
        receiver.answer_next(200, b"<html>proxy login</html>")
        outcome = robots.send("wecom", receiver.webhook, None, MESSAGE, now=NOW)
    assert outcome.status == "failed" and "not JSON" in outcome.answer
    assert OK["wecom"]["errcode"] == 0


def test_links_are_made_absolute_with_the_base_url():
    assert absolute_url("https://okr.example.cn/", "/week/") == "https://okr.example.cn/week/"
    assert absolute_url("https://okr.example.cn/app", "team/") == "https://okr.example.cn/app/team/"
    assert absolute_url("https://x", None) is None


def _smtp(mailbox, security="none", auth=False) -> mail.Smtp:
    return mail.Smtp(
        host="127.0.0.1",
        port=mailbox.port,
        security=security,
        username=USER if auth else "",
        password=PASSWORD if auth else "",
        sender="okr@example.cn",
        sender_name="OKR 提醒",
        timeout=5,
        ca_file=mailbox.ca_file,
    )


def _mail(settings: mail.Smtp, language: str = "zh"):
    html = mail.html(MESSAGE, language)
    return mail.build(MESSAGE, "李娜", "lina@example.cn", html, settings, NOW)


@pytest.mark.parametrize(("security", "auth"), [("none", False), ("starttls", True), ("ssl", True)])
def test_a_mail_arrives_with_chinese_headers_text_html_and_the_link(app, tmp_path, security, auth):
    with smtp_server(tmp_path, security, auth) as mailbox:
        settings = _smtp(mailbox, security, auth)
        outcome = mail.send(_mail(settings), settings)
    assert outcome.sent, outcome.answer
    (received,) = mailbox.mails()
    assert mailbox.envelopes[0].rcpt_tos == ["lina@example.cn"]
    raw = mailbox.envelopes[0].content.decode("ascii")  # headers encoded, nothing raw
    assert "=?utf-8?" in raw.split("\r\n\r\n")[0].lower()
    assert received["Subject"] == "本周进展待更新"
    assert received["To"].addresses[0].display_name == "李娜"
    assert received["From"].addresses[0].display_name == "OKR 提醒"
    assert received["Message-ID"].endswith("@example.cn>") and received["Date"].datetime == NOW
    text = received.get_body(("plain",)).get_content()
    html = received.get_body(("html",)).get_content()
    assert "2 个关键结果本周尚未更新" in text and MESSAGE.url in text
    assert f'<a href="{MESSAGE.url}">打开 OKR</a>' in html and 'lang="zh-CN"' in html


def test_wrong_credentials_fail_for_good_and_the_password_is_never_told(app, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    with smtp_server(tmp_path, "starttls", auth=True) as mailbox:
        settings = replace(_smtp(mailbox, "starttls", True), password="wrong-" + PASSWORD)
        outcome = mail.send(_mail(settings), settings)
    assert outcome.status == "failed" and "535" in outcome.answer
    assert PASSWORD not in outcome.answer and PASSWORD not in caplog.text


def test_an_untrusted_certificate_fails_for_good(app, tmp_path):
    with smtp_server(tmp_path, "ssl") as mailbox:
        settings = replace(_smtp(mailbox, "ssl"), ca_file="")
        outcome = mail.send(_mail(settings), settings)
    assert outcome.status == "failed" and "CERTIFICATE_VERIFY_FAILED" in outcome.answer


def test_a_temporary_refusal_is_retried_and_a_server_away_too(app, tmp_path):
    with smtp_server(tmp_path) as mailbox:
        mailbox.refuse_with = "451 4.3.0 Mailbox busy, try again later"
        settings = _smtp(mailbox)
        busy = mail.send(_mail(settings), settings)
    away = mail.send(_mail(settings), settings)
    assert busy.status == "retry" and "451" in busy.answer
    assert away.status == "retry"
    assert isinstance(smtplib.SMTP, type)
