"""MeMo messages: the XML a public sender hands to Digital Post (namespace ``https://DigitalPost.dk/MeMo-1``).

A message is a ``MessageHeader`` (type, the sender's own ``messageUUID``, a label the citizen sees,
the sender by CVR number and the recipient by CPR or CVR number) and a ``MessageBody`` whose
``MainDocument`` carries one file — here the letter as PDF, base64-encoded. The ``messageUUID`` is
what makes sending idempotent: Digital Post refuses a second message with the same UUID, so a
sender that derives it from its own reference (:func:`message_uuid`) can never send a letter twice.

:func:`validate` checks a message against a schema: by default ``memo_subset.xsd`` (the elements
sepbots writes, with the published names and order); given ``schema_file``, Digitaliseringsstyrelsen's
published MeMo schema (``MeMo_core.xsd`` and the files it imports, as the installation keeps them).
The client checks every message before it sends it; the practice server checks what it receives.
"""

from __future__ import annotations

import base64
import re
import uuid
from datetime import datetime
from enum import StrEnum
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

from lxml import etree
from pydantic import BaseModel, ConfigDict, Field, SecretStr

from sepbots.exceptions import BusinessException, ConfigError

NS = "https://DigitalPost.dk/MeMo-1"
MEMO_VERSION = "1.1"
MEMO_SCHEMA_VERSION = "1.1.0"
# A fixed namespace for sepbots' message UUIDs (uuid5 of the sender's CVR and the item reference).
_QUOTED_VALUE = re.compile(r"'(?![{\[])[^']*'(?= is not a valid value)")
UUID_NAMESPACE = uuid.UUID("6f1c9a52-3b7e-5d0a-9c4e-2a8b7d1e0f35")


class MessageType(StrEnum):
    DIGITALPOST = "DIGITALPOST"
    NEMSMS = "NEMSMS"


class RecipientIdType(StrEnum):
    CPR = "CPR"
    CVR = "CVR"


class Sender(BaseModel):
    """The sending authority: its CVR number and the name the citizen sees."""

    model_config = ConfigDict(frozen=True)

    cvr: str = Field(pattern=r"^\d{8}$")
    label: str = Field(min_length=1, max_length=150)


class Recipient(BaseModel):
    """A citizen by CPR number or a company by CVR number; the number is a secret in logs and reprs."""

    model_config = ConfigDict(frozen=True)

    id: SecretStr
    id_type: RecipientIdType = RecipientIdType.CPR


class MemoMessage(BaseModel):
    """One Digital Post message with one PDF as its main document."""

    model_config = ConfigDict(frozen=True)

    message_uuid: uuid.UUID
    label: str = Field(min_length=1, max_length=150, description="the title the recipient sees")
    sender: Sender
    recipient: Recipient
    created: datetime
    filename: str
    content: bytes = Field(repr=False)
    language: str = "da"
    encoding_format: str = "application/pdf"
    message_type: MessageType = MessageType.DIGITALPOST


def message_uuid(sender_cvr: str, reference: str) -> uuid.UUID:
    """The message UUID for ``reference``: the same reference always gives the same UUID (uuid5)."""
    return uuid.uuid5(UUID_NAMESPACE, f"{sender_cvr}/{reference}")


