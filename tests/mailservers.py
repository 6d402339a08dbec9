"""Real mail servers (a pytest plugin, see tests/conftest.py): one private Dovecot per session, an SMTP server per test."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from pydantic import SecretStr

from sepbots.connectors.mail import MailSecurity, MailServer
from sepbots.practice.mail import PrivateDovecot, SmtpInbox
from sepbots.vault import Credential


@pytest.fixture(scope="session")
def dovecot() -> Iterator[PrivateDovecot]:
    """Debian's dovecot on a free loopback port with a throw-away config (missing dovecot fails loudly)."""
    with PrivateDovecot(password=f"pw-{uuid.uuid4().hex}") as server:
        yield server


@dataclass(frozen=True)
class MailAccount:
    """A fresh IMAP user of the session's Dovecot."""

    server: MailServer
    credential: Credential


@pytest.fixture
def imap_account(dovecot: PrivateDovecot) -> MailAccount:
    """A new, empty mailbox for this test alone."""
    name, password = f"robot-{uuid.uuid4().hex[:8]}", dovecot.password
    server = MailServer(host="127.0.0.1", port=dovecot.port, security=MailSecurity.NONE, timeout_s=30)
    return MailAccount(server, Credential(name="postkasse", username=name, password=SecretStr(password)))


@pytest.fixture
def smtp_inbox() -> Iterator[SmtpInbox]:
    """A real SMTP server in this process that keeps what it receives."""
    with SmtpInbox(refuse=("ukendt@kommune.dk",)) as inbox:
        yield inbox


def smtp_server(inbox: SmtpInbox) -> MailServer:
    return MailServer(host="127.0.0.1", port=inbox.port, security=MailSecurity.NONE, timeout_s=30)


