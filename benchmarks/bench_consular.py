"""Consular renewal and the expiring-credentials listing, against baselines in the same run.

1. A renewal, server side (verify the holder's presentation and the card in it, issue the
   new card, revoke the old one in its status list, record the renewal and its notices, one
   commit) vs issuing one card alone (``CredentialService.issue``, one commit): the ratio is
   what a renewal costs in issuing-equivalents.
2. ``consular.expiring`` for one holder on a store of N issued credentials, with the
   ``vc_issued.subject_id`` index (consular_0001) vs the same query after dropping the index
   (a scan of the table): medians of the per-round latencies.

Rounds alternate measured path and baseline; figures are medians (robust to load on a
shared machine). Run: ``.venv/bin/python benchmarks/bench_consular.py [--rounds N] [--rows N]``.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, text

from smartborder.config import Settings
from smartborder.consular import Application, ConsularOffice, expiring, open_challenge
from smartborder.credentials import CredentialService, PrivateKey, did_key_for, present
from smartborder.credentials.primitives import sdjwt
from smartborder.credentials.recipes import unenvelope
from smartborder.store import make_engine, session_factory, transaction, upgrade
from smartborder.store.tables.credentials import IssuedCredentialRow

ORG = "U.S. Consulate General Tijuana"
PERSON = {
    "givenName": "JUAN",
    "familyName": "FLORES",
    "birthDate": "1960-05-19",
    "nationality": "MEX",
}


def card(holder: str, key: PrivateKey, now: datetime) -> tuple[dict[str, Any], dict[str, Any]]:
    credential = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://smartborder.dev/credentials/v1",
        ],
        "type": ["VerifiableCredential", "BorderCrossingCardCredential"],
        "validFrom": (now - timedelta(days=3600)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "validUntil": (now + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "credentialSubject": {
            "id": holder,
            "type": "BorderCrossingCard",
            "issuingCountry": "USA",
            "visaClass": "B1/B2",
            "documentNumber": "V2JTC68NT",
            **PERSON,
        },
    }
    options = {
        "format": "dc+sd-jwt",
        "disclosable": [*PERSON, "documentNumber"],
        "holderJwk": key.public.jwk,
    }
    return credential, options


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--rows", type=int, default=50_000)
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="bench-consular-"))
    settings = Settings(home=home, database_url=f"sqlite:///{home / 'sb.db'}")
    settings.ensure_home()
    engine = make_engine(settings.db_url)
    upgrade(engine)
    sessions = session_factory(engine)
    service = CredentialService.from_settings(settings, sessions=sessions)
    office = ConsularOffice(service)
    key = PrivateKey.generate()
    holder = did_key_for(key.public)
    method = f"{holder}#{holder.removeprefix('did:key:')}"

    renew_s: list[float] = []
    issue_s: list[float] = []
    for _ in range(args.rounds):
        now = datetime.now(UTC)
        credential, options = card(holder, key, now)
        with transaction(sessions) as session:
            old = unenvelope(
                service.issue(session, org=ORG, credential=credential, options=options, now=now)
            )
            opened = open_challenge(service, session, now=now)
        shown = sdjwt.present(
            old,
            disclose=[*PERSON, "documentNumber"],
            holder_key=key,
            audience=opened["domain"],
            nonce=opened["challenge"],
            now=now,
        )
        vp = present(
            {"verifiableCredential": [shown]},
            key=key,
            verification_method=method,
            now=now,
            challenge=opened["challenge"],
            domain=opened["domain"],
        )
        t0 = time.perf_counter()
        with transaction(sessions) as session:
            office.renew(session, Application(vp), now=now)
        renew_s.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        with transaction(sessions) as session:
            service.issue(session, org=ORG, credential=credential, options=options, now=now)
        issue_s.append(time.perf_counter() - t0)

    # a store of many holders' credentials; ours among them
    now = datetime.now(UTC)
    rows = [
        {
            "org": ORG,
            "credential_id": f"urn:uuid:{uuid.uuid4()}",
            "credential_type": "BorderCrossingCardCredential",
            "format": "dc+sd-jwt",
            "issuer": "did:web:bench",
            "subject_id": f"did:key:holder-{i % (args.rows // 4)}",
            "issued_at": now,
            "valid_until": now + timedelta(days=i % 3650),
            "revoked": False,
            "suspended": False,
            "secured": "x",
        }
        for i in range(args.rows)
    ]
    with engine.begin() as conn:
        conn.execute(insert(IssuedCredentialRow), rows)
    target = "did:key:holder-7"

    def listing() -> float:
        t0 = time.perf_counter()
        with transaction(sessions) as session:
            expiring(session, target, within_days=365, now=now)
        return time.perf_counter() - t0

    indexed = [listing() for _ in range(args.rounds)]
    with engine.begin() as conn:
        conn.execute(text("DROP INDEX ix_vc_issued_subject_id"))
    scanned = [listing() for _ in range(args.rounds)]
    engine.dispose()

    med = statistics.median
    ratios = [r / i for r, i in zip(renew_s, issue_s, strict=True)]
    print(
        f"renewal, server side: median {med(renew_s) * 1000:.1f} ms "
        f"(baseline: issuing one card {med(issue_s) * 1000:.1f} ms; "
        f"median ratio {med(ratios):.2f}x) over {args.rounds} rounds"
    )
    print(
        f"expiring listing on {args.rows:,} issued credentials: median "
        f"{med(indexed) * 1000:.2f} ms with the subject index "
        f"(baseline without it: {med(scanned) * 1000:.2f} ms; "
        f"{med(scanned) / med(indexed):.1f}x)"
    )


if __name__ == "__main__":
    main()
