"""The exchange between the two agencies' nodes: the data-sharing agreement, signed exchange
documents, the transactional outbox and its deliverer, the peer node.

CBP's node and ANAM's node each hold their own store, keys and rules. What one sends the
other — a trip filed with it (the data elements the agreement shares, and its decision on its
own leg), or its decision on a trip the other sent — leaves through the outbox, signed, over
HTTP with OAuth2 client credentials, and is checked on arrival (signature, audience, age,
agreement) and acknowledged once durably held; it is applied afterwards, once, in the order
it arrived (a :class:`LeaderLoop` on the receiving node), and a document that cannot be
applied goes back to its sender as a ``refusal`` naming the problem.
"""

from smartborder.exchange.agreement import Agreement, load_agreement
from smartborder.exchange.documents import (
    KINDS,
    REPLAY_WINDOW_S,
    TYP,
    NodeSigner,
    Received,
    digest,
    open_document,
)
from smartborder.exchange.errors import (
    REFUSALS,
    AgreementInvalid,
    DocumentInvalid,
    NotApplicable,
    NotForThisNode,
    OutOfAgreement,
    PeerUnreachable,
    Replayed,
    SignatureInvalid,
)
from smartborder.exchange.leader import LeaderLoop
from smartborder.exchange.outbox import Deliverer, backoff_s, outbox_row
from smartborder.exchange.peer import PeerNode

__all__ = [
    "KINDS",
    "REFUSALS",
    "REPLAY_WINDOW_S",
    "TYP",
    "Agreement",
    "AgreementInvalid",
    "Deliverer",
    "DocumentInvalid",
    "LeaderLoop",
    "NodeSigner",
    "NotApplicable",
    "NotForThisNode",
    "OutOfAgreement",
    "PeerNode",
    "PeerUnreachable",
    "Received",
    "Replayed",
    "SignatureInvalid",
    "backoff_s",
    "digest",
    "load_agreement",
    "open_document",
    "outbox_row",
]
