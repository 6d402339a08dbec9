"""A mailbox over IMAP (imapclient): read, move and flag by UID, with UIDVALIDITY in every reference.

A reference is ``folder/UIDVALIDITY/UID``. If a server renumbers a folder (a new UIDVALIDITY),
old references no longer resolve (``message`` returns None) instead of pointing at another mail.
Broken connections and timeouts are retried after reconnecting; a refused login is not.
"""

from __future__ import annotations

import contextlib
import ssl
from collections.abc import Callable
from types import TracebackType
from typing import Any, TypeVar

import structlog
from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientAbortError, IMAPClientError, LoginError

from sepbots.clock import Clock
from sepbots.connectors.mail import mime
from sepbots.connectors.mail.base import MailServer
from sepbots.connectors.mail.models import Attachment, AttachmentData, MailMessage, MailRef, MailSecurity
from sepbots.connectors.retry import RetryPolicy, TransientError, call_with_retry
from sepbots.exceptions import ApplicationException, BusinessException
from sepbots.vault import Credential

T = TypeVar("T")
_BODY = b"BODY[]"
_FETCH_BATCH = 50


def _flag_text(flag: bytes | str) -> str:
    return flag.decode() if isinstance(flag, bytes) else flag


class ImapMailbox:
    """One IMAP account; a context manager that logs in lazily and out at the end.

    Args:
        server: host, port, security, timeout.
        credential: user name and password (from the vault: ``ctx.credential(name)``).
        retry: the policy for transient failures.
        clock: sleeps between retries.
        log: a structlog logger (the installation's redaction applies to it).
    """

    def __init__(
        self,
        server: MailServer,
        credential: Credential,
        *,
        retry: RetryPolicy | None = None,
        clock: Clock | None = None,
        log: Any = None,
    ) -> None:
        if not credential.username:
            raise ApplicationException(f"loginoplysningen {credential.name!r} har intet brugernavn / "
                                       f"credential {credential.name!r} has no user name", code="IMAP_NO_USER")
        self.server = server
        self._credential = credential
        self.retry = retry or RetryPolicy()
        self.clock = clock
        self.log = log or structlog.get_logger("sepbots.connectors.imap")
        self._client: IMAPClient | None = None

    # -- connection --------------------------------------------------------------------------

    def __enter__(self) -> ImapMailbox:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        """Log out (quietly if the connection is already gone)."""
        client, self._client = self._client, None
        if client is not None:
            with contextlib.suppress(IMAPClientError, OSError):
                client.logout()

    def _connect(self) -> IMAPClient:
        server = self.server
        client = IMAPClient(
            server.host,
            port=server.port,
            ssl=server.security is MailSecurity.SSL,
            ssl_context=server.ssl_context() if server.security is MailSecurity.SSL else None,
            timeout=server.timeout_s,
        )
        try:
            if server.security is MailSecurity.STARTTLS:
                client.starttls(server.ssl_context())
            client.login(self._credential.username, self._credential.password.get_secret_value())
        except LoginError as exc:
            client.shutdown()
            raise ApplicationException(
                f"IMAP-serveren {server.host} afviste login / the IMAP server {server.host} refused the login: "
                f"{self._credential.username}", code="IMAP_LOGIN_REFUSED"
            ) from exc
        self.log.info("imap_connected", host=server.host, port=server.port, security=server.security.value)
        return client

    def _drop(self, _exc: TransientError) -> None:
        client, self._client = self._client, None
        if client is not None:
            with contextlib.suppress(IMAPClientError, OSError):
                client.shutdown()

    def _call(self, operation: str, fn: Callable[[IMAPClient], T]) -> T:
        def attempt() -> T:
            try:
                if self._client is None:
                    self._client = self._connect()
                return fn(self._client)
            except (IMAPClientAbortError, TimeoutError, ConnectionError, ssl.SSLEOFError) as exc:
                raise TransientError(f"IMAP-fejl / IMAP error {self.server.host}: {type(exc).__name__}: {exc}", "IMAP_UNAVAILABLE") from exc
            except OSError as exc:  # refused, unreachable, DNS
                raise TransientError("IMAP-serveren kan ikke nås / "
                                     f"IMAP unreachable {self.server.host}: {exc.strerror or exc}", "IMAP_UNAVAILABLE") from exc

        return call_with_retry(operation, attempt, policy=self.retry, clock=self.clock, log=self.log, on_retry=self._drop)

    # -- folders -----------------------------------------------------------------------------

    @staticmethod
    def _select(client: IMAPClient, folder: str, *, readonly: bool = False) -> str:
        try:
            status = client.select_folder(folder, readonly=readonly)
        except IMAPClientError as exc:
            raise BusinessException(f"postmappen {folder!r} findes ikke / "
                                    f"the mail folder {folder!r} does not exist", code="MAIL_FOLDER_MISSING") from exc
        return str(status[b"UIDVALIDITY"])

    def ensure_folder(self, folder: str) -> None:
        """Create ``folder`` unless it exists."""

        def run(client: IMAPClient) -> None:
            if not client.folder_exists(folder):
                client.create_folder(folder)
                self.log.info("imap_folder_created", folder=folder)

        self._call("imap_ensure_folder", run)

    # -- reading -----------------------------------------------------------------------------

    def _message(self, ref: MailRef, data: dict[bytes, Any]) -> MailMessage:
        parsed = mime.parse(data[_BODY])
        name, address = mime.sender_of(parsed)
        return MailMessage(
            ref=ref,
            message_id=str(parsed.get("Message-ID", "")).strip() or None,
            sender=address,
            sender_name=name,
            subject=str(parsed.get("Subject", "")),
            received=mime.received_of(parsed),
            text=mime.text_of(parsed),
            attachments=[Attachment.model_validate(a.model_dump(exclude={"content"})) for a in mime.attachments_of(parsed)],
            flags=frozenset(_flag_text(f) for f in data.get(b"FLAGS", ())),
        )

    def messages(self, folder: str, *, limit: int | None = None) -> list[MailMessage]:
        """The messages in ``folder`` in UID order (oldest first), read without marking them seen."""

        def run(client: IMAPClient) -> list[MailMessage]:
            validity = self._select(client, folder, readonly=True)
            uids = sorted(client.search(["ALL"]))[: limit if limit is not None else None]
            found = []
            for start in range(0, len(uids), _FETCH_BATCH):  # bounded FETCH commands for a full folder
                fetched = client.fetch(uids[start:start + _FETCH_BATCH], ["BODY.PEEK[]", "FLAGS"])
                found += [self._message(MailRef(folder=folder, validity=validity, id=str(uid)), fetched[uid])
                          for uid in uids[start:start + _FETCH_BATCH] if uid in fetched]
            return found

        found = self._call("imap_messages", run)
        self.log.info("imap_listed", folder=folder, count=len(found))
        return found

    def _fetch_one(self, client: IMAPClient, ref: MailRef) -> dict[bytes, Any] | None:
        if self._select(client, ref.folder) != ref.validity:
            return None  # the folder was renumbered: this reference points at nothing now
        uid = int(ref.id)
        found: dict[bytes, Any] | None = client.fetch([uid], ["BODY.PEEK[]", "FLAGS"]).get(uid)
        return found

    def message(self, ref: MailRef) -> MailMessage | None:
        """The message at ``ref``, or None when it was moved, deleted or the folder renumbered."""
        data = self._call("imap_message", lambda client: self._fetch_one(client, ref))
        return None if data is None else self._message(ref, data)

    def attachments(self, ref: MailRef) -> list[AttachmentData]:
        """The attachments of the message at ``ref``."""
        data = self._call("imap_attachments", lambda client: self._fetch_one(client, ref))
        if data is None:
            raise BusinessException("mailen er ikke længere i mappen / "
                                    f"the mail is no longer in the folder: {ref.reference}", code="MAIL_GONE")
        return mime.attachments_of(mime.parse(data[_BODY]))

    def find(self, folder: str, message_id: str) -> MailRef | None:
        """The message whose Message-ID header is ``message_id`` in ``folder`` (the newest if several)."""

        def run(client: IMAPClient) -> MailRef | None:
            validity = self._select(client, folder, readonly=True)
            uids = client.search(["HEADER", "Message-ID", message_id])
            return MailRef(folder=folder, validity=validity, id=str(max(uids))) if uids else None

        return self._call("imap_find", run)

    # -- changing ----------------------------------------------------------------------------

    def _selected_uid(self, client: IMAPClient, ref: MailRef) -> int:
        if self._select(client, ref.folder) != ref.validity:
            raise BusinessException(f"postmappen {ref.folder!r} er nummereret om, mailen er væk / "
                                    f"the mail folder {ref.folder!r} was renumbered; "
                                    f"{ref.reference} is gone", code="MAIL_GONE")
        uid = int(ref.id)
        if not client.search(["UID", str(uid)]):
            raise BusinessException("mailen er ikke længere i mappen / "
                                    f"the mail is no longer in the folder: {ref.reference}", code="MAIL_GONE")
        return uid

    def add_flags(self, ref: MailRef, flags: list[str]) -> None:
        """Set flags (``\\Seen``) or keywords (``SepbotsReplied``) on the message."""

        def run(client: IMAPClient) -> None:
            client.add_flags([self._selected_uid(client, ref)], flags)

        self._call("imap_flag", run)
        self.log.info("imap_flagged", ref=ref.reference, flags=flags)

    def move(self, ref: MailRef, folder: str) -> None:
        """Move the message to ``folder`` (MOVE when the server has it, else COPY + EXPUNGE)."""

        def run(client: IMAPClient) -> None:
            if not client.folder_exists(folder):
                client.create_folder(folder)
            uid = self._selected_uid(client, ref)
            if client.has_capability("MOVE"):
                client.move([uid], folder)
            else:
                client.copy([uid], folder)
                client.delete_messages([uid])
                client.uid_expunge([uid])

        self._call("imap_move", run)
        self.log.info("imap_moved", ref=ref.reference, to=folder)

    def append(self, folder: str, raw: bytes, flags: tuple[str, ...] = ()) -> None:
        """Put a raw message into ``folder`` (for archiving sent mail, and for tests)."""

        def run(client: IMAPClient) -> None:
            if not client.folder_exists(folder):
                client.create_folder(folder)
            client.append(folder, raw, flags=flags)

        self._call("imap_append", run)
