"""Conformance to the W3C Verifiable Credentials Data Model 2.0.

:func:`problems_of_credential` lists every rule of VC DM 2.0 that a credential breaks (an empty
list means it conforms); :func:`require_credential` raises :class:`CredentialNonConforming` with
those problems (HTTP 400). The same for presentations. Rules checked (VC DM 2.0 §4):

- ``@context`` is an ordered set whose first item is ``https://www.w3.org/ns/credentials/v2``;
  the others are URLs or context objects;
- ``type`` holds ``VerifiableCredential`` (``VerifiablePresentation``);
- ``id`` (when present), ``issuer`` (or ``issuer.id``), ``credentialSubject.id``,
  ``credentialStatus.id``, ``credentialSchema.id`` and ``holder`` are URLs;
- ``credentialSubject`` is an object or a non-empty list of objects with at least one claim;
- ``validFrom``/``validUntil`` are XML Schema ``dateTimeStamp`` values (with a time zone) and
  ``validFrom`` is not after ``validUntil``;
- ``credentialStatus``, ``credentialSchema``, ``evidence``, ``termsOfUse`` and
  ``refreshService`` items each have a ``type``;
- ``name`` and ``description`` (of the credential and of its issuer) are strings or language
  value objects (``{"@value": ..., "@language": ...}``), one or a list (§4.6);
- ``relatedResource`` items have an ``id`` URL and a ``digestSRI`` or ``digestMultibase`` (§5.3);
- the VC 1.1 properties ``issuanceDate``/``expirationDate`` are refused (use validFrom/validUntil).

Validity against a clock (expired, not yet valid) is a verification check, in :func:`validity_problem`.

VC Data Model 1.1 (``@context`` first item ``https://www.w3.org/2018/credentials/v1``) is
accepted for *verification* only (:func:`problems_for_verification`): there ``issuanceDate``
is required and ``issuanceDate``/``expirationDate`` replace ``validFrom``/``validUntil``
(VC DM 1.1 §4.6, §4.7), and ``credentialStatus`` needs an ``id`` (§4.9). Issuing stays 2.0.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from smartborder.credentials.errors import CredentialNonConforming
from smartborder.errors import Problem
from smartborder.i18n import Text

VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
VC_V1_CONTEXT = "https://www.w3.org/2018/credentials/v1"

# A URL here is an absolute IRI: RFC 3986 scheme, a colon, and no whitespace (did:, urn:, https:).
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s]+$")
# XML Schema dateTimeStamp: a dateTime whose time zone is required.
_DATETIME_STAMP = re.compile(r"^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def is_url(value: object) -> bool:
    """True for an absolute URL/IRI such as ``https://…``, ``did:…`` or ``urn:uuid:…``."""
    return isinstance(value, str) and bool(_URL.match(value))


def parse_datetime(value: str) -> datetime:
    """Parse an XML Schema ``dateTimeStamp`` into an aware UTC datetime (``ValueError`` if not one)."""
    if not _DATETIME_STAMP.match(value):
        raise ValueError(value)
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)


def _p(pointer: str, code: str, en: str, es: str) -> Problem:
    return Problem(pointer, f"credentials.dm.{code}", Text(en, es))


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def is_vc11(doc: Any) -> bool:
    """True when ``doc`` is a VC Data Model 1.1 document (its first context is credentials/v1)."""
    if not isinstance(doc, dict):
        return False
    ctx = doc.get("@context")
    first = ctx[0] if isinstance(ctx, list) and ctx else ctx
    return first == VC_V1_CONTEXT


def _context_problems(doc: dict[str, Any], base: str = VC_V2_CONTEXT) -> list[Problem]:
    ctx = doc.get("@context")
    if ctx is None:
        return [
            _p(
                "/@context",
                "context_missing",
                f"@context is required; its first item must be {base}.",
                f"@context es obligatorio; su primer elemento debe ser {base}.",
            )
        ]
    items = _as_list(ctx)
    out: list[Problem] = []
    if not items or items[0] != base:
        hint = " (this is VC 1.1; use VC 2.0)" if items and items[0] == VC_V1_CONTEXT else ""
        hint_es = " (esto es VC 1.1; use VC 2.0)" if hint else ""
        out.append(
            _p(
                "/@context/0",
                "context_order",
                f"The first @context item must be {base}{hint}.",
                f"El primer elemento de @context debe ser {base}{hint_es}.",
            )
        )
    for i, item in enumerate(items[1:], start=1):
        if not (is_url(item) or isinstance(item, dict)):
            out.append(
                _p(
                    f"/@context/{i}",
                    "context_item",
                    "Each @context item must be a URL or a context object.",
                    "Cada elemento de @context debe ser una URL o un objeto de contexto.",
                )
            )
    return out


