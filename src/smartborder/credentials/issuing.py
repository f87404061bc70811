"""Issuing as one of this node's organizations: credentials (with their status entries) and
signed presentations; reading back what an organization issued."""

from __future__ import annotations

import json
import secrets
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from smartborder.clients import list_clients
from smartborder.credentials import holder, recipes
from smartborder.credentials._service_base import ServiceBase
from smartborder.credentials.datamodel import issuer_id, parse_datetime
from smartborder.credentials.errors import (
    CredentialNonConforming,
    CredentialNotFound,
    DidNotFound,
    PresentationExists,
)
from smartborder.credentials.primitives.keys import KeyType, PublicKey
from smartborder.credentials.status import MIN_LIST_SIZE, Bitstring, StatusPurpose, status_entry
from smartborder.i18n import Text
from smartborder.store import credentials as repo
from smartborder.store.tables.credentials import IssuedCredentialRow, StatusListRow

_FORMATS = {
    "vc+jwt": recipes.Format.VC_JWT,
    "vc-jwt": recipes.Format.VC_JWT,
    "jwt": recipes.Format.VC_JWT,
    "dc+sd-jwt": recipes.Format.SD_JWT,
    "vc+sd-jwt": recipes.Format.SD_JWT,
    "sd-jwt": recipes.Format.SD_JWT,
}


def _bad_option(en: str, es: str) -> CredentialNonConforming:
    return CredentialNonConforming(Text(en, es))


class Issuing(ServiceBase):
    """Issue credentials and prove presentations as an organization of this node."""

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
        open_types = org in self.open_orgs  # an admin let it issue any VC 2.0 type
        recipes.prepare(  # refuse early
            doc, verification_method=vm, now=now, types=self.types, open_types=open_types
        )
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
            open_types=open_types,
        )
        prepared = recipes.prepare(
            doc, verification_method=vm, now=now, types=self.types, open_types=open_types
        )
        subject = prepared.get("credentialSubject")
        valid_until = prepared.get("validUntil")
        repo.add_issued(
            session,
            IssuedCredentialRow(
                org=org,
                credential_id=str(prepared["id"]),
                credential_type=self.types.listed_type(prepared) or "VerifiableCredential",
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

    def org_document(self, session: Session, slug: str) -> dict[str, Any]:
        """The DID document of this node's organization ``slug``: every organization that
        holds a client has one (its keys created on first request), with the node's
        ``TraceabilityAPI`` service."""
        try:
            return self.identities.document(slug)
        except DidNotFound:
            orgs = {row.org for row in list_clients(session)}
            return self.identities.document(slug, orgs=orgs)

    def resolve_did(self, session: Session, did: str) -> dict[str, Any]:
        """The DID document of ``did``: an organization of this node's as
        :meth:`org_document` makes it, any other through the resolver."""
        slug = self.identities.slug_of(did)
        if slug is not None:
            return self.org_document(session, slug)
        return self.resolver.resolve(did)

    def get(self, session: Session, *, org: str, credential_id: str) -> dict[str, Any]:
        row = repo.get_issued(session, org, credential_id)
        if row is None:
            raise CredentialNotFound()
        if row.format == recipes.Format.DATA_INTEGRITY.value:
            loaded: dict[str, Any] = json.loads(row.secured)
            return loaded
        return recipes.envelope(row.secured, row.format)

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


__all__ = ["Issuing"]
