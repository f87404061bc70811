"""The plan lifecycle in the library: authority per country, order of steps, overlaps,
supersession, withdrawal, the in-force history, and workers that see an activation."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from smartborder.admissibility import (
    Actor,
    ImpactReport,
    InForceOverlap,
    RulesInForce,
    ScopeInvalid,
    TransitionOutOfOrder,
    WrongAgency,
    activate,
    approve,
    impact,
    plan_status,
    propose,
    publish,
    version_in_force,
    version_policies,
    withdraw,
)
from smartborder.store import transaction
from smartborder.store.tables.admissibility import PlanActivationRow, PlanGenerationRow

CBP = Actor("cbp-officer", "cbp")
ANAM = Actor("anam-officer", "anam")
ADMIN = Actor("admin")


def plan_yaml(
    plan_id: str, *, countries: tuple[str, ...] = ("USA",), admit: str = "citizen-or-national"
) -> str:
    blocks = "".join(
        f"""  - country: {c}
    phases:
      - id: p-{c.lower()}
        title: {{en: Closed, es: Cerrado}}
        effective_from: 2026-01-01T00:00:00Z
        admit: [{admit}]
        deny_reason: {{en: closed to visitors, es: cerrado a visitantes}}
"""
        for c in countries
    )
    return f"id: {plan_id}\ntitle: {{en: {plan_id}, es: {plan_id}}}\nblocks:\n{blocks}"


def _report(session: Session, version: str) -> ImpactReport:
    policies = version_policies(session, version)
    return impact(policies, "covid-us-land-2020", [])


def published(sessions: sessionmaker[Session], text: str) -> str:
    with transaction(sessions) as session:
        return publish(session, text, published_by="test").version


def ready(
    sessions: sessionmaker[Session], text: str, *, approvers: tuple[Actor, ...] = (CBP,)
) -> str:
    """Published, proposed (impact attached) and approved."""
    version = published(sessions, text)
    with transaction(sessions) as session:
        propose(session, version, impact=_report(session, version), actor=ADMIN)
    for who in approvers:
        with transaction(sessions) as session:
            approve(session, version, actor=who)
    return version


T0 = datetime(2026, 12, 1, tzinfo=UTC)
T1 = datetime(2027, 1, 1, tzinfo=UTC)


def test_only_the_destination_countrys_agency_approves_and_binational_needs_both(
    sessions: sessionmaker[Session],
) -> None:
    usa_only = published(sessions, plan_yaml("usa-only"))
    with transaction(sessions) as session:
        propose(session, usa_only, impact=_report(session, usa_only), actor=ADMIN)
    with pytest.raises(WrongAgency) as wrong, transaction(sessions) as session:
        approve(session, usa_only, actor=ANAM)
    assert "CBP (USA)" in wrong.value.message.en and "CBP (USA)" in wrong.value.message.es
    with pytest.raises(WrongAgency), transaction(sessions) as session:
        approve(session, usa_only, actor=ADMIN)  # an administrator acts for no country

    both = published(sessions, plan_yaml("both", countries=("USA", "MEX")))
    with transaction(sessions) as session:
        propose(session, both, impact=_report(session, both), actor=ADMIN)
        after_one = approve(session, both, actor=CBP)
    assert after_one.state == "proposed" and after_one.transitions[-1].detail == {
        "waiting_for": ["MEX"]
    }
    with pytest.raises(TransitionOutOfOrder), transaction(sessions) as session:
        approve(session, both, actor=CBP)  # approved by USA already
    with transaction(sessions) as session:
        done = approve(session, both, actor=ANAM)
    assert done.state == "approved"
    assert {(a.country, a.agency) for a in done.approvals} == {("USA", "cbp"), ("MEX", "anam")}


def test_steps_out_of_order_are_conflicts_naming_the_allowed_next(
    sessions: sessionmaker[Session],
) -> None:
    version = published(sessions, plan_yaml("early"))
    with pytest.raises(TransitionOutOfOrder) as early, transaction(sessions) as session:
        activate(session, version, effective_from=T0, regions=["san-diego-tijuana"], actor=CBP)
    assert early.value.extra == {"state": "draft", "allowed": ["propose", "withdraw"]}
    with pytest.raises(TransitionOutOfOrder), transaction(sessions) as session:
        approve(session, version, actor=CBP)
    with transaction(sessions) as session:
        assert plan_status(session, version).transitions == []  # nothing recorded


def test_an_overlap_without_supersedes_changes_nothing_and_names_the_conflict(
    sessions: sessionmaker[Session],
) -> None:
    first = ready(sessions, plan_yaml("first"))
    second = ready(sessions, plan_yaml("second", admit="everyone"))
    with transaction(sessions) as session:
        activate(session, first, effective_from=T0, regions=["san-diego-tijuana"], actor=CBP)

    def counts() -> tuple[int, int]:
        with transaction(sessions) as session:
            n = session.scalar(select(func.count()).select_from(PlanActivationRow))
            g = session.scalar(select(PlanGenerationRow.generation))
            return int(n or 0), int(g or 0)

    before = counts()
    with pytest.raises(InForceOverlap) as overlap, transaction(sessions) as session:
        # one free port and one overlapping region: all or nothing
        activate(
            session,
            second,
            effective_from=T1,
            regions=["san-diego-tijuana"],
            port_codes=["2304"],
            actor=CBP,
        )
    assert overlap.value.extra["conflicts"][0]["version"] == first
    assert "first@1" in overlap.value.message.en and "first@1" in overlap.value.message.es
    assert counts() == before
    with pytest.raises(WrongAgency), transaction(sessions) as session:
        activate(session, second, effective_from=T1, regions=["san-diego-tijuana"], actor=ANAM)
    with pytest.raises(ScopeInvalid) as scope, transaction(sessions) as session:
        activate(session, second, effective_from=T1, regions=["atlantis"], actor=CBP)
    assert scope.value.problems[0].pointer == "/regions/0"


def test_supersession_and_withdrawal_keep_the_history(sessions: sessionmaker[Session]) -> None:
    first = ready(sessions, plan_yaml("hist-a"))
    second = ready(sessions, plan_yaml("hist-b", admit="everyone"))
    local = ready(sessions, plan_yaml("hist-port"))
    with transaction(sessions) as session:
        activate(session, first, effective_from=T0, regions=["san-diego-tijuana"], actor=CBP)
        done = activate(
            session,
            second,
            effective_from=T1,
            regions=["san-diego-tijuana"],
            supersedes=[first],
            actor=CBP,
        )
        assert done.state == "in_force"
        assert plan_status(session, first).state == "superseded"
        # a port's own version is more specific than its region's
        activate(session, local, effective_from=T1, port_codes=["2506"], actor=CBP)

    def at(port: str, when: datetime, direction: str = "northbound") -> str | None:
        with transaction(sessions) as session:
            found = version_in_force(session, port=port, at=when, direction=direction)
            return found.version if found else None

    assert at("2504", datetime(2026, 11, 30, tzinfo=UTC)) is None
    assert at("2504", datetime(2026, 12, 15, tzinfo=UTC)) == first
    assert at("2504", datetime(2027, 2, 1, tzinfo=UTC)) == second
    assert at("2506", datetime(2027, 2, 1, tzinfo=UTC)) == local
    assert at("2504", datetime(2027, 2, 1, tzinfo=UTC), "southbound") is None  # MEX: default
    assert at("2304", datetime(2027, 2, 1, tzinfo=UTC)) is None  # another region
    with transaction(sessions) as session:
        gone = withdraw(session, second, actor=CBP, effective_from=datetime(2027, 3, 1, tzinfo=UTC))
    assert gone.state == "withdrawn"
    assert at("2504", datetime(2027, 2, 1, tzinfo=UTC)) == second  # history kept
    assert at("2504", datetime(2027, 3, 2, tzinfo=UTC)) is None
    with transaction(sessions) as session:
        steps = [(t.action, t.actor, t.to_state) for t in plan_status(session, second).transitions]
    assert steps == [
        ("propose", "admin", "proposed"),
        ("approve", "cbp-officer", "approved"),
        ("activate", "cbp-officer", "in_force"),
        ("withdraw", "cbp-officer", "withdrawn"),
    ]


def test_a_sovereign_node_holds_only_its_countrys_plans(sessions: sessionmaker[Session]) -> None:
    both = published(sessions, plan_yaml("sovereign", countries=("USA", "MEX")))
    with pytest.raises(WrongAgency) as foreign, transaction(sessions) as session:
        propose(session, both, impact=_report(session, both), actor=CBP, node_agency="cbp")
    assert foreign.value.code == "admissibility.foreign_plan"
    assert "ANAM" in foreign.value.message.en


def test_every_worker_sees_an_activation_within_seconds(sessions: sessionmaker[Session]) -> None:
    version = ready(sessions, plan_yaml("workers"))
    other_worker = RulesInForce(sessions, refresh_s=0.05, warm=False).keep_fresh()
    try:
        when = datetime(2027, 2, 1, 18, tzinfo=UTC)
        assert other_worker.policies_at("2504", when).version == other_worker.fallback.version
        with transaction(sessions) as session:
            activate(session, version, effective_from=T0, regions=["san-diego-tijuana"], actor=CBP)
        deadline = time.monotonic() + 10
        while other_worker.policies_at("2504", when).version != version:
            assert time.monotonic() < deadline, "the activation never reached the other worker"
            time.sleep(0.02)
        assert other_worker.policies_at("2304", when).version == other_worker.fallback.version
    finally:
        other_worker.close()


def test_a_binational_plan_is_withdrawn_per_country(sessions: sessionmaker[Session]) -> None:
    both = ready(
        sessions, plan_yaml("per-country", countries=("USA", "MEX")), approvers=(CBP, ANAM)
    )
    with transaction(sessions) as session:
        activate(session, both, effective_from=T0, regions=["el-paso-juarez"], actor=CBP)
    with pytest.raises(TransitionOutOfOrder) as nothing, transaction(sessions) as session:
        withdraw(session, both, actor=ANAM)  # never in force in Mexico
    assert "MEX" in nothing.value.message.en
    with transaction(sessions) as session:
        activate(session, both, effective_from=T0, regions=["el-paso-juarez"], actor=ANAM)
        assert withdraw(session, both, actor=ANAM, effective_from=T1).state == "in_force"
        assert withdraw(session, both, actor=CBP, effective_from=T1).state == "withdrawn"
