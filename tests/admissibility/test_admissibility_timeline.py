"""The real U.S. land-border COVID-19 timeline with Mexico, as a table of cases.

Instants from the Federal Register: 85 FR 16547 (in effect 11:59 p.m. EDT 2020-03-20),
the 2021-11-08 notification (12:00 a.m. EST), 87 FR 3425 (12:00 a.m. EST 2022-01-22) and
the termination at the end of 2023-05-11 (12:00 a.m. EDT 2023-05-12).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from smartborder.admissibility import AdmissibilityResult, Outcome, Traveler, TravelerInvalid
from smartborder.admissibility import evaluate as _evaluate
from smartborder.errors import InvalidInput

PLAN = "covid-us-land-2020"
# The COVID plan is a layer over the standing document rules (baseline-us-mx): these travelers
# carry what those rules ask, so the COVID phases alone decide them. A Mexican visitor with a
# Border Crossing Card staying two days within 10 miles of the border; workers with a visa.
BCC_VISIT = {
    "documents": ["border_crossing_card"],
    "destination_distance_miles": 10,
    "stay_days": 2,
}
WITH_VISA = {"documents": ["passport", "us_visa"]}


def evaluate(traveler: Traveler, **kwargs: object) -> AdmissibilityResult:
    """The COVID plan unless the test names another."""
    kwargs.setdefault("plan", PLAN)
    return _evaluate(traveler, **kwargs)  # type: ignore[arg-type]


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


TOURIST = Traveler(
    nationality="MEX",
    age=40,
    purpose="tourism",
    fully_vaccinated=False,
    vaccination_proof=False,
    **BCC_VISIT,
)
VACCINATED_TOURIST = Traveler(
    nationality="MEX",
    age=40,
    purpose="tourism",
    fully_vaccinated=True,
    vaccination_proof=True,
    **BCC_VISIT,
)
WORKER = Traveler(
    nationality="MEX",
    age=35,
    purpose="work",
    fully_vaccinated=False,
    vaccination_proof=False,
    **WITH_VISA,
)
VACCINATED_WORKER = Traveler(
    nationality="MEX",
    age=35,
    purpose="work",
    fully_vaccinated=True,
    vaccination_proof=True,
    **WITH_VISA,
)
US_CITIZEN = Traveler(
    nationality="USA",
    age=50,
    purpose="tourism",
    fully_vaccinated=False,
    vaccination_proof=False,
    documents=["passport_card"],
)
LPR = Traveler(
    nationality="MEX",
    lawful_resident_of=["USA"],
    age=50,
    purpose="shopping",
    fully_vaccinated=False,
    documents=["permanent_resident_card"],
)
CHILD = Traveler(
    nationality="MEX",
    age=10,
    purpose="tourism",
    fully_vaccinated=False,
    vaccination_proof=False,
    **BCC_VISIT,
)
VAX_NO_PROOF = Traveler(
    nationality="MEX",
    age=40,
    purpose="tourism",
    fully_vaccinated=True,
    vaccination_proof=False,
    **BCC_VISIT,
)

CASES = [
    # (traveler, instant, outcome, deciding policy)
    (TOURIST, "2020-03-20T12:00:00-07:00", "admit", "covid-us-land-2020/before"),
    (TOURIST, "2020-03-21T03:58:59+00:00", "admit", "covid-us-land-2020/before"),
    (TOURIST, "2020-03-21T03:59:00+00:00", "deny", "covid-us-land-2020/phase-1"),
    (TOURIST, "2020-04-15T10:00:00-07:00", "deny", "covid-us-land-2020/phase-1"),
    (WORKER, "2020-04-15T10:00:00-07:00", "admit", "covid-us-land-2020/phase-1/essential-purpose"),
    (
        US_CITIZEN,
        "2020-04-15T10:00:00-07:00",
        "admit",
        "covid-us-land-2020/phase-1/citizen-or-national",
    ),
    (LPR, "2020-04-15T10:00:00-07:00", "admit", "covid-us-land-2020/phase-1/permanent-resident"),
    (VACCINATED_TOURIST, "2021-11-07T10:00:00-08:00", "deny", "covid-us-land-2020/phase-1"),
    (
        VACCINATED_TOURIST,
        "2021-11-10T10:00:00-08:00",
        "admit",
        "covid-us-land-2020/phase-2/fully-vaccinated",
    ),
    (TOURIST, "2021-11-10T10:00:00-08:00", "deny", "covid-us-land-2020/phase-2"),
    (WORKER, "2021-11-10T10:00:00-08:00", "admit", "covid-us-land-2020/phase-2/essential-purpose"),
    (WORKER, "2022-01-21T10:00:00-08:00", "admit", "covid-us-land-2020/phase-2/essential-purpose"),
    (WORKER, "2022-01-23T10:00:00-08:00", "deny", "covid-us-land-2020/phase-3"),
    (
        VACCINATED_WORKER,
        "2022-01-23T10:00:00-08:00",
        "admit",
        "covid-us-land-2020/phase-3/fully-vaccinated-with-proof",
    ),
    (
        US_CITIZEN,
        "2022-02-01T10:00:00-08:00",
        "admit",
        "covid-us-land-2020/phase-3/citizen-or-national",
    ),
    (LPR, "2022-02-01T10:00:00-08:00", "admit", "covid-us-land-2020/phase-3/permanent-resident"),
    (CHILD, "2022-02-01T10:00:00-08:00", "admit", "covid-us-land-2020/phase-3/minor"),
    (VAX_NO_PROOF, "2022-02-01T10:00:00-08:00", "deny", "covid-us-land-2020/phase-3"),
    (TOURIST, "2023-05-11T12:00:00-07:00", "deny", "covid-us-land-2020/phase-3"),
    (TOURIST, "2023-05-12T04:00:00+00:00", "admit", "covid-us-land-2020/ended"),
]


@pytest.mark.parametrize(("traveler", "instant", "outcome", "policy"), CASES)
def test_covid_timeline(traveler: Traveler, instant: str, outcome: str, policy: str) -> None:
    result = evaluate(traveler, port="2504", at=at(instant), plan=PLAN)
    assert result.decision == Outcome(outcome)
    assert policy in result.policies
    assert result.version.startswith("covid-us-land-2020@")


def test_unvaccinated_visitor_denied_after_2022_01_22() -> None:
    result = evaluate(TOURIST, port="2304", at=at("2022-01-25T09:00:00-06:00"), plan=PLAN)
    assert result.decision is Outcome.DENY
    assert result.policies == ["covid-us-land-2020/phase-3"]
    assert result.explanation("en") == (
        "Denied: from 2022-01-22 non-U.S. travelers must show proof of full vaccination "
        "(policy covid-us-land-2020/phase-3)"
    )
    assert result.explanation("es") == (
        "Denegado: desde el 2022-01-22 los viajeros no estadounidenses deben mostrar comprobante "
        "de vacunación completa (política covid-us-land-2020/phase-3)"
    )


def test_essential_worker_admitted_april_2020_and_tourist_denied() -> None:
    when = at("2020-04-10T08:00:00-07:00")
    assert evaluate(WORKER, port="2506", at=when).decision is Outcome.ADMIT
    denied = evaluate(TOURIST, port="2506", at=when)
    assert denied.decision is Outcome.DENY
    assert "only essential travel" in denied.reasons[0].en
    assert "solo se admiten viajes esenciales" in denied.reasons[0].es


def test_missing_vaccination_gives_review_naming_the_attribute() -> None:
    unknown = Traveler(nationality="MEX", age=40, purpose="tourism", **BCC_VISIT)
    result = evaluate(unknown, port="2504", at=at("2022-02-01T10:00:00-08:00"))
    assert result.decision is Outcome.REVIEW
    assert result.missing == ["fully_vaccinated", "vaccination_proof"]
    assert "fully_vaccinated" in result.explanation("en")
    assert "estado de vacunación" in result.explanation("es")


def test_missing_purpose_in_2020_gives_review_not_deny() -> None:
    result = evaluate(
        Traveler(nationality="MEX", age=40, **BCC_VISIT),
        port="2504",
        at=at("2020-06-01T10:00:00-07:00"),
    )
    assert result.decision is Outcome.REVIEW
    assert result.missing == ["purpose"]


def test_missing_data_never_allows_silently() -> None:
    # Nothing known at all: never admitted while a restriction is in force.
    for instant in (
        "2020-06-01T10:00:00-07:00",
        "2021-12-01T10:00:00-08:00",
        "2022-06-01T10:00:00-07:00",
    ):
        result = evaluate(Traveler(), port="2504", at=at(instant))
        assert result.decision is Outcome.REVIEW, instant
        assert result.missing


def test_missing_data_irrelevant_to_the_deciding_rule_is_not_review() -> None:
    # A U.S. citizen needs no vaccination data in 2022.
    citizen = Traveler(nationality="USA", documents=["passport"])
    assert (
        evaluate(citizen, port="2504", at=at("2022-02-01T10:00:00-08:00")).decision is Outcome.ADMIT
    )


def test_entering_mexico_is_not_restricted() -> None:
    result = evaluate(
        TOURIST, port="2504", at=at("2020-04-15T10:00:00-07:00"), direction="southbound"
    )
    assert result.decision is Outcome.ADMIT
    assert result.destination == "MEX"
    # The COVID plan's own phase and the baseline's standing permit both admit (a layer is a union).
    assert result.policies == ["covid-us-land-2020/mexico-open", "baseline-us-mx/mex-documents"]


def test_crossing_number_resolves_to_its_port() -> None:
    result = evaluate(WORKER, port="250401", at=at("2020-04-15T10:00:00-07:00"))
    assert result.decision is Outcome.ADMIT


def test_born_in_the_future_is_a_validation_error() -> None:
    with pytest.raises(TravelerInvalid) as info:
        evaluate(
            Traveler(nationality="MEX", date_of_birth="2030-01-01"),
            port="2504",
            at=at("2022-02-01T10:00:00-08:00"),
        )
    assert info.value.problems[0].pointer == "/date_of_birth"


def test_expired_document_is_a_validation_error() -> None:
    with pytest.raises(TravelerInvalid) as info:
        evaluate(
            Traveler(nationality="MEX", document_expires_on="2021-12-31"),
            port="2504",
            at=at("2022-02-01T10:00:00-08:00"),
        )
    assert info.value.problems[0].code == "admissibility.document_expired"
    assert "renew" in info.value.problems[0].message.en


def test_age_comes_from_date_of_birth_at_arrival() -> None:
    turns_18 = Traveler(
        nationality="MEX",
        date_of_birth="2004-02-02",
        purpose="tourism",
        fully_vaccinated=False,
        vaccination_proof=False,
        **BCC_VISIT,
    )
    assert (
        evaluate(turns_18, port="2504", at=at("2022-02-01T10:00:00-08:00")).decision
        is Outcome.ADMIT
    )
    assert (
        evaluate(turns_18, port="2504", at=at("2022-02-03T10:00:00-08:00")).decision is Outcome.DENY
    )


def test_unknown_port_and_naive_instant_are_refused() -> None:
    with pytest.raises(InvalidInput):
        evaluate(TOURIST, port="9999", at=at("2022-02-01T10:00:00-08:00"))
    with pytest.raises(TravelerInvalid):
        evaluate(TOURIST, port="2504", at=datetime(2022, 2, 1, 10))


def test_result_is_stored_in_utc() -> None:
    result = evaluate(TOURIST, port="2504", at=at("2022-02-01T10:00:00-08:00"))
    assert result.at == datetime(2022, 2, 1, 18, tzinfo=UTC)
