"""Each organization's issuing identity on this node: a did:web with its own rotating keys.

An organization ``acme`` on the node ``https://border.example`` is
``did:web:border.example:orgs:acme``; its DID document is served at
``/orgs/acme/did.json`` (with the node's ``TraceabilityAPI`` service, where the Traceability
Interop profile discovers the organization's VC-API) and its keys live in ``$SMARTBORDER_HOME/keys/orgs/acme/`` (0600
files; retired keys stay in the document so old credentials keep verifying).
:class:`NodeResolver` resolves those DIDs from the local key files — a node never fetches its
own documents over the network.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from smartborder.credentials.errors import DidInvalid, DidNotFound
from smartborder.credentials.keystore import INDEX, NodeKeys
from smartborder.credentials.primitives.did import DidResolver, did_web_for
from smartborder.credentials.primitives.keys import KeyType, PrivateKey
from smartborder.i18n import Text

_SLUG = re.compile(r"[^a-z0-9-]+")


def org_slug(org: str) -> str:
    """The DID path segment of an organization name (lowercase letters, digits, hyphens)."""
    slug = _SLUG.sub("-", org.lower()).strip("-")
    if not slug or len(slug) > 64:
        raise DidInvalid(
            Text(
                f"Organization name {org!r} cannot form a DID path segment.",
                f"El nombre de organización {org!r} no puede formar un segmento de DID.",
            )
        )
    return slug


class OrgIdentities:
    """The did:web identities of the organizations served by this node."""

    def __init__(self, home: Path, base_url: str) -> None:
        self.root = Path(home) / "keys" / "orgs"
        self.base_url = base_url
        self._prefix = did_web_for(base_url, "orgs") + ":"
        # slug -> (mtime of its key index, document): reading PEM files on every verification
        # would cost more than the signature check; the index changes on every new key.
        self._docs: dict[str, tuple[int, dict[str, Any]]] = {}

    def did(self, org: str) -> str:
        return did_web_for(self.base_url, "orgs", org_slug(org))

    def keys(self, org: str) -> NodeKeys:
        return NodeKeys(self.root / org_slug(org))

    def signer(self, org: str, key_type: KeyType = KeyType.P384) -> tuple[str, PrivateKey]:
        """``(verification method id, private key)`` of the org's active key of ``key_type``."""
        key_id, key = self.keys(org).active(key_type)
        return f"{self.did(org)}#{key_id}", key

    def rotate(self, org: str, key_type: KeyType = KeyType.P384) -> str:
        """Retire the org's active key of ``key_type`` and return the new method id."""
        record = self.keys(org).rotate(key_type)
        return f"{self.did(org)}#{record.id}"

    def slug_of(self, did: str) -> str | None:
        """The org slug of a DID of this node (``…:orgs:<slug>``), else None."""
        if not did.startswith(self._prefix):
            return None
        slug = did[len(self._prefix) :].split("#", 1)[0]
        return slug if slug and ":" not in slug else None

    def document(self, slug: str, *, orgs: Iterable[str] = ()) -> dict[str, Any]:
        """The DID document of the org ``slug``; its keys are created on first use when
        ``slug`` is one of ``orgs`` (the organizations served); :class:`DidNotFound` when it
        has no keys and is none of them."""
        keys = NodeKeys(self.root / org_slug(slug))
        index = keys.directory / INDEX
        mtime = index.stat().st_mtime_ns if index.exists() else -1
        hit = self._docs.get(slug)
        if hit is not None and hit[0] == mtime:
            return hit[1]
        if not keys.records() and any(org_slug(org) == slug for org in orgs):
            keys.ensure()
            mtime = index.stat().st_mtime_ns
        if not keys.records():
            raise DidNotFound(
                Text(
                    f"No organization {slug!r} issues credentials on this node.",
                    f"Ninguna organización {slug!r} emite credenciales en este nodo.",
                )
            )
        doc = keys.did_document(
            did_web_for(self.base_url, "orgs", slug), service_endpoint=self.base_url.rstrip("/")
        )
        self._docs[slug] = (mtime, doc)
        return doc


class NodeResolver(DidResolver):
    """A :class:`DidResolver` that answers this node's org DIDs from local key files."""

    def __init__(self, identities: OrgIdentities, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.identities = identities

    def resolve(self, did: str) -> dict[str, Any]:
        slug = self.identities.slug_of(did) if isinstance(did, str) else None
        if slug is not None:
            return self.identities.document(slug)
        return super().resolve(did)


__all__ = ["NodeResolver", "OrgIdentities", "org_slug"]
