"""SD-JWT VC: selective disclosure, so a traveler shows "SENTRI member" without a date of birth.

Implements IETF SD-JWT (RFC 9901 format: ``<issuer-jwt>~<disclosure>~…~[<kb-jwt>]``) and the
SD-JWT VC profile (``typ`` ``dc+sd-jwt``; ``vc+sd-jwt`` accepted), with key binding (``cnf.jwk``
and a ``kb+jwt`` signed by the holder over ``sd_hash``, ``aud``, ``nonce`` and ``iat``).

Why our own code and not the PyPI ``sd-jwt`` package (0.10.4, 2024): it brings a second JOSE
stack (jwcrypto) beside joserfc, reads its ``typ`` from an environment variable, and checks no
times against a caller's clock; here every time check takes ``now`` so expiry is testable, and
signing goes through the same vetted algorithm list as VC-JOSE (:mod:`.jose`).
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from smartborder.credentials.errors import JoseInvalid, SdJwtInvalid
from smartborder.credentials.primitives import jose
from smartborder.credentials.primitives.jsonld import check_limits
from smartborder.credentials.primitives.keys import PrivateKey, PublicKey
from smartborder.i18n import Text

SD_JWT_TYP = "dc+sd-jwt"
ACCEPTED_TYPS = ("dc+sd-jwt", "vc+sd-jwt")
KB_JWT_TYP = "kb+jwt"
SD_ALG = "sha-256"
# Claims that SD-JWT VC forbids from being selectively disclosable (they drive validation).
NEVER_DISCLOSABLE = frozenset({"iss", "nbf", "exp", "iat", "cnf", "vct", "status", "_sd", "..."})
MAX_SD_JWT_BYTES = 262_144
MAX_DISCLOSURES = 256


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _digest(disclosure: str) -> str:
    return _b64(hashlib.sha256(disclosure.encode("ascii")).digest())


def _bad(en: str, es: str) -> SdJwtInvalid:
    return SdJwtInvalid(Text(en, es))


@dataclass(frozen=True, slots=True)
class Disclosure:
    """One disclosure: the salted claim ``[salt, name, value]`` and its encoded form."""

    salt: str
    name: str
    value: Any
    encoded: str

    @classmethod
    def make(cls, name: str, value: Any) -> Disclosure:
        salt = _b64(secrets.token_bytes(16))  # 128 bits, as RFC 9901 §9.3 recommends
        raw = json.dumps([salt, name, value], separators=(",", ":"), ensure_ascii=False)
        return cls(salt, name, value, _b64(raw.encode()))

    @property
    def digest(self) -> str:
        return _digest(self.encoded)


def _split_path(path: str) -> list[str]:
    parts = [p for p in path.split(".") if p]
    if not parts:
        raise _bad("An empty claim path was given.", "Se dio una ruta de afirmación vacía.")
    return parts


def issue(
    claims: dict[str, Any],
    *,
    key: PrivateKey,
    kid: str,
    disclosable: Iterable[str],
    holder: PublicKey | None = None,
) -> str:
    """Sign ``claims`` as an SD-JWT VC; each dotted path in ``disclosable`` becomes a disclosure.

    ``holder`` binds the credential to the holder's key (``cnf.jwk``); presentations must then
    carry a key-binding JWT. Returns the issuance form ``<jwt>~<d1>~…~``.
    """
    payload = copy.deepcopy(claims)
    disclosures: list[Disclosure] = []
    # Deepest paths first, so a disclosed object carries its own nested digests.
    for path in sorted(set(disclosable), key=lambda p: -len(_split_path(p))):
        parts = _split_path(path)
        if parts[0] in NEVER_DISCLOSABLE or parts[-1] in ("_sd", "..."):
            raise _bad(
                f"Claim {path!r} may not be selectively disclosable in an SD-JWT VC.",
                f"La afirmación {path!r} no puede ser de divulgación selectiva en un SD-JWT VC.",
            )
        parent: Any = payload
        for part in parts[:-1]:
            parent = parent.get(part) if isinstance(parent, dict) else None
        if not isinstance(parent, dict) or parts[-1] not in parent:
            raise _bad(
                f"Claim {path!r} is not in the credential, so it cannot be made disclosable.",
                f"La afirmación {path!r} no está en la credencial; no puede hacerse divulgable.",
            )
        d = Disclosure.make(parts[-1], parent.pop(parts[-1]))
        disclosures.append(d)
        parent.setdefault("_sd", []).append(d.digest)
    _sort_digests(payload)
    payload["_sd_alg"] = SD_ALG
    if holder is not None:
        payload["cnf"] = {"jwk": holder.jwk}
    token = jose.sign_jwt(payload, key=key, kid=kid, typ=SD_JWT_TYP)
    return "~".join([token, *(d.encoded for d in disclosures)]) + "~"


def _sort_digests(node: Any) -> None:
    # Sorted digests reveal nothing about the original claim order (RFC 9901 §4.2.4.1).
    if isinstance(node, dict):
        if "_sd" in node:
            node["_sd"].sort()
        for v in node.values():
            _sort_digests(v)
    elif isinstance(node, list):
        for v in node:
            _sort_digests(v)


@dataclass(frozen=True, slots=True)
class Parsed:
    issuer_jwt: str
    disclosures: list[str]
    kb_jwt: str | None


def parse(sd_jwt: str) -> Parsed:
    """Split an SD-JWT (issuance or presentation form) into its parts; bounded in size."""
    if not isinstance(sd_jwt, str) or len(sd_jwt) > MAX_SD_JWT_BYTES or "~" not in sd_jwt:
        raise _bad(
            f"An SD-JWT is a string '<jwt>~<disclosures>~[<kb-jwt>]' of at most {MAX_SD_JWT_BYTES} bytes.",
            f"Un SD-JWT es una cadena '<jwt>~<divulgaciones>~[<kb-jwt>]' de como máximo {MAX_SD_JWT_BYTES} bytes.",
        )
    parts = sd_jwt.split("~")
    if len(parts) - 2 > MAX_DISCLOSURES:
        raise _bad(
            f"More than {MAX_DISCLOSURES} disclosures.", f"Más de {MAX_DISCLOSURES} divulgaciones."
        )
    return Parsed(parts[0], list(parts[1:-1]), parts[-1] or None)


def _decode_disclosure(encoded: str) -> tuple[str | None, Any]:
    try:
        arr = json.loads(_unb64(encoded))
        check_limits(arr)
    except (ValueError, UnicodeError, RecursionError) as exc:
        raise _bad(
            "A disclosure is not base64url JSON.", "Una divulgación no es JSON base64url."
        ) from exc
    if isinstance(arr, list) and len(arr) == 3 and isinstance(arr[1], str):
        if arr[1] in ("_sd", "..."):
            raise _bad(
                "A disclosure may not name the claim '_sd' or '...'.",
                "Una divulgación no puede nombrar la afirmación '_sd' o '...'.",
            )
        return arr[1], arr[2]
    if isinstance(arr, list) and len(arr) == 2:
        return None, arr[1]  # an array element
    raise _bad(
        "A disclosure must be [salt, name, value] or [salt, value].",
        "Una divulgación debe ser [sal, nombre, valor] o [sal, valor].",
    )


def _unpack(
    node: Any, table: dict[str, tuple[str | None, Any]], used: set[str], path: str, out: list[str]
) -> Any:
    if isinstance(node, list):
        result: list[Any] = []
        for item in node:
            if isinstance(item, dict) and set(item) == {"..."}:
                digest = item["..."]
                if digest in table:
                    if digest in used:
                        raise _bad(
                            "A digest is referenced twice.", "Un resumen se referencia dos veces."
                        )
                    used.add(digest)
                    result.append(_unpack(table[digest][1], table, used, path + "[]", out))
                continue  # an undisclosed element (or decoy) is dropped
            result.append(_unpack(item, table, used, path + "[]", out))
        return result
    if not isinstance(node, dict):
        return node
    obj = {k: v for k, v in node.items() if k != "_sd"}
    for k in list(obj):
        obj[k] = _unpack(obj[k], table, used, f"{path}{k}.", out)
    for digest in node.get("_sd", []):
        if digest not in table:
            continue  # undisclosed claim or decoy
        if digest in used:
            raise _bad("A digest is referenced twice.", "Un resumen se referencia dos veces.")
        used.add(digest)
        name, value = table[digest]
        if name is None or name in obj:
            raise _bad(
                f"Disclosed claim {name!r} clashes with a claim already present.",
                f"La afirmación divulgada {name!r} choca con una ya presente.",
            )
        out.append(path + name)
        obj[name] = _unpack(value, table, used, f"{path}{name}.", out)
    return obj


@dataclass(frozen=True, slots=True)
class Verified:
    """A verified SD-JWT: the claims after disclosure, which paths were disclosed, and binding."""

    header: dict[str, Any]
    claims: dict[str, Any]
    disclosed: list[str] = field(default_factory=list)
    key_bound: bool = False


def verify(
    sd_jwt: str,
    *,
    resolve_key: jose.KeyResolver,
    now: datetime,
    audience: str | None = None,
    nonce: str | None = None,
    require_key_binding: bool = True,
    max_kb_age_s: int = 300,
    leeway_s: int = 60,
) -> Verified:
    """Verify the issuer signature, every disclosure, and (when bound) the key-binding JWT.

    Time claims of the credential itself (``exp``, ``nbf``) are left to the caller (the recipe
    reports them as checks); the key-binding JWT must be no older than ``max_kb_age_s`` at ``now``.
    """
    parts = parse(sd_jwt)
    try:
        header, payload = jose.verify_jwt(
            parts.issuer_jwt, resolve_key=resolve_key, typ=ACCEPTED_TYPS
        )
    except JoseInvalid as exc:
        raise SdJwtInvalid(exc.message) from exc
    if payload.get("_sd_alg", SD_ALG) != SD_ALG:
        raise _bad("Only _sd_alg sha-256 is accepted.", "Solo se acepta _sd_alg sha-256.")
    table: dict[str, tuple[str | None, Any]] = {}
    for encoded in parts.disclosures:
        digest = _digest(encoded)
        if digest in table:
            raise _bad("A disclosure is repeated.", "Una divulgación está repetida.")
        table[digest] = _decode_disclosure(encoded)
    used: set[str] = set()
    disclosed: list[str] = []
    claims = _unpack(payload, table, used, "", disclosed)
    if len(used) != len(table):
        raise _bad(
            "A disclosure is not referenced by the signed credential (it was forged or altered).",
            "Una divulgación no está referenciada por la credencial firmada (fue falsificada o alterada).",
        )
    claims.pop("_sd_alg", None)
    bound = False
    cnf = payload.get("cnf")
    if parts.kb_jwt is not None or (require_key_binding and cnf is not None):
        _verify_kb(
            parts,
            cnf,
            now=now,
            audience=audience,
            nonce=nonce,
            max_age_s=max_kb_age_s,
            leeway_s=leeway_s,
        )
        bound = True
    elif require_key_binding:
        raise _bad(
            "This SD-JWT is not bound to a holder key (no cnf), but key binding is required.",
            "Este SD-JWT no está ligado a una clave del titular (sin cnf), pero se requiere.",
        )
    return Verified(header, claims, sorted(disclosed), bound)


def _sd_hash(parts: Parsed) -> str:
    presented = "~".join([parts.issuer_jwt, *parts.disclosures]) + "~"
    return _b64(hashlib.sha256(presented.encode("ascii")).digest())


def _verify_kb(
    parts: Parsed,
    cnf: Any,
    *,
    now: datetime,
    audience: str | None,
    nonce: str | None,
    max_age_s: int,
    leeway_s: int,
) -> None:
    if parts.kb_jwt is None:
        raise _bad(
            "The presentation lacks the holder's key-binding JWT.",
            "La presentación no incluye el JWT de vinculación de clave del titular.",
        )
    if not isinstance(cnf, dict) or not isinstance(cnf.get("jwk"), dict):
        raise _bad(
            "A key-binding JWT was sent but the credential names no holder key (cnf.jwk).",
            "Se envió un JWT de vinculación pero la credencial no nombra clave del titular (cnf.jwk).",
        )
    holder = PublicKey.from_jwk(cnf["jwk"])
    try:
        _, kb = jose.verify_jwt_with_key(parts.kb_jwt, key=holder, typ=KB_JWT_TYP)
    except JoseInvalid as exc:
        raise SdJwtInvalid(
            Text(
                "The key-binding JWT does not verify with the holder key: " + exc.message.en,
                "El JWT de vinculación no es válido con la clave del titular: " + exc.message.es,
            )
        ) from exc
    if kb.get("sd_hash") != _sd_hash(parts):
        raise _bad(
            "The key-binding JWT covers other disclosures (sd_hash mismatch).",
            "El JWT de vinculación cubre otras divulgaciones (sd_hash no coincide).",
        )
    if audience is not None and kb.get("aud") != audience:
        raise _bad(
            f"The key-binding JWT is for audience {kb.get('aud')!r}, not {audience!r}.",
            f"El JWT de vinculación es para la audiencia {kb.get('aud')!r}, no {audience!r}.",
        )
    if nonce is not None and kb.get("nonce") != nonce:
        raise _bad(
            "The key-binding JWT nonce does not match the challenge (a replay?).",
            "El nonce del JWT de vinculación no coincide con el desafío (¿una repetición?).",
        )
    iat = kb.get("iat")
    t = now.timestamp()
    if not isinstance(iat, int | float) or iat > t + leeway_s or iat < t - max_age_s:
        raise _bad(
            f"The key-binding JWT was not made in the last {max_age_s} s.",
            f"El JWT de vinculación no se creó en los últimos {max_age_s} s.",
        )


def present(
    sd_jwt: str,
    *,
    disclose: Iterable[str],
    holder_key: PrivateKey | None = None,
    audience: str | None = None,
    nonce: str | None = None,
    now: datetime,
) -> str:
    """Keep only the disclosures for the dotted paths in ``disclose`` (with their parents) and,
    when ``holder_key`` is given, append a key-binding JWT for ``audience`` and ``nonce``."""
    parts = parse(sd_jwt)
    try:
        payload = json.loads(_unb64(parts.issuer_jwt.split(".")[1]))
        check_limits(payload)
    except (ValueError, UnicodeError, IndexError, RecursionError) as exc:
        raise _bad(
            "The SD-JWT's issuer-signed part is not a JWT.",
            "La parte firmada por el emisor del SD-JWT no es un JWT.",
        ) from exc
    table = {_digest(e): (e, *_decode_disclosure(e)) for e in parts.disclosures}
    wanted = set(disclose)
    chosen: list[str] = []

    def walk(node: Any, path: str) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                if k != "_sd":
                    walk(v, f"{path}{k}.")
            for digest in node.get("_sd", []):
                if digest in table:
                    encoded, name, value = table[digest]
                    full = f"{path}{name}"
                    if any(w == full or w.startswith(full + ".") for w in wanted):
                        chosen.append(encoded)
                        walk(value, full + ".")
        elif isinstance(node, list):
            for item in node:
                walk(item, path)

    walk(payload, "")
    presented = "~".join([parts.issuer_jwt, *chosen]) + "~"
    if holder_key is None:
        return presented
    kb_claims: dict[str, Any] = {
        "iat": int(now.timestamp()),
        "sd_hash": _sd_hash(Parsed(parts.issuer_jwt, chosen, None)),
    }
    if audience is not None:
        kb_claims["aud"] = audience
    if nonce is not None:
        kb_claims["nonce"] = nonce
    return presented + jose.sign_jwt(kb_claims, key=holder_key, kid=None, typ=KB_JWT_TYP)


__all__ = ["SD_JWT_TYP", "Disclosure", "Verified", "issue", "parse", "present", "verify"]