def _type_problems(doc: dict[str, Any], required: str) -> list[Problem]:
    types = doc.get("type")
    names = _as_list(types) if types is not None else []
    if required not in names:
        return [
            _p(
                "/type",
                "type_missing",
                f"type must include {required!r}, e.g. [{required!r}, 'CTPATCertificate'].",
                f"type debe incluir {required!r}, p. ej. [{required!r}, 'CTPATCertificate'].",
            )
        ]
    if not all(isinstance(t, str) and t for t in names):
        return [
            _p(
                "/type",
                "type_invalid",
                "Each type must be a non-empty string.",
                "Cada tipo debe ser una cadena no vacía.",
            )
        ]
    return []


def _url_problem(pointer: str, value: Any, what: str) -> list[Problem]:
    if is_url(value):
        return []
    return [
        _p(
            pointer,
            "not_url",
            f"{what} must be a URL (https:, did:, urn:…); got {str(value)[:80]!r}.",
            f"{what} debe ser una URL (https:, did:, urn:…); se recibió {str(value)[:80]!r}.",
        )
    ]


def _typed_items(doc: dict[str, Any], prop: str, *, id_required: bool) -> list[Problem]:
    if prop not in doc:
        return []
    out: list[Problem] = []
    for i, item in enumerate(_as_list(doc[prop])):
        ptr = f"/{prop}" if not isinstance(doc[prop], list) else f"/{prop}/{i}"
        if not isinstance(item, dict):
            out.append(
                _p(
                    ptr,
                    "not_object",
                    f"{prop} must be an object (or a list of objects).",
                    f"{prop} debe ser un objeto (o una lista de objetos).",
                )
            )
            continue
        if "type" not in item:
            out.append(
                _p(
                    ptr + "/type",
                    "type_missing",
                    f"Each {prop} needs a type.",
                    f"Cada {prop} necesita un type.",
                )
            )
        if "id" in item or id_required:
            out += _url_problem(ptr + "/id", item.get("id"), f"{prop}.id")
    return out


#: The validity properties of each data model version: (start, end), and the other version's.
_V2_TIMES = ("validFrom", "validUntil")
_V11_TIMES = ("issuanceDate", "expirationDate")


def _time_problems(doc: dict[str, Any], *, vc11: bool = False) -> list[Problem]:
    out: list[Problem] = []
    parsed: dict[str, datetime] = {}
    start, end = _V11_TIMES if vc11 else _V2_TIMES
    if vc11 and start not in doc:
        out.append(
            _p(
                f"/{start}",
                "issuance_date_missing",
                "issuanceDate is required in VC 1.1: when the credential becomes valid.",
                "issuanceDate es obligatorio en VC 1.1: cuándo la credencial entra en vigor.",
            )
        )
    for prop in (start, end):
        if prop not in doc:
            continue
        value = doc[prop]
        try:
            parsed[prop] = parse_datetime(value) if isinstance(value, str) else parse_datetime("")
        except ValueError:
            out.append(
                _p(
                    f"/{prop}",
                    "datetime",
                    f"{prop} must be a date-time with a time zone, e.g. 2026-01-31T12:00:00Z.",
                    f"{prop} debe ser fecha y hora con zona horaria, p. ej. 2026-01-31T12:00:00Z.",
                )
            )
    if len(parsed) == 2 and parsed[start] > parsed[end]:
        out.append(
            _p(
                f"/{end}",
                "validity_order",
                f"{end} is before {start}.",
                f"{end} es anterior a {start}.",
            )
        )
    others = (
        zip(_V2_TIMES, _V11_TIMES, strict=True) if vc11 else zip(_V11_TIMES, _V2_TIMES, strict=True)
    )
    code = "vc20_property" if vc11 else "vc11_property"
    this, that = ("VC 1.1", "VC 2.0") if vc11 else ("VC 2.0", "VC 1.1")
    for old, new in others:
        if old in doc:
            out.append(
                _p(
                    f"/{old}",
                    code,
                    f"{old} is {that}; {this} uses {new}.",
                    f"{old} es de {that}; {this} usa {new}.",
                )
            )
    return out


