"""What every part of :class:`~smartborder.credentials.service.CredentialService` reads: the
node's identities, resolver, types, contexts and base URL (the parts are mixins over it)."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from smartborder.credentials.issuers import NodeResolver, OrgIdentities
from smartborder.credentials.peers import Peers
from smartborder.credentials.primitives.contexts import ContextStore
from smartborder.credentials.status import StatusChecker
from smartborder.credentials.types import CredentialTypes

#: Where this node publishes its status list credentials (under its base URL).
STATUS_PATH = "/credentials/status-lists/"


class ServiceBase:
    """The fields of a credential service (declared here so each part type-checks alone)."""

    identities: OrgIdentities
    resolver: NodeResolver
    types: CredentialTypes
    contexts: ContextStore
    base_url: str
    sessions: sessionmaker[Session] | None
    status_ttl_s: float
    peers: Peers
    open_orgs: frozenset[str]
    _shared_checker: StatusChecker | None

    def _list_url(self, list_id: str) -> str:
        return f"{self.base_url}{STATUS_PATH}{list_id}"


__all__ = ["STATUS_PATH", "ServiceBase"]
