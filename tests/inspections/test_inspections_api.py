"""Joint and single-agency inspections through HTTP: the whole flow, each agency's signed
report, the trip's lifecycle, and every way a caller can get a step wrong."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI
from inspection_fixtures import ClientFor, dock, file_trip, ok, settings, started

from smartborder.credentials import verify
from smartborder.store import transaction

__all__ = ["settings"]  # the fixture: a node with the W3C contexts


def _verify(app: FastAPI, vc: dict[str, Any]) -> Any:
    svc = app.state.ctx.credential_service
    with transaction(app.state.ctx.sessions) as session:
        return verify(
            vc,
            now=datetime.now(UTC),
            resolver=svc.resolver,
            types=svc.types,
            status=svc.status_checker(session),
            contexts=svc.contexts,
        )


def test_joint_inspection_requested_by_cbp_is_concluded_by_both_and_signed_by_each(
    app: FastAPI, client_for: ClientFor
) -> None:
    trip = file_trip(client_for("carrier", org="Acme Freight"))
    cbp = client_for("cbp", org="U.S. Customs and Border Protection")
    anam = client_for("anam", org="Agencia Nacional de Aduanas de Mexico")
    iid = started(cbp, trip, joint=True)
    ok(cbp.post(f"/inspections/{iid}/findings", json={"findings": [{"code": "no_discrepancy"}]}))
    ok(
        anam.post(
            f"/inspections/{iid}/findings",
            json={
                "findings": [
                    {
                        "code": "undeclared_goods",
                        "value_usd": 1250.5,
                        "hs_code": "847130",
                        "note": "2 pallets",
                    }
                ]
            },
        )
    )
    half = ok(cbp.post(f"/inspections/{iid}/conclude", json={"outcome": "released"}))
    assert half["state"] == "in_progress"  # a joint inspection waits for both agencies
    assert half["parts"]["cbp"]["outcome"] == "released"
    done = ok(anam.post(f"/inspections/{iid}/conclude", json={"outcome": "held"}))
    assert done["state"] == "concluded"
    assert done["parts"]["anam"]["findings"][0]["value_usd"] == 1250.5
    assert (
        done["parts"]["anam"]["findings"][0]["found_by_org"]
        == "Agencia Nacional de Aduanas de Mexico"
    )

    for agency, outcome, org_slug in (
        ("cbp", "released", "u-s-customs-and-border-protection"),
        ("anam", "held", "agencia-nacional-de-aduanas-de-mexico"),
    ):
        vc = ok(cbp.get(f"/inspections/{iid}/reports/{agency}"))
        assert vc["type"] == ["VerifiableCredential", "InspectionReport"]
        assert vc["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
        assert vc["issuer"].endswith(f":orgs:{org_slug}")
        assert vc["credentialSubject"]["outcome"] == outcome
        assert vc["credentialSubject"]["id"] == f"urn:uuid:{iid}"
        assert "note" not in str(vc["credentialSubject"])  # officers' notes stay on the node
        result = _verify(app, vc)
        assert result.verified, result
        forged = copy.deepcopy(vc)
        forged["credentialSubject"]["outcome"] = "released" if outcome == "held" else "seized"
        assert not _verify(app, forged).verified


def test_the_inspection_says_which_reports_were_issued(client_for: ClientFor) -> None:
    trip = file_trip(client_for("carrier"))
    cbp = client_for("cbp")
    iid = started(cbp, trip, joint=False)
    ok(cbp.post(f"/inspections/{iid}/findings", json={"findings": [{"code": "no_discrepancy"}]}))
    done = ok(cbp.post(f"/inspections/{iid}/conclude", json={"outcome": "released"}))
    assert done["state"] == "concluded" and list(done["parts"]) == ["cbp"]
    assert done["parts"]["cbp"]["report_issued"] is True
    assert ok(cbp.get(f"/inspections/{iid}/reports/cbp"))["credentialSubject"]["agency"] == "cbp"
    assert cbp.get(f"/inspections/{iid}/reports/anam").status_code == 404


def test_step_out_of_order_is_409_naming_state_and_allowed_steps(client_for: ClientFor) -> None:
    trip = file_trip(client_for("carrier"))
    cbp = client_for("cbp")
    ins = ok(cbp.post(f"/declarations/{trip}/inspections", json={"joint": True}), 201)
    r = cbp.post(f"/inspections/{ins['id']}/start")
    assert r.status_code == 409, r.text
    body = r.json()
    assert body["code"] == "inspection.step_out_of_order"
    assert body["state"] == "requested" and body["allowed"] == ["schedule"]
    assert "allowed next steps: schedule" in body["detail"]
    es = cbp.post(f"/inspections/{ins['id']}/start", headers={"Accept-Language": "es"}).json()
    assert "pasos siguientes permitidos: schedule" in es["detail"]


def test_conclude_without_findings_is_409_and_a_second_conclusion_too(
    client_for: ClientFor,
) -> None:
    trip = file_trip(client_for("carrier"))
    cbp = client_for("cbp")
    iid = started(cbp, trip, joint=False)
    r = cbp.post(f"/inspections/{iid}/conclude", json={"outcome": "released"})
    assert r.status_code == 409 and r.json()["allowed"] == ["findings", "conclude"]
    ok(cbp.post(f"/inspections/{iid}/findings", json={"findings": [{"code": "no_discrepancy"}]}))
    ok(cbp.post(f"/inspections/{iid}/conclude", json={"outcome": "released"}))
    again = cbp.post(f"/inspections/{iid}/conclude", json={"outcome": "held"})
    assert again.status_code == 409 and again.json()["allowed"] == []
    late = cbp.post(
        f"/inspections/{iid}/findings", json={"findings": [{"code": "undeclared_goods"}]}
    )
    assert late.status_code == 409


def test_joint_part_may_conclude_on_the_other_agencys_findings(client_for: ClientFor) -> None:
    trip = file_trip(client_for("carrier"))
    cbp, anam = client_for("cbp"), client_for("anam")
    iid = started(anam, trip, joint=True)
    ok(anam.post(f"/inspections/{iid}/findings", json={"findings": [{"code": "no_discrepancy"}]}))
    ok(cbp.post(f"/inspections/{iid}/conclude", json={"outcome": "released"}))
    assert (
        ok(anam.post(f"/inspections/{iid}/conclude", json={"outcome": "released"}))["state"]
        == "concluded"
    )


def test_unknown_finding_code_is_422_listing_the_codes(client_for: ClientFor) -> None:
    trip = file_trip(client_for("carrier"))
    cbp = client_for("cbp")
    iid = started(cbp, trip, joint=False)
    r = cbp.post(f"/inspections/{iid}/findings", json={"findings": [{"code": "smuggled_kittens"}]})
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["code"] == "inspection.finding.unknown_code"
    assert "undeclared_goods" in body["allowed"] and len(body["allowed"]) == 9
    assert "smuggled_kittens" in body["detail"]
    # nothing half-written: the inspection has no findings
    assert ok(cbp.get(f"/inspections/{iid}"))["parts"]["cbp"]["findings"] == []


def test_unknown_outcome_and_facility_are_422(client_for: ClientFor) -> None:
    trip = file_trip(client_for("carrier"))
    cbp = client_for("cbp")
    r = cbp.post(
        f"/declarations/{trip}/inspections",
        json={"joint": True, "facility": "ucp:nogales-mariposa"},
    )
    assert r.status_code == 422 and r.json()["code"] == "inspection.facility.unknown"
    assert dock() in r.json()["allowed"]  # the trip is at Laredo: its docks are listed
    iid = started(cbp, trip, joint=False)
    ok(cbp.post(f"/inspections/{iid}/findings", json={"findings": [{"code": "no_discrepancy"}]}))
    bad = cbp.post(f"/inspections/{iid}/conclude", json={"outcome": "waved"})
    assert bad.status_code == 422 and bad.json()["allowed"] == [
        "released",
        "held",
        "seized",
        "returned",
    ]


def test_agency_acting_as_the_other_is_403(client_for: ClientFor) -> None:
    trip = file_trip(client_for("carrier"))
    cbp = client_for("cbp")
    iid = started(cbp, trip, joint=True)
    r = cbp.post(
        f"/inspections/{iid}/findings",
        json={"findings": [{"code": "no_discrepancy"}], "agency": "anam"},
    )
    assert r.status_code == 403 and r.json()["code"] == "inspection.not_your_part"
    r = cbp.post(
        f"/inspections/{iid}/findings",
        json={"findings": [{"code": "no_discrepancy", "agency": "anam"}]},
    )
    assert r.status_code == 403
    r = cbp.post(f"/inspections/{iid}/conclude", json={"outcome": "released", "agency": "anam"})
    assert r.status_code == 403


def test_other_agency_on_a_single_agency_inspection_is_403(client_for: ClientFor) -> None:
    trip = file_trip(client_for("carrier"))
    cbp, anam = client_for("cbp"), client_for("anam")
    iid = started(cbp, trip, joint=False)
    r = anam.post(f"/inspections/{iid}/findings", json={"findings": [{"code": "no_discrepancy"}]})
    assert r.status_code == 403, r.text
    assert "joint" in r.json()["detail"]
    # ANAM still reads it (both agencies have a leg in every trip)
    assert ok(anam.get(f"/inspections/{iid}"))["requested_by"] == "cbp"


def test_admin_names_the_agency_it_acts_as(client_for: ClientFor) -> None:
    trip = file_trip(client_for("carrier"))
    admin = client_for("admin")
    r = admin.post(f"/declarations/{trip}/inspections", json={"joint": False})
    assert r.status_code == 422
    ins = ok(
        admin.post(f"/declarations/{trip}/inspections", json={"joint": False, "agency": "anam"}),
        201,
    )
    assert ins["requested_by"] == "anam" and list(ins["parts"]) == ["anam"]


def test_industry_reads_its_trips_inspections_without_notes_others_do_not(
    client_for: ClientFor,
) -> None:
    carrier = client_for("carrier", org="Acme Freight")
    trip = file_trip(carrier)
    cbp = client_for("cbp")
    iid = started(cbp, trip, joint=False)
    ok(
        cbp.post(
            f"/inspections/{iid}/findings",
            json={"findings": [{"code": "misdeclared_value", "note": "invoice x2"}]},
        )
    )
    ok(cbp.post(f"/inspections/{iid}/conclude", json={"outcome": "held"}))
    assert ok(cbp.get(f"/inspections/{iid}"))["parts"]["cbp"]["findings"][0]["note"] == "invoice x2"
    seen = ok(carrier.get(f"/declarations/{trip}/inspections"))
    assert len(seen) == 1 and seen[0]["parts"]["cbp"]["outcome"] == "held"
    finding = seen[0]["parts"]["cbp"]["findings"][0]
    assert finding["code"] == "misdeclared_value" and "note" not in finding
    assert "found_by" not in finding and "reason" not in seen[0]
    assert carrier.get(f"/inspections/{iid}/reports/cbp").status_code == 200
    assert carrier.post(f"/inspections/{iid}/start").status_code == 403  # no inspections:write
    other = client_for("carrier", org="Someone Else")
    assert other.get(f"/inspections/{iid}").status_code == 404
    assert other.get(f"/declarations/{trip}/inspections").status_code == 404
    assert client_for("public").get(f"/inspections/{iid}").status_code == 403


def test_entry_agency_release_moves_an_arrived_trip_to_inspected_then_released(
    client_for: ClientFor,
) -> None:
    carrier = client_for("carrier")
    trip = file_trip(carrier)
    cbp, anam = client_for("cbp"), client_for("anam")
    ok(cbp.post(f"/declarations/{trip}/state", json={"state": "arrived"}))
    iid = started(cbp, trip, joint=True)
    ok(anam.post(f"/inspections/{iid}/findings", json={"findings": [{"code": "no_discrepancy"}]}))
    anam_done = ok(anam.post(f"/inspections/{iid}/conclude", json={"outcome": "released"}))
    assert anam_done["trip_state"] is None  # the northbound trip follows CBP's (entry) lifecycle
    done = ok(cbp.post(f"/inspections/{iid}/conclude", json={"outcome": "released"}))
    assert done["trip_state"] == "released"
    history = [h["state"] for h in ok(cbp.get(f"/declarations/{trip}"))["history"]]
    assert history[-2:] == ["inspected", "released"]


def test_held_before_arrival_leaves_the_trip_alone(client_for: ClientFor) -> None:
    trip = file_trip(client_for("carrier"))
    cbp = client_for("cbp")
    iid = started(cbp, trip, joint=False)
    ok(cbp.post(f"/inspections/{iid}/findings", json={"findings": [{"code": "security_finding"}]}))
    assert (
        ok(cbp.post(f"/inspections/{iid}/conclude", json={"outcome": "seized"}))["trip_state"]
        is None
    )
    assert ok(cbp.get(f"/declarations/{trip}"))["record"]["state"] == "decided"


def test_unknown_trip_and_inspection_are_404(client_for: ClientFor) -> None:
    cbp = client_for("cbp")
    assert cbp.post("/declarations/nope/inspections", json={"joint": True}).status_code == 404
    assert cbp.get("/inspections/nope").status_code == 404
    assert cbp.post("/inspections/nope/start").status_code == 404


def test_a_truck_is_not_inspected_twice_for_an_agency_a_joint_inspection_counts_for(
    client_for: ClientFor,
) -> None:
    trip = file_trip(client_for("carrier"))
    cbp, anam = client_for("cbp"), client_for("anam")
    iid = started(cbp, trip, joint=True)
    ok(cbp.post(f"/inspections/{iid}/findings", json={"findings": [{"code": "no_discrepancy"}]}))
    ok(cbp.post(f"/inspections/{iid}/conclude", json={"outcome": "released"}))
    # ANAM concludes on CBP's findings: the agreement's mutual recognition counts it for both
    ok(anam.post(f"/inspections/{iid}/conclude", json={"outcome": "released"}))
    for officer in (anam, cbp):
        again = officer.post(f"/declarations/{trip}/inspections", json={"joint": False})
        assert again.status_code == 409, again.text
        problem = again.json()
        assert problem["code"] == "inspection.already_satisfied"
        assert problem["inspection_id"] == iid and "reinspect" in problem["detail"]
    # a second inspection is the officer's call, with a reason
    bare = anam.post(f"/declarations/{trip}/inspections", json={"reinspect": True})
    assert bare.status_code == 422 and bare.json()["errors"][0]["pointer"] == "/reason"
    second = anam.post(
        f"/declarations/{trip}/inspections",
        json={"reinspect": True, "reason": "new intelligence on the consignee"},
    )
    assert second.status_code == 201, second.text


def test_the_other_agencys_own_inspection_does_not_count(client_for: ClientFor) -> None:
    trip = file_trip(client_for("carrier"))
    cbp, anam = client_for("cbp"), client_for("anam")
    iid = started(cbp, trip, joint=False)
    ok(cbp.post(f"/inspections/{iid}/findings", json={"findings": [{"code": "no_discrepancy"}]}))
    ok(cbp.post(f"/inspections/{iid}/conclude", json={"outcome": "released"}))
    assert anam.post(f"/declarations/{trip}/inspections", json={}).status_code == 201
    assert cbp.post(f"/declarations/{trip}/inspections", json={}).status_code == 409
