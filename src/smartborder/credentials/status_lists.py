"""This node's Bitstring Status Lists: changing an entry, publishing a list as a signed status
list credential, and reading lists (this node's from the store, a named peer's over HTTPS) for
verification, cached for a time-to-live.

A status change committed in this process is seen at once by every checker that subscribed to
the same :class:`StatusListChanges` (by default the process's :data:`STATUS_CHANGES`); other
processes see it within their checkers' time-to-live.
"""

from __future__ import annotations

import weakref
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from smartborder.credentials import recipes
from smartborder.credentials._service_base import STATUS_PATH, ServiceBase
from smartborder.credentials.errors import (
    CredentialNotFound,
    StatusListInvalid,
    StatusListUnavailable,
)
from smartborder.credentials.primitives import jose
from smartborder.credentials.primitives.keys import KeyType
from smartborder.credentials.status import (
    Bitstring,
    StatusChecker,
    StatusPurpose,
    status_list_credential,
)
from smartborder.credentials.trust import SessionsRef, session_maker
from smartborder.credentials.vcapi_profile import status_updates
from smartborder.i18n import Text
from smartborder.store import credentials as repo
from smartborder.store import transaction


class StatusListChanges:
    """The status checkers that must forget a list when this process commits a change to it."""

    def __init__(self) -> None:
        self._checkers: weakref.WeakSet[StatusChecker] = weakref.WeakSet()

    def subscribe(self, checker: StatusChecker) -> StatusChecker:
        self._checkers.add(checker)
        return checker

    def changed(self, session: Session, list_urls: list[str]) -> None:
        """Forget ``list_urls`` now and again once ``session`` commits (a verification racing
        the commit cannot keep the old list for a whole time-to-live)."""

        def forget(_: Session) -> None:
            for checker in list(self._checkers):
                for url in list_urls:
                    checker.invalidate(url)

        forget(session)
        event.listen(session, "after_commit", forget, once=True)


#: The changes every service and checker of this process shares unless given its own.
STATUS_CHANGES = StatusListChanges()


class StatusLists(ServiceBase):
    """Change, publish and read this node's status lists (and fetch a named peer's)."""

    changes: StatusListChanges

    def update_status(
        self, session: Session, *, org: str, credential_id: str, updates: Any, now: datetime
    ) -> dict[str, Any]:
        """Set the revocation/suspension bits of one of ``org``'s credentials.

        ``updates`` is the Traceability ``credentialStatus`` list: ``[{"type": ...,
        "statusPurpose": "revocation"|"suspension", "status": "1"|"0"}]`` (see
        :func:`.vcapi_profile.status_updates`). Revocation is final.
        """
        # The request is checked whole before any lookup: a malformed one is a 400 even for
        # a credential that does not exist.
        parsed = status_updates(updates)
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
        changed: list[str] = []
        for purpose, value in parsed:
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
        self.changes.changed(session, changed)
        return {"credentialId": credential_id, "revoked": row.revoked, "suspended": row.suspended}

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

                self._shared_checker = self.changes.subscribe(
                    StatusChecker(
                        fetch_own, verify_list=self.verify_status_list, ttl_s=self.status_ttl_s
                    )
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


def local_status_checker(
    service: StatusLists,
    sessions: SessionsRef,
    *,
    ttl_s: float = 60.0,
    fetch_peer: Any = None,
) -> StatusChecker:
    """A status checker over this node's own lists in the store, each list re-read at most
    every ``ttl_s`` seconds; a change committed in this process (through ``service``) is seen at
    once. A peer's list is read through ``fetch_peer(url)`` (e.g. a :class:`PeerCache`, which
    never blocks on the network) when given, else through ``service`` (over HTTPS)."""
    own = service.base_url + STATUS_PATH

    def fetch(url: str) -> str:
        if fetch_peer is not None and not url.startswith(own):
            text: str = fetch_peer(url)
            return text
        with transaction(session_maker(sessions)) as session:
            return service.fetch_status_list(session, url)

    checker = StatusChecker(fetch, verify_list=service.verify_status_list, ttl_s=ttl_s)
    return service.changes.subscribe(checker)


__all__ = [
    "STATUS_CHANGES",
    "STATUS_PATH",
    "StatusListChanges",
    "StatusLists",
    "local_status_checker",
]