def to_xml(message: MemoMessage) -> bytes:
    """The message as MeMo XML (UTF-8). Text is escaped by lxml, so no value can add elements."""

    def add(parent: etree._Element, name: str, text: str | None = None) -> etree._Element:
        child = etree.SubElement(parent, f"{{{NS}}}{name}")
        if text is not None:
            child.text = text
        return child

    root = etree.Element(f"{{{NS}}}Message", nsmap={"memo": NS},
                         memoVersion=MEMO_VERSION, memoSchVersion=MEMO_SCHEMA_VERSION)
    header = add(root, "MessageHeader")
    add(header, "messageType", message.message_type.value)
    add(header, "messageUUID", str(message.message_uuid))
    add(header, "label", message.label)
    add(header, "mandatory", "false")
    add(header, "legalNotification", "false")
    sender = add(header, "Sender")
    add(sender, "senderID", message.sender.cvr)
    add(sender, "idType", "CVR")
    add(sender, "label", message.sender.label)
    recipient = add(header, "Recipient")
    add(recipient, "recipientID", message.recipient.id.get_secret_value())
    add(recipient, "idType", message.recipient.id_type.value)
    body = add(root, "MessageBody")
    add(body, "createdDateTime", message.created.isoformat())
    file = add(add(body, "MainDocument"), "File")
    add(file, "encodingFormat", message.encoding_format)
    add(file, "filename", message.filename)
    add(file, "language", message.language)
    add(file, "content", base64.b64encode(message.content).decode("ascii"))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


@lru_cache(maxsize=4)
def schema(schema_file: Path | None = None) -> etree.XMLSchema:
    """The schema messages are checked against (parsed once per process and file).

    Args:
        schema_file: the published ``MeMo_core.xsd`` (its imports beside it); None: the built-in subset.

    Raises:
        ConfigError: ``digitalpost.memo_schema`` when the file is missing or is no usable XML schema.
    """
    if schema_file is None:
        source = files("sepbots.connectors.digitalpost").joinpath("memo_subset.xsd").read_bytes()
        return etree.XMLSchema(etree.fromstring(source))
    path = Path(schema_file)
    if not path.is_file():
        raise ConfigError(f"MeMo-skemaet findes ikke / the MeMo schema does not exist: {path}", key="digitalpost.memo_schema")
    try:  # parsed from the file so its imports (MeMo_dataTypes.xsd, ...) resolve beside it; never from the network
        return etree.XMLSchema(etree.parse(str(path), parser=etree.XMLParser(no_network=True, resolve_entities=False)))
    except (etree.XMLSyntaxError, etree.XMLSchemaParseError) as exc:
        raise ConfigError(f"MeMo-skemaet {path.name} kan ikke bruges / "
                          f"the MeMo schema {path.name} cannot be used: {exc}", key="digitalpost.memo_schema") from exc


def parse(document: bytes) -> etree._Element:
    """Parse a received message safely: no entity expansion, no network, no DTD loading."""
    return etree.fromstring(document, parser=etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False))


def schema_errors(document: bytes | etree._Element, schema_file: Path | None = None) -> list[str]:
    """What is wrong with ``document`` as a MeMo message (empty when it is valid); no element text is quoted."""
    if isinstance(document, bytes):
        try:
            document = parse(document)
        except etree.XMLSyntaxError as exc:
            return [f"line {exc.lineno}: not well-formed XML"]
    checker = schema(schema_file)
    if checker.validate(document):
        return []
    return [f"line {e.line}: {_without_values(e.message)}" for e in checker.error_log]  # type: ignore[attr-defined]  # lxml-stubs omit _ErrorLog.__iter__


def validate(document: bytes | etree._Element, schema_file: Path | None = None) -> None:
    """Raise ``BusinessException`` (``MEMO_INVALID``) when ``document`` breaks the MeMo schema.

    The message names what is wrong (element and line) in Danish and English, never a value.
    """
    errors = schema_errors(document, schema_file)
    if errors:
        raise BusinessException("MeMo-beskeden overholder ikke skemaet / the MeMo message breaks the schema: "
                                + "; ".join(errors[:5]), code="MEMO_INVALID")


def _without_values(message: str) -> str:
    """lxml quotes the offending value ("The value '0101…' is not …", "'0101…' is not a valid value"); drop it."""
    head, sep, tail = message.partition("The value '")
    if sep:
        _, _, rest = tail.partition("' ")
        message = f"{head}The value {rest}"
    return _QUOTED_VALUE.sub("'…'", message)