def _subject_problems(doc: dict[str, Any]) -> list[Problem]:
    if "credentialSubject" not in doc:
        return [
            _p(
                "/credentialSubject",
                "subject_missing",
                "credentialSubject is required: the claims about the subject.",
                "credentialSubject es obligatorio: las afirmaciones sobre el sujeto.",
            )
        ]
    subjects = doc["credentialSubject"]
    many = isinstance(subjects, list)
    if many and not subjects:
        return [
            _p(
                "/credentialSubject",
                "subject_empty",
                "credentialSubject must not be empty.",
                "credentialSubject no debe estar vacío.",
            )
        ]
    out: list[Problem] = []
    for i, subject in enumerate(_as_list(subjects)):
        ptr = f"/credentialSubject/{i}" if many else "/credentialSubject"
        if not isinstance(subject, dict) or not subject:
            out.append(
                _p(
                    ptr,
                    "subject_invalid",
                    "Each credentialSubject must be an object with at least one claim.",
                    "Cada credentialSubject debe ser un objeto con al menos una afirmación.",
                )
            )
        elif "id" in subject:
            out += _url_problem(ptr + "/id", subject["id"], "credentialSubject.id")
    return out


def _is_language_value(value: Any) -> bool:
    if isinstance(value, str):
        return True
    return (
        isinstance(value, dict)
        and isinstance(value.get("@value"), str)
        and set(value) <= {"@value", "@language", "@direction"}
        and all(isinstance(value[k], str) for k in value)
    )


def _text_problems(node: dict[str, Any], base: str) -> list[Problem]:
    out: list[Problem] = []
    for prop in ("name", "description"):
        if prop in node and not all(_is_language_value(v) for v in _as_list(node[prop])):
            out.append(
                _p(
                    f"{base}/{prop}",
                    "text_invalid",
                    f"{prop} must be a string or a language value object "
                    '({"@value": "...", "@language": "es"}), or a list of them.',
                    f"{prop} debe ser una cadena o un objeto de valor con idioma "
                    '({"@value": "...", "@language": "es"}), o una lista de ellos.',
                )
            )
    return out


def _related_resource_problems(doc: dict[str, Any]) -> list[Problem]:
    if "relatedResource" not in doc:
        return []
    out: list[Problem] = []
    for i, item in enumerate(_as_list(doc["relatedResource"])):
        ptr = f"/relatedResource/{i}"
        if not isinstance(item, dict):
            out.append(
                _p(
                    ptr,
                    "not_object",
                    "relatedResource must be an object (or a list of objects).",
                    "relatedResource debe ser un objeto (o una lista de objetos).",
                )
            )
            continue
        out += _url_problem(ptr + "/id", item.get("id"), "relatedResource.id")
        if "digestSRI" not in item and "digestMultibase" not in item:
            out.append(
                _p(
                    ptr,
                    "digest_missing",
                    "Each relatedResource needs a digestSRI or a digestMultibase.",
                    "Cada relatedResource necesita un digestSRI o un digestMultibase.",
                )
            )
    return out


def _issuer_problems(doc: dict[str, Any]) -> list[Problem]:
    if "issuer" not in doc:
        return [
            _p(
                "/issuer",
                "issuer_missing",
                "issuer is required: a URL (e.g. a DID) or an object with an id URL.",
                "issuer es obligatorio: una URL (p. ej. un DID) o un objeto con un id URL.",
            )
        ]
    issuer = doc["issuer"]
    if isinstance(issuer, dict):
        return _url_problem("/issuer/id", issuer.get("id"), "issuer.id") + _text_problems(
            issuer, "/issuer"
        )
    return _url_problem("/issuer", issuer, "issuer")


def problems_of_credential(doc: Any, *, vc11: bool = False) -> list[Problem]:
    """Every VC DM 2.0 rule ``doc`` breaks, each with a JSON pointer; empty when it conforms.
    With ``vc11``, the rules of VC DM 1.1 instead (for verifying what others issued)."""
    if not isinstance(doc, dict):
        return [
            _p(
                "",
                "not_object",
                "A credential must be a JSON object.",
                "Una credencial debe ser un objeto JSON.",
            )
        ]
    base = VC_V1_CONTEXT if vc11 else VC_V2_CONTEXT
    out = _context_problems(doc, base) + _type_problems(doc, "VerifiableCredential")
    if "id" in doc:
        out += _url_problem("/id", doc["id"], "id")
    out += _issuer_problems(doc) + _subject_problems(doc) + _time_problems(doc, vc11=vc11)
    out += _text_problems(doc, "") + _related_resource_problems(doc)
    out += _typed_items(doc, "credentialStatus", id_required=vc11)
    out += _typed_items(doc, "credentialSchema", id_required=True)
    for prop in ("evidence", "termsOfUse", "refreshService"):
        out += _typed_items(doc, prop, id_required=False)
    return out


