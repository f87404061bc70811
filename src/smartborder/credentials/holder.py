"""Presentations: a holder proves possession of credentials; a verifier checks all of it.

:func:`prove` signs a VC DM 2.0 presentation as ``application/vp+jwt`` (the challenge and
domain go in the JWT's ``nonce`` and ``aud`` claims) or with a Data Integrity proof whose
purpose is ``authentication``. :func:`verify_presentation` checks the presentation's proof,
that its signer is its ``holder``, the challenge and domain, and then every credential in it
with :func:`~smartborder.credentials.recipes.verify`. It also reads VC Data Model 1.1
presentations: a JWT with a ``vp`` claim (VC DM 1.1 §6.3.1: ``iss`` the holder, ``nonce`` the
challenge, ``aud`` the domain) or a ``credentials/v1`` document with an Ed25519Signature2018/2020
or JsonWebSignature2020 proof.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pydantic import Field

from smartborder.credentials import jwt11
from smartborder.credentials.datamodel import (
    VC_V2_CONTEXT,
    is_vc11,
    problems_of_presentation,
    require_presentation,
)
from smartborder.credentials.errors import CredentialNonConforming, DidWebRefused
from smartborder.credentials.primitives import integrity, jose
from smartborder.credentials.primitives.contexts import ContextStore, builtin_store
from smartborder.credentials.primitives.jsonld import check_limits
from smartborder.credentials.primitives.keys import PrivateKey
from smartborder.credentials.recipes import (
    Resolver,
    VerificationResult,
    did_of,
    envelope,
    key_resolver,
    unenvelope,
    verify,
)
from smartborder.credentials.status import StatusChecker
from smartborder.credentials.types import CredentialTypes, ensure_own_context
from smartborder.errors import SmartBorderError
from smartborder.i18n import Text

MAX_CREDENTIALS = 64  # per presentation: bounds the verification work one request can ask for


class PresentationResult(VerificationResult):
    """The presentation's own checks, plus one :class:`VerificationResult` per credential."""

    holder: str | None = None
    presentation_id: str | None = None
    credentials: list[VerificationResult] = Field(default_factory=list)


def holder_of(presentation: Mapping[str, Any]) -> str | None:
    holder = presentation.get("holder")
    value = holder.get("id") if isinstance(holder, dict) else holder
    return value if isinstance(value, str) else None


def _wrap(credential: Any) -> Any:
    # A compact credential travels inside the presentation as an EnvelopedVerifiableCredential.
    if isinstance(credential, str):
        return envelope(credential, "dc+sd-jwt" if "~" in credential else "vc+jwt")
    return credential


def prove(
    presentation: Mapping[str, Any],
    *,
    key: PrivateKey,
    verification_method: str,
    now: datetime,
    challenge: str | None = None,
    domain: str | None = None,
    suite: str | None = None,
    contexts: ContextStore | None = None,
) -> dict[str, Any] | str:
    """Sign ``presentation``; the holder (filled in when absent) must control the key."""
    doc = copy.deepcopy(dict(presentation))
    did = did_of(verification_method)
    doc.setdefault("@context", [VC_V2_CONTEXT])
    doc.setdefault("type", ["VerifiablePresentation"])
    doc.setdefault("id", f"urn:uuid:{uuid.uuid4()}")
    doc.setdefault("holder", did)
    creds = doc.get("verifiableCredential", [])
    doc["verifiableCredential"] = [
        _wrap(c) for c in (creds if isinstance(creds, list) else [creds])
    ]
    require_presentation(doc)
    if holder_of(doc) != did:
        raise CredentialNonConforming(
            Text(
                f"The holder {holder_of(doc)!r} is not the controller of the signing key ({did}).",
                f"El titular {holder_of(doc)!r} no es el controlador de la clave de firma ({did}).",
            )
        )
    if suite is not None:
        return integrity.add_proof(
            doc,
            key=key,
            suite=suite,
            verification_method=verification_method,
            created=now,
            proof_purpose="authentication",
            challenge=challenge,
            domain=domain,
            contexts=ensure_own_context(contexts or builtin_store()),
        )
    claims = dict(doc)
    claims["iat"] = int(now.timestamp())
    if challenge is not None:
        claims["nonce"] = challenge
    if domain is not None:
        claims["aud"] = domain
    return jose.sign_jwt(claims, key=key, kid=verification_method, typ=jose.VP_JWT)


def challenge_of(presentation: Any) -> str | None:
    """The challenge a signed presentation answers (JWT ``nonce`` or the proof's ``challenge``),
    read without verifying; for routing a submission to its exchange."""
    if isinstance(presentation, str):
        value = jose.unverified_claims(presentation).get("nonce")
        return value if isinstance(value, str) else None
    if isinstance(presentation, dict):
        proof = presentation.get("proof")
        for p in proof if isinstance(proof, list) else [proof]:
            if isinstance(p, dict) and isinstance(p.get("challenge"), str):
                return str(p["challenge"])
    return None


