"""Email through SMTP: a multipart text + HTML mail in the recipient's language, its headers
encoded for Chinese (RFC 2047), sent over plain SMTP, STARTTLS or SSL, with AUTH if configured."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

from okr.notify.message import Message, Outcome, redact

SECURITIES = ("none", "starttls", "ssl")


@dataclass(frozen=True)
class Smtp:
    host: str
    port: int
    security: str  # none | starttls | ssl
    username: str
    password: str
    sender: str
    sender_name: str
    timeout: float
    ca_file: str  # a CA bundle to trust (a company's own CA); "" = the system's

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Smtp:
        security = str(config["SMTP_SECURITY"]).lower()
        if security not in SECURITIES:
            raise RuntimeError(f"OKR_SMTP_SECURITY must be one of {', '.join(SECURITIES)}")
        return cls(
            host=config["SMTP_HOST"],
            port=int(config["SMTP_PORT"]),
            security=security,
            username=config["SMTP_USERNAME"],
            password=config["SMTP_PASSWORD"],
            sender=config["SMTP_FROM"],
            sender_name=config["SMTP_FROM_NAME"],
            timeout=float(config["SMTP_TIMEOUT"]),
            ca_file=config["SMTP_CA_FILE"],
        )

    @property
    def configured(self) -> bool:
        return bool(self.host)


def build(
    message: Message, to_name: str, to_address: str, html: str, smtp: Smtp, now: datetime
) -> EmailMessage:
    """The mail: From/To with encoded names, Subject, Date, Message-ID, text then HTML."""
    mail = EmailMessage(policy=policy.SMTP)
    local, _, domain = smtp.sender.partition("@")
    mail["From"] = Address(smtp.sender_name, local, domain or "localhost")
    to_local, _, to_domain = to_address.partition("@")
    mail["To"] = Address(to_name, to_local, to_domain)
    mail["Subject"] = message.title
    mail["Date"] = format_datetime(now)
    mail["Message-ID"] = make_msgid(domain=domain or "localhost")
    mail.set_content(message.text() + "\n", cte="base64")  # 7-bit safe for any relay
    mail.add_alternative(html, subtype="html", cte="base64")
    return mail


def _context(smtp: Smtp) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=smtp.ca_file or None)


def _connect(smtp: Smtp) -> smtplib.SMTP:
    if smtp.security == "ssl":
        return smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=smtp.timeout, context=_context(smtp))
    connection = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout)
    if smtp.security == "starttls":
        connection.starttls(context=_context(smtp))
    return connection


def send(mail: EmailMessage, smtp: Smtp) -> Outcome:
    """Hand the mail to the server: 4xx and lost connections are retried, 5xx are final."""
    try:
        with _connect(smtp) as connection:
            if smtp.username:
                connection.login(smtp.username, smtp.password)
            refused = connection.send_message(mail)
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        return _answer("retry" if all(400 <= c < 500 for c in codes) else "failed", exc, smtp)
    except smtplib.SMTPResponseException as exc:
        return _answer("retry" if 400 <= exc.smtp_code < 500 else "failed", exc, smtp)
    except ssl.SSLError as exc:  # a certificate not trusted is a setting to fix, not luck
        return _answer("failed", exc, smtp)
    except UnicodeEncodeError as exc:  # smtplib sends ASCII user names, passwords, addresses
        return _answer("failed", exc, smtp)
    except smtplib.SMTPServerDisconnected as exc:
        return _answer("retry", exc, smtp)
    except smtplib.SMTPException as exc:  # no STARTTLS, no AUTH offered: a setting to fix
        return _answer("failed", exc, smtp)
    except (TimeoutError, OSError) as exc:  # refused, unreachable, timed out
        return _answer("retry", exc, smtp)
    if refused:
        return Outcome("failed", redact(f"refused: {refused}", smtp.password)[:500])
    return Outcome("sent", "250 accepted")


def _answer(status: Any, exc: BaseException, smtp: Smtp) -> Outcome:
    text = f"{type(exc).__name__}: {exc}"
    return Outcome(status, redact(text, smtp.password)[:500])


def html(message: Message, language: str) -> str:
    """The HTML part (templates/notify/email.html); the words are already in `language`."""
    from flask import render_template

    return render_template("notify/email.html", message=message, language=language)
