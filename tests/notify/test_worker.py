"""A real `flask jobs worker` delivers the outbox through the real SMTP server, once."""

from __future__ import annotations

import threading

from sqlalchemy import select

from okr.extensions import db
from okr.jobs.models import Job
from okr.notify.channel_models import NoticePreference
from okr.notify.channels import ChannelData, save_channel
from okr.notify.delivery_job import ask_for_delivery
from okr.notify.models import Notice
from okr.notify.outbox import Post, post
from tests.jobs.harness import wait_for
from tests.notify.receivers import Receiver, running
from tests.notify.smtp import smtp_server


def test_a_worker_delivers_each_notice_once(app, job_workers, make_person, tmp_path, monkeypatch):
    people = [make_person("王芳", locale="zh"), make_person("Tom", locale="en")]
    with smtp_server(tmp_path) as mailbox:
        monkeypatch.setenv("OKR_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("OKR_SMTP_PORT", str(mailbox.port))
        monkeypatch.setenv("OKR_BASE_URL", "https://okr.example.cn")
        posts = [
            Post("worker.test", f"w:{p.id}", "本周进展待更新", [], "/week/", person_id=p.id)
            for p in people
        ]
        post(posts)
        first = ask_for_delivery()
        assert ask_for_delivery().id == first.id  # one active at a time
        db.session.commit()
        job_workers.start(workers=2)
        wait_for(lambda: db.session.get(Job, first.id).status == "done", "the delivery job")
        post(
            [
                *posts,
                Post("worker.test", "w:late", "迟到的提醒", [], "/week/", person_id=people[0].id),
            ]
        )
        second = ask_for_delivery()
        db.session.commit()
        assert second.id != first.id
        wait_for(lambda: db.session.get(Job, second.id).status == "done", "the second job")
        statuses = db.session.scalars(select(Notice.status).order_by(Notice.id)).all()
        mails = mailbox.mails()
    assert statuses == ["sent", "sent", "sent"], job_workers.log()
    assert sorted(m["Subject"] for m in mails) == ["本周进展待更新", "本周进展待更新", "迟到的提醒"]
    labels = {m["To"].addresses[0].display_name: m.get_body(("html",)).get_content() for m in mails}
    assert "在 OKR 中打开" in labels["王芳"] and "Open in OKR" in labels["Tom"]
    assert "https://okr.example.cn/week/" in labels["Tom"]


def test_the_command_asks_for_the_one_delivery_job(app, runner):
    first = runner.invoke(args=["notify", "deliver"])
    second = runner.invoke(args=["notify", "deliver"])
    assert first.exit_code == 0 and "queued" in first.output
    assert first.output == second.output
    assert db.session.scalars(select(Job.kind)).all() == ["notify.deliver"]


def test_a_worker_killed_while_sending_never_sends_again(app, job_workers, make_person):
    """The robot has the request when the worker dies; the job retried on another worker
    finds the notice marked as being sent and fails it instead of sending it again."""
    person = make_person()
    db.session.add(NoticePreference(person_id=person.id, channel="chat"))
    receiver = Receiver("wecom", "kill-test-key-0001", None, hold=threading.Event())
    with running(receiver):
        data = ChannelData(
            "企业微信群", "wecom", None, True, ["people"], True, receiver.webhook, ""
        )
        save_channel(data)
        post([Post("worker.test", "killed", "本周进展待更新", [], "/week/", person_id=person.id)])
        job = ask_for_delivery()
        db.session.commit()
        first = job_workers.start(workers=1)
        assert receiver.arrived.wait(30), job_workers.log()
        first.kill()  # kill -9 while the robot holds the request
        first.wait(10)
        receiver.hold.set()
        job_workers.start(workers=1)
        wait_for(lambda: db.session.get(Job, job.id).status == "done", "the retried job")
        notice = db.session.scalar(select(Notice).where(Notice.key == "killed"))
        assert (notice.status, notice.outcome) == (
            "failed",
            "interrupted while sending: not sent again",
        )
        assert db.session.get(Job, job.id).attempts == 2
    assert len(receiver.requests) == 1
