"""Exchange documents: what one agency's node sends the other, signed, and how the receiver
opens one.

A document is a compact JWS (``typ`` ``smartborder-exchange+jwt``) signed with the sending
node's key, named by a DID URL of the sender's ``did:web``. Its claims::

    {"jti": document id, "iss": sender DID, "aud": receiver DID, "iat": signing time,
     "agreement": "us-mx-data-sharing@2026-2", "kind": "trip" | "decision" | …,
     "from": "anam", "body": {...}}

A document is signed when it is sent (each attempt anew), so ``iat`` is fresh: the receiver
refuses one signed more than :data:`REPLAY_WINDOW_S` ago (a captured request replayed later),
and within the window an id already applied is acknowledged without being applied again
(idempotent receipt). The ``digest`` (SHA-256 of the kind and body, canonical JSON) is what
both audit logs record and what tells a resent document from a forged one with a reused id.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson

from smartborder.credentials import (
    CredentialsError,
    PrivateKey,
    PublicKey,
    document_kid,
    sign_document,
    verify_document,
)
from smartborder.exchange.agreement import Agreement
from smartborder.exchange.errors import (
    DocumentInvalid,
    NotForThisNode,
    OutOfAgreement,
    Replayed,
    SignatureInvalid,
)
from smartborder.i18n import Text

TYP = "smartborder-exchange+jwt"
# A refusal is the protocol's own: the receiver accepted a document on receipt and could not
# apply it (it says which and why); it carries no data element of a trip.
KINDS = ("trip", "decision", "inspection", "state", "refusal")
# A signature older than this is a replay (or a clock far off): 5 minutes, the skew Kerberos
# tolerates by default (RFC 4120 §1.6 recommends "on the order of 5 minutes").
REPLAY_WINDOW_S = 300
_ENVELOPE = {
    "trip": frozenset(
        {"trip_id", "version", "submitter_org", "filed_at", "declaration", "decision"}
    ),
    "decision": frozenset({"trip_id", "version", "decision"}),
    "inspection": frozenset({"trip_id", "version", "event"}),
    "state": frozenset({"trip_id", "version", "state"}),
    "refusal": frozenset({"trip_id", "doc_id", "problem"}),
}


def digest(kind: str, body: Mapping[str, Any]) -> str:
    raw = orjson.dumps({"kind": kind, "body": body}, option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(raw).hexdigest()


@dataclass(frozen=True, slots=True)
class NodeSigner:
    """This node's signing identity for exchange documents."""

    did: str
    kid: str
    key: PrivateKey
    agency: str

    def sign(
        self,
        doc_id: str,
        kind: str,
        body: Mapping[str, Any],
        *,
        aud: str,
        agreement: str,
        now: datetime,
    ) -> str:
        claims = {
            "jti": doc_id,
            "iss": self.did,
            "aud": aud,
            "iat": int(now.timestamp()),
            "agreement": agreement,
            "kind": kind,
            "from": self.agency,
            "body": body,
        }
        return sign_document(claims, key=self.key, kid=self.kid, typ=TYP)


@dataclass(frozen=True, slots=True)
class Received:
    """A document whose signature, audience, age and agreement were checked."""

    doc_id: str
    kind: str
    body: dict[str, Any]
    digest: str
    sender: str


def _invalid(en: str, es: str) -> DocumentInvalid:
    return DocumentInvalid(Text(en, es))


def open_document(
    token: Any,
    *,
    peer_did: str,
    peer_agency: str,
    key_for: Callable[[str], PublicKey | None],
    me: str,
    agreement: Agreement,
    now: datetime,
) -> Received:
    """Check a document from the peer and return what it carries; raise the refusal
    (one of :data:`smartborder.exchange.errors.REFUSALS`) that says what is wrong."""
    if not isinstance(token, str):
        raise _invalid(
            "Each document must be a compact JWS string.",
            "Cada documento debe ser una cadena JWS compacta.",
        )
    try:
        kid = document_kid(token)
    except CredentialsError as exc:
        raise DocumentInvalid(exc.message) from exc
    if not kid.startswith(peer_did + "#"):
        raise NotForThisNode(
            Text(
                f"The document is signed by {kid.split('#')[0]}, not by this node's peer {peer_did}.",
                f"El documento está firmado por {kid.split('#')[0]}, no por el nodo par {peer_did}.",
            )
        )
    key = key_for(kid)
    if key is None:
        raise SignatureInvalid(
            Text(
                f"The key {kid} is not in the peer's DID document.",
                f"La clave {kid} no está en el documento DID del nodo par.",
            )
        )
    try:
        claims = verify_document(token, key=key, typ=TYP)
    except CredentialsError as exc:
        raise SignatureInvalid(exc.message) from exc
    return _check_claims(claims, peer_did, peer_agency, me, agreement, now)


