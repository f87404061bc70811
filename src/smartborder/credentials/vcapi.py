"""The VC-API of the W3C CCG Traceability Interoperability spec, as library calls over the store.

:class:`CredentialService` is what the HTTP routes (and the CLI) call: each organization issues
with its own did:web identity on this node (:mod:`.issuers`), every issued credential gets a
revocation and a suspension entry in the organization's Bitstring Status Lists, and the lists
are published as ``vc+jwt`` status list credentials signed by the same organization. Nothing
here knows HTTP; tenancy is by organization (another organization's credential is "not found").
"""

from __future__ import annotations

import json
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

from smartborder.config import Settings
from smartborder.credentials import holder, recipes
from smartborder.credentials.datamodel import issuer_id, parse_datetime
from smartborder.credentials.errors import (
    CredentialNonConforming,
    CredentialNotFound,
    PresentationExists,
    StatusListInvalid,
    StatusListUnavailable,
)
from smartborder.credentials.issuers import NodeResolver, OrgIdentities
from smartborder.credentials.peers import Peers, did_web_options
from smartborder.credentials.primitives import jose
from smartborder.credentials.primitives.contexts import ContextStore
from smartborder.credentials.primitives.keys import KeyType, PublicKey
from smartborder.credentials.status import (
    MIN_LIST_SIZE,
    Bitstring,
    StatusChecker,
    StatusPurpose,
    status_entry,
    status_list_credential,
)
from smartborder.credentials.types import CredentialTypes, ensure_own_context
from smartborder.i18n import Text
from smartborder.store import credentials as repo
from smartborder.store import transaction
from smartborder.store.tables.credentials import (
    ExchangeRow,
    IssuedCredentialRow,
    PresentationRow,
    StatusListRow,
)

STATUS_PATH = "/credentials/status-lists/"
_FORMATS = {
    "vc+jwt": recipes.Format.VC_JWT,
    "vc-jwt": recipes.Format.VC_JWT,
    "jwt": recipes.Format.VC_JWT,
    "dc+sd-jwt": recipes.Format.SD_JWT,
    "vc+sd-jwt": recipes.Format.SD_JWT,
    "sd-jwt": recipes.Format.SD_JWT,
}
_PURPOSE_ALIASES = {
    "RevocationList2020Status": "revocation",
    "StatusList2021Entry": "revocation",
    "revocation": "revocation",
    "suspension": "suspension",
}


def _bad_option(en: str, es: str) -> CredentialNonConforming:
    return CredentialNonConforming(Text(en, es))