def verify_presentation(
    presentation: Any,
    *,
    now: datetime,
    resolver: Resolver,
    types: CredentialTypes,
    status: StatusChecker | None = None,
    challenge: str | None = None,
    domain: str | None = None,
    require_proof: bool = True,
    contexts: ContextStore | None = None,
) -> PresentationResult:
    """Verify a presentation (``vp+jwt`` or Data Integrity) and each credential in it
    (:class:`DidWebRefused` raised as by :func:`~smartborder.credentials.recipes.verify`)."""
    result = PresentationResult(
        verified=True, format="vp+jwt" if isinstance(presentation, str) else "data-integrity"
    )
    doc: dict[str, Any] | None = None
    signer: str | None = None
    result.ran("proof")
    try:
        if isinstance(presentation, str):
            header, claims = jose.verify_jwt(
                presentation,
                resolve_key=key_resolver(resolver, "authentication"),
                typ=(jose.VP_JWT, *jwt11.JWT_TYPS),
            )
            if header.get("typ") != jose.VP_JWT:  # VC 1.1: the presentation is the vp claim
                result.format = jwt11.PRESENTATION_FORMAT
                claims = {**jwt11.presentation_of_jwt(claims), **_jwt_binding(claims)}
            doc = claims
            signer = did_of(header["kid"])
            if challenge is not None and doc.get("nonce") != challenge:
                result.fail(
                    "challenge", "the presentation does not answer the expected challenge (nonce)"
                )
            aud = doc.get("aud")
            if (
                domain is not None
                and aud != domain
                and not (isinstance(aud, list) and domain in aud)
            ):
                result.fail("domain", f"the presentation is for {aud!r}, not {domain!r}")
            doc = {k: v for k, v in doc.items() if k not in ("nonce", "aud", "iat")}
        elif isinstance(presentation, dict):
            check_limits(presentation)  # bounded before any proof or credential work
            doc = presentation
            if "proof" in doc:
                store = ensure_own_context(contexts or builtin_store())
                proof = integrity.verify_proof(
                    doc,
                    resolver=resolver,
                    now=now,
                    contexts=store,
                    expected_purpose="authentication",
                    challenge=challenge,
                    domain=domain,
                )
                if not proof.verified:
                    raise proof.errors[0]
                signer = did_of(str(proof.proofs[0].verification_method))
            elif require_proof:
                result.fail("proof", "the presentation is not signed by its holder")
            else:
                result.warnings.append(
                    "proof: the presentation is not signed; only its credentials were checked"
                )
        else:
            raise CredentialNonConforming()
    except DidWebRefused:
        raise
    except SmartBorderError as exc:
        result.fail("proof", exc.message.en)
    if doc is None:
        return result
    result.presentation_id = doc.get("id") if isinstance(doc.get("id"), str) else None
    result.holder = holder_of(doc)
    if signer is not None:
        result.ran("holder")
        if result.holder is not None and result.holder != signer:
            result.fail(
                "holder", f"signed by {signer}, but the presentation names holder {result.holder!r}"
            )
    result.ran("datamodel")
    for p in problems_of_presentation(doc, vc11=is_vc11(doc)):
        result.fail("datamodel", f"{p.message.en} (at {p.pointer or '/'})")
    creds = doc.get("verifiableCredential", [])
    creds = creds if isinstance(creds, list) else [creds]
    if len(creds) > MAX_CREDENTIALS:
        result.fail("credentials", f"more than {MAX_CREDENTIALS} credentials in one presentation")
        return result
    result.ran("credentials")
    for i, cred in enumerate(creds):
        one = verify(
            cred,
            now=now,
            resolver=resolver,
            types=types,
            status=status,
            audience=domain,
            nonce=challenge,
            contexts=contexts,
        )
        result.credentials.append(one)
        if not one.verified:
            result.fail("credentials", f"credential {i} failed: {'; '.join(one.errors)}")
    return result


def _jwt_binding(claims: dict[str, Any]) -> dict[str, Any]:
    """The ``nonce``/``aud`` of a presentation JWT, checked beside the presentation and then
    dropped (as for a ``vp+jwt``)."""
    return {k: claims[k] for k in ("nonce", "aud", "iat") if k in claims}


def unenvelope_presentation(value: Any) -> Any:
    """The compact ``vp+jwt`` inside an ``EnvelopedVerifiablePresentation``, else ``value``."""
    prefix = "data:application/vp+jwt,"
    if isinstance(value, dict) and value.get("type") == "EnvelopedVerifiablePresentation":
        ident = value.get("id")
        if isinstance(ident, str) and ident.startswith(prefix):
            return ident[len(prefix) :]
    return value


def credentials_of(presentation: Any) -> list[Any]:
    """The credentials a presentation carries, compact forms unenveloped, read *without*
    verifying (to look again at one whose check failed); [] for anything unreadable."""
    vp = unenvelope_presentation(presentation)
    try:
        claims = jose.unverified_claims(vp) if isinstance(vp, str) else vp
    except SmartBorderError:
        return []
    if not isinstance(claims, dict):
        return []
    if isinstance(claims.get("vp"), dict):  # VC 1.1 presentation JWT
        claims = claims["vp"]
    creds = claims.get("verifiableCredential", [])
    return [unenvelope(c) for c in (creds if isinstance(creds, list) else [creds])]


def is_presentation(item: Any) -> bool:
    """True for a verifiable presentation (a ``vp+jwt``, a JSON-LD or enveloped one), False for
    anything else (a credential, or input that is neither: verifying it says why)."""
    if isinstance(item, str):
        if "~" in item:
            return False
        try:
            typ = jose.read_header(item, require_kid=False).get("typ")
        except Exception:  # not even a JWT: the credential check says why
            return False
        if typ == jose.VP_JWT:
            return True
        return typ in jwt11.JWT_TYPS and isinstance(jose.unverified_claims(item).get("vp"), dict)
    if isinstance(item, dict):
        kind = item.get("type")
        kinds = kind if isinstance(kind, list) else [kind]
        return "VerifiablePresentation" in kinds or "EnvelopedVerifiablePresentation" in kinds
    return False


__all__ = [
    "PresentationResult",
    "challenge_of",
    "credentials_of",
    "holder_of",
    "is_presentation",
    "prove",
    "unenvelope_presentation",
    "verify_presentation",
]