def _check_claims(
    claims: dict[str, Any],
    peer_did: str,
    peer_agency: str,
    me: str,
    agreement: Agreement,
    now: datetime,
) -> Received:
    doc_id, kind, body = claims.get("jti"), claims.get("kind"), claims.get("body")
    if not isinstance(doc_id, str) or not 1 <= len(doc_id) <= 36:
        raise _invalid(
            "The document needs a jti (its id, ≤ 36 characters).",
            "El documento necesita un jti (su id, ≤ 36 caracteres).",
        )
    if kind not in KINDS or not isinstance(body, dict):
        raise _invalid(
            f"The document's kind must be one of {', '.join(KINDS)} with an object body.",
            f"El tipo del documento debe ser uno de {', '.join(KINDS)} con un cuerpo objeto.",
        )
    if claims.get("iss") != peer_did or claims.get("from") != peer_agency:
        raise NotForThisNode(
            Text(
                f"The document's issuer must be {peer_did} ({peer_agency}).",
                f"El emisor del documento debe ser {peer_did} ({peer_agency}).",
            )
        )
    if claims.get("aud") != me:
        raise NotForThisNode(
            Text(
                f"The document is addressed to {claims.get('aud')!r}, not to this node ({me}).",
                f"El documento está dirigido a {claims.get('aud')!r}, no a este nodo ({me}).",
            )
        )
    iat = claims.get("iat")
    age = now.timestamp() - iat if isinstance(iat, int | float) else None
    if age is None or not -REPLAY_WINDOW_S <= age <= REPLAY_WINDOW_S:
        raise Replayed(
            Text(
                f"The document was signed outside the last {REPLAY_WINDOW_S} s: a replay, or a clock out of step.",
                f"El documento se firmó fuera de los últimos {REPLAY_WINDOW_S} s: una repetición, o un reloj desfasado.",
            )
        )
    if claims.get("agreement") != agreement.ref:
        raise OutOfAgreement(
            Text(
                f"The document cites the agreement {claims.get('agreement')!r}; this node holds {agreement.ref}.",
                f"El documento cita el acuerdo {claims.get('agreement')!r}; este nodo tiene {agreement.ref}.",
            )
        )
    extra = sorted(set(body) - _ENVELOPE[kind])
    missing = sorted(_ENVELOPE[kind] - set(body) - {"decision"})
    if missing:
        raise _invalid(
            f"The {kind} document lacks {', '.join(missing)}.",
            f"Al documento {kind} le falta {', '.join(missing)}.",
        )
    outside = [f"body.{k}" for k in extra]
    if kind == "trip":
        declaration = body.get("declaration")
        if not isinstance(declaration, dict):
            raise _invalid(
                "A trip document carries its declaration as an object.",
                "Un documento de viaje lleva su declaración como objeto.",
            )
        outside += [
            f"declaration.{p}"
            for p in agreement.outside("trip", declaration, str(declaration.get("kind")))
        ]
    if kind == "inspection":
        event = body.get("event")
        if not isinstance(event, dict):
            raise _invalid(
                "An inspection document carries its event as an object.",
                "Un documento de inspección lleva su evento como objeto.",
            )
        outside += [f"event.{p}" for p in agreement.outside("inspection", event)]
    if kind == "state":
        change = body.get("state")
        if not isinstance(change, dict):
            raise _invalid(
                "A state document carries its state change as an object.",
                "Un documento de estado lleva su cambio de estado como objeto.",
            )
        outside += [f"state.{p}" for p in agreement.outside("state", change)]
    if kind == "refusal" and not (
        isinstance(body.get("doc_id"), str) and isinstance(body.get("problem"), dict)
    ):
        raise _invalid(
            "A refusal names the refused document (doc_id) and carries its problem (an object).",
            "Un rechazo nombra el documento rechazado (doc_id) y lleva su problema (un objeto).",
        )
    decision = body.get("decision")
    if decision is not None:
        if not isinstance(decision, dict):
            raise _invalid("The decision must be an object.", "La decisión debe ser un objeto.")
        outside += [f"decision.{p}" for p in agreement.outside("decision", decision)]
    if outside:
        raise OutOfAgreement(
            Text(
                f"The document carries data elements the agreement {agreement.ref} does not share: {', '.join(outside[:10])}.",
                f"El documento lleva datos que el acuerdo {agreement.ref} no comparte: {', '.join(outside[:10])}.",
            ),
            extra={"outside": outside[:50]},
        )
    return Received(doc_id, kind, body, digest(kind, body), peer_did)


def now_utc() -> datetime:
    return datetime.now(UTC)
