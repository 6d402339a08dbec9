"""A Microsoft 365 mailbox over Microsoft Graph (REST, OAuth2 client credentials), with httpx.

* Token: ``POST {login_url}/{tenant}/oauth2/v2.0/token`` with the app's client id and secret
  (from the vault); kept until five minutes before it expires; a ``401 InvalidAuthenticationToken``
  fetches a new one and repeats the call once.
* ``429``/``5xx``/timeouts are transient: retried, waiting the server's ``Retry-After`` when given.
* Message ids are requested immutable (``Prefer: IdType="ImmutableId"``), so a reference survives
  a move; ``validity`` is always ``immutable``.
* Keywords become Outlook categories; ``\\Seen`` is ``isRead``, ``\\Flagged`` the follow-up flag.
"""

from __future__ import annotations

import base64
from datetime import datetime, timedelta
from typing import Any

import httpx
import structlog
from pydantic import BaseModel, ConfigDict, Field

from sepbots.clock import Clock, SystemClock
from sepbots.connectors.http import HttpConnector, send
from sepbots.connectors.mail.models import (
    Attachment,
    AttachmentData,
    MailFlag,
    MailMessage,
    MailRef,
    OutgoingMail,
)
from sepbots.connectors.retry import RetryPolicy, call_with_retry
from sepbots.exceptions import ApplicationException, BusinessException
from sepbots.vault import Credential

SCOPE = "https://graph.microsoft.com/.default"
IMMUTABLE = "immutable"
_REFRESH_BEFORE = timedelta(minutes=5)
_WELL_KNOWN = {"inbox", "archive", "deleteditems", "drafts", "sentitems", "junkemail"}


