"""The VC-API as the W3C CCG Traceability Interop profile specifies it: request bodies checked
before anything is looked up, resolved or signed, and the profile's verification result.

Each check collects every problem (a JSON pointer, a code, why) and raises
:class:`RequestNonConforming` (400) once; an issue request naming an issuer the caller cannot
sign for is :class:`IssuerUnknown` (422, the profile's "Unknown Issuer").

A credential whose first ``@context`` is VC 1.1's is held to the profile's schema (its
OpenAPI's ``VerifiableCredential``: ``@context`` strings with the Traceability context when
issued, ``id``, a ``type`` array, ``issuer``, ``issuanceDate``, ``credentialSubject`` and, to
be verified, a linked-data ``proof``; ``id`` is required when issuing only, as the VC Data Model
1.1 makes it optional and the profile's own bad-signature case has none). A VC 2.0 credential is held to the JSON kinds of its
members here; the data model's rules are the issuer's and the verifier's
(:mod:`.datamodel`), whose problems are answered as before (400 on issue, ``verified: false``
on verify).
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, Field

from smartborder.credentials.datamodel import (
    VC_V1_CONTEXT,
    VC_V2_CONTEXT,
    is_url,
    issuer_id,
    parse_datetime,
)
from smartborder.credentials.errors import IssuerUnknown, RequestNonConforming
from smartborder.credentials.recipes import VerificationResult
from smartborder.errors import Problem
from smartborder.i18n import Text

#: The Traceability Vocabulary's context, required in the profile's issue requests.
TRACEABILITY_V1_CONTEXT = "https://w3id.org/traceability/v1"
#: Proof types of VC 1.1 credentials a verify request may carry (the profile names the first
#: three; Ed25519Signature2020 and DataIntegrityProof are the later suites of the field).
V1_PROOF_TYPES = (
    "Ed25519Signature2018",
    "JsonWebSignature2020",
    "jwt_vc",
    "Ed25519Signature2020",
    "DataIntegrityProof",
)
#: ``options.type`` of the profile's issue requests.
V1_ISSUE_PROOF_TYPES = ("Ed25519Signature2018", "JsonWebSignature2020")
#: ``options.credentialStatus.type`` values an issue request may ask for (any such entry is
#: answered with this node's Bitstring Status List entries).
STATUS_ENTRY_TYPES = ("RevocationList2020Status", "StatusList2021Entry", "BitstringStatusListEntry")
#: ``credentialStatus[].type`` of a status update (the profile's names, and the purposes
#: themselves) and the status purpose each changes.
STATUS_UPDATE_TYPES = {
    "RevocationList2020Status": "revocation",
    "StatusList2021Entry": "revocation",
    "BitstringStatusListEntry": "revocation",
    "revocation": "revocation",
    "suspension": "suspension",
}
STATUS_PURPOSES = ("revocation", "suspension")
STATUS_MEMBERS = frozenset({"credentialId", "credentialStatus"})

# A compact JWS (a VC-JWT) or an SD-JWT: base64url segments joined by dots, then ~disclosures.
_COMPACT = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*(~[A-Za-z0-9_.~-]*)?$")

_KINDS = {"object": dict, "array": list, "string": str}
_KINDS_ES = {"object": "un objeto", "array": "un arreglo", "string": "una cadena"}
_ARTICLE = {"object": "an object", "array": "an array", "string": "a string"}


class _Problems:
    """Problems of one request body, raised together."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(self, pointer: str, en: str, es: str) -> None:
        self.items.append(Problem(pointer, RequestNonConforming.code, Text(en, es)))

    def missing(self, pointer: str) -> None:
        name = pointer.rsplit("/", 1)[-1]
        self.add(pointer, f"{name} is required.", f"{name} es obligatorio.")

    def kind(self, value: Any, pointer: str, kind: str, *, required: bool = True) -> bool:
        """Whether ``value`` is of the JSON ``kind``; records a problem when not."""
        if isinstance(value, _KINDS[kind]):
            return True
        name = pointer.rsplit("/", 1)[-1] or "the body"
        if value is _ABSENT:
            if required:
                self.missing(pointer)
            return False
        self.add(
            pointer, f"{name} must be {_ARTICLE[kind]}.", f"{name} debe ser {_KINDS_ES[kind]}."
        )
        return False

    def url(self, value: Any, pointer: str) -> None:
        if self.kind(value, pointer, "string") and not is_url(value):
            name = pointer.rsplit("/", 1)[-1]
            self.add(
                pointer,
                f"{name} must be a URI (did:…, urn:…, https://…), not {value!r}.",
                f"{name} debe ser un URI (did:…, urn:…, https://…), no {value!r}.",
            )

    def datetime(self, value: Any, pointer: str, *, required: bool = True) -> None:
        if not self.kind(value, pointer, "string", required=required):
            return
        try:
            parse_datetime(value)
        except ValueError:
            name = pointer.rsplit("/", 1)[-1]
            self.add(
                pointer,
                f"{name} must be an XML Schema date-time with a time zone, like 2026-06-01T06:00:00Z.",
                f"{name} debe ser una fecha-hora XML Schema con zona horaria, como 2026-06-01T06:00:00Z.",
            )

    def one_of(self, value: Any, pointer: str, allowed: tuple[str, ...], *, required: bool) -> None:
        if self.kind(value, pointer, "string", required=required) and value not in allowed:
            name = pointer.rsplit("/", 1)[-1]
            names = ", ".join(allowed)
            self.add(pointer, f"{name} must be one of {names}.", f"{name} debe ser uno de {names}.")

    def raise_if_any(self) -> None:
        if not self.items:
            return
        first, more = self.items[0], len(self.items) - 1
        tail = (f" ({more} more in errors)", f" ({more} más en errors)") if more else ("", "")
        raise RequestNonConforming(
            Text(
                f"The request body does not conform to the VC-API request schema: "
                f"{first.pointer}: {first.message.en}{tail[0]}",
                f"El cuerpo de la solicitud no cumple el esquema de la VC-API: "
                f"{first.pointer}: {first.message.es}{tail[1]}",
            ),
            problems=self.items,
        )


