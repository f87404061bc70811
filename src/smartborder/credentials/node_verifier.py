"""What a node verifies attached credentials with, inside decisions: its resolver, types,
contexts, trust registry and status lists — and the background threads that keep the registry
and peers' documents fresh, so that verifying never waits on the store or the network.

:class:`NodeVerifier` is what the pre-clearance credentials stage is built on. Its owner (the
node's composition root) calls :meth:`NodeVerifier.start` once the node serves and
:meth:`NodeVerifier.close` when it stops; without ``start`` it still works (the CLI, tests),
reloading the registry on first use after its time-to-live.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from smartborder.config import Settings
from smartborder.credentials import holder, recipes
from smartborder.credentials.peer_cache import PeerCache
from smartborder.credentials.peers import Peers
from smartborder.credentials.primitives.contexts import ContextStore
from smartborder.credentials.service import CredentialService
from smartborder.credentials.status import StatusChecker
from smartborder.credentials.status_lists import (
    STATUS_CHANGES,
    StatusListChanges,
    local_status_checker,
)
from smartborder.credentials.trust import SessionsRef, StoredTrust, TrustRegistry
from smartborder.credentials.types import CredentialTypes, ensure_own_context
from smartborder.store import LazySessions

log = logging.getLogger(__name__)


class _Every:
    """Calls ``fn()`` every ``interval_s`` seconds from a daemon thread until stopped."""

    def __init__(self, interval_s: float, fn: Callable[[], object], name: str) -> None:
        self._stop = threading.Event()

        def run() -> None:
            while not self._stop.wait(interval_s):
                try:
                    fn()
                except Exception:  # keep going: the next period tries again
                    log.exception("%s failed", name)

        self._thread = threading.Thread(target=run, name=name, daemon=True)
        self._thread.start()

    def stop(self, timeout_s: float = 5.0) -> None:
        self._stop.set()
        self._thread.join(timeout_s)


@dataclass(frozen=True, slots=True)
class AttachedResults:
    """The verification of the items attached to one declaration."""

    credentials: tuple[recipes.VerificationResult, ...]
    #: Errors of the presentations' own proofs (``"<check>: <detail>"``).
    presentation_errors: tuple[str, ...]


class NodeVerifier:
    """Verifies attached credentials and presentations for decisions; see the module docstring.

    ``trust`` is a :class:`StoredTrust` or a fixed :class:`TrustRegistry`; ``status`` checks
    status list entries (``None``: a status entry cannot be told); ``peer_cache`` serves peers'
    DID documents and status lists from memory (``None``: no peers). Once started, the lists
    ``status`` has read are fetched again every ``status_refresh_s`` in the background, so a
    decision reads a list itself (from the store) only the first time it meets it.
    """

    def __init__(
        self,
        *,
        resolver: recipes.Resolver,
        types: CredentialTypes,
        trust: StoredTrust | TrustRegistry,
        status: StatusChecker | None = None,
        contexts: ContextStore | None = None,
        peer_cache: PeerCache | None = None,
        status_refresh_s: float = 30.0,
    ) -> None:
        self.resolver = resolver
        self.types = types
        self.trust = trust
        self.status = status
        self.contexts = ensure_own_context(contexts) if contexts is not None else None
        self.peer_cache = peer_cache
        self.status_refresh_s = status_refresh_s
        self._status_refresher: _Every | None = None

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        *,
        sessions: sessionmaker[Session] | None = None,
        trust_ttl_s: float = 30.0,
        status_ttl_s: float = 60.0,
        peers: Peers | None = None,
        changes: StatusListChanges = STATUS_CHANGES,
    ) -> NodeVerifier:
        """The verifier of a node: its org identities, types, contexts, registry and status
        lists, and — when peers are named (``peers``, else ``settings.peers``) — those peer
        nodes' did:web identities and status lists, read through a :class:`PeerCache`. Its
        status checker forgets a list when a service sharing ``changes`` changes it (by
        default, any service of this process)."""
        peers = peers if peers is not None else Peers.from_settings(settings)
        cache = PeerCache(peers, status_ttl_s=status_ttl_s) if peers else None
        service = CredentialService.from_settings(
            settings,
            resolver_kwargs={
                "allow_web": False,
                "web_allowed": peers.owns_did,
                "web_fetch": cache.did_document if cache is not None else None,
            },
            peers=peers,
            changes=changes,
        )
        store: SessionsRef = sessions if sessions is not None else LazySessions(settings.db_url)
        status = local_status_checker(
            service,
            store,
            ttl_s=status_ttl_s,
            fetch_peer=cache.status_list if cache is not None else None,
        )
        return cls(
            resolver=service.resolver,
            types=service.types,
            trust=StoredTrust(store, ttl_s=trust_ttl_s),
            status=status,
            contexts=service.contexts,
            peer_cache=cache,
            status_refresh_s=status_ttl_s / 2,
        )

    # --- lifecycle (the composition root owns it) ---------------------------------------------

    def start(self) -> None:
        """Load the trust registry, and from now on keep it, the status lists decisions have
        read (every ``status_refresh_s``) and the peer cache fresh in background threads."""
        if isinstance(self.trust, StoredTrust):
            self.trust.start()
        if self.peer_cache is not None:
            self.peer_cache.start()
        status = self.status
        if status is not None and self._status_refresher is None:
            self._status_refresher = _Every(
                self.status_refresh_s,
                lambda: status.refresh(datetime.now(UTC)),
                "smartborder-status-lists",
            )

    def close(self) -> None:
        """Stop the background threads (idempotent)."""
        if isinstance(self.trust, StoredTrust):
            self.trust.stop()
        if self.peer_cache is not None:
            self.peer_cache.stop()
        refresher, self._status_refresher = self._status_refresher, None
        if refresher is not None:
            refresher.stop()

    stop = close

    def refresh(self) -> None:
        """Take edits of the trust registry and status lists (this node's and peers') into
        account: the registry is reloaded, status lists and peers' documents read again."""
        if isinstance(self.trust, StoredTrust):
            self.trust.invalidate()
        if self.status is not None:
            self.status.invalidate()
        if self.peer_cache is not None:
            self.peer_cache.invalidate()

    # --- verifying ----------------------------------------------------------------------------

    def registry(self) -> TrustRegistry:
        """The trust registry as last loaded (never reads the store once started)."""
        return self.trust.registry() if isinstance(self.trust, StoredTrust) else self.trust

    def verify_attached(self, items: list[Any], *, now: datetime) -> AttachedResults:
        """Verify every attached credential and presentation at ``now``; never raises for a
        bad one. A presentation's own proof is optional here (pre-clearance binds credentials
        to the declaration instead); its credentials are verified like attached ones."""
        results: list[recipes.VerificationResult] = []
        vp_errors: list[str] = []
        for item in items:
            if holder.is_presentation(item):
                vp = holder.verify_presentation(
                    holder.unenvelope_presentation(item),
                    now=now,
                    resolver=self.resolver,
                    types=self.types,
                    status=self.status,
                    require_proof=False,
                    contexts=self.contexts,
                )
                vp_errors += [e for e in vp.errors if e.partition(": ")[0] != "credentials"]
                results += vp.credentials
            else:
                results.append(
                    recipes.verify(
                        item,
                        now=now,
                        resolver=self.resolver,
                        types=self.types,
                        status=self.status,
                        require_key_binding=False,
                        contexts=self.contexts,
                    )
                )
        return AttachedResults(tuple(results), tuple(vp_errors))


__all__ = ["AttachedResults", "NodeVerifier"]
