"""A real SMTP server for the tests (aiosmtpd on a free port): plain, STARTTLS or SSL, with
AUTH when asked, and a self-signed certificate made here with cryptography."""

from __future__ import annotations

import ipaddress
import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

USER, PASSWORD = "okr-mailer", "p4ss-Secret-w0rd"


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and localhost, and its key (PEM files)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.now(UTC)
    names = [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "smtp-cert.pem", folder / "smtp-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@dataclass
class Mailbox:
    """What the server received: envelopes and parsed mails."""

    port: int = 0
    ca_file: str = ""
    envelopes: list[Any] = field(default_factory=list)
    refuse_with: str | None = None  # e.g. "451 4.3.0 try again later"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse_with:
            return self.refuse_with
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def mails(self) -> list[EmailMessage]:
        return [message_from_bytes(e.content, policy=policy.default) for e in self.envelopes]


def _authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and (
        auth_data.login == USER.encode() and auth_data.password == PASSWORD.encode()
    )
    return AuthResult(success=ok, handled=False)  # the server answers 535 itself


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def smtp_server(folder: Path, security: str = "none", auth: bool = False) -> Iterator[Mailbox]:
    """Serve a mailbox on 127.0.0.1 (security none, starttls or ssl) while the block runs."""
    mailbox = Mailbox(port=_free_port())
    options: dict[str, Any] = {}
    if security != "none":
        cert, key = self_signed(folder)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
        mailbox.ca_file = str(cert)
        options["ssl_context" if security == "ssl" else "tls_context"] = context
        if security == "starttls":
            options["require_starttls"] = True
    if auth:  # aiosmtpd sees only STARTTLS as TLS: under SSL, AUTH is offered, not required
        starttls = security == "starttls"
        options.update(
            authenticator=_authenticator, auth_required=starttls, auth_require_tls=starttls
        )
    controller = Controller(
        mailbox, hostname="127.0.0.1", port=mailbox.port, server_hostname="localhost", **options
    )
    controller.start()
    try:
        yield mailbox
    finally:
        controller.stop()
