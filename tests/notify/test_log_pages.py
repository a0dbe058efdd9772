"""HR's delivery log (paged, filtered, totals) and preview (each kind on each channel)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from okr.extensions import db
from okr.notify.channel_models import Delivery
from okr.notify.models import Notice
from okr.notify.outbox import Post, post
from tests.helpers import HTMX, ZH, text

NOW = datetime(2026, 12, 4, 8, 0, tzinfo=UTC)


@pytest.fixture
def logged(app, make_person):
    lina, tom = make_person("李娜"), make_person("Tom Smith", email="tom@example.com")
    post(
        [
            Post("notify.test", "a", "测试甲", person_id=lina.id),
            Post("notify.test", "b", "测试乙", person_id=tom.id),
        ]
    )
    db.session.flush()
    ids = {n.key: n.id for n in db.session.query(Notice).all()}
    db.session.add_all(
        [
            Delivery(
                notice_id=ids["a"],
                via="email",
                target=lina.email,
                status="sent",
                answer="250 accepted",
                at=NOW,
            ),
            Delivery(
                notice_id=ids["b"],
                via="dingtalk",
                target="钉钉群",
                status="retry",
                answer="130101: send too fast",
                at=NOW,
            ),
            Delivery(
                notice_id=ids["b"],
                via="dingtalk",
                target="钉钉群",
                status="failed",
                answer="310000: sign not match",
                at=NOW,
            ),
        ]
    )
    db.session.commit()
    return lina, tom


def test_the_log_is_for_hr_only(app, login, logged):
    client = login(logged[0])
    assert client.get("/notify/log").status_code == 403
    assert client.get("/notify/preview").status_code == 403


def test_the_log_shows_every_attempt_with_totals(app, login, admin, logged):
    page = text(login(admin).get("/notify/log"))
    assert "310000: sign not match" in page and "250 accepted" in page and "李娜" in page
    assert "sent: 1" in page and "retry later: 1" in page and "failed: 1" in page


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("status=failed", ["sign not match"], ["250 accepted", "send too fast"]),
        ("person=tom%40example", ["send too fast"], ["250 accepted"]),
        ("person=李", ["250 accepted"], ["sign not match"]),
        ("kind=other.kind", [], ["250 accepted", "sign not match"]),
    ],
)
def test_the_log_filters(app, login, admin, logged, query, shown, hidden):
    response = login(admin).get(f"/notify/log?{query}", headers=HTMX)
    body = text(response)
    assert "<html" not in body and 'id="delivery-log"' in body
    assert all(s in body for s in shown) and not any(h in body for h in hidden)


def test_the_log_is_paged(app, login, admin, logged):
    app.config["PAGE_SIZE"] = 2
    client = login(admin)
    first, second = text(client.get("/notify/log")), text(client.get("/notify/log?page=2"))
    assert "sign not match" in first and "250 accepted" not in first
    assert "250 accepted" in second and "Page 2 of 2" in second


def test_the_preview_shows_each_kind_on_each_channel(app, login, admin):
    app.config["BASE_URL"] = "https://okr.example.cn"
    body = text(login(admin).get("/notify/preview"))
    assert "Test message from OKR" in body and "https://okr.example.cn/" in body
    for platform in (
        '"msgtype": "markdown"',
        '"msg_type": "interactive"',
        "DingTalk",
        "Feishu",
        "WeCom",
    ):
        assert platform in body
    admin.locale = "zh"
    db.session.commit()
    body = text(login(admin).get("/notify/preview", headers=ZH))
    assert "来自 OKR 的测试消息" in body and "在 OKR 中打开" in body
