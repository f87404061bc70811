"""Impact analysis on generated pre-arrivals, checked against counts made independently of
Cedar: the timeline of both plans written out by hand below."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from smartborder import ports
from smartborder.admissibility import Traveler, impact, policies_for, request_for
from smartborder.admissibility.cedar import decide_batch
from smartborder.admissibility.impact import Trip, category_of, chart, load_trips
from smartborder.demo import generate_trips

# covid-us-land-2020 (Federal Register instants, UTC) and the sentri-first proposal's dates.
P1 = datetime(2020, 3, 21, 3, 59, tzinfo=UTC)
P2 = datetime(2021, 11, 8, 5, tzinfo=UTC)
P3 = datetime(2022, 1, 22, 5, tzinfo=UTC)
END = datetime(2023, 5, 12, 4, tzinfo=UTC)
S1 = datetime(2021, 3, 1, 8, tzinfo=UTC)
S2 = datetime(2021, 6, 1, 7, tzinfo=UTC)
S3 = datetime(2021, 9, 1, 7, tzinfo=UTC)
BCC_VISIT: dict[str, Any] = {
    "documents": ["border_crossing_card"],
    "destination_distance_miles": 10,
    "stay_days": 2,
}
ESSENTIAL = {
    "work",
    "study",
    "medical",
    "lawful_trade",
    "emergency_response_public_health",
    "official_diplomatic",
    "armed_forces_and_families",
    "military_operations",
}


def _any(*values: bool | None) -> str:
    """admit if one category holds, review if none holds but one is unknown, else deny."""
    if any(v is True for v in values):
        return "admit"
    return "review" if any(v is None for v in values) else "deny"


def _or(*values: bool | None) -> bool | None:
    if any(v is True for v in values):
        return True
    return None if any(v is None for v in values) else False


def _and(*values: bool | None) -> bool | None:
    if any(v is False for v in values):
        return False
    return None if any(v is None for v in values) else True


MILE_M = 1609.344  # international mile


def documents(t: Traveler, port: str) -> str:
    """The standing U.S. entry document rules (baseline-us-mx), written out by hand."""
    docs, complete = set(t.documents), t.lists_every_document

    def has(d: str) -> bool | None:
        return True if d in docs else (False if complete else None)

    nat = t.nationality
    citizen = None if nat is None else nat == "USA"
    mexican = None if nat is None else nat == "MEX"
    canadian = None if nat is None else nat == "CAN"
    resident = "USA" in t.lawful_resident_of
    travel = _or(
        has("passport"),
        *[
            _and(citizen, has(d))
            for d in (
                "passport_card",
                "enhanced_drivers_license",
                "trusted_traveler_card",
                "military_id",
                "merchant_mariner_document",
            )
        ],
        _and(resident, has("permanent_resident_card")),
        _and(mexican, has("border_crossing_card")),
    )
    region = ports.get_port(port).region
    miles = 75 if region == "arizona-sonora" else 55 if port in ("2406", "2408") else 25
    d = t.destination_distance_m
    near = None if d is None else d <= round(miles * MILE_M)
    short = None if t.stay_days is None else t.stay_days <= 30
    visa = _or(
        citizen,
        resident,
        canadian,
        has("us_visa"),
        _and(mexican, has("border_crossing_card"), near, short),
        _and(mexican, has("border_crossing_card"), has("i94")),
    )
    if travel is False or visa is False:
        return "deny"
    return "review" if travel is None or visa is None else "admit"


def layered(phases: str, docs: str) -> str:
    """A layer is a union of policy sets: any denial denies, then any review reviews."""
    for outcome in ("deny", "review"):
        if outcome in (phases, docs):
            return outcome
    return "admit"


def covid(t: Traveler, at: datetime, port: str) -> str:
    return layered(covid_phases(t, at), documents(t, port))


def sentri_first(t: Traveler, at: datetime, port: str) -> str:
    region = ports.get_port(port).region
    return layered(sentri_phases(t, at, region), documents(t, port))


def covid_phases(t: Traveler, at: datetime) -> str:
    if at < P1 or at >= END:
        return "admit"
    citizen = None if t.nationality is None else t.nationality == "USA"
    resident = "USA" in t.lawful_resident_of
    essential = None if t.purpose is None else t.purpose in ESSENTIAL
    if at < P2:
        return _any(citizen, resident, essential)
    vax = t.fully_vaccinated
    if at < P3:
        return _any(citizen, resident, essential, vax)
    age = t.age_at(at)
    minor = None if age is None else age < 18
    proof = t.vaccination_proof
    with_proof = (
        False
        if (vax is False or proof is False)
        else (None if vax is None or proof is None else True)
    )
    return _any(citizen, resident, minor, with_proof)


def sentri_phases(t: Traveler, at: datetime, region: str) -> str:
    if region != "san-diego-tijuana" or not (S1 <= at < END):
        return covid_phases(t, at)
    if at >= S3:
        return "admit"
    citizen = None if t.nationality is None else t.nationality == "USA"
    resident = "USA" in t.lawful_resident_of
    essential = None if t.purpose is None else t.purpose in ESSENTIAL
    sentri = "SENTRI" in t.trusted_traveler  # verified memberships only
    if at < S2:
        return _any(citizen, resident, essential, sentri)
    return _any(citizen, resident, essential, sentri, t.fully_vaccinated)


@pytest.fixture(scope="module")
def trips() -> list[Trip]:
    rng = np.random.default_rng(20210301)
    out: list[Trip] = []
    for first, last in [
        (date(2021, 2, 27), date(2021, 3, 2)),
        (date(2021, 5, 31), date(2021, 6, 1)),
        (date(2021, 8, 31), date(2021, 9, 1)),
        (date(2022, 1, 21), date(2022, 1, 23)),
    ]:
        out += generate_trips(
            ["2504", "2506", "2304"], first, last, 40, rng=rng, vaccination_share=0.5
        )
    return out


def test_impact_counts_match_independent_counting(trips: list[Trip]) -> None:
    report = impact("sentri-first-sd-tj", "covid-us-land-2020", trips)
    expected: Counter[str] = Counter()
    by_port: dict[str, Counter[str]] = defaultdict(Counter)
    by_cat: dict[str, Counter[str]] = defaultdict(Counter)
    by_day: dict[str, Counter[str]] = defaultdict(Counter)
    outcomes: Counter[str] = Counter()
    for trip in trips:
        old, new = (
            covid(trip.traveler, trip.at, trip.port),
            sentri_first(trip.traveler, trip.at, trip.port),
        )
        outcomes[new] += 1
        if old == new:
            continue
        key = f"{old}→{new}"
        expected[key] += 1
        by_port[trip.port][key] += 1
        by_cat[category_of(trip.traveler, "USA")][key] += 1
        by_day[ports.to_local(trip.at, trip.port).date().isoformat()][key] += 1
    assert report.total == len(trips)
    assert report.transitions == dict(expected)
    assert report.changed == sum(expected.values()) > 0
    assert report.by_port == {k: dict(v) for k, v in by_port.items()}
    assert report.by_category == {k: dict(v) for k, v in by_cat.items()}
    assert report.by_day == {k: dict(v) for k, v in by_day.items()}
    assert report.outcomes_plan == dict(outcomes)
    # Laredo is outside the region: no outcome changes there
    assert "2304" not in report.by_port
    assert report.transitions.get("deny→admit", 0) > 0


def test_date_window_selects_local_arrival_days(trips: list[Trip]) -> None:
    report = impact(
        "sentri-first-sd-tj",
        "covid-us-land-2020",
        trips,
        start=date(2021, 3, 1),
        end=date(2021, 3, 2),
    )
    in_window = [
        t
        for t in trips
        if date(2021, 3, 1) <= ports.to_local(t.at, t.port).date() <= date(2021, 3, 2)
    ]
    assert report.total == len(in_window)
    assert set(report.by_day) <= {"2021-03-01", "2021-03-02"}


def test_request_classes_decide_like_cedar_asked_one_by_one(trips: list[Trip]) -> None:
    policies = policies_for("sentri-first-sd-tj")
    requests = [request_for(t.traveler, port=t.port, at=t.at) for t in trips]
    policies.memo.clear()
    fast = decide_batch(policies, requests)
    assert fast == decide_batch(policies, requests, memo=False, whole=True)
    assert fast == decide_batch(policies, requests, memo=False)


def test_impact_from_a_recorded_file_and_chart(tmp_path: Path) -> None:
    records = [
        {
            "traveler": {
                "nationality": "MEX",
                "age": 30,
                "purpose": "tourism",
                "trusted_traveler": ["SENTRI"],
                **BCC_VISIT,
            },
            "port": "2504",
            "at": "2021-04-01T10:00:00-07:00",
        },
        {
            "traveler": {"nationality": "MEX", "age": 30, "purpose": "tourism", **BCC_VISIT},
            "port": "2504",
            "at": "2021-04-01T10:00:00-07:00",
        },
        {
            "traveler": {
                "nationality": "USA",
                "age": 30,
                "purpose": "tourism",
                "documents": ["passport_card"],
            },
            "port": "2304",
            "at": "2021-04-01T10:00:00-05:00",
        },
    ]
    path = tmp_path / "trips.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    report = impact("sentri-first-sd-tj", "covid-us-land-2020", load_trips(path))
    assert report.transitions == {"deny→admit": 1}
    assert report.by_category == {"visitor/tourism": {"deny→admit": 1}}
    png = chart(report, tmp_path / "impact.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    html = chart(report, tmp_path / "impact.html").read_text(encoding="utf-8")
    assert "data:image/png;base64," in html and "2504" in html


_INSTANTS = [P1, P2, P3, END, S1, S2, S3]


def _random_trip_documents(rng: np.random.Generator, doc_sets: list[Any]) -> dict[str, Any]:
    chosen = doc_sets[int(rng.integers(len(doc_sets)))]
    out: dict[str, Any] = {}
    if chosen is not None:
        out["documents"] = list(chosen)
        out["documents_complete"] = bool(rng.random() < 0.8)
    if rng.random() < 0.8:  # around every zone limit (25, 55, 75 miles)
        out["destination_distance_miles"] = float(rng.choice([5, 24.99, 25, 25.01, 54, 56, 74, 76]))
    if rng.random() < 0.8:
        out["stay_days"] = int(rng.choice([1, 29, 30, 31]))
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_travelers_at_random_instants_match_the_written_timeline(seed: int) -> None:
    """Cedar's decisions equal the hand-written timelines for random travelers and instants,
    with instants concentrated around every change (one second either side)."""
    rng = np.random.default_rng(seed)
    purposes = [*sorted(ESSENTIAL), "tourism", "shopping", None]
    codes = ["2504", "2506", "2582", "2304", "2402", "2604", "2406"]
    doc_sets = [
        None,
        (),
        ("passport",),
        ("passport", "us_visa"),
        ("passport_card",),
        ("border_crossing_card",),
        ("border_crossing_card", "i94"),
        ("permanent_resident_card",),
    ]
    trips = []
    for _ in range(400):
        base = _INSTANTS[int(rng.integers(len(_INSTANTS)))]
        at = base + timedelta(seconds=int(rng.choice([-86400, -1, 0, 1, 86400])))
        maybe = [None, True, False]
        traveler = Traveler(
            nationality=[None, "USA", "MEX", "GTM"][int(rng.integers(4))],
            lawful_resident_of=["USA"] if rng.random() < 0.15 else [],
            age=None if rng.random() < 0.1 else int(rng.integers(1, 90)),
            purpose=purposes[int(rng.integers(len(purposes)))],
            fully_vaccinated=maybe[int(rng.integers(3))],
            vaccination_proof=maybe[int(rng.integers(3))],
            trusted_traveler=["SENTRI"] if rng.random() < 0.3 else [],
            **_random_trip_documents(rng, doc_sets),
        )
        trips.append(Trip(traveler, codes[int(rng.integers(len(codes)))], at))
    requests = [request_for(t.traveler, port=t.port, at=t.at) for t in trips]
    covid_v = decide_batch(policies_for("covid-us-land-2020"), requests)
    sentri_v = decide_batch(policies_for("sentri-first-sd-tj"), requests)
    for trip, c, s in zip(trips, covid_v, sentri_v, strict=True):
        assert c.decision == covid(trip.traveler, trip.at, trip.port), (trip, c)
        assert s.decision == sentri_first(trip.traveler, trip.at, trip.port), (trip, s)


def test_concurrent_decisions_survive_memo_clearing(
    trips: list[Trip], monkeypatch: pytest.MonkeyPatch
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from smartborder.admissibility import cedar

    policies = policies_for("covid-us-land-2020")
    requests = [request_for(t.traveler, port=t.port, at=t.at) for t in trips[:400]]
    expected = decide_batch(policies, requests, memo=False)
    monkeypatch.setattr(cedar, "MEMO_MAX", 3)  # force the shared memo to be cleared constantly
    with ThreadPoolExecutor(max_workers=4) as pool:
        got = list(pool.map(lambda r: decide_batch(policies, [r])[0], requests))
    assert got == expected
