"""Add and verify Data Integrity proofs (W3C VC Data Integrity 1.0, ``DataIntegrityProof``).

:func:`verify_proof` also verifies the VC 1.1-era proof types of :mod:`.legacy`
(Ed25519Signature2018/2020, JsonWebSignature2020); :func:`add_proof` writes only
``DataIntegrityProof``.

These are the raw primitives: the caller chooses the suite, key and verification method.
The safe recipes (``issue``/``verify`` of credentials) are built on them elsewhere.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from smartborder.credentials.errors import (
    CredentialsError,
    MultibaseInvalid,
    ProofExpired,
    ProofInvalid,
    ProofMalformed,
    ProofMissing,
    ProofNotYetValid,
)
from smartborder.credentials.primitives.contexts import (
    CREDENTIALS_V2,
    DATA_INTEGRITY_V1,
    DATA_INTEGRITY_V2,
    ContextStore,
    builtin_store,
)
from smartborder.credentials.primitives.did.resolver import DidResolver
from smartborder.credentials.primitives.integrity.legacy import (
    LegacySuite,
    check_signature,
    legacy_suite_of,
    verify_data,
)
from smartborder.credentials.primitives.integrity.suites import (
    Cryptosuite,
    Transform,
    canonical_form,
    get_suite,
)
from smartborder.credentials.primitives.jsonld import check_limits
from smartborder.credentials.primitives.keys import PrivateKey, PublicKey
from smartborder.credentials.primitives.multibase import decode_base58btc, encode_base58btc
from smartborder.credentials.primitives.rdfc import DEFAULT_MAX_WORK
from smartborder.credentials.primitives.suite_contexts import ensure_suite_contexts
from smartborder.errors import SmartBorderError
from smartborder.i18n import Text

#: How far in the future a proof's ``created`` may be before it is refused (clock skew).
DEFAULT_MAX_CLOCK_SKEW = timedelta(minutes=5)


def format_datetime(value: datetime) -> str:
    """XML Schema dateTime in UTC with a ``Z``, to the second."""
    if value.tzinfo is None:
        raise ValueError("datetimes must be timezone-aware (UTC)")
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_datetime(value: Any, *, field_name: str) -> datetime:
    """Parse an XML Schema dateTime with a time zone; :class:`ProofMalformed` otherwise."""
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            parsed = None
        if parsed is not None and parsed.tzinfo is not None:
            return parsed.astimezone(UTC)
    raise ProofMalformed(
        Text(
            f"proof.{field_name} must be a dateTime with a time zone, e.g. 2025-01-01T00:00:00Z.",
            f"proof.{field_name} debe ser un dateTime con zona horaria, p. ej. 2025-01-01T00:00:00Z.",
        ),
        extra={"field": field_name},
    )


def _contexts_of(document: dict[str, Any]) -> list[Any]:
    ctx = document.get("@context", [])
    return list(ctx) if isinstance(ctx, list) else [ctx]


def _hash_data(
    suite: Cryptosuite,
    key_type: Any,
    document: dict[str, Any],
    proof_config: dict[str, Any],
    contexts: ContextStore,
    max_work: int,
) -> bytes:
    hash_fn = suite.hash_fn(key_type)
    canonical_config = canonical_form(suite, proof_config, contexts=contexts, max_work=max_work)
    canonical_doc = canonical_form(suite, document, contexts=contexts, max_work=max_work)
    return bytes(hash_fn(canonical_config).digest() + hash_fn(canonical_doc).digest())


def _with_previous(
    unsecured: dict[str, Any], proof: dict[str, Any], all_proofs: list[Any]
) -> dict[str, Any]:
    """The document a chained proof signs: with ``proof`` set to the proofs it names in
    ``previousProof`` (VC Data Integrity 1.0, proof chains); ``unsecured`` otherwise."""
    previous = proof.get("previousProof")
    if previous is None:
        return unsecured
    ids = [previous] if isinstance(previous, str) else previous
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise ProofMalformed(
            Text(
                "proof.previousProof must be a proof id or a list of proof ids.",
                "proof.previousProof debe ser un id de prueba o una lista de ids.",
            )
        )
    by_id = {p.get("id"): p for p in all_proofs if isinstance(p, dict) and p.get("id")}
    missing = [i for i in ids if i not in by_id]
    if missing:
        raise ProofMalformed(
            Text(
                f"proof.previousProof names proofs that are not in the document: {', '.join(missing)}.",
                f"proof.previousProof nombra pruebas que no están en el documento: {', '.join(missing)}.",
            ),
            code="credentials.proof.previous_missing",
        )
    return {**unsecured, "proof": [by_id[i] for i in ids]}


def add_proof(
    document: dict[str, Any],
    *,
    key: PrivateKey,
    suite: str,
    verification_method: str,
    created: datetime | None = None,
    proof_purpose: str = "assertionMethod",
    expires: datetime | None = None,
    challenge: str | None = None,
    domain: str | None = None,
    proof_id: str | None = None,
    previous_proof: str | list[str] | None = None,
    contexts: ContextStore | None = None,
    max_work: int = DEFAULT_MAX_WORK,
) -> dict[str, Any]:
    """A copy of ``document`` with a ``DataIntegrityProof`` added (to any existing proofs,
    forming a proof set). ``created`` defaults to now (UTC). With ``previous_proof`` (the id
    or ids of existing proofs) the new proof also signs those proofs: a proof chain. For the
    RDFC suites a document whose contexts do not define Data Integrity terms gets the
    data-integrity/v2 context."""
    cs = get_suite(suite)
    cs.check_key(key.type)
    contexts = contexts or builtin_store()
    if not isinstance(document, dict):
        raise ProofMalformed(
            Text("The document must be a JSON object.", "El documento debe ser un objeto JSON.")
        )
    check_limits(document)
    unsecured = copy.deepcopy(document)
    existing = unsecured.pop("proof", None)
    if cs.transform is Transform.RDFC and "@context" in unsecured:
        ctx = _contexts_of(unsecured)
        if not any(c in (CREDENTIALS_V2, DATA_INTEGRITY_V1, DATA_INTEGRITY_V2) for c in ctx):
            unsecured["@context"] = [*ctx, DATA_INTEGRITY_V2]
    proof: dict[str, Any] = {"type": "DataIntegrityProof", "cryptosuite": cs.name}
    if proof_id:
        proof["id"] = proof_id
    proof["created"] = format_datetime(created or datetime.now(UTC))
    if expires is not None:
        proof["expires"] = format_datetime(expires)
    proof["verificationMethod"] = verification_method
    proof["proofPurpose"] = proof_purpose
    if previous_proof is not None:
        proof["previousProof"] = previous_proof
    if challenge is not None:
        proof["challenge"] = challenge
    if domain is not None:
        proof["domain"] = domain
    if cs.transform is Transform.JCS and "@context" in unsecured:
        # The JCS suites keep the document's @context in the proof itself (eddsa-jcs-2022 §3.3.1).
        proof["@context"] = unsecured["@context"]
    config = dict(proof)
    if "@context" in unsecured:
        config["@context"] = unsecured["@context"]
    existing_list = (
        [] if existing is None else existing if isinstance(existing, list) else [existing]
    )
    signed_doc = _with_previous(unsecured, proof, existing_list)
    data = _hash_data(cs, key.type, signed_doc, config, contexts, max_work)
    proof["proofValue"] = encode_base58btc(key.sign(data))
    secured = dict(unsecured)
    if existing is None:
        secured["proof"] = proof
    else:
        secured["proof"] = [*(existing if isinstance(existing, list) else [existing]), proof]
    return secured


@dataclass(frozen=True)
class ProofCheck:
    """The outcome for one proof of a document."""

    verified: bool
    cryptosuite: str | None
    verification_method: str | None
    proof_purpose: str | None
    created: datetime | None
    controller: str | None = None
    error: SmartBorderError | None = None


@dataclass(frozen=True)
class ProofResult:
    """The outcome of :func:`verify_proof`: ``verified`` only when every proof verified.
    ``checks`` names what ran; ``errors`` holds the failures (stable codes, bilingual)."""

    verified: bool
    proofs: tuple[ProofCheck, ...]
    checks: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    errors: tuple[SmartBorderError, ...] = field(default_factory=tuple)

    def raise_for_error(self) -> None:
        """Raise the first error (if any)."""
        if self.errors:
            raise self.errors[0]


_REQUIRED_PROOF_STRINGS = (
    "type",
    "cryptosuite",
    "verificationMethod",
    "proofPurpose",
    "proofValue",
)


def _verify_one(
    unsecured: dict[str, Any],
    proof: Any,
    resolver: DidResolver,
    now: datetime,
    contexts: ContextStore,
    expected_purpose: str | None,
    challenge: str | None,
    domain: str | None,
    max_clock_skew: timedelta,
    max_work: int,
    checks: list[str],
    all_proofs: list[Any],
) -> ProofCheck:
    # Every check below runs on every verification; the order is the order of the errors a
    # caller sees.
    if not isinstance(proof, dict):
        raise ProofMalformed(
            Text("The proof must be a JSON object.", "La prueba debe ser un objeto JSON.")
        )
    legacy = legacy_suite_of(proof)  # a VC 1.1-era proof type (verification only)
    for name in legacy.required if legacy is not None else _REQUIRED_PROOF_STRINGS:
        value = proof.get(name)
        if not isinstance(value, str) or not value:
            raise ProofMalformed(
                Text(
                    f"proof.{name} is missing or not a string.",
                    f"proof.{name} falta o no es una cadena.",
                ),
                extra={"field": name},
            )
    if legacy is None and proof["type"] != "DataIntegrityProof":
        raise ProofMalformed(
            Text(
                f"proof.type must be 'DataIntegrityProof' (or Ed25519Signature2018, "
                f"Ed25519Signature2020, JsonWebSignature2020), not {proof['type']!r}.",
                f"proof.type debe ser 'DataIntegrityProof' (o Ed25519Signature2018, "
                f"Ed25519Signature2020, JsonWebSignature2020), no {proof['type']!r}.",
            )
        )
    cs = legacy.rdfc if legacy is not None else get_suite(proof["cryptosuite"])
    purpose: str = proof["proofPurpose"]
    if expected_purpose is not None and purpose != expected_purpose:
        raise ProofMalformed(
            Text(
                f"proof.proofPurpose is {purpose!r}; {expected_purpose!r} was expected.",
                f"proof.proofPurpose es {purpose!r}; se esperaba {expected_purpose!r}.",
            ),
            code="credentials.proof.purpose_mismatch",
        )
    created = parse_datetime(proof["created"], field_name="created") if "created" in proof else None
    if created is not None and created > now + max_clock_skew:
        raise ProofNotYetValid(extra={"created": proof["created"]})
    if "expires" in proof and parse_datetime(proof["expires"], field_name="expires") <= now:
        raise ProofExpired(extra={"expires": proof["expires"]})
    checks.append("proof.time")
    if challenge is not None and proof.get("challenge") != challenge:
        raise ProofInvalid(
            Text(
                "proof.challenge does not match the expected challenge.",
                "proof.challenge no coincide con el desafío esperado.",
            ),
            code="credentials.proof.challenge_mismatch",
        )
    if domain is not None and proof.get("domain") != domain:
        raise ProofInvalid(
            Text(
                "proof.domain does not match the expected domain.",
                "proof.domain no coincide con el dominio esperado.",
            ),
            code="credentials.proof.domain_mismatch",
        )
    config = dict(proof)  # a C-level copy, then one deletion: ~3x a filtering comprehension
    del config[legacy.form.value if legacy is not None else "proofValue"]
    doc_context = unsecured.get("@context")
    if "@context" in config:
        # A proof carrying its own @context must agree with the document's (vc-di-eddsa §3.3).
        pctx = config["@context"]
        if not isinstance(pctx, list):
            pctx = [pctx]
        if _contexts_of(unsecured)[: len(pctx)] != pctx:
            raise ProofMalformed(
                Text(
                    "proof.@context does not match the start of the document's @context.",
                    "proof.@context no coincide con el inicio del @context del documento.",
                )
            )
    if "@context" in unsecured:
        config["@context"] = doc_context
    method_id: str = proof["verificationMethod"]
    method = resolver.verification_method(method_id, purpose=purpose)
    checks.append("proof.verificationMethod")
    public: PublicKey = method.public_key
    cs.check_key(public.type)
    if legacy is not None:
        _verify_legacy(legacy, unsecured, proof, config, public, contexts, max_work, checks)
        return ProofCheck(
            verified=True,
            cryptosuite=legacy.name,
            verification_method=method_id,
            proof_purpose=purpose,
            created=created,
            controller=method.controller or method_id.split("#", 1)[0],
        )
    try:
        signature = decode_base58btc(proof["proofValue"])
    except MultibaseInvalid as exc:
        raise ProofMalformed(
            Text(
                "proof.proofValue is not base58btc multibase.",
                "proof.proofValue no es multibase base58btc.",
            )
        ) from exc
    signed_doc = (
        _with_previous(unsecured, proof, all_proofs) if "previousProof" in proof else unsecured
    )
    data = _hash_data(cs, public.type, signed_doc, config, contexts, max_work)
    checks.append("proof.signature")
    if not public.verify(signature, data):
        raise ProofInvalid(extra={"verificationMethod": method_id})
    return ProofCheck(
        verified=True,
        cryptosuite=cs.name,
        verification_method=method_id,
        proof_purpose=purpose,
        created=created,
        controller=method.controller or method_id.split("#", 1)[0],
    )


def _verify_legacy(
    legacy: LegacySuite,
    unsecured: dict[str, Any],
    proof: dict[str, Any],
    config: dict[str, Any],
    public: PublicKey,
    contexts: ContextStore,
    max_work: int,
    checks: list[str],
) -> None:
    """The signature of a VC 1.1-era proof (see :mod:`.legacy`); raises when it fails."""
    if "@context" not in unsecured:
        raise ProofMalformed(
            Text(
                f"A document secured with {legacy.name} must have an @context.",
                f"Un documento asegurado con {legacy.name} debe tener @context.",
            )
        )
    ensure_suite_contexts(contexts)  # the suites' own terms, where no file is configured
    data = verify_data(legacy, unsecured, config, contexts=contexts, max_work=max_work)
    checks.append("proof.signature")
    check_signature(legacy, proof[legacy.form.value], data, key=public)


def verify_proof(
    document: dict[str, Any],
    *,
    resolver: DidResolver,
    now: datetime | None = None,
    contexts: ContextStore | None = None,
    expected_purpose: str | None = "assertionMethod",
    challenge: str | None = None,
    domain: str | None = None,
    max_clock_skew: timedelta = DEFAULT_MAX_CLOCK_SKEW,
    max_work: int = DEFAULT_MAX_WORK,
) -> ProofResult:
    """Verify every Data Integrity proof of ``document`` (a proof set) at time ``now``.

    Never raises for a bad document or proof: the failure is in ``ProofResult.errors`` with
    its stable code. ``expected_purpose=None`` accepts any purpose the DID document allows."""
    if now is None:
        now = datetime.now(UTC)
    checks: list[str] = []
    try:
        if not isinstance(document, dict):
            raise ProofMalformed(
                Text("The document must be a JSON object.", "El documento debe ser un objeto JSON.")
            )
        # Size and depth limits are enforced by each transform before its work grows.
        proofs = document.get("proof")
        if proofs is None or proofs == []:
            raise ProofMissing()
    except CredentialsError as exc:
        return ProofResult(False, (), tuple(checks), (), (exc,))
    unsecured = dict(document)
    del unsecured["proof"]
    results: list[ProofCheck] = []
    errors: list[SmartBorderError] = []
    all_proofs = proofs if isinstance(proofs, list) else [proofs]
    store = contexts or builtin_store()
    for proof in all_proofs:
        try:
            results.append(
                _verify_one(
                    unsecured,
                    proof,
                    resolver,
                    now,
                    store,
                    expected_purpose,
                    challenge,
                    domain,
                    max_clock_skew,
                    max_work,
                    checks,
                    all_proofs,
                )
            )
        except SmartBorderError as exc:
            errors.append(exc)
            p = proof if isinstance(proof, dict) else {}
            results.append(
                ProofCheck(
                    verified=False,
                    cryptosuite=p.get("cryptosuite")
                    if isinstance(p.get("cryptosuite"), str)
                    else None,
                    verification_method=p.get("verificationMethod")
                    if isinstance(p.get("verificationMethod"), str)
                    else None,
                    proof_purpose=p.get("proofPurpose")
                    if isinstance(p.get("proofPurpose"), str)
                    else None,
                    created=None,
                    error=exc,
                )
            )
    return ProofResult(
        verified=not errors and bool(results),
        proofs=tuple(results),
        checks=tuple(dict.fromkeys(checks)),
        errors=tuple(errors),
    )


__all__ = [
    "DEFAULT_MAX_CLOCK_SKEW",
    "ProofCheck",
    "ProofResult",
    "add_proof",
    "format_datetime",
    "parse_datetime",
    "verify_proof",
]
