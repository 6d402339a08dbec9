"""Digital Post: MeMo messages (:mod:`.memo`) sent with a client certificate (:mod:`.client`)."""

from sepbots.connectors.digitalpost.client import DigitalPostClient, Receipt, client_tls_context
from sepbots.connectors.digitalpost.memo import (
    MemoMessage,
    Recipient,
    RecipientIdType,
    Sender,
    message_uuid,
    schema_errors,
    to_xml,
    validate,
)

__all__ = ["DigitalPostClient", "MemoMessage", "Receipt", "Recipient", "RecipientIdType", "Sender",
           "client_tls_context", "message_uuid", "schema_errors", "to_xml", "validate"]
