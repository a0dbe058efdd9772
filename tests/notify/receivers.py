"""Local stand-ins for the chat platforms: threaded HTTP servers that check each robot request
exactly as the platform documents it and answer with the platform's own bodies."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

OK = {
    "dingtalk": {"errcode": 0, "errmsg": "ok"},
    "feishu": {"code": 0, "data": {}, "msg": "success"},
    "wecom": {"errcode": 0, "errmsg": "ok"},
}
BAD_SIGN = {
    "dingtalk": {"errcode": 310000, "errmsg": "sign not match, more: [https://ding-doc]"},
    "feishu": {
        "code": 19021,
        "data": {},
        "msg": "sign match fail or timestamp is not within one hour from current time",
    },
}
BAD_HOOK = {
    "dingtalk": {"errcode": 300001, "errmsg": "token is not exist"},
    "feishu": {
        "code": 19001,
        "data": {},
        "msg": "param invalid: incoming webhook access token invalid",
    },
    "wecom": {
        "errcode": 93000,
        "errmsg": "invalid webhook url, hint: [1733040000_ab], from ip: 127.0.0.1",
    },
}
RATE_LIMITED = {
    "dingtalk": {"errcode": 130101, "errmsg": "send too fast, exceed 20 times per minute"},
    "feishu": {
        "code": 11232,
        "data": {},
        "msg": "frequency limited psm[lark.oapi.app_platform_runtime]",
    },
    "wecom": {"errcode": 45009, "errmsg": "api freq out of limit"},
}
KEYWORD_MISSING = {
    "dingtalk": {"errcode": 310000, "errmsg": "keywords not in content"},
    "feishu": {"code": 19024, "data": {}, "msg": "Key Words Not Found"},
}
PATHS = {
    "dingtalk": "/robot/send?access_token={token}",
    "feishu": "/open-apis/bot/v2/hook/{token}",
    "wecom": "/cgi-bin/webhook/send?key={token}",
}


@dataclass
class Receiver:
    platform: str
    token: str
    secret: str | None
    port: int = 0
    now: datetime | None = None  # the platform's clock; None = the real one
    requests: list[dict[str, Any]] = field(default_factory=list)
    scripted: list[tuple[int, Any]] = field(default_factory=list)  # (HTTP status, body) next
    hold: threading.Event | None = None  # when set up: answer only once the test releases it
    arrived: threading.Event = field(default_factory=threading.Event)  # a request came in

    @property
    def webhook(self) -> str:
        return f"http://127.0.0.1:{self.port}" + PATHS[self.platform].format(token=self.token)

    def answer_next(self, status: int, body: Any) -> None:
        self.scripted.append((status, body))

    def clock(self) -> float:
        return (self.now or datetime.now(UTC)).timestamp()

    def judge(self, path: str, headers: Any, raw: bytes) -> tuple[int, Any]:
        """The platform's answer to one request: its checks in the documented order."""
        url = urlsplit(path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        assert headers["Content-Type"].startswith("application/json"), headers["Content-Type"]
        body = json.loads(raw.decode("utf-8"))
        self.requests.append({"path": url.path, "query": query, "body": body})
        if not self._token_ok(url.path, query):
            return 200, BAD_HOOK[self.platform]
        if self.secret and not getattr(self, f"_{self.platform}_signed")(query, body):
            return 200, BAD_SIGN[self.platform]
        assert getattr(self, f"_{self.platform}_shape")(body), body
        if self.scripted:
            return self.scripted.pop(0)
        return 200, OK[self.platform]

    def _token_ok(self, path: str, query: dict[str, str]) -> bool:
        if self.platform == "dingtalk":
            return path == "/robot/send" and query.get("access_token") == self.token
        if self.platform == "feishu":
            return path == f"/open-apis/bot/v2/hook/{self.token}"
        return path == "/cgi-bin/webhook/send" and query.get("key") == self.token

    def _dingtalk_signed(self, query: dict[str, str], _body: Any) -> bool:
        timestamp = query.get("timestamp", "")
        if not timestamp.isdigit() or abs(int(timestamp) / 1000 - self.clock()) > 3600:
            return False
        expected = base64.b64encode(
            hmac.new(
                self.secret.encode(), f"{timestamp}\n{self.secret}".encode(), hashlib.sha256
            ).digest()
        ).decode()
        return hmac.compare_digest(unquote(query.get("sign", "")), expected)

    def _feishu_signed(self, _query: dict[str, str], body: Any) -> bool:
        timestamp = body.get("timestamp", "")
        if not isinstance(timestamp, str) or not timestamp.isdigit():
            return False
        if abs(int(timestamp) - self.clock()) > 3600:
            return False
        key = f"{timestamp}\n{self.secret}".encode()
        expected = base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
        return hmac.compare_digest(body.get("sign", ""), expected)

    @staticmethod
    def _dingtalk_shape(body: Any) -> bool:
        kind = body.get("msgtype")
        if kind == "text":
            return isinstance(body["text"]["content"], str)
        return kind == "markdown" and {"title", "text"} <= body["markdown"].keys()

    @staticmethod
    def _feishu_shape(body: Any) -> bool:
        kind = body.get("msg_type")
        if kind == "text":
            return isinstance(body["content"]["text"], str)
        card = body.get("card", {})
        return kind == "interactive" and "header" in card and isinstance(card["elements"], list)

    @staticmethod
    def _wecom_shape(body: Any) -> bool:
        kind = body.get("msgtype")
        if kind == "text":
            return isinstance(body["text"]["content"], str)
        return kind == "markdown" and isinstance(body["markdown"]["content"], str)


@contextmanager
def running(receiver: Receiver) -> Iterator[Receiver]:
    """Serve the receiver on a free local port while the block runs."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers["Content-Length"]))
            receiver.arrived.set()
            if receiver.hold is not None:
                receiver.hold.wait(30)
            try:
                status, body = receiver.judge(self.path, self.headers, raw)
            except AssertionError as exc:  # a malformed request: the test sees it
                receiver.requests.append({"error": str(exc)})
                status, body = 400, {"errcode": 400, "errmsg": f"malformed: {exc}"}
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *_args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
