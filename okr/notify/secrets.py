"""Channels' webhooks and secrets encrypted at rest (Fernet), shown only masked.

The key is OKR_NOTIFY_KEY (a Fernet key) or, without one, derived from the app's SECRET_KEY with
HKDF, so a database copy alone reveals no robot.
"""

from __future__ import annotations

import base64
from urllib.parse import urlsplit

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app


def _fernet() -> Fernet:
    configured = current_app.config["NOTIFY_KEY"]
    if configured:
        return Fernet(configured)
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"okr.notify channel secrets"
    ).derive(str(current_app.config["SECRET_KEY"]).encode("utf-8"))
    return Fernet(base64.urlsafe_b64encode(derived))


def encrypt(plain: str) -> str:
    return _fernet().encrypt(plain.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    return _fernet().decrypt(token.encode("ascii")).decode("utf-8")


def mask(webhook: str) -> str:
    """The host and the last four characters: enough to tell robots apart, not to use one."""
    parts = urlsplit(webhook)
    return f"{parts.scheme}://{parts.netloc}/…{webhook[-4:]}"
