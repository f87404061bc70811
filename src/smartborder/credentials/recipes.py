"""Safe recipes: :func:`issue` and :func:`verify` a credential with fixed, vetted choices.

``issue`` refuses a credential that breaks VC Data Model 2.0 or its type's JSON Schema, then
secures it in one of three ways:

- ``format="vc+jwt"``: VC-JOSE compact JWS (ES384 with a P-384 key, ES256, EdDSA);
- ``format="dc+sd-jwt"``: SD-JWT VC with selectively disclosable subject claims;
- ``suite=<cryptosuite>``: a Data Integrity proof (``eddsa-rdfc-2022``, ``eddsa-jcs-2022``,
  ``ecdsa-rdfc-2019``, ``ecdsa-jcs-2019``) through :mod:`smartborder.credentials.primitives.integrity`.

With ``open_types=True`` (the open issuer profile an admin grants an organization) a
credential of a type no schema is known for is issued once it satisfies VC DM 2.0; a known
type's schema is still checked.

``verify`` takes any of those forms and a clock (``now``) and returns a
:class:`VerificationResult` that says which checks ran, and every warning and error. It never
raises for a bad credential: a forged, tampered, revoked, suspended, expired or schema-breaking
credential comes back with ``verified=False`` and the failed check named. A credential of a
type no schema is known for verifies with a ``schema`` *warning*: which types count is the
verifier's policy (the trust registry), not a property of the credential. ``verify`` also
reads VC Data Model 1.1 credentials: Linked Data proofs Ed25519Signature2018/2020 and
JsonWebSignature2020 (:mod:`~smartborder.credentials.primitives.integrity.legacy`) and VC 1.1
JWTs with a ``vc`` claim (:mod:`~smartborder.credentials.jwt11`).
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field, PrivateAttr

from smartborder.credentials import jwt11
from smartborder.credentials.datamodel import (
    VC_V2_CONTEXT,
    issuer_id,
    parse_datetime,
    problems_for_verification,
    require_credential,
    validity_period,
    validity_problem,
)
from smartborder.credentials.errors import CredentialNonConforming, DidUnreachable, DidWebRefused
from smartborder.credentials.primitives import integrity, jose, sdjwt
from smartborder.credentials.primitives.contexts import ContextStore, builtin_store
from smartborder.credentials.primitives.did import DidResolver
from smartborder.credentials.primitives.jsonld import check_limits
from smartborder.credentials.primitives.keys import PrivateKey, PublicKey
from smartborder.credentials.status import StatusChecker
from smartborder.credentials.types import CredentialTypes, ensure_own_context
from smartborder.errors import SmartBorderError
from smartborder.i18n import Text

VCT_BASE = "https://smartborder.dev/vct/"
ENVELOPED = "EnvelopedVerifiableCredential"
_DATA_PREFIX = {"vc+jwt": "data:application/vc+jwt,", "dc+sd-jwt": "data:application/dc+sd-jwt,"}
# Registered JWT claims that are not subject claims when an SD-JWT VC is read back.
_JWT_CLAIMS = frozenset(
    {
        "iss",
        "vct",
        "iat",
        "nbf",
        "exp",
        "cnf",
        "jti",
        "sub",
        "status",
        "credentialStatus",
        "_sd_alg",
    }
)


class Format(StrEnum):
    VC_JWT = "vc+jwt"
    SD_JWT = "dc+sd-jwt"
    DATA_INTEGRITY = "data-integrity"


Resolver = DidResolver


class VerificationResult(BaseModel):
    """What verification found (the Traceability Interop ``VerificationResult`` and more).

    ``checks`` are the checks that ran; ``failed_checks`` those that failed; ``errors`` and
    ``warnings`` say why, as ``"<check>: <reason>"``. ``credential`` is the verified document
    (for an SD-JWT, the disclosed claims only).
    """

    verified: bool
    format: str
    checks: list[str] = Field(default_factory=list)
    failed_checks: list[str] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    errors: list[str] = Field(default_factory=list)
    credential: dict[str, Any] | None = None
    credential_type: str | None = None
    issuer: str | None = None
    disclosed: list[str] | None = None
    #: Spanish ``errors`` by position, where the reason came from a bilingual error.
    _errors_es: dict[int, str] = PrivateAttr(default_factory=dict)

    def fail(self, check: str, reason: str, reason_es: str | None = None) -> None:
        if check not in self.failed_checks:
            self.failed_checks.append(check)
        self.errors.append(f"{check}: {reason}")
        if reason_es is not None:
            self._errors_es[len(self.errors) - 1] = f"{check}: {reason_es}"
        self.verified = False

    def error_es(self, index: int) -> str:
        """``errors[index]`` in Spanish when its reason was given in Spanish, else as is."""
        return self._errors_es.get(index, self.errors[index])

    def ran(self, check: str) -> None:
        if check not in self.checks:
            self.checks.append(check)


def _stamp(t: datetime) -> str:
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def did_of(verification_method: str) -> str:
    """The DID part of a DID URL (``did:key:z…#z…`` → ``did:key:z…``)."""
    return verification_method.split("#", 1)[0]


def prepare(
    credential: Mapping[str, Any],
    *,
    verification_method: str,
    now: datetime,
    types: CredentialTypes,
    open_types: bool = False,
) -> dict[str, Any]:
    """Fill the issuer, ``id`` and ``validFrom`` when absent, then check VC DM 2.0 and the schema.

    The issuer must be the controller of ``verification_method`` (a credential cannot claim an
    issuer whose key did not sign it). With ``open_types`` a type without a known schema is
    accepted (its subject is then checked by the data model alone).
    """
    doc = copy.deepcopy(dict(credential))
    did = did_of(verification_method)
    doc.setdefault("@context", [VC_V2_CONTEXT])
    doc.setdefault("issuer", did)
    doc.setdefault("id", f"urn:uuid:{uuid.uuid4()}")
    doc.setdefault("validFrom", _stamp(now))
    require_credential(doc)
    if issuer_id(doc) != did:
        raise CredentialNonConforming(
            Text(
                f"The issuer {issuer_id(doc)!r} is not the controller of the signing key ({did}).",
                f"El emisor {issuer_id(doc)!r} no es el controlador de la clave de firma ({did}).",
            )
        )
    types.require_subject(doc, open_types=open_types)
    return doc


def issue(
    credential: Mapping[str, Any],
    *,
    key: PrivateKey,
    verification_method: str,
    now: datetime,
    types: CredentialTypes,
    format: Format | str = Format.VC_JWT,
    suite: str | None = None,
    disclosable: Iterable[str] = (),
    holder: PublicKey | None = None,
    contexts: ContextStore | None = None,
    open_types: bool = False,
) -> dict[str, Any] | str:
    """Check and sign ``credential``; returns the secured object (Data Integrity) or compact form.

    Raises :class:`CredentialNonConforming` (VC DM 2.0), :class:`CredentialTypeUnknown` (not
    with ``open_types``) or :class:`SchemaViolation` before anything is signed.
    """
    doc = prepare(
        credential,
        verification_method=verification_method,
        now=now,
        types=types,
        open_types=open_types,
    )
    if suite is not None:
        contexts = ensure_own_context(contexts or builtin_store())
        return integrity.add_proof(
            doc,
            key=key,
            suite=suite,
            verification_method=verification_method,
            created=now,
            contexts=contexts,
        )
    fmt = Format(format)
    if fmt is Format.VC_JWT:
        return jose.sign_jwt(doc, key=key, kid=verification_method)
    if fmt is Format.SD_JWT:
        claims = sd_jwt_claims(doc, now=now, types=types)
        return sdjwt.issue(
            claims, key=key, kid=verification_method, disclosable=disclosable, holder=holder
        )
    raise CredentialNonConforming(
        Text(
            "Data Integrity needs a cryptosuite (suite=...).",
            "Integridad de Datos requiere una cryptosuite (suite=...).",
        )
    )


def sd_jwt_claims(doc: dict[str, Any], *, now: datetime, types: CredentialTypes) -> dict[str, Any]:
    """The SD-JWT VC claims of a VC DM 2.0 credential: the subject's claims at the top level,
    ``vct`` from its type, ``nbf``/``exp`` from validFrom/validUntil."""
    subject = doc["credentialSubject"]
    if isinstance(subject, list):
        raise CredentialNonConforming(
            Text(
                "An SD-JWT VC has one subject; issue one credential per subject.",
                "Un SD-JWT VC tiene un solo sujeto; emita una credencial por sujeto.",
            )
        )
    claims: dict[str, Any] = {
        "iss": issuer_id(doc),
        "vct": VCT_BASE + (types.listed_type(doc) or "VerifiableCredential"),
        "iat": int(now.timestamp()),
        "jti": doc["id"],
    }
    if "validFrom" in doc:
        claims["nbf"] = int(parse_datetime(doc["validFrom"]).timestamp())
    if "validUntil" in doc:
        claims["exp"] = int(parse_datetime(doc["validUntil"]).timestamp())
    if isinstance(subject.get("id"), str):
        claims["sub"] = subject["id"]
    if "credentialStatus" in doc:
        claims["credentialStatus"] = doc["credentialStatus"]
    for name, value in subject.items():
        if name not in ("id",) and name not in claims:
            claims[name] = value
    return claims


def _credential_of_sd_claims(claims: dict[str, Any]) -> dict[str, Any]:
    vct = str(claims.get("vct", ""))
    type_name = vct.removeprefix(VCT_BASE) if vct.startswith(VCT_BASE) else "VerifiableCredential"
    subject = {k: v for k, v in claims.items() if k not in _JWT_CLAIMS}
    if "sub" in claims:
        subject["id"] = claims["sub"]
    doc: dict[str, Any] = {
        "@context": [VC_V2_CONTEXT],
        "type": ["VerifiableCredential", type_name]
        if type_name != "VerifiableCredential"
        else ["VerifiableCredential"],
        "issuer": claims.get("iss"),
        "credentialSubject": subject,
    }
    if "jti" in claims:
        doc["id"] = claims["jti"]
    if isinstance(claims.get("nbf"), int):
        doc["validFrom"] = _stamp(datetime.fromtimestamp(claims["nbf"], UTC))
    if isinstance(claims.get("exp"), int):
        doc["validUntil"] = _stamp(datetime.fromtimestamp(claims["exp"], UTC))
    if "credentialStatus" in claims:
        doc["credentialStatus"] = claims["credentialStatus"]
    return doc


def envelope(compact: str, fmt: Format | str = Format.VC_JWT) -> dict[str, Any]:
    """VC DM 2.0 ``EnvelopedVerifiableCredential`` for a JWT or SD-JWT credential."""
    return {
        "@context": [VC_V2_CONTEXT],
        "id": _DATA_PREFIX[str(Format(fmt))] + compact,
        "type": ENVELOPED,
    }


def unenvelope(value: Any) -> Any:
    """The compact form inside an ``EnvelopedVerifiableCredential``, else ``value`` unchanged."""
    if (
        isinstance(value, dict)
        and value.get("type") == ENVELOPED
        and isinstance(value.get("id"), str)
    ):
        for prefix in _DATA_PREFIX.values():
            if value["id"].startswith(prefix):
                return value["id"][len(prefix) :]
    return value


def detect_format(value: Any) -> Format:
    value = unenvelope(value)
    if isinstance(value, str):
        return Format.SD_JWT if "~" in value else Format.VC_JWT
    return Format.DATA_INTEGRITY


# did:key and did:jwk are self-certifying: the key is the identifier, so a resolved key can be
# kept for good (bounded); it saves the point decompression on every verification.
_SELF_CERTIFYING: dict[tuple[str, str], PublicKey] = {}
_SELF_CERTIFYING_MAX = 4096


def key_resolver(resolver: Resolver, purpose: str = "assertionMethod") -> jose.KeyResolver:
    """A ``kid → PublicKey`` function over a DID resolver, requiring the proof purpose."""

    def resolve(kid: str) -> PublicKey:
        cacheable = kid.startswith(("did:key:", "did:jwk:"))
        if cacheable:
            hit = _SELF_CERTIFYING.get((kid, purpose))
            if hit is not None:
                return hit
        key: PublicKey = resolver.verification_method(kid, purpose=purpose).public_key
        if cacheable:
            if len(_SELF_CERTIFYING) >= _SELF_CERTIFYING_MAX:
                _SELF_CERTIFYING.clear()
            _SELF_CERTIFYING[(kid, purpose)] = key
        return key

    return resolve


def verify(
    credential: Any,
    *,
    now: datetime,
    resolver: Resolver,
    types: CredentialTypes,
    status: StatusChecker | None = None,
    audience: str | None = None,
    nonce: str | None = None,
    require_key_binding: bool = True,
    contexts: ContextStore | None = None,
) -> VerificationResult:
    """Verify a credential in any supported form at time ``now``; never raises for a bad one
    (raises :class:`DidWebRefused` when ``resolver`` may not fetch a did:web it needs: that
    is this verifier's policy, not a property of the credential).

    ``contexts`` is the offline JSON-LD context store for Data Integrity proofs (pass the
    node's; without it only contexts registered in memory are known); ``audience``/``nonce``
    are what an SD-JWT's key-binding JWT must carry. A signer's DID document that cannot be
    fetched fails the ``unreachable`` check (the proof could not be checked), not ``proof``.
    """
    value = unenvelope(credential)
    fmt = detect_format(value)
    result = VerificationResult(verified=True, format=fmt.value)
    doc: dict[str, Any] | None = None
    result.ran("proof")
    try:
        if fmt is Format.VC_JWT:
            header, claims = jose.verify_jwt(
                value, resolve_key=key_resolver(resolver), typ=(jose.VC_JWT, *jwt11.JWT_TYPS)
            )
            if header.get("typ") != jose.VC_JWT:  # VC 1.1: the credential is the vc claim
                result.format = jwt11.FORMAT
                claims = jwt11.credential_of_jwt(claims)
            doc = claims
            _check_signer(result, doc, did_of(header["kid"]))
        elif fmt is Format.SD_JWT:
            verified = sdjwt.verify(
                value,
                resolve_key=key_resolver(resolver),
                now=now,
                audience=audience,
                nonce=nonce,
                require_key_binding=require_key_binding,
            )
            doc = _credential_of_sd_claims(verified.claims)
            result.disclosed = verified.disclosed
            _check_signer(result, doc, did_of(verified.header["kid"]))
            if verified.key_bound:
                result.ran("key_binding")
        else:
            if not isinstance(value, dict):
                raise CredentialNonConforming()
            check_limits(value)  # bounded before any proof or schema work
            doc = value
            store = ensure_own_context(contexts or builtin_store())
            proof = integrity.verify_proof(doc, resolver=resolver, now=now, contexts=store)
            if not proof.verified:
                raise proof.errors[0]
            for check in proof.proofs:
                _check_signer(result, doc, did_of(str(check.verification_method)))
    except DidWebRefused:
        raise
    except DidUnreachable as exc:  # the signer's DID document could not be had: not a forgery
        result.fail("unreachable", exc.message.en, exc.message.es)
    except SmartBorderError as exc:
        result.fail("proof", exc.message.en)
    except (ValueError, TypeError, KeyError) as exc:
        result.fail("proof", f"malformed credential ({type(exc).__name__})")
    if doc is None:
        return result
    result.credential = {k: v for k, v in doc.items() if k != "proof"}
    result.issuer = issuer_id(doc)
    _check_document(result, doc, now=now, types=types, status=status, partial=fmt is Format.SD_JWT)
    return result


def _check_signer(result: VerificationResult, doc: dict[str, Any], signer_did: str) -> None:
    result.ran("issuer")
    if issuer_id(doc) != signer_did:
        result.fail(
            "issuer", f"signed by {signer_did}, but the credential names issuer {issuer_id(doc)!r}"
        )


def _check_document(
    result: VerificationResult,
    doc: dict[str, Any],
    *,
    now: datetime,
    types: CredentialTypes,
    status: StatusChecker | None,
    partial: bool,
) -> None:
    result.ran("datamodel")
    for p in problems_for_verification(doc):
        result.fail("datamodel", f"{p.message.en} (at {p.pointer or '/'})")
    result.ran("schema")
    name = types.type_of(doc)
    # The type the verifier's policy judges: the schema's, else the most specific one listed.
    result.credential_type = name or types.listed_type(doc)
    if name is None:
        result.warnings.append(
            f"schema: no schema is known for type {result.credential_type!r}; "
            "only the data model was checked"
        )
    else:
        for p in types.subject_problems(name, doc.get("credentialSubject")):
            result.fail("schema", f"{p.message.en} (at {p.pointer})")
    result.ran("validity")
    start, end = validity_period(doc)
    try:
        problem = validity_problem(doc, now)
    except ValueError:
        problem = "unreadable validity dates"
    if problem == "expired":
        result.fail(
            "validity",
            f"expired at {end} (checked at {_stamp(now)})",
            f"venció el {end} (verificada el {_stamp(now)})",
        )
    elif problem is not None:
        result.fail(
            "validity", f"{problem} (valid from {start})", f"{problem} (vale desde {start})"
        )
    entries = doc.get("credentialStatus")
    if entries is None:
        return
    result.ran("status")
    if status is None:
        result.warnings.append("status: the credential has a status entry that was not checked")
        return
    for entry in entries if isinstance(entries, list) else [entries]:
        try:
            found = status.check(entry, now=now)
        except SmartBorderError as exc:
            result.fail("status", exc.message.en, exc.message.es)
            continue
        if found.issuer != issuer_id(doc):
            result.fail(
                "status",
                f"the status list {found.list_url} is not published by the issuer",
                f"la lista de estado {found.list_url} no la publica el emisor",
            )
        elif found.set:
            word, palabra = {
                "revocation": ("revoked", "revocada"),
                "suspension": ("suspended", "suspendida"),
            }.get(found.purpose, (f"{found.purpose} bit set", f"bit de {found.purpose} activo"))
            result.fail(
                "status",
                f"{word} (list {found.list_url}, index {found.index})",
                f"{palabra} (lista {found.list_url}, índice {found.index})",
            )


__all__ = [
    "Format",
    "Resolver",
    "VerificationResult",
    "detect_format",
    "did_of",
    "envelope",
    "issue",
    "key_resolver",
    "prepare",
    "sd_jwt_claims",
    "unenvelope",
    "verify",
]
