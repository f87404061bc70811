"""VC-JWT as VC Data Model 1.1 defines it (§6.3.1, "JSON Web Token"): a JWT whose ``vc`` (or
``vp``) claim holds the credential (presentation), with registered claims standing for some
of its properties. Read-only: SmartBorder issues VC 2.0 (``vc+jwt``, VC-JOSE).

Decoding (§6.3.1.2) maps ``iss`` → ``issuer`` (``holder`` of a presentation), ``nbf`` →
``issuanceDate``, ``exp`` → ``expirationDate``, ``jti`` → ``id`` and ``sub`` →
``credentialSubject.id``. Where the ``vc`` object already holds the property with a different
value, the JWT is refused: the signed claims and the signed document would disagree.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

from smartborder.credentials.errors import CredentialNonConforming
from smartborder.i18n import Text

#: ``typ`` values a VC 1.1 JWT carries (RFC 7519 suggests "JWT"; most omit it).
JWT_TYPS: tuple[str | None, ...] = ("JWT", None)
#: The ``format`` a :class:`~smartborder.credentials.recipes.VerificationResult` reports.
FORMAT = "jwt_vc"
PRESENTATION_FORMAT = "jwt_vp"


def _stamp(seconds: Any, claim: str) -> str:
    if isinstance(seconds, bool) or not isinstance(seconds, int | float):
        raise _bad(
            f"The JWT claim {claim} must be a NumericDate (seconds since 1970).",
            f"El claim {claim} del JWT debe ser un NumericDate (segundos desde 1970).",
        )
    try:
        moment = datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError) as exc:
        raise _bad(
            f"The JWT claim {claim} is out of range.",
            f"El claim {claim} del JWT está fuera de rango.",
        ) from exc
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _bad(en: str, es: str) -> CredentialNonConforming:
    return CredentialNonConforming(Text(en, es))


def _put(doc: dict[str, Any], prop: str, value: Any, claim: str) -> None:
    """Set ``doc[prop]`` from a JWT claim; refuse a different value already there."""
    current = doc.get(prop)
    if isinstance(current, dict) and prop in ("issuer", "holder"):
        current = current.get("id")
        if current is None:
            doc[prop] = {**doc[prop], "id": value}
            return
    if current is None:
        doc[prop] = value
    elif current != value:
        raise _bad(
            f"The JWT claim {claim} ({value!r}) disagrees with {prop} ({current!r}).",
            f"El claim {claim} del JWT ({value!r}) no coincide con {prop} ({current!r}).",
        )


def _times_equal(current: Any, stamp: str) -> bool:
    if not isinstance(current, str):
        return False
    try:
        given = datetime.fromisoformat(current.replace("Z", "+00:00"))
    except ValueError:
        return False
    if given.tzinfo is None:
        return False
    # NumericDate has whole seconds; the document may carry fractions.
    return int(given.timestamp()) == int(
        datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()
    )


def _put_time(doc: dict[str, Any], prop: str, seconds: Any, claim: str) -> None:
    stamp = _stamp(seconds, claim)
    if prop in doc and not _times_equal(doc[prop], stamp):
        raise _bad(
            f"The JWT claim {claim} ({stamp}) disagrees with {prop} ({doc[prop]!r}).",
            f"El claim {claim} del JWT ({stamp}) no coincide con {prop} ({doc[prop]!r}).",
        )
    doc.setdefault(prop, stamp)


def is_jwt11(claims: dict[str, Any]) -> bool:
    """True when a JWT's claims hold a VC 1.1 credential or presentation (``vc``/``vp``)."""
    return isinstance(claims.get("vc"), dict) or isinstance(claims.get("vp"), dict)


def credential_of_jwt(claims: dict[str, Any]) -> dict[str, Any]:
    """The credential a VC 1.1 JWT carries, with its registered claims mapped in."""
    vc = claims.get("vc")
    if not isinstance(vc, dict):
        raise _bad(
            "A VC 1.1 JWT must carry the credential in its vc claim (an object).",
            "Un JWT VC 1.1 debe llevar la credencial en su claim vc (un objeto).",
        )
    doc = copy.deepcopy(vc)
    if "iss" in claims:
        _put(doc, "issuer", claims["iss"], "iss")
    if "jti" in claims:
        _put(doc, "id", claims["jti"], "jti")
    if "nbf" in claims:
        _put_time(doc, "issuanceDate", claims["nbf"], "nbf")
    if "exp" in claims:
        _put_time(doc, "expirationDate", claims["exp"], "exp")
    if "sub" in claims:
        subject = doc.get("credentialSubject")
        if isinstance(subject, list):
            raise _bad(
                "A VC 1.1 JWT with a sub claim must have one credentialSubject.",
                "Un JWT VC 1.1 con claim sub debe tener un solo credentialSubject.",
            )
        if subject is None:
            doc["credentialSubject"] = {"id": claims["sub"]}
        elif isinstance(subject, dict):  # anything else: the data model check says why
            doc["credentialSubject"] = subject = dict(subject)
            _put(subject, "id", claims["sub"], "sub")
    return doc


def presentation_of_jwt(claims: dict[str, Any]) -> dict[str, Any]:
    """The presentation a VC 1.1 JWT carries (``vp``): ``iss`` → holder, ``jti`` → id."""
    vp = claims.get("vp")
    if not isinstance(vp, dict):
        raise _bad(
            "A VC 1.1 presentation JWT must carry the presentation in its vp claim (an object).",
            "Un JWT de presentación VC 1.1 debe llevar la presentación en su claim vp (un objeto).",
        )
    doc = copy.deepcopy(vp)
    if "iss" in claims:
        _put(doc, "holder", claims["iss"], "iss")
    if "jti" in claims:
        _put(doc, "id", claims["jti"], "jti")
    return doc


__all__ = [
    "FORMAT",
    "JWT_TYPS",
    "PRESENTATION_FORMAT",
    "credential_of_jwt",
    "is_jwt11",
    "presentation_of_jwt",
]
