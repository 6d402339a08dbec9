"""Digital Post: MeMo messages (:mod:`.memo`) sent with a client certificate (:mod:`.client`, :mod:`.tls`),
directly or through Serviceplatformen's SF1601 (:mod:`.sf1601`)."""

from sepbots.connectors.digitalpost.client import DigitalPostClient, Receipt
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
from sepbots.connectors.digitalpost.sf1601 import Sf1601, kombi_request
from sepbots.connectors.digitalpost.tls import client_tls_context

__all__ = ["DigitalPostClient", "MemoMessage", "Receipt", "Recipient", "RecipientIdType", "Sender", "Sf1601",
           "client_tls_context", "kombi_request", "message_uuid", "schema_errors", "to_xml", "validate"]