def problems_for_verification(doc: Any) -> list[Problem]:
    """The data model rules a credential to be verified breaks: VC DM 1.1's for a 1.1
    credential, else VC DM 2.0's."""
    return problems_of_credential(doc, vc11=is_vc11(doc))


def problems_of_presentation(doc: Any, *, vc11: bool = False) -> list[Problem]:
    """Every VC DM 2.0 rule a presentation breaks (its credentials are checked one by one);
    with ``vc11``, VC DM 1.1's (a 1.1 presentation may carry 1.1 or 2.0 credentials)."""
    if not isinstance(doc, dict):
        return [
            _p(
                "",
                "not_object",
                "A presentation must be a JSON object.",
                "Una presentación debe ser un objeto JSON.",
            )
        ]
    base = VC_V1_CONTEXT if vc11 else VC_V2_CONTEXT
    out = _context_problems(doc, base) + _type_problems(doc, "VerifiablePresentation")
    if "id" in doc:
        out += _url_problem("/id", doc["id"], "id")
    if "holder" in doc:
        holder = doc["holder"]
        value = holder.get("id") if isinstance(holder, dict) else holder
        out += _url_problem("/holder", value, "holder")
    for i, vc in enumerate(_as_list(doc.get("verifiableCredential", []))):
        # An enveloped credential (a JWT) is checked when it is verified; an object here now.
        if isinstance(vc, dict) and vc.get("type") != "EnvelopedVerifiableCredential":
            for p in problems_of_credential(vc, vc11=vc11 and is_vc11(vc)):
                out.append(Problem(f"/verifiableCredential/{i}{p.pointer}", p.code, p.message))
    return out


def _raise(problems: Iterable[Problem], what: str) -> None:
    found = list(problems)
    if found:
        first = found[0]
        raise CredentialNonConforming(
            Text(
                f"The {what} does not conform to VC Data Model 2.0: {first.message.en} "
                f"(at {first.pointer or '/'}){' and more' if len(found) > 1 else ''}.",
                f"La {'credencial' if what == 'credential' else 'presentación'} no cumple el "
                f"Modelo de Datos VC 2.0: {first.message.es} (en {first.pointer or '/'})"
                f"{' y más' if len(found) > 1 else ''}.",
            ),
            problems=found,
        )


def require_credential(doc: Any) -> dict[str, Any]:
    """Return ``doc`` if it conforms to VC DM 2.0, else raise :class:`CredentialNonConforming`."""
    _raise(problems_of_credential(doc), "credential")
    result: dict[str, Any] = doc
    return result


def require_presentation(doc: Any) -> dict[str, Any]:
    """Return ``doc`` if it is a conforming presentation, else raise :class:`CredentialNonConforming`."""
    _raise(problems_of_presentation(doc), "presentation")
    result: dict[str, Any] = doc
    return result


def validity_period(doc: dict[str, Any]) -> tuple[Any, Any]:
    """The raw (start, end) of a credential: validFrom/validUntil, or issuanceDate/expirationDate
    for a VC 1.1 credential."""
    start, end = _V11_TIMES if is_vc11(doc) else _V2_TIMES
    return doc.get(start), doc.get(end)


def validity_problem(doc: dict[str, Any], now: datetime) -> str | None:
    """``"expired"`` or ``"not_yet_valid"`` when ``now`` is outside validFrom..validUntil
    (issuanceDate..expirationDate in VC 1.1), else None."""
    start, until = validity_period(doc)
    if isinstance(until, str) and parse_datetime(until) < now:
        return "expired"
    if isinstance(start, str) and parse_datetime(start) > now:
        return "not_yet_valid"
    return None


def issuer_id(doc: dict[str, Any]) -> str:
    """The issuer's URL, whether ``issuer`` is a string or an object."""
    issuer = doc.get("issuer")
    value = issuer.get("id") if isinstance(issuer, dict) else issuer
    return value if isinstance(value, str) else ""
