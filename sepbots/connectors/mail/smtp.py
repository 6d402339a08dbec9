"""Sending mail over SMTP (standard library ``smtplib``): one connection per mail, TLS by default.

A temporary refusal (4xx) or a broken connection is retried; a permanent refusal of every
recipient (5xx) is a business error (``MAIL_RECIPIENT_REFUSED``): the address is wrong, not the server.
"""

from __future__ import annotations

import smtplib
from typing import Any

import structlog

from sepbots.clock import Clock, SystemClock
from sepbots.connectors.mail import mime
from sepbots.connectors.mail.base import MailServer
from sepbots.connectors.mail.models import MailSecurity, OutgoingMail
from sepbots.connectors.retry import RetryPolicy, TransientError, call_with_retry
from sepbots.exceptions import ApplicationException, BusinessException
from sepbots.vault import Credential


class SmtpSender:
    """Sends through one SMTP server.

    Args:
        server: host, port, security, timeout.
        credential: user name and password from the vault, or None for a relay without login.
        retry: the policy for transient failures.
        clock: the Date header's time and the retry sleeps.
        log: a structlog logger.
    """

    def __init__(
        self,
        server: MailServer,
        credential: Credential | None = None,
        *,
        retry: RetryPolicy | None = None,
        clock: Clock | None = None,
        log: Any = None,
    ) -> None:
        self.server = server
        self._credential = credential
        self.retry = retry or RetryPolicy()
        self.clock = clock or SystemClock()
        self.log = log or structlog.get_logger("sepbots.connectors.smtp")

    def _open(self) -> smtplib.SMTP:
        server = self.server
        if server.security is MailSecurity.SSL:
            return smtplib.SMTP_SSL(server.host, server.port, timeout=server.timeout_s, context=server.ssl_context())
        connection = smtplib.SMTP(server.host, server.port, timeout=server.timeout_s)
        if server.security is MailSecurity.STARTTLS:
            connection.starttls(context=server.ssl_context())
        return connection

    def _deliver(self, message: Any, recipients: list[str]) -> None:
        try:
            with self._open() as connection:
                if self._credential is not None:
                    connection.login(self._credential.username or "", self._credential.password.get_secret_value())
                refused = connection.send_message(message, to_addrs=recipients)
        except smtplib.SMTPAuthenticationError as exc:
            raise ApplicationException(f"SMTP-serveren {self.server.host} afviste login / "
                                       f"the SMTP server {self.server.host} refused the login", code="SMTP_LOGIN_REFUSED") from exc
        except smtplib.SMTPRecipientsRefused as exc:
            codes = {code for code, _ in exc.recipients.values()}
            if all(code >= 500 for code in codes):
                raise BusinessException(
                    "mailserveren afviste alle modtagere / "
                    f"the mail server refused every recipient: {', '.join(sorted(exc.recipients))}", code="MAIL_RECIPIENT_REFUSED"
                ) from exc
            raise TransientError("mailserveren afviste modtagerne indtil videre / "
                                 "the mail server refused the recipients for now", "SMTP_TEMPORARY") from exc
        except smtplib.SMTPResponseException as exc:
            if 400 <= exc.smtp_code < 500:
                raise TransientError("SMTP midlertidig fejl / "
                                     f"SMTP temporary error {exc.smtp_code}: {exc.smtp_error!r}", "SMTP_TEMPORARY") from exc
            raise ApplicationException(f"SMTP afvist / SMTP refused {exc.smtp_code}: {exc.smtp_error!r}", code="SMTP_REFUSED") from exc
        except (smtplib.SMTPServerDisconnected, TimeoutError, ConnectionError) as exc:
            raise TransientError(f"SMTP-fejl / SMTP error {self.server.host}: {type(exc).__name__}: {exc}", "SMTP_UNAVAILABLE") from exc
        except OSError as exc:
            raise TransientError("SMTP-serveren kan ikke nås / "
                                 f"SMTP unreachable {self.server.host}: {exc.strerror or exc}", "SMTP_UNAVAILABLE") from exc
        if refused:
            self.log.warning("smtp_some_recipients_refused", refused=sorted(refused))

    def send(self, mail: OutgoingMail) -> str:
        """Send ``mail``; returns the Message-ID it was sent with."""
        if not mail.to:
            raise BusinessException("en mail skal have mindst én modtager / a mail needs at least one recipient", code="MAIL_NO_RECIPIENT")
        message = mime.build(mail, now=self.clock.now())
        call_with_retry("smtp_send", lambda: self._deliver(message, mail.to), policy=self.retry, clock=self.clock, log=self.log)
        message_id = str(message["Message-ID"])
        self.log.info("mail_sent", to=mail.to, subject=mail.subject, message_id=message_id)
        return message_id
