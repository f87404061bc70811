"""Errors of the exchange between the two agencies' nodes (see :mod:`smartborder.errors`)::

    InvalidInput
    ├── AgreementInvalid      exchange.agreement_invalid   the agreement file is unreadable or malformed
    └── DocumentInvalid       exchange.document_invalid    not a signed exchange document of this node's peer
    Unauthenticated
    └── SignatureInvalid      exchange.signature_invalid   the signature does not verify with the peer's keys
    Forbidden
    ├── OutOfAgreement        exchange.out_of_agreement    carries data elements the agreement does not share
    └── NotForThisNode        exchange.wrong_audience      addressed to another node, or from a node that is not the peer
    Conflict
    ├── Replayed              exchange.replayed            a document id seen before with other content, or signed too long ago
    └── NotApplicable         exchange.not_applicable      the record cannot take it (e.g. amended after arrival)
    Unavailable
    └── PeerUnreachable       exchange.peer_unreachable    the peer node did not answer (the outbox retries)

Each refused document is answered to the sender with its problem and written to the audit log
of both nodes; nothing of it is applied.
"""

from __future__ import annotations

from smartborder.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    SmartBorderError,
    Unauthenticated,
    Unavailable,
)
from smartborder.i18n import Text


class AgreementInvalid(InvalidInput):
    code = "exchange.agreement_invalid"


class DocumentInvalid(InvalidInput):
    code = "exchange.document_invalid"


class SignatureInvalid(Unauthenticated):
    code = "exchange.signature_invalid"


class OutOfAgreement(Forbidden):
    code = "exchange.out_of_agreement"


class NotForThisNode(Forbidden):
    code = "exchange.wrong_audience"


class Replayed(Conflict):
    code = "exchange.replayed"


class NotApplicable(Conflict):
    code = "exchange.not_applicable"


class PeerUnreachable(Unavailable):
    code = "exchange.peer_unreachable"
    default_message = Text(
        "The peer node could not be reached; the document stays in the outbox and is retried.",
        "No se pudo contactar al nodo par; el documento permanece en la bandeja de salida y se reintenta.",
    )


#: The refusals a receiving node answers per document (the sender stops retrying them).
REFUSALS: tuple[type[SmartBorderError], ...] = (
    DocumentInvalid,
    SignatureInvalid,
    OutOfAgreement,
    NotForThisNode,
    Replayed,
    NotApplicable,
)

__all__ = [
    "REFUSALS",
    "AgreementInvalid",
    "DocumentInvalid",
    "NotApplicable",
    "NotForThisNode",
    "OutOfAgreement",
    "PeerUnreachable",
    "Replayed",
    "SignatureInvalid",
]
