"""The VC-API of the W3C CCG Traceability Interoperability spec, as library calls over the store.

:class:`CredentialService` is what the HTTP routes (and the CLI) call: each organization issues
with its own did:web identity on this node (:mod:`.issuers`), every issued credential gets a
revocation and a suspension entry in the organization's Bitstring Status Lists, and the lists
are published as ``vc+jwt`` status list credentials signed by the same organization. Nothing
here knows HTTP; tenancy is by organization (another organization's credential is "not found").

Its jobs live in their own modules: :mod:`.issuing` (issue, prove, read back),
:mod:`.status_lists` (change, publish and read status lists) and :mod:`.verifying` (verify,
exchanges, receive presentations).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from smartborder.config import Settings
from smartborder.credentials._service_base import STATUS_PATH
from smartborder.credentials.issuers import NodeResolver, OrgIdentities
from smartborder.credentials.issuing import Issuing
from smartborder.credentials.peers import Peers, did_web_options
from smartborder.credentials.primitives.contexts import ContextStore
from smartborder.credentials.status import StatusChecker
from smartborder.credentials.status_lists import STATUS_CHANGES, StatusListChanges
from smartborder.credentials.types import CredentialTypes, ensure_own_context
from smartborder.credentials.verifying import Verifying


@dataclass
class CredentialService(Issuing, Verifying):
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
    #: Who forgets a status list when this service changes it (this process's checkers).
    changes: StatusListChanges = field(default=STATUS_CHANGES)
    #: Organizations that issue any type satisfying the VC 2.0 data model (schema checks only
    #: where a schema is known): the conformance issuer profile, ``SMARTBORDER_OPEN_ISSUER_ORGS``.
    open_orgs: frozenset[str] = frozenset()
    _shared_checker: StatusChecker | None = field(default=None, init=False, repr=False)

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        *,
        sessions: sessionmaker[Session] | None = None,
        resolver_kwargs: dict[str, Any] | None = None,
        peers: Peers | None = None,
        changes: StatusListChanges = STATUS_CHANGES,
    ) -> CredentialService:
        """The service of a node. Its resolver fetches the did:web documents
        ``SMARTBORDER_VERIFY_DID_WEB`` allows, through ``peers``' HTTP client (``peers``, else
        ``settings.peers``), unless ``resolver_kwargs`` say otherwise. A status change it makes
        is announced to the checkers subscribed to ``changes`` (by default every checker of
        this process)."""
        identities = OrgIdentities(settings.home, str(settings.base_url))
        contexts = ensure_own_context(ContextStore.from_settings(settings))
        peers = peers if peers is not None else Peers.from_settings(settings)
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
            changes=changes,
            open_orgs=frozenset(settings.open_issuer_org_names),
        )


__all__ = ["STATUS_PATH", "CredentialService"]
