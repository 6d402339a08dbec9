"""The practice Graph server's mailboxes, in memory: folders, messages, attachments, sent mail.

Shapes follow Microsoft Graph v1.0 (``message``, ``mailFolder``, ``fileAttachment`` resources).
One lock guards everything; the server is for development and tests, not for volume.
"""

from __future__ import annotations

import base64
import threading
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

WELL_KNOWN = ("inbox", "archive", "deleteditems", "drafts", "sentitems", "junkemail")
_DISPLAY = {"inbox": "Inbox", "archive": "Archive", "deleteditems": "Deleted Items", "drafts": "Drafts",
            "sentitems": "Sent Items", "junkemail": "Junk Email"}


@dataclass
class StoredAttachment:
    name: str
    content_type: str
    content: bytes
    id: str = field(default_factory=lambda: uuid.uuid4().hex)

    def resource(self) -> dict[str, Any]:
        return {
            "@odata.type": "#microsoft.graph.fileAttachment",
            "id": self.id,
            "name": self.name,
            "contentType": self.content_type,
            "size": len(self.content),
            "isInline": False,
            "contentBytes": base64.b64encode(self.content).decode("ascii"),
        }


@dataclass
class StoredMessage:
    id: str
    folder_id: str
    subject: str
    sender: tuple[str, str]
    received: datetime
    body: str
    internet_message_id: str
    attachments: list[StoredAttachment] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    is_read: bool = False
    flag_status: str = "notFlagged"

    def resource(self) -> dict[str, Any]:
        name, address = self.sender
        return {
            "id": self.id,
            "parentFolderId": self.folder_id,
            "subject": self.subject,
            "from": {"emailAddress": {"name": name, "address": address}},
            "receivedDateTime": self.received.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "body": {"contentType": "text", "content": self.body},
            "internetMessageId": self.internet_message_id,
            "hasAttachments": bool(self.attachments),
            "categories": list(self.categories),
            "isRead": self.is_read,
            "flag": {"flagStatus": self.flag_status},
        }


class NotFound(LookupError):
    """A user, folder or message the mailbox does not have."""


class MailStore:
    """Every practice mailbox; folders are per user, identified by id (or a well-known name)."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self._folders: dict[str, dict[str, str]] = {}  # user → folder id → display name
        self._messages: dict[str, dict[str, StoredMessage]] = {}  # user → message id → message
        self.sent: list[dict[str, Any]] = []

    def add_user(self, user: str) -> None:
        with self.lock:
            if user.lower() not in self._folders:
                self._folders[user.lower()] = {name: _DISPLAY[name] for name in WELL_KNOWN}
                self._messages[user.lower()] = {}

    def _user(self, user: str) -> str:
        if user.lower() not in self._folders:
            raise NotFound(f"user {user}")
        return user.lower()

    def folder_id(self, user: str, folder: str) -> str:
        with self.lock:
            folders = self._folders[self._user(user)]
            if folder.lower() in WELL_KNOWN:
                return folder.lower()
            if folder in folders:
                return folder
            raise NotFound(f"folder {folder}")

    def folders(self, user: str) -> list[dict[str, Any]]:
        with self.lock:
            return [{"id": fid, "displayName": name} for fid, name in self._folders[self._user(user)].items()]

    def create_folder(self, user: str, display_name: str) -> dict[str, Any]:
        with self.lock:
            folders = self._folders[self._user(user)]
            if display_name in folders.values():
                raise ValueError(f"A folder with the specified name already exists: {display_name}")
            fid = "AAMkFolder" + uuid.uuid4().hex
            folders[fid] = display_name
            return {"id": fid, "displayName": display_name}

    def add_message(self, user: str, folder: str, *, subject: str, sender: tuple[str, str], received: datetime,
                    body: str, attachments: list[StoredAttachment] | None = None) -> StoredMessage:
        with self.lock:
            self.add_user(user)
            message = StoredMessage(id="AAMkMsg" + uuid.uuid4().hex, folder_id=self.folder_id(user, folder),
                                    subject=subject, sender=sender, received=received, body=body,
                                    internet_message_id=f"<{uuid.uuid4().hex}@practice.graph>",
                                    attachments=attachments or [])
            self._messages[user.lower()][message.id] = message
            return message

    def in_folder(self, user: str, folder: str) -> list[StoredMessage]:
        with self.lock:
            fid = self.folder_id(user, folder)
            found = [m for m in self._messages[self._user(user)].values() if m.folder_id == fid]
            return sorted(found, key=lambda m: (m.received, m.id))

    def get(self, user: str, message_id: str) -> StoredMessage:
        with self.lock:
            message = self._messages[self._user(user)].get(message_id)
            if message is None:
                raise NotFound(f"message {message_id}")
            return message

    def move(self, user: str, message_id: str, destination: str, *, immutable: bool) -> StoredMessage:
        """Move a message; without immutable ids, the moved message gets a new id (as Exchange does)."""
        with self.lock:
            message = self.get(user, message_id)
            message.folder_id = self.folder_id(user, destination)
            if not immutable:
                del self._messages[user.lower()][message.id]
                message.id = "AAMkMsg" + uuid.uuid4().hex
                self._messages[user.lower()][message.id] = message
            return message
