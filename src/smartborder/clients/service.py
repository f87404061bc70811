"""Create API clients, check their secrets, and issue and verify short-lived access tokens.

Secrets are stored as scrypt hashes; tokens are JWTs (HS256) signed with a node key shared
by every API node of a deployment, so nodes stay stateless behind a load balancer.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import OctKey
from sqlalchemy.orm import Session

from smartborder.clients.errors import (
    ClientDisabled,
    ClientNotFound,
    InvalidClient,
    InvalidOrg,
    InvalidScope,
    InvalidToken,
    MissingScope,
    TokenNotYetValid,
    UnknownRole,
)
from smartborder.clients.registry import ClientRegistry
from smartborder.clients.roles import ROLE_SCOPES, Role
from smartborder.i18n import Text
from smartborder.store import clients as repo
from smartborder.store.tables.clients import ApiClientRow

# scrypt cost: N=2**14, r=8, p=1 is the interactive-login setting recommended in RFC 7914 §2.
_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}
# Checked when the client id is unknown or disabled, so that such a request costs the same
# scrypt as a known one and its timing does not tell which ids exist.
_DUMMY_HASH = f"scrypt${'00' * 16}${'00' * 32}"
# Leeway for a token's iat/nbf ahead of this node's clock: RFC 7519 §4.1.4-4.1.5 allow "some
# small leeway, usually no more than a few minutes, to account for clock skew"; NTP-synced
# nodes differ by milliseconds, so one minute is ample.
CLOCK_SKEW_S = 60
TOKEN_ISSUER = "smartborder"
_TOKEN_CACHE_SIZE = 10_000


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: the client, its organization, role and granted scopes."""

    client_id: str
    org: str
    role: Role
    scopes: frozenset[str]

    def require(self, *scopes: str) -> None:
        missing = [s for s in scopes if s not in self.scopes]
        if missing:
            need = " ".join(missing)
            raise MissingScope(
                Text(
                    f"This needs the scope(s) {need}; your client ({self.role}) lacks them.",
                    f"Esto requiere el/los alcance(s) {need}; su cliente ({self.role}) no los tiene.",
                ),
                extra={"missing_scopes": missing},
            )


@dataclass(frozen=True, slots=True)
class NewClient:
    """A client just created; the secret is shown once and never stored in clear."""

    org: str
    role: Role
    client_id: str
    client_secret: str
    scopes: frozenset[str]

    def to_dict(self) -> dict[str, str]:
        return {
            "org": self.org,
            "role": self.role.value,
            "client_id": self.client_id,
            "client_secret": self.client_secret,
        }


def hash_secret(secret: str) -> str:
    salt = os.urandom(16)
    digest = hashlib.scrypt(secret.encode(), salt=salt, **_SCRYPT)
    return f"scrypt${salt.hex()}${digest.hex()}"


def check_secret(secret: str, stored: str) -> bool:
    try:
        scheme, salt_hex, digest_hex = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    digest = hashlib.scrypt(secret.encode(), salt=bytes.fromhex(salt_hex), **_SCRYPT)
    return hmac.compare_digest(digest.hex(), digest_hex)


def parse_role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        roles = ", ".join(r.value for r in Role)
        raise UnknownRole(
            Text(
                f"Unknown role {value!r}; use one of: {roles}.",
                f"Rol desconocido {value!r}; use uno de: {roles}.",
            ),
        ) from None


def create_client(
    session: Session, *, org: str, role: Role | str, scopes: frozenset[str] | None = None
) -> NewClient:
    """Create a client of ``org`` with ``role``; returns the secret (shown once). The
    organization is every record's tenant: it must be named (1-200 characters, trimmed)."""
    org = org.strip()
    if not 1 <= len(org) <= 200:
        raise InvalidOrg()
    role = parse_role(role) if isinstance(role, str) else role
    granted = ROLE_SCOPES[role] if scopes is None else scopes & ROLE_SCOPES[role]
    client_id = f"{role.value}-{secrets.token_hex(6)}"
    secret = secrets.token_urlsafe(32)
    repo.add_client(
        session,
        ApiClientRow(
            client_id=client_id,
            org=org,
            role=role.value,
            scopes=" ".join(sorted(granted)),
            secret_hash=hash_secret(secret),
            active=True,
            created_at=datetime.now(UTC),
        ),
    )
    return NewClient(org, role, client_id, secret, frozenset(granted))


def authenticate(session: Session, client_id: str, client_secret: str) -> Principal:
    """Check a client's secret; raise :class:`InvalidClient` on any mismatch."""
    row = repo.get_client(session, client_id)
    usable = row is not None and row.active
    matches = check_secret(client_secret, row.secret_hash if row is not None else _DUMMY_HASH)
    if row is None or not usable or not matches:
        raise InvalidClient()
    return Principal(row.client_id, row.org, Role(row.role), frozenset(row.scopes.split()))


def requested_scopes(principal: Principal, scope: str | None) -> frozenset[str]:
    """The scopes a token request asks for (all the client holds when it names none);
    :class:`InvalidScope` if it names one the client does not hold (RFC 6749 §5.2)."""
    if not scope or not scope.split():
        return principal.scopes
    wanted = frozenset(scope.split())
    extra = sorted(wanted - principal.scopes)
    if extra:
        names = " ".join(extra)
        raise InvalidScope(
            Text(
                f"Your client ({principal.role}) does not hold the scope(s) {names}; "
                "ask for fewer, or none for all it holds.",
                f"Su cliente ({principal.role}) no tiene el/los alcance(s) {names}; "
                "pida menos, o ninguno para todos los que tiene.",
            ),
            extra={"error": "invalid_scope", "invalid_scopes": extra},
        )
    return wanted


