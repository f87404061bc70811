"""The demo day at a small scale: a sample of the traffic carries real credentials, each
organization has a did:web identity, and verification catches every bad credential."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from sqlalchemy import select

from conftest import shared_path
from smartborder.config import Settings
from smartborder.credentials.issuers import OrgIdentities
from smartborder.demo import run_demo
from smartborder.demo.credentials import FAULTS, ISSUERS
from smartborder.store import make_engine, session_factory
from smartborder.store.tables.declarations import DecisionRow

# The code each kind of bad credential must produce.
EXPECTED = {
    "revoked": "credentials.check.revoked",
    "suspended": "credentials.check.suspended",
    "expired": "credentials.check.expired",
    "untrusted": "credentials.check.untrusted",
    "tampered": "credentials.check.proof",
    "unrelated": "credentials.check.unrelated",
}


def test_demo_traffic_carries_credentials_and_verification_catches_the_bad(
    tmp_path: Path,
) -> None:
    settings = Settings(
        home=tmp_path / "home",
        traceability_vocab_dir=shared_path("conformance", "traceability-vocab"),
        contexts_dir=shared_path("conformance", "contexts"),
    )
    report = run_demo(settings, scale=0.02, progress=False)
    assert report.rejected == 0
    assert report.credentialed > 30 and report.credentials_issued >= report.credentialed
    assert set(report.bad_credentials) == set(FAULTS)

    identities = OrgIdentities(settings.home, settings.base_url)
    for org in ISSUERS:
        doc = identities.document(identities.did(org).rsplit(":", 1)[-1])
        assert doc["id"].startswith("did:web:127.0.0.1%3A8000:orgs:")

    engine = make_engine(settings.db_url)
    with session_factory(engine)() as session:
        bodies = [json.loads(b) for b in session.scalars(select(DecisionRow.body))]
    engine.dispose()
    codes: Counter[str] = Counter()
    caught_outcomes: Counter[str] = Counter()
    types_verified: Counter[str] = Counter()
    for body in bodies:
        mine = {r["code"] for r in body["reasons"] if r["code"].startswith("credentials.")}
        codes.update(mine)
        if any(c.startswith("credentials.check.") for c in mine):
            caught_outcomes[body["outcome"]] += 1
        for r in body["reasons"]:
            if r["code"] == "credentials.verified":
                for name in (
                    "USMCACertificationOfOrigin",
                    "CTPATCertificate",
                    "CartaPorteCredential",
                    "TrustedTravelerCredential",
                    "VaccinationCredential",
                ):
                    if name in r["message_en"]:
                        types_verified[name] += 1
    # Every bad credential the demo made was caught, by the check that names its fault.
    for fault, n in report.bad_credentials.items():
        assert codes[EXPECTED[fault]] >= n, (fault, codes)
    assert "release" not in caught_outcomes and sum(caught_outcomes.values()) >= len(FAULTS)
    assert set(types_verified) == {
        "USMCACertificationOfOrigin",
        "CTPATCertificate",
        "CartaPorteCredential",
        "TrustedTravelerCredential",
        "VaccinationCredential",
    }
    assert codes["credentials.none_attached"] == report.declarations - report.credentialed
