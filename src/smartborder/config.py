"""Settings from the environment (``SMARTBORDER_*``), in one place.

Every setting is documented here and in README.md (a test checks that they match).
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

#: Which did:web DIDs the VC-API's verifier fetches: every one, only peer nodes', or none.
DidWebMode = Literal["any", "peers", "off"]
#: The agency whose node this is: CBP's (U.S.) or ANAM's (Mexico).
NodeAgency = Literal["cbp", "anam"]


def peer_base_url(url: str) -> str:
    """``url`` as a peer node's base URL (``scheme://host[:port][/path]/``); ValueError if it
    is not one (another scheme, no host, a query or a fragment)."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("https", "http") or not parts.netloc or parts.query or parts.fragment:
        raise ValueError(f"a peer is a base URL like https://anam.example.org, not {url!r}")
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}/"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SMARTBORDER_", extra="ignore")

    home: Path = Field(
        default=Path(".smartborder"),
        description="Data directory: SQLite database, keys, demo clients, caches.",
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of the store; default: SQLite file $SMARTBORDER_HOME/smartborder.db.",
    )
    hs_file: Path | None = Field(
        default=None,
        description="HS 2022 nomenclature CSV (hscode,level columns); enables the full subheading check.",
    )
    contexts_dir: Path | None = Field(
        default=None,
        description="Local directory of JSON-LD context documents; no network fetch is ever made.",
    )
    traceability_vocab_dir: Path | None = Field(
        default=None,
        description="Local copy of the W3C CCG Traceability Vocabulary (its credential schemas); enables its credential types.",
    )
    status_ttl_s: int = Field(
        default=300,
        description="How long a verifier caches a fetched status list credential, seconds (unless the list sets its own ttl).",
    )
    token_ttl_s: int = Field(default=900, description="Lifetime of OAuth2 access tokens, seconds.")
    max_body_bytes: int = Field(
        default=1_048_576, description="Largest request body the API accepts, bytes (413 above)."
    )
    public_rate_limit_per_min: int = Field(
        default=600, description="Requests per minute per client address on public endpoints."
    )
    token_rate_limit_per_min: int = Field(
        default=60,
        description="Requests per minute per client address to POST /oauth/token (half as many per client id); each costs an scrypt hash.",
    )
    dask_scheduler: str | None = Field(
        default=None,
        description="Address of an existing Dask scheduler (tcp://HOST:PORT); default: a local cluster.",
    )
    demo_data_dir: Path | None = Field(
        default=None,
        description="With serve --demo: folder of real BTS (bts/*.zip) and Border Wait Times (bwt/*.tar) data the demo imports for the dashboard; read in place.",
    )
    base_url: str = Field(
        default="http://127.0.0.1:8000",
        description="Public base URL of this node (used in its DID document and links).",
    )

    peers: str = Field(
        default="",
        description="Base URLs of peer SmartBorder nodes (comma-separated, e.g. https://anam.example.org) whose status lists this node's verifiers may fetch over HTTPS, and whose did:web identities pre-clearance may resolve, to verify their credentials; empty: pre-clearance verification never leaves this node.",
    )

    verify_did_web: DidWebMode = Field(
        default="any",
        description="Which did:web DID documents the VC-API (verify credentials and presentations, resolve DIDs) fetches over HTTPS: any, peers (only those of SMARTBORDER_PEERS) or off (none: this node's own DIDs, did:key and did:jwk still verify); a refused DID is a 403 problem naming this setting.",
    )

    agency: NodeAgency | None = Field(
        default=None,
        description="This node's agency: cbp or anam (a sovereign node that decides its own country's leg of each trip and exchanges the rest with SMARTBORDER_EXCHANGE_PEER); unset: one node deciding as both agencies (the embedded demo).",
    )
    exchange_peer: str = Field(
        default="",
        description="Base URL of the other agency's node, with which trips and decisions are exchanged as signed documents (e.g. https://anam.example.org); plain http only to a loopback address allowed for local use.",
    )
    exchange_client_id: str = Field(
        default="",
        description="This node's OAuth2 client id at the exchange peer (a client of role peer created there).",
    )
    exchange_client_secret: str = Field(
        default="",
        description="The secret of SMARTBORDER_EXCHANGE_CLIENT_ID at the exchange peer.",
    )
    agreement_file: Path | None = Field(
        default=None,
        description="The data-sharing agreement in force between the two agencies (JSON); default: the agreement shipped with SmartBorder (us-mx-data-sharing).",
    )

    @field_validator("exchange_peer")
    @classmethod
    def _exchange_peer_is_base_url(cls, value: str) -> str:
        if value.strip():
            peer_base_url(value)
        return value

    @field_validator("peers")
    @classmethod
    def _peers_are_base_urls(cls, value: str) -> str:
        for url in value.split(","):
            if url.strip():
                peer_base_url(url)  # ValueError says which one is wrong
        return value

    @property
    def peer_urls(self) -> list[str]:
        """The peer nodes' base URLs (``peers`` split on commas)."""
        return [u.strip() for u in self.peers.split(",") if u.strip()]

    @cached_property
    def db_url(self) -> str:
        """The effective database URL."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.home / 'smartborder.db').resolve()}"

    def ensure_home(self) -> Path:
        self.home.mkdir(parents=True, exist_ok=True)
        return self.home


__all__ = ["DidWebMode", "NodeAgency", "Settings", "peer_base_url"]