def list_clients(session: Session) -> list[ApiClientRow]:
    """Every client, oldest first (rows carry no secret in clear)."""
    return repo.list_clients(session)


def set_enabled(session: Session, client_id: str, *, enabled: bool) -> ApiClientRow:
    """Disable or re-enable a client; :class:`ClientNotFound` if there is none. Disabled, it
    gets no new token, and the tokens it holds stop working (see :class:`ClientRegistry`)."""
    row = repo.set_active(session, client_id, active=enabled)
    if row is None:
        raise ClientNotFound(extra={"client_id": client_id})
    return row


def delete_client(session: Session, client_id: str) -> None:
    """Delete a client; :class:`ClientNotFound` if there is none."""
    if not repo.delete_client(session, client_id):
        raise ClientNotFound(extra={"client_id": client_id})


class TokenSigner:
    """Issues and verifies access tokens with one symmetric node key."""

    def __init__(self, key: bytes, *, ttl_s: int, clients: ClientRegistry | None = None) -> None:
        self._key = OctKey.import_key(key)
        self.ttl_s = ttl_s
        # Without a registry (benchmarks that only issue tokens) no client is checked.
        self.clients = clients
        self._seen: dict[str, tuple[Principal, int]] = {}

    def close(self) -> None:
        """Stop the client registry's reloads."""
        if self.clients is not None:
            self.clients.close()

    @classmethod
    def from_home(
        cls, home: Path, *, ttl_s: int, clients: ClientRegistry | None = None
    ) -> TokenSigner:
        """Load the node key from ``home/token.key``, creating it (mode 0600) on first use.

        Workers started together on a fresh home race to create it: each writes a whole key
        to a file of its own and links it into place (atomic, and refused if the key exists),
        so every worker reads the one key that won, never a partial one."""
        path = home / "token.key"
        if not path.exists():
            home.mkdir(parents=True, exist_ok=True)
            mine = home / f".token.key.{os.getpid()}"
            fd = os.open(mine, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(secrets.token_bytes(32))
                    fh.flush()
                    os.fsync(fh.fileno())
                os.link(mine, path)
            except FileExistsError:
                pass  # another worker's key is in place: use it
            finally:
                mine.unlink(missing_ok=True)
        return cls(path.read_bytes(), ttl_s=ttl_s, clients=clients)

    def issue(
        self,
        principal: Principal,
        *,
        scopes: frozenset[str] | None = None,
        now: float | None = None,
    ) -> tuple[str, int]:
        """Return ``(token, expires_in)``; ``scopes`` may narrow what the client holds."""
        granted = principal.scopes if scopes is None else scopes & principal.scopes
        iat = int(now if now is not None else time.time())
        claims = {
            "iss": TOKEN_ISSUER,
            "sub": principal.client_id,
            "org": principal.org,
            "role": principal.role.value,
            "scope": " ".join(sorted(granted)),
            "iat": iat,
            "exp": iat + self.ttl_s,
            "jti": secrets.token_hex(8),
        }
        return jwt.encode({"alg": "HS256"}, claims, self._key), self.ttl_s

    def verify(self, token: str, *, now: float | None = None) -> Principal:
        """The caller a token names; raises :class:`InvalidToken` (expired: ``auth.token_expired``).

        A token whose signature was checked once is remembered until it expires (bounded
        cache), so a client's every request does not pay the HMAC and JSON parsing again.
        Its client must still exist and be enabled (``auth.client_disabled``; an in-memory
        lookup, see :class:`ClientRegistry`), and its ``iat``/``nbf`` must not be ahead of
        ``now`` by more than :data:`CLOCK_SKEW_S` (``auth.token_not_yet_valid``).
        """
        t = now if now is not None else time.time()
        hit = self._seen.get(token)
        if hit is None:
            hit = self._decode(token, t)
            if len(self._seen) >= _TOKEN_CACHE_SIZE:
                self._seen.clear()
            self._seen[token] = hit
        principal, exp = hit
        if t >= exp:
            raise InvalidToken(
                Text(
                    "The access token has expired; request a new one at POST /oauth/token.",
                    "El token de acceso expiró; solicite uno nuevo en POST /oauth/token.",
                ),
                code="auth.token_expired",
            )
        if self.clients is not None and not self.clients.is_enabled(principal.client_id):
            raise ClientDisabled()
        return principal

    def _decode(self, token: str, now: float) -> tuple[Principal, int]:
        try:
            claims = jwt.decode(token, self._key, algorithms=["HS256"]).claims
            if claims.get("iss") != TOKEN_ISSUER:
                raise InvalidToken()
            if any(int(claims.get(c, 0)) > now + CLOCK_SKEW_S for c in ("iat", "nbf")):
                raise TokenNotYetValid()
            principal = Principal(
                str(claims["sub"]),
                str(claims["org"]),
                Role(str(claims["role"])),
                frozenset(str(claims.get("scope", "")).split()),
            )
            return principal, int(claims["exp"])
        except (JoseError, KeyError, ValueError, TypeError) as exc:
            raise InvalidToken() from exc
