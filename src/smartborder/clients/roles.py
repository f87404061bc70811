"""Roles of the organizations that use SmartBorder, and the OAuth2 scopes each may hold.

Scopes for credentials follow the W3C CCG Traceability Interoperability spec; the others are
SmartBorder's own (``<resource>:<verb>``).
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    CARRIER = "carrier"
    BROKER = "broker"
    CBP = "cbp"  # U.S. Customs and Border Protection: northbound records
    ANAM = "anam"  # Agencia Nacional de Aduanas de México: southbound records
    PUBLIC = "public"
    ADMIN = "admin"
    PEER = "peer"  # the other agency's node: sends signed exchange documents

    @property
    def is_agency(self) -> bool:
        return self in (Role.CBP, Role.ANAM)

    @property
    def is_industry(self) -> bool:
        return self in (Role.CARRIER, Role.BROKER)


# Traceability Interop scopes
VC_SCOPES = (
    "issue:credentials",
    "verify:credentials",
    "read:credentials",
    "update:credentials",
    "prove:presentations",
    "verify:presentations",
    "submit:presentations",
    "resolve:dids",
)

DECLARATIONS_WRITE = "declarations:write"
DECLARATIONS_READ = "declarations:read"
DECISIONS_READ = "decisions:read"
EVENTS_WRITE = "events:write"
KPI_READ = "kpi:read"
POLICY_READ = "policy:read"
POLICY_WRITE = "policy:write"
POLICY_IMPACT = "policy:impact"
TWIN_RUN = "twin:run"
CLIENTS_ADMIN = "clients:admin"
TRUST_READ = "trust:read"  # read the trust registry of credential issuers
TRUST_ADMIN = "trust:admin"  # accredit and withdraw credential issuers
EXCHANGE_WRITE = "exchange:write"  # deliver signed documents to this node (peer nodes)
EXCHANGE_READ = "exchange:read"  # read the exchange's audit log and outbox
INSPECTIONS_WRITE = "inspections:write"  # request, schedule, start, record findings, conclude
INSPECTIONS_READ = "inspections:read"
RISK_PROMOTE = "risk:promote"  # promote a learned risk model from shadow to a risk version

ALL_SCOPES: frozenset[str] = frozenset(
    (
        *VC_SCOPES,
        DECLARATIONS_WRITE,
        DECLARATIONS_READ,
        DECISIONS_READ,
        EVENTS_WRITE,
        KPI_READ,
        POLICY_READ,
        POLICY_WRITE,
        POLICY_IMPACT,
        TWIN_RUN,
        CLIENTS_ADMIN,
        TRUST_READ,
        TRUST_ADMIN,
        EXCHANGE_WRITE,
        EXCHANGE_READ,
        INSPECTIONS_WRITE,
        INSPECTIONS_READ,
        RISK_PROMOTE,
    )
)

_INDUSTRY = frozenset(
    {
        DECLARATIONS_WRITE,
        DECLARATIONS_READ,
        DECISIONS_READ,
        KPI_READ,
        POLICY_READ,
        INSPECTIONS_READ,
        "issue:credentials",
        "verify:credentials",
        "read:credentials",
        "update:credentials",
        "prove:presentations",
        "verify:presentations",
        "submit:presentations",
        "resolve:dids",
    }
)
_AGENCY = frozenset(
    {
        DECLARATIONS_READ,
        DECISIONS_READ,
        EVENTS_WRITE,
        KPI_READ,
        POLICY_READ,
        POLICY_WRITE,
        POLICY_IMPACT,
        TWIN_RUN,
        *VC_SCOPES,
        TRUST_READ,
        EXCHANGE_READ,
        INSPECTIONS_WRITE,
        INSPECTIONS_READ,
        RISK_PROMOTE,
    }
)

ROLE_SCOPES: dict[Role, frozenset[str]] = {
    Role.CARRIER: _INDUSTRY,
    Role.BROKER: _INDUSTRY,
    Role.CBP: _AGENCY,
    Role.ANAM: _AGENCY,
    Role.PUBLIC: frozenset({KPI_READ, POLICY_READ, "resolve:dids", "verify:credentials"}),
    Role.ADMIN: ALL_SCOPES,
    Role.PEER: frozenset({EXCHANGE_WRITE, "resolve:dids"}),
}