@dataclass
class CredentialService:
    """Issue, verify, publish status, prove and receive presentations for this node's tenants."""

    identities: OrgIdentities
    resolver: NodeResolver
    types: CredentialTypes
    contexts: ContextStore
    base_url: str
    #: With a session factory and a TTL, verified status lists are cached across requests
    #: (each list read, signed and verified once per TTL instead of once per credential).
    sessions: sessionmaker[Session] | None = None
    status_ttl_s: float = 0.0
    #: Other nodes whose status lists may be fetched (none: only this node's lists are read).
    peers: Peers = field(default_factory=lambda: Peers(()))
    _shared_checker: StatusChecker | None = field(default=None, init=False, repr=False)

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        *,
        sessions: sessionmaker[Session] | None = None,
        resolver_kwargs: dict[str, Any] | None = None,
        peers: Peers | None = None,
    ) -> CredentialService:
        """The service of a node. Its resolver fetches the did:web documents
        ``SMARTBORDER_VERIFY_DID_WEB`` allows, through ``peers``' HTTP client (``peers``, else
        ``settings.peers``), unless ``resolver_kwargs`` say otherwise."""
        identities = OrgIdentities(settings.home, str(settings.base_url))
        contexts = ensure_own_context(ContextStore.from_settings(settings))
        peers = peers if peers is not None else Peers(settings.peer_urls)
        if resolver_kwargs is None:
            resolver_kwargs = did_web_options(settings.verify_did_web, peers)
        return cls(
            identities=identities,
            resolver=NodeResolver(identities, **resolver_kwargs),
            types=CredentialTypes(vocab_dir=settings.traceability_vocab_dir),
            contexts=contexts,
            base_url=str(settings.base_url).rstrip("/"),
            sessions=sessions,
            status_ttl_s=float(settings.status_ttl_s),
            peers=peers,
        )

    # --- issuing ----------------------------------------------------------------------------

    def issue(
        self, session: Session, *, org: str, credential: Any, options: dict[str, Any], now: datetime
    ) -> dict[str, Any]:
        """Issue ``credential`` as ``org``; returns the secured credential (DI object, or an
        ``EnvelopedVerifiableCredential`` for vc+jwt / dc+sd-jwt) and stores it."""
        if not isinstance(credential, dict):
            raise _bad_option(
                "credential must be a JSON object.", "credential debe ser un objeto JSON."
            )
        suite = options.get("cryptosuite") or options.get("proofType")
        fmt_name = str(options.get("format", "vc+jwt"))
        if suite is not None:
            fmt: recipes.Format = recipes.Format.DATA_INTEGRITY
            key_type = KeyType.ED25519 if str(suite).startswith("eddsa") else KeyType.P384
        elif fmt_name in _FORMATS:
            fmt = _FORMATS[fmt_name]
            key_type = KeyType.P384  # ES384: mandatory in the Traceability Interop profile
        else:
            raise _bad_option(
                f"Unknown format {fmt_name!r}; use vc+jwt, dc+sd-jwt, or a cryptosuite.",
                f"Formato desconocido {fmt_name!r}; use vc+jwt, dc+sd-jwt o una cryptosuite.",
            )
        vm, key = self.identities.signer(org, key_type)
        doc = dict(credential)
        doc.setdefault("id", f"urn:uuid:{uuid.uuid4()}")
        if repo.get_issued(session, org, str(doc["id"])) is not None:
            raise PresentationExists(
                Text(
                    f"Your organization already issued a credential with id {doc['id']}.",
                    f"Su organización ya emitió una credencial con id {doc['id']}.",
                ),
                code="credentials.exists",
            )
        recipes.prepare(doc, verification_method=vm, now=now, types=self.types)  # refuse early
        group: str | None = None
        index: int | None = None
        if options.get("credentialStatus", True) is not False and "credentialStatus" not in doc:
            group, index = self._allocate(session, org, now)
            doc["credentialStatus"] = [
                status_entry(self._list_url(f"{group}-{p.value}"), index, p) for p in StatusPurpose
            ]
        holder_jwk = options.get("holderJwk")
        secured = recipes.issue(
            doc,
            key=key,
            verification_method=vm,
            now=now,
            types=self.types,
            format=fmt if fmt is not recipes.Format.DATA_INTEGRITY else recipes.Format.VC_JWT,
            suite=str(suite) if suite is not None else None,
            disclosable=[str(p) for p in options.get("disclosable", [])],
            holder=PublicKey.from_jwk(holder_jwk) if isinstance(holder_jwk, dict) else None,
            contexts=self.contexts,
        )
        prepared = recipes.prepare(doc, verification_method=vm, now=now, types=self.types)
        subject = prepared.get("credentialSubject")
        valid_until = prepared.get("validUntil")
        repo.add_issued(
            session,
            IssuedCredentialRow(
                org=org,
                credential_id=str(prepared["id"]),
                credential_type=self.types.type_of(prepared) or "VerifiableCredential",
                format=fmt.value,
                issuer=issuer_id(prepared),
                subject_id=subject.get("id") if isinstance(subject, dict) else None,
                issued_at=now,
                valid_until=parse_datetime(valid_until) if isinstance(valid_until, str) else None,
                status_group=group,
                status_index=index,
                revoked=False,
                suspended=False,
                secured=secured if isinstance(secured, str) else json.dumps(secured),
            ),
        )
        if isinstance(secured, str):
            return recipes.envelope(secured, fmt)
        return secured

    def _list_url(self, list_id: str) -> str:
        return f"{self.base_url}{STATUS_PATH}{list_id}"

    def _allocate(self, session: Session, org: str, now: datetime) -> tuple[str, int]:
        """A fresh index in the org's open list pair; a new pair when the last one is full.

        Indexes follow ``(offset + stride·n) mod size`` with an odd random stride: every entry
        is used once, and consecutive credentials do not sit next to each other in the list.
        """
        row = repo.open_status_list(session, org, StatusPurpose.REVOCATION.value)
        if row is None:
            slug = self.identities.did(org).rsplit(":", 1)[-1]
            group = f"{slug}-{repo.count_status_lists(session, org, StatusPurpose.REVOCATION.value) + 1}"
            stride = secrets.randbelow(MIN_LIST_SIZE // 2) * 2 + 1
            offset = secrets.randbelow(MIN_LIST_SIZE)
            empty = Bitstring(MIN_LIST_SIZE).encode()
            for purpose in StatusPurpose:
                repo.add_status_list(
                    session,
                    StatusListRow(
                        list_id=f"{group}-{purpose.value}",
                        org=org,
                        group_id=group,
                        purpose=purpose.value,
                        size=MIN_LIST_SIZE,
                        encoded=empty,
                        allocated=0,
                        stride=stride,
                        offset=offset,
                        updated_at=now,
                    ),
                )
            row = repo.open_status_list(session, org, StatusPurpose.REVOCATION.value)
            assert row is not None
        index = (row.offset + row.stride * row.allocated) % row.size
        for member in repo.status_lists_of_group(session, row.group_id, lock=True):
            member.allocated += 1
        session.flush()
        return row.group_id, index

    # --- status -----------------------------------------------------------------------------

    def update_status(
        self, session: Session, *, org: str, credential_id: str, updates: Any, now: datetime
    ) -> dict[str, Any]:
        """Set the revocation/suspension bits of one of ``org``'s credentials.

        ``updates`` is the Traceability ``credentialStatus`` list: ``[{"type": ...,
        "statusPurpose": "revocation"|"suspension", "status": "1"|"0"}]``. Revocation is final.
        """
        row = repo.get_issued(session, org, credential_id)
        if row is None:
            raise CredentialNotFound()
        if row.status_group is None or row.status_index is None:
            raise StatusListInvalid(
                Text(
                    "This credential was issued without a status entry, so its status cannot change.",
                    "Esta credencial se emitió sin entrada de estado; su estado no puede cambiar.",
                )
            )
        if not isinstance(updates, list) or not updates:
            raise StatusListInvalid(
                Text(
                    'credentialStatus must be a list like [{"statusPurpose": "revocation", "status": "1"}].',
                    'credentialStatus debe ser una lista como [{"statusPurpose": "revocation", "status": "1"}].',
                )
            )
        changed: list[str] = []
        for update in updates:
            purpose, value = self._parse_update(update)
            if purpose == "revocation" and row.revoked and not value:
                raise StatusListInvalid(
                    Text(
                        "Revocation is final; suspend a credential when it may come back.",
                        "La revocación es definitiva; suspenda la credencial si puede volver a valer.",
                    )
                )
            list_row = repo.get_status_list(session, f"{row.status_group}-{purpose}", lock=True)
            if list_row is None:
                raise StatusListUnavailable()
            bits = Bitstring.decode(list_row.encoded)
            bits.set(row.status_index, value)
            list_row.encoded = bits.encode()
            list_row.updated_at = now
            if purpose == "revocation":
                row.revoked = value
            else:
                row.suspended = value
            changed.append(self._list_url(list_row.list_id))
        session.flush()
        if self._shared_checker is not None:
            # This node sees its own change once committed (a verification racing the commit
            # cannot keep the old list for a whole TTL); other nodes within their TTL.
            checker = self._shared_checker

            def forget(_: Session) -> None:
                for url in changed:
                    checker.invalidate(url)

            forget(session)
            event.listen(session, "after_commit", forget, once=True)
        return {"credentialId": credential_id, "revoked": row.revoked, "suspended": row.suspended}

    @staticmethod
    def _parse_update(update: Any) -> tuple[str, bool]:
        if not isinstance(update, dict):
            raise StatusListInvalid()
        purpose = update.get("statusPurpose") or _PURPOSE_ALIASES.get(str(update.get("type")))
        status = str(update.get("status", ""))
        if purpose not in ("revocation", "suspension") or status not in ("0", "1"):
            raise StatusListInvalid(
                Text(
                    'Each update needs statusPurpose "revocation" or "suspension" and status "1" or "0".',
                    'Cada actualización necesita statusPurpose "revocation" o "suspension" y status "1" o "0".',
                )
            )
        return str(purpose), status == "1"

    def status_list(self, session: Session, list_id: str, *, now: datetime) -> str:
        """The signed (vc+jwt) status list credential ``list_id`` as it is now."""
        row = repo.get_status_list(session, list_id)
        if row is None:
            raise CredentialNotFound(
                Text(
                    f"No status list {list_id!r} on this node.",
                    f"No hay lista de estado {list_id!r} en este nodo.",
                )
            )
        vm, key = self.identities.signer(row.org, KeyType.P384)
        doc = status_list_credential(
            Bitstring.decode(row.encoded),
            list_url=self._list_url(list_id),
            issuer=self.identities.did(row.org),
            purpose=StatusPurpose(row.purpose),
            valid_from=row.updated_at,
        )
        return jose.sign_jwt(doc, key=key, kid=vm)

    def status_checker(self, session: Session) -> StatusChecker:
        """A checker of this node's lists: shared across requests for ``status_ttl_s`` when the
        service has its own session factory, else reading through ``session`` afresh.

        Lists on other nodes are not fetched: verification never touches the network here.
        """
        if self.sessions is not None and self.status_ttl_s > 0:
            if self._shared_checker is None:
                sessions = self.sessions

                def fetch_own(url: str) -> str:
                    with transaction(sessions) as own:
                        return self.fetch_status_list(own, url)

                self._shared_checker = StatusChecker(
                    fetch_own, verify_list=self.verify_status_list, ttl_s=self.status_ttl_s
                )
            return self._shared_checker
        return StatusChecker(
            lambda url: self.fetch_status_list(session, url),
            verify_list=self.verify_status_list,
            ttl_s=0,
        )

    def fetch_status_list(self, session: Session, url: str) -> str:
        """The status list credential at ``url``: one of this node's lists from the store, or
        one a named peer node publishes (fetched over HTTPS); any other is unavailable, so
        verification stays on this node unless peers are named."""
        prefix = self.base_url + STATUS_PATH
        if not url.startswith(prefix) and self.peers.owns_url(url):
            return self.peers.status_list(url)
        if not url.startswith(prefix):
            raise StatusListUnavailable(
                Text(
                    f"The status list {url} is not on this node, and this node does not fetch remote lists.",
                    f"La lista de estado {url} no está en este nodo, y este nodo no obtiene listas remotas.",
                )
            )
        return self.status_list(session, url[len(prefix) :], now=datetime.now(UTC))

    def verify_status_list(self, raw: Any, now: datetime) -> dict[str, Any]:
        """The verified status list credential ``raw`` as a dict; StatusListInvalid if not."""
        result = recipes.verify(
            raw, now=now, resolver=self.resolver, types=self.types, contexts=self.contexts
        )
        if not result.verified or result.credential is None:
            raise StatusListInvalid(
                Text(
                    "The status list credential does not verify: " + "; ".join(result.errors),
                    "La credencial de lista de estado no es válida: " + "; ".join(result.errors),
                )
            )
        return result.credential

    # --- reading and verifying ----------------------------------------------------------------

    def get(self, session: Session, *, org: str, credential_id: str) -> dict[str, Any]:
        row = repo.get_issued(session, org, credential_id)
        if row is None:
            raise CredentialNotFound()
        if row.format == recipes.Format.DATA_INTEGRITY.value:
            loaded: dict[str, Any] = json.loads(row.secured)
            return loaded
        return recipes.envelope(row.secured, row.format)

    def verify(
        self, session: Session, credential: Any, *, options: dict[str, Any], now: datetime
    ) -> recipes.VerificationResult:
        return recipes.verify(
            credential,
            now=now,
            resolver=self.resolver,
            types=self.types,
            status=self.status_checker(session),
            audience=options.get("domain"),
            nonce=options.get("challenge"),
            require_key_binding=options.get("requireKeyBinding", True) is not False,
            contexts=self.contexts,
        )

    # --- presentations ----------------------------------------------------------------------

    def prove(
        self, *, org: str, presentation: Any, options: dict[str, Any], now: datetime
    ) -> dict[str, Any]:
        if not isinstance(presentation, dict):
            raise _bad_option(
                "presentation must be a JSON object.", "presentation debe ser un objeto JSON."
            )
        suite = options.get("cryptosuite") or options.get("type")
        if suite in ("Ed25519Signature2018", "JsonWebSignature2020"):
            suite = None  # legacy names in the Traceability spec: answer with vp+jwt
        key_type = KeyType.ED25519 if str(suite or "").startswith("eddsa") else KeyType.P384
        vm, key = self.identities.signer(org, key_type)
        proved = holder.prove(
            presentation,
            key=key,
            verification_method=vm,
            now=now,
            challenge=options.get("challenge"),
            domain=options.get("domain"),
            suite=str(suite) if suite else None,
            contexts=self.contexts,
        )
        if isinstance(proved, str):
            return {
                "@context": ["https://www.w3.org/ns/credentials/v2"],
                "id": "data:application/vp+jwt," + proved,
                "type": "EnvelopedVerifiablePresentation",
            }
        return proved

    @staticmethod
    def unenvelope_presentation(value: Any) -> Any:
        prefix = "data:application/vp+jwt,"
        if isinstance(value, dict) and value.get("type") == "EnvelopedVerifiablePresentation":
            ident = value.get("id")
            if isinstance(ident, str) and ident.startswith(prefix):
                return ident[len(prefix) :]
        return value

    def verify_presentation(
        self,
        session: Session,
        presentation: Any,
        *,
        options: dict[str, Any],
        now: datetime,
        require_proof: bool = True,
    ) -> holder.PresentationResult:
        return holder.verify_presentation(
            self.unenvelope_presentation(presentation),
            now=now,
            resolver=self.resolver,
            types=self.types,
            status=self.status_checker(session),
            challenge=options.get("challenge"),
            domain=options.get("domain"),
            require_proof=require_proof,
            contexts=self.contexts,
        )

    def open_exchange(
        self, session: Session, *, org: str, query: Any, now: datetime
    ) -> dict[str, Any]:
        """Start a presentation exchange: a fresh challenge the holder's proof must answer."""
        challenge = secrets.token_urlsafe(24)
        repo.add_exchange(
            session,
            ExchangeRow(challenge=challenge, org=org, query=json.dumps(query), created_at=now),
        )
        return {"query": query, "domain": self.base_url, "challenge": challenge}

    def receive(
        self, session: Session, *, org: str, presentation: Any, channel: str, now: datetime
    ) -> holder.PresentationResult:
        """Verify and store a presentation sent to this node; a reused id is a 409 Conflict.

        On the ``submission`` channel the presentation must be signed and answer a challenge
        from :meth:`open_exchange`, each challenge usable once.
        """
        vp = self.unenvelope_presentation(presentation)
        pid = self._presentation_id(vp)
        if repo.presentation_exists(session, pid):
            raise PresentationExists(extra={"presentationId": pid})
        options: dict[str, Any] = {}
        exchange: ExchangeRow | None = None
        if channel == "submission":
            challenge = holder.challenge_of(vp)
            exchange = repo.get_exchange(session, challenge, lock=True) if challenge else None
            if exchange is not None and exchange.used_at is None:
                options = {"challenge": challenge, "domain": self.base_url}
        result = self.verify_presentation(
            session, vp, options=options, now=now, require_proof=channel == "submission"
        )
        if channel == "submission":
            result.ran("exchange")
            if exchange is None or not options:
                result.fail(
                    "exchange",
                    "the presentation answers no open exchange (POST /presentations/available)",
                )
            else:
                exchange.used_at = now
        repo.add_presentation(
            session,
            PresentationRow(
                presentation_id=pid,
                org=org,
                holder=result.holder,
                channel=channel,
                received_at=now,
                verified=result.verified,
                document=vp if isinstance(vp, str) else json.dumps(vp),
                result=result.model_dump_json(),
            ),
        )
        return result

    @staticmethod
    def _presentation_id(vp: Any) -> str:
        claims = jose.unverified_claims(vp) if isinstance(vp, str) else vp
        pid = claims.get("id") if isinstance(claims, dict) else None
        if not isinstance(pid, str) or not pid:
            raise _bad_option(
                "A presentation sent to this node needs an id (e.g. urn:uuid:...), so a resend is recognized.",
                "Una presentación enviada a este nodo necesita un id (p. ej. urn:uuid:...), para reconocer un reenvío.",
            )
        return pid


__all__ = ["STATUS_PATH", "CredentialService"]