class _Absent:
    def __repr__(self) -> str:
        return "<absent>"


_ABSENT: Any = _Absent()


def _get(doc: dict[str, Any], name: str) -> Any:
    return doc.get(name, _ABSENT)


def _body(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise RequestNonConforming(
            Text("The request body must be a JSON object.", "El cuerpo debe ser un objeto JSON.")
        )
    return body


def _context_version(p: _Problems, doc: dict[str, Any], at: str) -> int | None:
    """1 or 2 (the data model the credential's first context names), None when it has none."""
    ctx = _get(doc, "@context")
    if not p.kind(ctx, f"{at}/@context", "array"):
        return None
    if not ctx:
        p.add(f"{at}/@context", "@context must not be empty.", "@context no debe estar vacío.")
        return None
    first = ctx[0]
    if first == VC_V1_CONTEXT:
        version = 1
    elif first == VC_V2_CONTEXT:
        version = 2
    else:
        p.add(
            f"{at}/@context/0",
            f"The first @context item must be {VC_V2_CONTEXT} (VC 2.0) or {VC_V1_CONTEXT} (VC 1.1).",
            f"El primer elemento de @context debe ser {VC_V2_CONTEXT} (VC 2.0) o {VC_V1_CONTEXT} (VC 1.1).",
        )
        return None
    for i, item in enumerate(ctx):
        # VC 2.0 allows embedded context objects; the profile's VC 1.1 schema only URLs.
        if not isinstance(item, str) and not (version == 2 and isinstance(item, dict)):
            kinds = ("a string", "una cadena") if version == 1 else ("a URL or an object", "")
            p.add(
                f"{at}/@context/{i}",
                f"Each @context item must be {kinds[0]}.",
                f"Cada elemento de @context debe ser {kinds[1] or 'una URL o un objeto'}.",
            )
    return version


def _check_type(p: _Problems, doc: dict[str, Any], at: str, *, array_only: bool) -> None:
    value = _get(doc, "type")
    if isinstance(value, str) and not array_only:
        return
    if not p.kind(value, f"{at}/type", "array"):
        return
    if not value:
        p.add(f"{at}/type", "type needs at least one item.", "type necesita al menos un elemento.")
    for i, item in enumerate(value):
        p.kind(item, f"{at}/type/{i}", "string")


def _check_issuer(p: _Problems, doc: dict[str, Any], at: str) -> None:
    issuer = _get(doc, "issuer")
    if isinstance(issuer, dict):
        p.url(_get(issuer, "id"), f"{at}/issuer/id")
    elif isinstance(issuer, str) or issuer is _ABSENT:
        p.url(issuer, f"{at}/issuer")
    else:
        p.add(
            f"{at}/issuer",
            "issuer must be a URI or an object with an id.",
            "issuer debe ser un URI o un objeto con id.",
        )


def _check_subject(p: _Problems, doc: dict[str, Any], at: str, *, many: bool) -> None:
    subject = _get(doc, "credentialSubject")
    subjects = subject if many and isinstance(subject, list) and subject else [subject]
    for i, one in enumerate(subjects):
        where = f"{at}/credentialSubject" + (f"/{i}" if subjects is subject else "")
        if p.kind(one, where, "object") and "id" in one:
            p.kind(one["id"], f"{where}/id", "string")


def _check_v1_credential(p: _Problems, doc: dict[str, Any], at: str, *, proof: bool) -> None:
    p.kind(_get(doc, "id"), f"{at}/id", "string", required=not proof)
    _check_type(p, doc, at, array_only=True)
    _check_issuer(p, doc, at)
    p.datetime(_get(doc, "issuanceDate"), f"{at}/issuanceDate")
    _check_subject(p, doc, at, many=False)
    if proof:
        _check_v1_proof(p, _get(doc, "proof"), f"{at}/proof")


def _check_v1_proof(p: _Problems, proof: Any, at: str) -> None:
    if not p.kind(proof, at, "object"):
        return
    p.one_of(_get(proof, "type"), f"{at}/type", V1_PROOF_TYPES, required=True)
    for name in ("created", "verificationMethod", "jws", "proofValue"):
        p.kind(_get(proof, name), f"{at}/{name}", "string", required=False)
    p.one_of(
        _get(proof, "proofPurpose"), f"{at}/proofPurpose", ("assertionMethod",), required=False
    )


def _check_v2_credential(p: _Problems, doc: dict[str, Any], at: str, *, issued: bool) -> None:
    if "id" in doc:
        p.kind(doc["id"], f"{at}/id", "string")
    _check_type(p, doc, at, array_only=False)
    if issued or "issuer" in doc:
        _check_issuer(p, doc, at)
    _check_subject(p, doc, at, many=True)


def issue_request(body: Any, *, issuer: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(credential, options)`` of an issue request by the organization whose DID is
    ``issuer``; 400 for a malformed request, 422 for another issuer."""
    body = _body(body)
    p = _Problems()
    credential = _get(body, "credential")
    options = _get(body, "options")
    p.kind(options, "/options", "object", required=False)
    version: int | None = None
    if p.kind(credential, "/credential", "object"):
        version = _context_version(p, credential, "/credential")
        if version == 1:
            ctx = credential["@context"]
            if TRACEABILITY_V1_CONTEXT not in ctx:
                p.add(
                    "/credential/@context",
                    f"@context must contain {TRACEABILITY_V1_CONTEXT}.",
                    f"@context debe contener {TRACEABILITY_V1_CONTEXT}.",
                )
            _check_v1_credential(p, credential, "/credential", proof=False)
            if p.kind(options, "/options", "object"):
                _check_v1_options(p, options)
        else:
            _check_v2_credential(p, credential, "/credential", issued=True)
            if isinstance(options, dict):
                _check_status_option(p, _get(options, "credentialStatus"), allow_bool=True)
    p.raise_if_any()
    named = issuer_id(credential)
    if named != issuer:
        raise IssuerUnknown(
            Text(
                f"This node cannot issue as {named!r} for your organization; its issuer is {issuer}.",
                f"Este nodo no puede emitir como {named!r} para su organización; su emisor es {issuer}.",
            ),
            extra={"issuer": named, "your_issuer": issuer},
        )
    if version == 1:
        raise RequestNonConforming(
            Text(
                f"This node issues VC Data Model 2.0 credentials only: send @context "
                f"[{VC_V2_CONTEXT}, …] and validFrom instead of issuanceDate.",
                f"Este nodo emite solo credenciales del Modelo de Datos VC 2.0: envíe @context "
                f"[{VC_V2_CONTEXT}, …] y validFrom en lugar de issuanceDate.",
            ),
            code="credentials.request.vc1_issuance",
        )
    return credential, options if isinstance(options, dict) else {}


def _check_v1_options(p: _Problems, options: dict[str, Any]) -> None:
    p.one_of(_get(options, "type"), "/options/type", V1_ISSUE_PROOF_TYPES, required=True)
    p.datetime(_get(options, "created"), "/options/created", required=False)
    _check_status_option(p, _get(options, "credentialStatus"), allow_bool=False)


def _check_status_option(p: _Problems, value: Any, *, allow_bool: bool) -> None:
    if value is _ABSENT or (allow_bool and isinstance(value, bool)):
        return
    if p.kind(value, "/options/credentialStatus", "object"):
        p.one_of(
            _get(value, "type"), "/options/credentialStatus/type", STATUS_ENTRY_TYPES, required=True
        )


def verify_request(body: Any) -> tuple[Any, dict[str, Any]]:
    """``(credential, options)`` of a verify request: an object or a compact VC-JWT/SD-JWT."""
    body = _body(body)
    p = _Problems()
    vc = _get(body, "verifiableCredential")
    options = _get(body, "options")
    p.kind(options, "/options", "object", required=False)
    if isinstance(vc, str):
        if not _COMPACT.match(vc):
            p.add(
                "/verifiableCredential",
                "A verifiableCredential string must be a compact VC-JWT or SD-JWT.",
                "Una cadena verifiableCredential debe ser un VC-JWT o SD-JWT compacto.",
            )
    elif vc is _ABSENT or not isinstance(vc, dict):
        p.add(
            "/verifiableCredential",
            "verifiableCredential is required: a credential object or a compact VC-JWT.",
            "verifiableCredential es obligatorio: un objeto credencial o un VC-JWT compacto.",
        )
    elif _is_enveloped(vc):
        p.kind(_get(vc, "id"), "/verifiableCredential/id", "string")
    else:
        version = _context_version(p, vc, "/verifiableCredential")
        if version == 1:
            _check_v1_credential(p, vc, "/verifiableCredential", proof=True)
        elif version == 2:
            _check_v2_credential(p, vc, "/verifiableCredential", issued=False)
    p.raise_if_any()
    return vc, options if isinstance(options, dict) else {}


def _is_enveloped(vc: dict[str, Any]) -> bool:
    kind = vc.get("type")
    names = kind if isinstance(kind, list) else [kind]
    return "EnvelopedVerifiableCredential" in names


def status_request(body: Any) -> tuple[str, list[tuple[str, bool]]]:
    """``(credentialId, [(purpose, set), …])`` of a status update; every member is checked
    before the credential is looked up (a typo in a member's name is a 400, never ignored)."""
    body = _body(body)
    p = _Problems()
    for name in sorted(set(body) - STATUS_MEMBERS):
        p.add(
            f"/{name}",
            f"Unknown member {name!r}; a status update has credentialId and credentialStatus.",
            f"Miembro desconocido {name!r}; una actualización tiene credentialId y credentialStatus.",
        )
    credential_id = _get(body, "credentialId")
    p.kind(credential_id, "/credentialId", "string")
    parsed = _status_updates(p, _get(body, "credentialStatus"))
    p.raise_if_any()
    return credential_id, parsed


def status_updates(updates: Any) -> list[tuple[str, bool]]:
    """``[(purpose, set), …]`` of a ``credentialStatus`` list of updates (400 when malformed)."""
    p = _Problems()
    parsed = _status_updates(p, updates)
    p.raise_if_any()
    return parsed


def _status_updates(p: _Problems, updates: Any) -> list[tuple[str, bool]]:
    parsed: list[tuple[str, bool]] = []
    if p.kind(updates, "/credentialStatus", "array"):
        if not updates:
            p.add(
                "/credentialStatus",
                'credentialStatus needs an update, like [{"type": "RevocationList2020Status", "status": "1"}].',
                'credentialStatus necesita una actualización, como [{"type": "RevocationList2020Status", "status": "1"}].',
            )
        for i, update in enumerate(updates):
            one = _status_update(p, update, f"/credentialStatus/{i}")
            if one is not None:
                parsed.append(one)
    return parsed


def _status_update(p: _Problems, update: Any, at: str) -> tuple[str, bool] | None:
    if not p.kind(update, at, "object"):
        return None
    purpose = _get(update, "statusPurpose")
    kind = _get(update, "type")
    if purpose is _ABSENT:
        p.one_of(kind, f"{at}/type", tuple(STATUS_UPDATE_TYPES), required=True)
        purpose = STATUS_UPDATE_TYPES.get(kind) if isinstance(kind, str) else None
    else:
        p.one_of(purpose, f"{at}/statusPurpose", STATUS_PURPOSES, required=True)
        p.one_of(kind, f"{at}/type", tuple(STATUS_UPDATE_TYPES), required=False)
    status = _get(update, "status")
    p.one_of(status, f"{at}/status", ("0", "1"), required=True)
    if purpose in STATUS_PURPOSES and status in ("0", "1"):
        return str(purpose), status == "1"
    return None


def object_member(body: Any, name: str, *, required: bool = True) -> Any:
    """``body[name]`` of a request whose body must be an object (400 when it is absent and
    ``required``, or when ``options`` is there and not an object)."""
    body = _body(body)
    p = _Problems()
    p.kind(_get(body, "options"), "/options", "object", required=False)
    value = _get(body, name)
    if required and value is _ABSENT:
        p.missing(f"/{name}")
    p.raise_if_any()
    return None if value is _ABSENT else value


def options_of(body: dict[str, Any]) -> dict[str, Any]:
    """The request's ``options`` object (empty when absent; checked by the functions above)."""
    options = body.get("options")
    return options if isinstance(options, dict) else {}


class Verification(BaseModel):
    """One line of the profile's verification result."""

    title: Literal["Activation", "Expired", "Proof", "Revocation", "Signature"]
    status: Literal["good", "bad"]
    description: str


class ProfileVerificationResult(VerificationResult):
    """A :class:`VerificationResult` with the profile's ``verifications``: ``Proof``,
    ``Activation`` and ``Expired`` (validity) and ``Revocation`` (status), for the checks that
    ran; the others (issuer, data model, schema, …) are in ``checks`` only, as the profile
    names no title for them."""

    verifications: list[Verification] = Field(default_factory=list)


# Each check of ours that the profile names, and its title there.
_PROFILE_TITLE = {"proof": "Proof", "status": "Revocation"}


def with_verifications(result: VerificationResult) -> dict[str, Any]:
    """``result`` as JSON, with the profile's ``verifications`` added (the shape of
    :class:`ProfileVerificationResult`; plain data, as the API serializes it anyway)."""
    lines: list[dict[str, str]] = []

    def line(title: str, check: str, bad: bool) -> None:
        reasons = [e.split(": ", 1)[-1] for e in result.errors if e.startswith(f"{check}: ")]
        text = "; ".join(reasons) if bad else f"the {check} check passed"
        lines.append({"title": title, "status": "bad" if bad else "good", "description": text})

    for check in result.checks:
        failed = check in result.failed_checks
        if check in _PROFILE_TITLE:
            line(_PROFILE_TITLE[check], check, failed)
        elif check == "validity":
            expired = any(e.startswith("validity: expired") for e in result.errors)
            line("Activation", check, failed and not expired)
            line("Expired", check, expired)
    out = result.model_dump()
    out["verifications"] = lines
    return out


__all__ = [
    "ProfileVerificationResult",
    "Verification",
    "with_verifications",
    "STATUS_ENTRY_TYPES",
    "TRACEABILITY_V1_CONTEXT",
    "V1_PROOF_TYPES",
    "issue_request",
    "object_member",
    "options_of",
    "status_request",
    "status_updates",
    "verify_request",
]
