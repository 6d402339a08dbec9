"""Practice mail servers: a private Dovecot (IMAP) and an in-process SMTP server (aiosmtpd).

``PrivateDovecot`` starts Debian's ``dovecot`` binary (package ``dovecot-imapd``) with a
throw-away configuration in a folder of its own, on a free loopback port; it is
no system service and leaves nothing behind but its folder. ``SmtpInbox`` is a real SMTP server
in a thread that keeps what it receives (and can drop each mail into a Dovecot mailbox).
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from email.utils import getaddresses
from pathlib import Path
from types import TracebackType
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

DOVECOT = "/usr/sbin/dovecot"


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for_port(port: int, process: subprocess.Popen[bytes], timeout_s: float, log: Path) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"dovecot stopped at start-up: {log.read_text(errors='replace') if log.exists() else ''}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
                if sock.recv(64).startswith(b"* OK"):
                    return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"dovecot did not listen on port {port} within {timeout_s} s")


_CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{root}/mail/%u
first_valid_uid = {uid}
default_login_user = {login_user}
default_internal_user = {internal_user}
passdb {{
  driver = static
  args = password={password}
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/mail/%u
}}
namespace inbox {{
  inbox = yes
  separator = /
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
"""


class PrivateDovecot:
    """A Dovecot IMAP server of one's own under ``root`` (no TLS: loopback only).

    Args:
        root: an empty folder for its configuration, mail and log; None: a new
            temporary folder, removed at stop (Dovecot's own users must be able to reach it,
            which pytest's owner-only temporary folders do not allow when running as root).
        password: the password of every user: any user name logs in with it and gets a
            fresh, empty mailbox (so each test simply uses a new name).
        port: the IMAP port (0: a free one).
    """

    def __init__(self, root: Path | None = None, *, password: str = "sepbots-practice", port: int = 0) -> None:
        if not Path(DOVECOT).exists():
            raise RuntimeError("dovecot is not installed; install the Debian package dovecot-imapd")
        self._own_root = root is None
        self.root = Path(tempfile.mkdtemp(prefix="sepbots-dovecot-")) if root is None else root
        self.password = password
        self.port = port or free_port()
        self._process: subprocess.Popen[bytes] | None = None

    def _identity(self) -> dict[str, Any]:
        if os.geteuid() == 0:  # Dovecot will not run mail processes as root: use its own users
            mail = pwd.getpwnam("dovecot")
            return {"uid": mail.pw_uid, "gid": mail.pw_gid, "login_user": "dovenull", "internal_user": "dovecot"}
        me = pwd.getpwuid(os.geteuid())
        return {"uid": me.pw_uid, "gid": me.pw_gid, "login_user": me.pw_name, "internal_user": me.pw_name}

    def start(self) -> PrivateDovecot:
        identity = self._identity()
        for sub in ("run", "state", "mail"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        os.chmod(self.root, 0o755)
        shutil.chown(self.root / "mail", identity["uid"], identity["gid"])
        config = self.root / "dovecot.conf"
        config.write_text(_CONFIG.format(root=self.root, port=self.port, password=self.password, **identity), encoding="utf-8")
        self._process = subprocess.Popen([DOVECOT, "-F", "-c", str(config)], stdin=subprocess.DEVNULL,
                                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            _wait_for_port(self.port, self._process, 15.0, self.root / "dovecot.log")
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if self._own_root:
            shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> PrivateDovecot:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()


@dataclass(frozen=True)
class ReceivedMail:
    """One mail the practice SMTP server accepted."""

    sender: str
    recipients: tuple[str, ...]
    raw: bytes


class _Keeper:
    def __init__(self, inbox: SmtpInbox) -> None:
        self.inbox = inbox

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]) -> str:  # noqa: N802
        if address.lower() in self.inbox.refuse:
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        raw = envelope.original_content or b""
        self.inbox.keep(ReceivedMail(str(envelope.mail_from), tuple(envelope.rcpt_tos), raw))
        return "250 Message accepted for delivery"


class SmtpInbox:
    """A real SMTP server on 127.0.0.1 (aiosmtpd in a thread) that keeps every mail it accepts.

    Args:
        refuse: recipient addresses answered with 550 (a permanent refusal).
        port: the port (0: a free one).
    """

    def __init__(self, *, refuse: tuple[str, ...] = (), port: int = 0) -> None:
        self.refuse = {a.lower() for a in refuse}
        self.port = port or free_port()
        self._mails: list[ReceivedMail] = []
        self._lock = threading.Lock()
        self._arrived = threading.Condition(self._lock)
        self._controller = Controller(_Keeper(self), hostname="127.0.0.1", port=self.port)

    def keep(self, mail: ReceivedMail) -> None:
        with self._arrived:
            self._mails.append(mail)
            self._arrived.notify_all()

    @property
    def mails(self) -> list[ReceivedMail]:
        with self._lock:
            return list(self._mails)

    def wait_for(self, count: int, timeout_s: float = 30.0) -> list[ReceivedMail]:
        """The mails once at least ``count`` have arrived (or what there is after ``timeout_s``)."""
        with self._arrived:
            self._arrived.wait_for(lambda: len(self._mails) >= count, timeout=timeout_s)
            return list(self._mails)

    def to(self, address: str) -> list[ReceivedMail]:
        """The mails addressed to ``address`` (envelope recipients, or the To header)."""
        wanted = address.lower()
        found = []
        for mail in self.mails:
            header = mail.raw.split(b"\r\n\r\n", 1)[0].decode("utf-8", "replace")
            to = {a.lower() for _, a in getaddresses([line[3:] for line in header.splitlines() if line.lower().startswith("to:")])}
            if wanted in {r.lower() for r in mail.recipients} | to:
                found.append(mail)
        return found

    def __enter__(self) -> SmtpInbox:
        self._controller.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self._controller.stop()
