"""The consular domain as a library: a passport renewed by the SRE without HTTP (the new
number, the same term, the pipeline's binding to the declared passport), what the expiring
list shows and leaves out, and reminders queued before credentials expire."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from consular_fixtures import DISCLOSE, PERSON, SRE, Holder, accredit, credential_id, stamp

from smartborder.config import Settings
from smartborder.consular import (
    RULES,
    Application,
    ApplicationInvalid,
    expiring,
    open_challenge,
    queue_reminders,
    reminder_id,
)
from smartborder.credentials import present
from smartborder.credentials.primitives import sdjwt
from smartborder.credentials.recipes import unenvelope
from smartborder.node import Node
from smartborder.store import consular as consular_repo
from smartborder.store import transaction

TERM = timedelta(days=6 * 365 + 1)  # a six-year Mexican passport


@pytest.fixture
def node(tmp_path: Path, database_url: str) -> Iterator[Node]:
    with Node.open(Settings(home=tmp_path / "home", database_url=database_url)) as opened:
        accredit(opened)
        yield opened


def _passport(node: Node, holder: Holder, *, ends_in: timedelta, number: str = "G12345678") -> str:
    now = datetime.now(UTC)
    subject = {
        "id": holder.did,
        "type": "Passport",
        "issuingCountry": "MEX",
        "documentNumber": number,
        "sex": "M",
        **PERSON,
    }
    with transaction(node.sessions) as session:
        secured = node.credential_service.issue(
            session,
            org=SRE,
            credential={
                "@context": [
                    "https://www.w3.org/ns/credentials/v2",
                    "https://smartborder.dev/credentials/v1",
                ],
                "type": ["VerifiableCredential", "PassportCredential"],
                "validFrom": stamp(now + ends_in - TERM),
                "validUntil": stamp(now + ends_in),
                "credentialSubject": subject,
            },
            options={
                "format": "dc+sd-jwt",
                "disclosable": [c for c in RULES["PassportCredential"].disclosable if c in subject],
                "holderJwk": holder.key.public.jwk,
            },
            now=now - timedelta(days=1),
        )
    value = unenvelope(secured)
    assert isinstance(value, str)
    return value


def _application(node: Node, holder: Holder, credential: str) -> Application:
    now = datetime.now(UTC)
    with transaction(node.sessions) as session:
        opened = open_challenge(node.credential_service, session, now=now)
    shown = sdjwt.present(
        credential,
        disclose=[*DISCLOSE, "sex"],
        holder_key=holder.key,
        audience=opened["domain"],
        nonce=opened["challenge"],
        now=now,
    )
    vp = present(
        {"verifiableCredential": [shown]},
        key=holder.key,
        verification_method=holder.method,
        now=now,
        challenge=opened["challenge"],
        domain=opened["domain"],
    )
    return Application(vp)


def _traveler(number: str, presented: Any) -> dict[str, Any]:
    arrival = datetime.now(UTC) + timedelta(days=1)
    return {
        "kind": "traveler",
        "port_code": "2504",
        "direction": "northbound",
        "expected_arrival": arrival.isoformat(),
        "family_name": PERSON["familyName"],
        "given_names": PERSON["givenName"],
        "date_of_birth": PERSON["birthDate"],
        "nationality": "MEX",
        "document": {
            "type": "passport",
            "number": number,
            "issuing_country": "MEX",
            "expires_on": (arrival + timedelta(days=2000)).date().isoformat(),
        },
        "purpose": "tourism",
        "presentations": [presented],
    }


def test_the_sre_renews_a_passport_with_a_new_number_for_the_same_term(node: Node) -> None:
    holder = Holder()
    old = _passport(node, holder, ends_in=timedelta(days=45))
    now = datetime.now(UTC)
    with transaction(node.sessions) as session:
        renewal = node.consular.renew(session, _application(node, holder, old), now=now)
    assert renewal.issued_by == SRE and renewal.credential_type == "PassportCredential"
    assert renewal.notices == ()  # no channel configured on this node
    new = unenvelope(renewal.credential)
    with transaction(node.sessions) as session:
        checked = node.credential_service.verify(
            session, new, options={"requireKeyBinding": False}, now=now
        )
    assert checked.verified, checked.errors
    subject = checked.credential["credentialSubject"]
    number = subject["documentNumber"]
    assert number != "G12345678" and len(number) == 9 and number[0].isalpha()
    assert number[1:].isdigit() and subject["sex"] == "M"
    until = datetime.fromisoformat(renewal.valid_until.replace("Z", "+00:00"))
    assert abs((until - now) - TERM) < timedelta(seconds=2)

    # at the border: the new passport binds to a declaration of the new number only
    shown = sdjwt.present(new, disclose=["givenName", "familyName", "documentNumber"], now=now)
    good = node.pipeline.decide(_traveler(number, shown), now=now)
    assert "credentials.verified" in good.codes
    stale = node.pipeline.decide(_traveler("G12345678", shown), now=now)
    [reason] = [r for r in stale.reasons if r.code == "credentials.check.unrelated"]
    assert f"document number {number} is not the declared G12345678" in reason.message_en
    assert "no es el declarado" in reason.message_es


def test_the_expiring_list_flags_expired_and_suspended_and_leaves_out_the_rest(
    node: Node,
) -> None:
    holder, other = Holder(), Holder()
    soon = _passport(node, holder, ends_in=timedelta(days=10))
    gone = _passport(node, holder, ends_in=timedelta(days=-3), number="G00000001")
    paused = _passport(node, holder, ends_in=timedelta(days=20), number="G00000002")
    revoked = _passport(node, holder, ends_in=timedelta(days=5), number="G00000003")
    _passport(node, holder, ends_in=timedelta(days=400), number="G00000004")  # not soon
    _passport(node, other, ends_in=timedelta(days=10), number="G00000005")  # someone else's
    now = datetime.now(UTC)
    with transaction(node.sessions) as session:
        for cred, purpose in ((paused, "suspension"), (revoked, "revocation")):
            node.credential_service.update_status(
                session,
                org=SRE,
                credential_id=credential_id(cred),
                updates=[{"statusPurpose": purpose, "status": "1"}],
                now=now,
            )
        found = [c.to_dict() for c in expiring(session, holder.did, within_days=30, now=now)]
    assert [c["credential_id"] for c in found] == [
        credential_id(gone),
        credential_id(soon),
        credential_id(paused),
    ]
    flags = {
        c["credential_id"]: (c["expired"], c["suspended"], c["renewable_online"]) for c in found
    }
    assert flags[credential_id(gone)] == (True, False, False)  # renewed in person
    assert flags[credential_id(soon)] == (False, False, True)
    assert flags[credential_id(paused)] == (False, True, False)
    with transaction(node.sessions) as session, pytest.raises(ApplicationInvalid) as bad:
        expiring(session, holder.did, within_days=5000, now=now)
    assert bad.value.code == "consular.within_days_invalid"
    assert "3653" in bad.value.message.en and "días" in bad.value.message.es


def test_reminders_are_queued_once_per_credential_ending_soon(node: Node) -> None:
    holder, other = Holder(), Holder()
    soon = _passport(node, holder, ends_in=timedelta(days=20))
    theirs = _passport(node, other, ends_in=timedelta(days=50), number="G00000009")
    _passport(node, holder, ends_in=timedelta(days=-2), number="G00000008")  # expired: no
    _passport(node, holder, ends_in=timedelta(days=400), number="G00000007")  # later: no
    now = datetime.now(UTC)
    with transaction(node.sessions) as session:
        queued = queue_reminders(session, within_days=60, webhook_url="http://hook", now=now)
    assert sorted(queued) == sorted([credential_id(soon), credential_id(theirs)])
    with transaction(node.sessions) as session:
        again = queue_reminders(session, within_days=60, webhook_url="http://hook", now=now)
        rows = {r.notice_id: r for r in consular_repo.notices(session)}
    assert again == []  # one reminder per credential
    row = rows[reminder_id(credential_id(soon))]
    payload = json.loads(row.payload)
    assert (row.kind, row.channel, row.recipient) == (
        "credential.expiring",
        "webhook",
        "http://hook",
    )
    assert payload["holder"] == holder.did and payload["days_left"] in (19, 20)
    assert (
        "vence el" in payload["message_es"] and "POST /consular/renewals" in payload["message_en"]
    )
