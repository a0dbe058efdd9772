"""Two app servers, one company: a batch asked for on one host is downloaded from the other.

Two gunicorn processes with separate instance folders (nothing on disk is shared) serve the
test's PostgreSQL, a `flask jobs worker` beside them takes the job from the shared Redis queue,
and each server signs its own browser in. PostgreSQL and Redis only: the embedded SQLite queue
and database are files of one host, which is what this test proves the app no longer needs.
"""

from __future__ import annotations

import io
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
from flask import Flask
from pypdf import PdfReader
from sqlalchemy import select

from okr.extensions import db
from okr.org.models import Person
from okr.reviews.models import Appraisal
from tests.helpers import TEST_PASSWORD
from tests.jobs.harness import ROOT

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    """One gunicorn serving the app, and a browser-like client signed in on it."""

    url: str
    instance: Path
    process: subprocess.Popen
    opener: urllib.request.OpenerDirector

    def get(self, path: str) -> tuple[int, bytes, str]:
        try:
            with self.opener.open(self.url + path, timeout=30) as response:
                return response.status, response.read(), response.geturl()
        except urllib.error.HTTPError as error:
            return error.code, error.read(), path

    def post(self, path: str, form: dict[str, str]) -> tuple[int, bytes, str]:
        data = urllib.parse.urlencode(form).encode()
        with self.opener.open(self.url + path, data=data, timeout=30) as response:
            return response.status, response.read(), response.geturl()

    def csrf(self, path: str) -> str:
        status, body, _url = self.get(path)
        assert status == 200, (path, status)
        return CSRF.search(body.decode()).group(1)

    def sign_in(self, email: str) -> None:
        token = self.csrf("/login")
        form = {"csrf_token": token, "email": email, "password": TEST_PASSWORD}
        status, _body, url = self.post("/login", form)
        assert status == 200 and not url.endswith("/login"), url


def _serve(app: Flask, instance: Path) -> Server:
    instance.mkdir()
    port = _free_port()
    env = {
        **os.environ,
        "OKR_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "OKR_SECRET_KEY": app.config["SECRET_KEY"],
        "OKR_INSTANCE_PATH": str(instance),
        "OKR_QUEUE_URL": app.config["QUEUE_URL"],
        "OKR_DEFAULT_LOCALE": "en",
        "PYTHONPATH": str(ROOT),
    }
    command = [sys.executable, "-m", "gunicorn", "--workers", "1", "--threads", "4"]
    command += ["--bind", f"127.0.0.1:{port}", "okr:create_app()"]
    with open(instance / "gunicorn.log", "wb") as log:
        process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=log)
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    server = Server(f"http://127.0.0.1:{port}", instance, process, opener)
    deadline = time.monotonic() + 90
    while True:
        try:
            if server.get("/login")[0] == 200:
                return server
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise AssertionError((instance / "gunicorn.log").read_text(errors="replace"))
        time.sleep(0.2)


@pytest.fixture
def servers(app: Flask, tmp_path: Path, job_workers) -> Iterator[tuple[Server, Server]]:
    """Hosts A and B, and a worker (job_workers has put the app on the shared Redis queue)."""
    job_workers.start()
    started: list[Server] = []
    try:
        for name in ("a", "b"):
            started.append(_serve(app, tmp_path / f"host-{name}"))
        yield started[0], started[1]
    finally:
        for server in started:
            server.process.terminate()
        for server in started:
            try:
                server.process.wait(15)
            except subprocess.TimeoutExpired:
                server.process.kill()
                server.process.wait()
        db.session.remove()


def _made_on(asked: Server, served: Server, review_id: int, form: dict[str, str]) -> bytes:
    """Ask for a batch on one host, follow it and download its ZIP on the other."""
    token = asked.csrf(f"/records/reviews/{review_id}")
    status, _body, page = asked.post(
        f"/records/reviews/{review_id}/batches", {"csrf_token": token, **form}
    )
    assert status == 200 and re.search(r"/records/batches/\d+$", page), page
    path = urllib.parse.urlparse(page).path
    deadline = time.monotonic() + 180
    while "Download ZIP" not in (body := served.get(path)[1].decode()):
        assert "The batch failed" not in body, body
        assert time.monotonic() < deadline, "the batch did not finish"
        time.sleep(0.5)
    status, content, _url = served.get(f"{path}/download")
    assert status == 200
    return content


def _entries(review_id: int, department_id: int | None) -> list[str]:
    stmt = (
        select(Appraisal.id, Person.name)
        .join(Person, Person.id == Appraisal.person_id)
        .where(Appraisal.review_id == review_id)
    )
    if department_id is not None:
        stmt = stmt.where(Appraisal.department_id == department_id)
    db.session.rollback()
    return sorted(f"{name}-{appraisal_id}.pdf" for appraisal_id, name in db.session.execute(stmt))


def _read_back(content: bytes) -> list[str]:
    """The ZIP's entries, each read back as a PDF naming its person."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        names = archive.namelist()
        for name in names:
            pdf = archive.read(name)
            assert pdf.startswith(b"%PDF"), name
            pages = PdfReader(io.BytesIO(pdf)).pages
            if name != "all-records.pdf":
                assert name.rsplit("-", 1)[0] in "".join(p.extract_text() for p in pages), name
    return sorted(names)


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_batch_asked_for_on_one_host_is_downloaded_from_the_other(world, servers, tmp_path):
    a, b = servers
    review_id = world.appraisal.review_id
    a.sign_in("linhui@example.com")
    b.sign_in("linhui@example.com")

    team_zip = _made_on(a, b, review_id, {"department_id": str(world.team.id)})
    whole_zip = _made_on(b, a, review_id, {"department_id": "", "combined": "y"})

    assert _read_back(team_zip) == _entries(review_id, world.team.id)
    assert _read_back(whole_zip) == sorted([*_entries(review_id, None), "all-records.pdf"])
    assert not list(tmp_path.rglob("*.zip"))  # no host kept a ZIP on its disk
    for server in (a, b):
        assert server.process.poll() is None, (server.instance / "gunicorn.log").read_text()
