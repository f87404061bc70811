"""A holder proves who they are with their own key: DID authentication by presentation.

The holder asks for a challenge (:func:`open_challenge`, kept in the credentials domain's
exchange table) and signs a Verifiable Presentation whose ``nonce``/``challenge`` is it and
whose ``aud``/``domain`` is this node's base URL (a ``vp+jwt``, or a Data Integrity
presentation with an ``authentication`` proof). :func:`authenticate` checks that proof with the
credential library's ``verify_presentation`` — and every credential inside it, each SD-JWT's
key-binding JWT answering the same challenge — and spends the challenge (once, within
:data:`CHALLENGE_TTL`). The presentation's ``holder`` is then the caller.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from smartborder.consular.errors import HolderUnauthenticated
from smartborder.credentials import (
    CredentialService,
    PresentationResult,
    PublicKey,
    challenge_of,
    document_kid,
    unenvelope_presentation,
)
from smartborder.errors import SmartBorderError
from smartborder.i18n import Text
from smartborder.store import consular as consular_repo
from smartborder.store import credentials as credentials_repo

#: The exchange table's tenant for consular challenges (no organization's exchange).
EXCHANGE_ORG = "smartborder-consular"
#: How long a challenge may be answered: long enough to open a wallet and sign.
CHALLENGE_TTL = timedelta(minutes=10)


@dataclass(frozen=True, slots=True)
class Holder:
    """An authenticated holder: their DID, the key that signed, and what they presented."""

    did: str
    key: PublicKey
    presentation: PresentationResult


def _stamp(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def open_challenge(
    service: CredentialService, session: Session, *, now: datetime
) -> dict[str, Any]:
    """A fresh challenge and the domain a holder's presentation must name (challenges past
    their time-to-live are dropped meanwhile, so the table holds only live ones)."""
    consular_repo.drop_challenges(session, EXCHANGE_ORG, opened_before=now - CHALLENGE_TTL)
    opened = service.open_exchange(
        session, org=EXCHANGE_ORG, query={"type": "DIDAuthentication"}, now=now
    )
    return {
        "challenge": opened["challenge"],
        "domain": opened["domain"],
        "expires_at": _stamp(now + CHALLENGE_TTL),
    }


def _refuse(en: str, es: str) -> HolderUnauthenticated:
    default = HolderUnauthenticated.default_message
    return HolderUnauthenticated(Text(f"{en} {default.en}", f"{es} {default.es}"))


def _signing_method(presentation: Any) -> str | None:
    if isinstance(presentation, str):
        return document_kid(presentation)
    proof = presentation.get("proof") if isinstance(presentation, dict) else None
    first = proof[0] if isinstance(proof, list) and proof else proof
    method = first.get("verificationMethod") if isinstance(first, dict) else None
    return method if isinstance(method, str) else None


def authenticate(
    service: CredentialService, session: Session, presentation: Any, *, now: datetime
) -> Holder:
    """The holder of ``presentation`` once its proof answers an open challenge of this node;
    :class:`HolderUnauthenticated` (401) with the reason otherwise. The credentials inside
    are verified too (their results are in ``Holder.presentation``) but not judged here."""
    vp = unenvelope_presentation(presentation)
    if not isinstance(vp, str | dict):
        raise _refuse("No presentation was sent.", "No se envió ninguna presentación.")
    try:
        challenge = challenge_of(vp)
    except SmartBorderError:
        challenge = None
    if not challenge:
        raise _refuse(
            "The presentation answers no challenge.", "La presentación no responde ningún desafío."
        )
    exchange = credentials_repo.get_exchange(session, challenge, lock=True)
    if exchange is None or exchange.org != EXCHANGE_ORG:
        raise _refuse(
            "The challenge is not one this node opened.", "El desafío no lo abrió este nodo."
        )
    if exchange.used_at is not None:
        raise _refuse("The challenge was already used.", "El desafío ya se usó.")
    if now - exchange.created_at > CHALLENGE_TTL:
        raise _refuse(
            f"The challenge expired ({int(CHALLENGE_TTL.total_seconds() // 60)} minutes).",
            f"El desafío venció ({int(CHALLENGE_TTL.total_seconds() // 60)} minutos).",
        )
    result = service.verify_presentation(
        session,
        vp,
        options={"challenge": challenge, "domain": service.base_url},
        now=now,
        require_proof=True,
    )
    own = [e for e in result.errors if not e.startswith("credentials:")]
    if own or result.holder is None:
        why = "; ".join(own) or "it names no holder"
        raise _refuse(
            f"The presentation's proof does not verify: {why}.",
            f"La prueba de la presentación no es válida: {why}.",
        )
    method = _signing_method(vp)
    if method is None:
        raise _refuse("The presentation names no signing key.", "La presentación no nombra clave.")
    key = service.resolver.verification_method(method, purpose="authentication").public_key
    exchange.used_at = now
    return Holder(did=result.holder, key=key, presentation=result)


__all__ = ["CHALLENGE_TTL", "EXCHANGE_ORG", "Holder", "authenticate", "open_challenge"]
