"""Settings from the environment (``SMARTBORDER_*``), in one place.

Every setting is documented here and in README.md (a test checks that they match).
"""

from __future__ import annotations

import ipaddress
from functools import cached_property
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

#: Which did:web DIDs the VC-API's verifier fetches: every one, only peer nodes', or none.
DidWebMode = Literal["any", "peers", "off"]
#: The agency whose node this is: CBP's (U.S.) or ANAM's (Mexico).
NodeAgency = Literal["cbp", "anam"]
ForecastRetrain = Literal["off", "daily", "weekly"]


def is_loopback_host(host: str | None) -> bool:
    """``localhost`` or an address of the loopback range (127.0.0.0/8, ::1)."""
    if not host:
        return False
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def peer_base_url(url: str, *, loopback_http: bool = False) -> str:
    """``url`` as a peer node's base URL (``scheme://host[:port][/path]/``); ValueError if it
    is not one (another scheme, no host, a query or a fragment). Peers are reached over
    HTTPS; ``http`` only with ``loopback_http`` and for a loopback host (two nodes on one
    machine, ``SMARTBORDER_PEERS_LOOPBACK_HTTP``)."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("https", "http") or not parts.netloc or parts.query or parts.fragment:
        raise ValueError(f"a peer is a base URL like https://anam.example.org, not {url!r}")
    if parts.scheme == "http":
        if not is_loopback_host(parts.hostname):
            raise ValueError(
                f"the peer {url!r} is plain HTTP on a host that is not loopback: peers are "
                "reached over HTTPS (plain HTTP only for 127.0.0.0/8, ::1 or localhost, with "
                "SMARTBORDER_PEERS_LOOPBACK_HTTP=true)"
            )
        if not loopback_http:
            raise ValueError(
                f"the peer {url!r} is plain HTTP: peers are reached over HTTPS; set "
                "SMARTBORDER_PEERS_LOOPBACK_HTTP=true to allow plain HTTP to a loopback peer "
                "(nodes on one machine)"
            )
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
    bts_base_url: str = Field(
        default="https://data.bts.gov",
        description="Where `data fetch bts` reads BTS Border Crossing Entry Data: a Socrata site serving /resource/keg4-3bc2.csv (a mirror or a local server may stand in).",
    )
    bwt_base_url: str = Field(
        default="https://bwt.cbp.gov",
        description="Where `data fetch bwt` polls CBP's Border Wait Times feed: a site serving /xml/bwt.xml.",
    )
    fetch_dir: Path | None = Field(
        default=None,
        description="Where `data fetch` keeps what it downloads (BTS CSV with its .sha256, monthly BWT snapshot tars); default: $SMARTBORDER_HOME/data.",
    )
    fetch_timeout_s: float = Field(
        default=60.0,
        gt=0.0,
        description="Seconds `data fetch` waits to connect to a public source or for its next bytes before it gives up.",
    )
    base_url: str = Field(
        default="http://127.0.0.1:8000",
        description="Public base URL of this node (used in its DID document and links).",
    )

    peers: str = Field(
        default="",
        description="Base URLs of peer SmartBorder nodes (comma-separated, e.g. https://anam.example.org; HTTPS, or plain HTTP to a loopback peer with SMARTBORDER_PEERS_LOOPBACK_HTTP) whose status lists this node's verifiers may fetch over HTTPS, and whose did:web identities pre-clearance may resolve, to verify their credentials; empty: pre-clearance verification never leaves this node.",
    )

    verify_did_web: DidWebMode = Field(
        default="any",
        description="Which did:web DID documents the VC-API (verify credentials and presentations, resolve DIDs) fetches over HTTPS: any, peers (only those of SMARTBORDER_PEERS) or off (none: this node's own DIDs, did:key and did:jwk still verify); a refused DID is a 403 problem naming this setting.",
    )
    peers_loopback_http: bool = Field(
        default=False,
        description="Allow plain-HTTP peers in SMARTBORDER_PEERS, for loopback hosts only (127.0.0.0/8, ::1, localhost: two nodes on one machine); their did:web identities are then resolved over HTTP too. Off: every peer is HTTPS.",
    )
    peers_ca_file: Path | None = Field(
        default=None,
        description="PEM bundle of extra certificate authorities the node trusts when it reaches peers over HTTPS (a private CA, or a test CA); the system's authorities are trusted as well.",
    )

    open_issuer_orgs: str = Field(
        default="",
        description="Organizations (comma-separated names) that may issue, through the VC-API, any credential type satisfying the VC 2.0 data model (the conformance issuer profile, e.g. for the W3C VC 2.0 test suite); schema checks still apply where a schema is known. Others issue the types the node has schemas for. Which types count for pre-clearance stays with the trust registry.",
    )

    agency: NodeAgency | None = Field(
        default=None,
        description="This node's agency: cbp or anam (a sovereign node that decides its own country's leg of each trip and exchanges the rest with SMARTBORDER_EXCHANGE_PEER); unset: one node deciding as both agencies (the embedded demo).",
    )
    exchange_peer: str = Field(
        default="",
        description="Base URL of the other agency's node, with which trips and decisions are exchanged as signed documents (e.g. https://anam.example.org); plain HTTP only to a loopback peer with SMARTBORDER_PEERS_LOOPBACK_HTTP.",
    )
    exchange_client_id: str = Field(
        default="",
        description="This node's OAuth2 client id at the exchange peer (a client of role peer created there).",
    )
    exchange_client_secret: str = Field(
        default="",
        description="The secret of SMARTBORDER_EXCHANGE_CLIENT_ID at the exchange peer.",
    )
    random_examination_rate: float = Field(
        default=0.015,
        description="Share of declarations that would otherwise be released or sent to documentary review which this node's agency examines at random (its control sample, drawn with the OS CSPRNG and stated in the decision as random_selection), between 0 and 0.2; 0 turns the sample off.",
    )
    agreement_file: Path | None = Field(
        default=None,
        description="The data-sharing agreement in force between the two agencies (JSON); default: the agreement shipped with SmartBorder (us-mx-data-sharing).",
    )
    notice_webhook_url: str = Field(
        default="",
        description="Where consular notices (a renewal issued) are POSTed as JSON; empty: no webhook notices.",
    )
    notice_webhook_secret: str = Field(
        default="",
        description="HMAC-SHA256 key signing each webhook notice's body (header SmartBorder-Signature); empty: unsigned.",
    )
    notice_smtp_host: str = Field(
        default="",
        description="SMTP server for consular e-mail notices to the address a holder gives; empty: no e-mail notices.",
    )
    notice_smtp_port: int = Field(default=25, description="Port of SMARTBORDER_NOTICE_SMTP_HOST.")
    notice_smtp_sender: str = Field(
        default="SmartBorder <notices@smartborder.invalid>",
        description="From address of consular e-mail notices.",
    )
    notice_smtp_starttls: bool = Field(
        default=False, description="Upgrade the SMTP connection with STARTTLS before sending."
    )
    notice_smtp_username: str = Field(
        default="",
        description="SMTP login user (with SMARTBORDER_NOTICE_SMTP_PASSWORD); empty: no login.",
    )
    notice_smtp_password: str = Field(default="", description="SMTP login password.")

    risk_exploration_rate: float = Field(
        default=0.0,
        ge=0.0,
        le=1.0,
        description="Share of the declarations scoring just under the inspection threshold that are inspected as exploration (stated as risk.exploration in the decision); 0: off.",
    )
    risk_exploration_band: float = Field(
        default=10.0,
        gt=0.0,
        description="How many risk points under the inspection threshold count as uncertain for exploration.",
    )

    forecast_retrain: ForecastRetrain = Field(
        default="off",
        description="Retrain the wait forecaster from this node's store on a schedule (off, daily or weekly): a background job of the serving node replaces $SMARTBORDER_HOME/models/wait-forecast.pkl when it is older than that, from the last SMARTBORDER_FORECAST_RETRAIN_DAYS days of published waits; the API reloads it. Off: only smartborder kpi forecast-train or forecast-retrain (cron) retrain.",
    )
    forecast_retrain_days: int = Field(
        default=180,
        ge=9,
        description="Days of published waits (before the newest) a scheduled retrain reads.",
    )

    @field_validator("random_examination_rate")
    @classmethod
    def _random_rate_in_range(cls, value: float) -> float:
        if not 0.0 <= value <= 0.2:  # NaN fails too
            raise ValueError(
                f"SMARTBORDER_RANDOM_EXAMINATION_RATE must be a share between 0 and 0.2 "
                f"(0.015 is 1.5 %), not {value}"
            )
        return value

    @field_validator("exchange_peer")
    @classmethod
    def _exchange_peer_is_base_url(cls, value: str, info: ValidationInfo) -> str:
        if value.strip():
            peer_base_url(value, loopback_http=bool(info.data.get("peers_loopback_http")))
        return value

    @field_validator("peers")
    @classmethod
    def _peers_are_base_urls(cls, value: str) -> str:
        for url in value.split(","):
            if url.strip():
                peer_base_url(url, loopback_http=True)  # ValueError says which one is wrong
        return value

    @field_validator("peers_loopback_http")
    @classmethod
    def _plain_http_peers_are_allowed(cls, value: bool, info: ValidationInfo) -> bool:
        # A loopback peer on plain HTTP (the only plain HTTP peers allows) needs this setting.
        for url in str(info.data.get("peers", "")).split(","):
            if url.strip():
                peer_base_url(url, loopback_http=value)
        return value

    @field_validator("peers_ca_file")
    @classmethod
    def _ca_file_exists(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_file():
            raise ValueError(f"{value} is not a file (a PEM bundle of certificate authorities)")
        return value

    @property
    def open_issuer_org_names(self) -> list[str]:
        """The organizations of ``open_issuer_orgs`` (split on commas)."""
        return [o.strip() for o in self.open_issuer_orgs.split(",") if o.strip()]

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

    @property
    def fetch_root(self) -> Path:
        """Where fetched public data is kept: ``fetch_dir`` or ``$SMARTBORDER_HOME/data``."""
        return self.fetch_dir if self.fetch_dir is not None else self.home / "data"

    def ensure_home(self) -> Path:
        self.home.mkdir(parents=True, exist_ok=True)
        return self.home


__all__ = ["DidWebMode", "NodeAgency", "Settings", "is_loopback_host", "peer_base_url"]