class GraphApp(BaseModel):
    """An app registration and the mailbox it works in.

    Args:
        tenant: the directory (tenant) id.
        client_id: the application (client) id; the secret is a vault credential.
        mailbox: the user id or address of the shared mailbox.
        graph_url: ``https://graph.microsoft.com/v1.0`` (or a practice server).
        login_url: ``https://login.microsoftonline.com`` (or a practice server).
        timeout_s: per HTTP call.
        page_size: ``$top`` when listing.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    tenant: str
    client_id: str
    mailbox: str
    graph_url: str = "https://graph.microsoft.com/v1.0"
    login_url: str = "https://login.microsoftonline.com"
    timeout_s: float = Field(30.0, gt=0)
    page_size: int = Field(50, ge=1, le=1000)


class GraphMailbox(HttpConnector):
    """One mailbox through Graph; a context manager closing its HTTP client."""

    def __init__(self, app: GraphApp, secret: Credential, *, retry: RetryPolicy | None = None,
                 clock: Clock | None = None, log: Any = None) -> None:
        self.app = app
        self._secret = secret
        self.retry = retry or RetryPolicy()
        self.clock = clock or SystemClock()
        self.log = log or structlog.get_logger("sepbots.connectors.graph")
        self._http = httpx.Client(timeout=app.timeout_s, headers={"Prefer": 'IdType="ImmutableId"'})
        self._token: tuple[str, datetime] | None = None
        self._folders: dict[str, str] = {}

    # -- HTTP ---------------------------------------------------------------------------------

    def _access_token(self) -> str:
        if self._token is not None and self._token[1] - _REFRESH_BEFORE > self.clock.now():
            return self._token[0]
        url = f"{self.app.login_url.rstrip('/')}/{self.app.tenant}/oauth2/v2.0/token"
        form = {"grant_type": "client_credentials", "client_id": self.app.client_id, "scope": SCOPE,
                "client_secret": self._secret.password.get_secret_value()}
        response = self._send("POST", url, data=form, auth=False)
        if response.status_code in (400, 401):
            raise ApplicationException(f"token-endpointet afviste appen / the token endpoint refused app {self.app.client_id}: "
                                       f"{response.json().get('error', response.status_code)}", code="GRAPH_LOGIN_REFUSED")
        body = self._checked(response).json()
        self._token = (str(body["access_token"]), self.clock.now() + timedelta(seconds=int(body["expires_in"])))
        self.log.info("graph_token_issued", client_id=self.app.client_id, expires_in_s=int(body["expires_in"]))
        return self._token[0]

    def _send(self, method: str, url: str, *, auth: bool = True, **kwargs: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self._access_token()}"} if auth else {}
        return send(self._http, method, url, service=f"Graph ({method} {url})", prefix="GRAPH", headers=headers, **kwargs)

    @staticmethod
    def _code(response: httpx.Response) -> str:
        try:
            return str(response.json().get("error", {}).get("code", ""))
        except ValueError:
            return ""

    def _checked(self, response: httpx.Response) -> httpx.Response:
        if response.status_code == 403:
            raise ApplicationException("appen må ikke bruge postkassen / "
                                       f"the app may not use the mailbox {self.app.mailbox} (403)", code="GRAPH_ACCESS_DENIED")
        if response.status_code == 404:
            raise BusinessException("findes ikke i postkassen / "
                                    f"not found in the mailbox {self.app.mailbox}: {response.url.path}", code="MAIL_GONE")
        if response.status_code >= 400:
            raise ApplicationException(f"Graph svarede / Graph answered {response.status_code} {self._code(response)}", code="GRAPH_ERROR")
        return response

    def _call(self, operation: str, method: str, path_or_url: str, **kwargs: Any) -> httpx.Response:
        url = path_or_url if path_or_url.startswith("http") else f"{self.app.graph_url.rstrip('/')}/users/{self.app.mailbox}{path_or_url}"

        def attempt() -> httpx.Response:
            response = self._send(method, url, **kwargs)
            if response.status_code == 401 and self._code(response) == "InvalidAuthenticationToken":
                self.log.info("graph_token_refused", operation=operation)
                self._token = None
                response = self._send(method, url, **kwargs)
            return self._checked(response)

        return call_with_retry(operation, attempt, policy=self.retry, clock=self.clock, log=self.log)

    # -- folders ------------------------------------------------------------------------------

    def folder_id(self, folder: str, *, create: bool = False) -> str:
        """The id of a well-known folder or a top-level folder by display name."""
        if folder.lower() in _WELL_KNOWN:
            return folder.lower()
        if folder not in self._folders:
            escaped = folder.replace("'", "''")
            found = self._call("graph_folders", "GET", "/mailFolders", params={"$filter": f"displayName eq '{escaped}'"}).json()["value"]
            if found:
                self._folders[folder] = str(found[0]["id"])
            elif create:
                created = self._call("graph_create_folder", "POST", "/mailFolders", json={"displayName": folder}).json()
                self._folders[folder] = str(created["id"])
                self.log.info("graph_folder_created", folder=folder)
            else:
                raise BusinessException(f"postmappen {folder!r} findes ikke / "
                                        f"the mail folder {folder!r} does not exist", code="MAIL_FOLDER_MISSING")
        return self._folders[folder]

    # -- reading ------------------------------------------------------------------------------

    @staticmethod
    def _message(folder: str, body: dict[str, Any], attachments: list[Attachment]) -> MailMessage:
        sender = body.get("from", {}).get("emailAddress", {})
        flags = set(body.get("categories", []))
        if body.get("isRead"):
            flags.add(MailFlag.SEEN.value)
        if body.get("flag", {}).get("flagStatus") == "flagged":
            flags.add(MailFlag.FLAGGED.value)
        return MailMessage(
            ref=MailRef(folder=folder, validity=IMMUTABLE, id=str(body["id"])),
            message_id=body.get("internetMessageId"),
            sender=str(sender.get("address", "")),
            sender_name=str(sender.get("name", "")),
            subject=str(body.get("subject") or ""),
            received=datetime.fromisoformat(str(body["receivedDateTime"]).replace("Z", "+00:00")),
            text=str(body.get("body", {}).get("content", "")),
            attachments=attachments,
            flags=frozenset(flags),
        )

    def messages(self, folder: str, *, limit: int | None = None) -> list[MailMessage]:
        """The messages in ``folder``, following ``@odata.nextLink`` page by page."""
        fid = self.folder_id(folder)
        url: str | None = f"/mailFolders/{fid}/messages"
        params: dict[str, Any] | None = {"$top": self.app.page_size}
        found: list[MailMessage] = []
        while url is not None and (limit is None or len(found) < limit):
            page = self._call("graph_messages", "GET", url, params=params).json()
            for body in page["value"]:
                listed = [] if not body.get("hasAttachments") else self._attachment_list(str(body["id"]))
                found.append(self._message(folder, body, listed))
            url, params = page.get("@odata.nextLink"), None
        self.log.info("graph_listed", folder=folder, count=len(found[:limit]))
        return found[:limit]

    def _attachment_list(self, message_id: str) -> list[Attachment]:
        return [Attachment(filename=a.filename, content_type=a.content_type, size=a.size) for a in self._attachments(message_id)]

    def _attachments(self, message_id: str) -> list[AttachmentData]:
        values = self._call("graph_attachments", "GET", f"/messages/{message_id}/attachments").json()["value"]
        return [AttachmentData(filename=str(v["name"]), content_type=str(v["contentType"]), size=int(v["size"]),
                               content=base64.b64decode(v["contentBytes"]))
                for v in values if v.get("@odata.type") == "#microsoft.graph.fileAttachment"]

    def message(self, ref: MailRef) -> MailMessage | None:
        """The message at ``ref``, or None when it is gone or no longer in ``ref.folder``."""
        try:
            body = self._call("graph_message", "GET", f"/messages/{ref.id}").json()
        except BusinessException:
            return None
        if body.get("parentFolderId") != self.folder_id(ref.folder):
            return None
        listed = self._attachment_list(ref.id) if body.get("hasAttachments") else []
        return self._message(ref.folder, body, listed)

    def attachments(self, ref: MailRef) -> list[AttachmentData]:
        return self._attachments(ref.id)

    def find(self, folder: str, message_id: str) -> MailRef | None:
        escaped = message_id.replace("'", "''")
        page = self._call("graph_find", "GET", f"/mailFolders/{self.folder_id(folder)}/messages",
                          params={"$filter": f"internetMessageId eq '{escaped}'", "$top": 1}).json()
        return MailRef(folder=folder, validity=IMMUTABLE, id=str(page["value"][0]["id"])) if page["value"] else None

    # -- changing -----------------------------------------------------------------------------

    def move(self, ref: MailRef, folder: str) -> None:
        self._call("graph_move", "POST", f"/messages/{ref.id}/move", json={"destinationId": self.folder_id(folder, create=True)})
        self.log.info("graph_moved", ref=ref.reference, to=folder)

    def add_flags(self, ref: MailRef, flags: list[str]) -> None:
        current = self._call("graph_message", "GET", f"/messages/{ref.id}").json()
        change: dict[str, Any] = {}
        categories = [f for f in flags if not f.startswith("\\")]
        if categories:
            change["categories"] = sorted(set(current.get("categories", [])) | set(categories))
        if MailFlag.SEEN.value in flags:
            change["isRead"] = True
        if MailFlag.FLAGGED.value in flags:
            change["flag"] = {"flagStatus": "flagged"}
        self._call("graph_flag", "PATCH", f"/messages/{ref.id}", json=change)
        self.log.info("graph_flagged", ref=ref.reference, flags=flags)

    def send(self, mail: OutgoingMail) -> str | None:
        """Send from the mailbox (``sendMail``; a copy is kept in Sent Items). Graph returns no Message-ID."""
        message = {
            "subject": mail.subject,
            "body": {"contentType": "Text", "content": mail.text},
            "toRecipients": [{"emailAddress": {"address": a}} for a in mail.to],
            "attachments": [{"@odata.type": "#microsoft.graph.fileAttachment", "name": a.filename,
                             "contentType": a.content_type, "contentBytes": base64.b64encode(a.content).decode("ascii")}
                            for a in mail.attachments],
        }
        self._call("graph_send", "POST", "/sendMail", json={"message": message, "saveToSentItems": True})
        self.log.info("mail_sent", to=mail.to, subject=mail.subject, via="graph")
        return None
