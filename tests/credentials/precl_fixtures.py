"""Helpers for the credentials-in-pre-clearance tests (imported by module name; not a conftest)."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy.orm import Session, sessionmaker

from smartborder.config import Settings
from smartborder.credentials import CredentialService, attach
from smartborder.credentials.primitives import jose, sdjwt
from smartborder.credentials.primitives.keys import KeyType, PrivateKey
from smartborder.credentials.recipes import unenvelope
from smartborder.credentials.trust import TrustEntry, ensure_entry
from smartborder.demo.synthetic import generate_trucks
from smartborder.node import build_pipeline
from smartborder.ports import Direction
from smartborder.preclearance import Pipeline
from smartborder.store import make_engine, session_factory, transaction, upgrade

ACCREDITED = (
    ("exporter", "USMCACertificationOfOrigin", "US"),
    ("cbp", "CTPATCertificate", "US"),
    ("carrier", "CartaPorteCredential", "US"),
    ("carrier", "CartaPorteCredential", "MX"),
    ("cbp", "TrustedTravelerCredential", "US"),
    ("salud", "VaccinationCredential", "US"),
)


@dataclass
class World:
    settings: Settings
    sessions: sessionmaker[Session]
    svc: CredentialService
    pipeline: Pipeline

    def issue(
        self,
        org: str,
        type_name: str,
        subject: dict[str, Any],
        *,
        now: datetime,
        fmt: str = "vc+jwt",
        **extra: Any,
    ) -> Any:
        options: dict[str, Any] = {"format": fmt} if "jwt" in fmt else {"cryptosuite": fmt}
        if fmt == "dc+sd-jwt":
            options["disclosable"] = attach.disclosable(subject)
        with transaction(self.sessions) as session:
            secured = self.svc.issue(
                session,
                org=org,
                credential=attach.credential(type_name, subject, **extra),
                options=options,
                now=now,
            )
        return unenvelope(secured)

    def set_status(self, secured: Any, purpose: str, *, org: str, now: datetime) -> None:
        if isinstance(secured, str):
            claims = jose.unverified_claims(secured.split("~")[0])
            cid = claims.get("id") or claims.get("jti")
        else:
            cid = secured["id"]
        with transaction(self.sessions) as session:
            self.svc.update_status(
                session,
                org=org,
                credential_id=str(cid),
                updates=[{"statusPurpose": purpose, "status": "1"}],
                now=now,
            )


def make_world(
    home: Path,
    vocab: Path,
    contexts: Path,
    *,
    now: datetime,
    base_url: str = "http://127.0.0.1:8000",
) -> World:
    settings = Settings(
        home=home,
        database_url=f"sqlite:///{home / 'sb.db'}",
        traceability_vocab_dir=vocab,
        contexts_dir=contexts,
        base_url=base_url,
    )
    settings.ensure_home()
    engine = make_engine(settings.db_url)
    upgrade(engine)
    sessions = session_factory(engine)
    svc = CredentialService.from_settings(settings)
    with transaction(sessions) as session:
        for org, type_name, country in ACCREDITED:
            ensure_entry(
                session,
                TrustEntry(
                    issuer=svc.identities.did(org), credential_type=type_name, country=country
                ),  # type: ignore[arg-type]
                added_by="tests",
                now=now,
            )
    return World(settings, sessions, svc, build_pipeline(settings))


def usmca_truck(now: datetime) -> dict[str, Any]:
    """A northbound truck tomorrow whose carrier is C-TPAT, with a USMCA shipment and Carta Porte."""
    day = (now + timedelta(days=1)).date()
    trucks = generate_trucks(
        "2506", day, 60, rng=np.random.default_rng(7), direction=Direction.NORTHBOUND
    )
    return next(
        t
        for t in trucks
        if t["carrier"].get("ctpat")
        and t.get("mexico")
        and t["driver"].get("fast_card")
        and any(s.get("usmca") for s in t["shipments"])
    )


def usmca_shipment(truck: dict[str, Any]) -> dict[str, Any]:
    return next(s for s in truck["shipments"] if s.get("usmca"))


def forge(token: str) -> str:
    """The same header and claims, signed by a stranger's key (the signature cannot verify)."""
    header = jose.read_header(token)
    claims = jose.unverified_claims(token)
    return jose.sign_jwt(claims, key=PrivateKey.generate(KeyType.P384), kid=header["kid"])


def tamper(token: str, change: dict[str, Any]) -> str:
    """Change claims of a JWT and keep the original signature."""
    head, body, sig = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    claims["credentialSubject"].update(change)
    raw = json.dumps(claims, separators=(",", ":")).encode()
    return ".".join([head, base64.urlsafe_b64encode(raw).rstrip(b"=").decode(), sig])


def present(sd_jwt: str, disclose: list[str], now: datetime) -> str:
    return sdjwt.present(sd_jwt, disclose=disclose, now=now)
