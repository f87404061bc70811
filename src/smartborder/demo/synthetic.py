"""Synthetic, realistic pre-arrival traffic: valid declarations as JSON-ready dicts.

Every identifier passes the same checks real ones must (VIN and ISO 6346 check digits, SCAC,
SCN, RFC with SAT check digit, pedimento, Carta Porte IdCCP, HS 2022 subheadings of the
commodities the U.S.–Mexico border actually carries), arrival times follow an hourly profile in
the port's local time, and the shares of FAST, C-TPAT and SENTRI are parameters. Pass a
``numpy.random.Generator``; the same generator state gives the same traffic.

The shares and profiles are modelling assumptions, not published figures; magnitudes (how
many per day) are the caller's choice (e.g. BTS: Laredo ≈ 2.4 M trucks a year).
"""

from __future__ import annotations

import copy
import string
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from smartborder.admissibility.impact import Trip, trip_from_record
from smartborder.declarations.checks import container_check_digit, rfc_check_digit, vin_check_digit
from smartborder.ports import Direction, get_port

# Hourly shares (local time, hour 0–23). Commercial: crossings open ~06:00–22:00 with a
# midday peak; passenger northbound: commuter peak before 09:00 and a second one after 15:00.
COMMERCIAL_PROFILE = np.array(
    [0, 0, 0, 0, 0, 0.5, 2, 4, 6, 8, 9, 9, 9, 9, 9, 8, 7, 6, 5, 4, 3, 2, 0.5, 0], dtype=float
)
PASSENGER_NORTH_PROFILE = np.array(
    [2, 1.5, 1, 1, 2, 5, 7, 7, 6, 5, 4.5, 4.5, 4.5, 4.5, 5, 5.5, 5.5, 5, 4.5, 4, 3.5, 3, 2.5, 2],
    dtype=float,
)
PASSENGER_SOUTH_PROFILE = PASSENGER_NORTH_PROFILE[::-1].copy()

# Real HS 2022 subheadings of typical U.S.–Mexico truck freight: (code, description, kg per piece).
COMMODITIES: tuple[tuple[str, str, float], ...] = (
    ("870899", "Motor vehicle parts, n.e.c.", 18.0),
    ("870840", "Gear boxes for motor vehicles", 60.0),
    ("870829", "Body parts for motor vehicles", 25.0),
    ("854442", "Insulated electric conductors with connectors (wire harnesses)", 12.0),
    ("852872", "Television receivers", 22.0),
    ("847130", "Portable computers", 3.5),
    ("847150", "Computer processing units", 9.0),
    ("851762", "Network communication apparatus", 4.0),
    ("940120", "Seats for motor vehicles", 30.0),
    ("841810", "Combined refrigerator-freezers", 80.0),
    ("841510", "Window or wall air conditioners", 35.0),
    ("843143", "Parts of boring or sinking machinery", 45.0),
    ("850440", "Static converters", 6.0),
    ("901890", "Medical instruments and appliances", 5.0),
    ("848180", "Taps, cocks and valves", 8.0),
    ("392690", "Articles of plastics, n.e.c.", 10.0),
    ("730890", "Structures and parts of structures, of iron or steel", 120.0),
    ("760421", "Aluminium hollow profiles", 40.0),
    ("401110", "New pneumatic tyres for cars", 9.0),
    ("610910", "Cotton T-shirts", 0.4),
    ("620342", "Men's cotton trousers", 0.6),
    ("070200", "Tomatoes, fresh or chilled", 12.0),
    ("080440", "Avocados, fresh", 11.0),
    ("070960", "Peppers, fresh", 10.0),
    ("081010", "Strawberries, fresh", 4.0),
    ("080450", "Mangoes, fresh", 4.5),
    ("220300", "Beer made from malt", 14.0),
    ("220890", "Spirits (tequila, mezcal)", 9.0),
    ("170199", "Cane sugar, refined", 50.0),
    ("040900", "Natural honey", 25.0),
)

_SCAC_LETTERS = string.ascii_uppercase
_VIN_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
# World manufacturer identifiers of heavy trucks built in the U.S. and Mexico.
_TRUCK_WMI = ("1FU", "1XK", "1XP", "4V4", "3HS", "3AK", "1M1", "3AL", "1NK", "3HA")
_MODEL_YEARS = "CDEFGHJKLMNPRS"  # 2012–2025 (49 CFR 565.15 table IV)
_GIVEN = (
    "JOSE",
    "JUAN",
    "MARIA",
    "LUIS",
    "ANA",
    "CARLOS",
    "JORGE",
    "LAURA",
    "MIGUEL",
    "SOFIA",
    "JAMES",
    "MICHAEL",
    "JENNIFER",
    "DAVID",
    "ELIZABETH",
    "ROBERTO",
    "GUADALUPE",
    "DANIEL",
)
_FAMILY = (
    "GARCIA",
    "HERNANDEZ",
    "MARTINEZ",
    "LOPEZ",
    "GONZALEZ",
    "RODRIGUEZ",
    "PEREZ",
    "SANCHEZ",
    "RAMIREZ",
    "TORRES",
    "FLORES",
    "RIVERA",
    "SMITH",
    "JOHNSON",
    "BROWN",
)
_MX_CITIES = {
    "CA": (("TIJUANA", "BCN"), ("MEXICALI", "BCN"), ("TECATE", "BCN"), ("ENSENADA", "BCN")),
    "TX": (
        ("NUEVO LAREDO", "TAM"),
        ("MONTERREY", "NLE"),
        ("SALTILLO", "COA"),
        ("CIUDAD JUAREZ", "CHH"),
        ("CHIHUAHUA", "CHH"),
    ),
}
_US_CITIES = {
    "CA": (("SAN DIEGO", "CA"), ("LOS ANGELES", "CA"), ("CHULA VISTA", "CA"), ("PHOENIX", "AZ")),
    "TX": (
        ("LAREDO", "TX"),
        ("SAN ANTONIO", "TX"),
        ("DALLAS", "TX"),
        ("EL PASO", "TX"),
        ("CHICAGO", "IL"),
    ),
}


def _pick(rng: np.random.Generator, items: Sequence[Any]) -> Any:
    return items[int(rng.integers(len(items)))]


def _chars(rng: np.random.Generator, alphabet: str, n: int) -> str:
    idx = rng.integers(len(alphabet), size=n)
    return "".join(alphabet[i] for i in idx)


def make_vin(rng: np.random.Generator) -> str:
    """A random heavy-truck VIN with a valid check digit."""
    body: str = (
        _pick(rng, _TRUCK_WMI)
        + _chars(rng, _VIN_CHARS, 5)
        + "0"
        + _pick(rng, _MODEL_YEARS)
        + _chars(rng, _VIN_CHARS[:-10], 1)
        + _chars(rng, string.digits, 6)
    )
    return body[:8] + vin_check_digit(body) + body[9:]


def make_container(rng: np.random.Generator) -> str:
    """A random ISO 6346 container number with a valid check digit."""
    base = _chars(rng, _SCAC_LETTERS, 3) + "U" + _chars(rng, string.digits, 6)
    return base + container_check_digit(base)


def make_rfc(rng: np.random.Generator, *, moral: bool = True) -> str:
    """A random RFC (persona moral, or física) with a real date and a valid check digit."""
    letters = _chars(rng, _SCAC_LETTERS, 3 if moral else 4)
    d = date(1970, 1, 1) + timedelta(days=int(rng.integers(0, 365 * 50)))
    body = letters + d.strftime("%y%m%d") + _chars(rng, string.ascii_uppercase + string.digits, 2)
    return body + rfc_check_digit(body + "0")


def make_pedimento(rng: np.random.Generator, *, year: int, aduana: str) -> str:
    """A pedimento number 'YY  AA  PPPP  DNNNNNN' for a customs house and year."""
    patente = int(rng.integers(1000, 9999))
    seq = int(rng.integers(0, 1_000_000))
    return f"{year % 100:02d}  {aduana}  {patente:04d}  {year % 10}{seq:06d}"


def make_id_ccp(rng: np.random.Generator) -> str:
    """A Carta Porte 3.1 IdCCP: 'CCC' and the last 33 characters of a random UUID."""
    h = _chars(rng, "0123456789abcdef", 32)
    return f"CCC{h[3:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


def make_passid(rng: np.random.Generator) -> str:
    return "98" + _chars(rng, string.digits, 7)


def _arrival(rng: np.random.Generator, day: date, tz: ZoneInfo, profile: np.ndarray) -> str:
    hour = int(rng.choice(24, p=profile / profile.sum()))
    minute, second = int(rng.integers(60)), int(rng.integers(60))
    local = datetime.combine(day, time(hour, minute, second), tzinfo=tz)
    return local.isoformat()


def _party(
    rng: np.random.Generator, name: str, city: tuple[str, str], country: str, *, rfc: bool
) -> dict[str, Any]:
    party: dict[str, Any] = {
        "name": name,
        "address": {
            "street": f"{int(rng.integers(100, 9999))} {_pick(rng, ('AV REFORMA', 'BLVD INDUSTRIAL', 'CALLE 5', 'MAIN ST', 'COMMERCE DR'))}",
            "city": city[0],
            "region": city[1],
            "country": country,
        },
    }
    if rfc:
        party["rfc"] = make_rfc(rng)
    return party


def _state_of(port_code: str) -> str:
    return "CA" if get_port(port_code).state in ("CA", "California", "AZ", "Arizona") else "TX"


def generate_trucks(
    port_code: str,
    day: date,
    n: int,
    *,
    rng: np.random.Generator,
    direction: Direction | str = Direction.NORTHBOUND,
    fast_share: float = 0.3,
    ctpat_share: float = 0.55,
    container_share: float = 0.15,
    missing_seal_share: float = 0.02,
    carriers: int = 40,
    parties: int = 80,
) -> list[dict[str, Any]]:
    """``n`` valid truck shipments arriving at ``port_code`` on local ``day``, as dicts."""
    direction = Direction(direction)
    port = get_port(port_code)
    tz = ZoneInfo(port.time_zone)
    aduana = port.aduanas[0].code if port.aduanas else "40"
    region = _state_of(port_code)
    mx_cities, us_cities = _MX_CITIES[region], _US_CITIES[region]
    fleet = [
        (
            _chars(rng, _SCAC_LETTERS, 4),
            f"TRANSPORTES {_pick(rng, _FAMILY)} SA DE CV",
            bool(rng.random() < ctpat_share),
        )
        for _ in range(carriers)
    ]
    mx_names = ("MAQUILADORA", "MANUFACTURAS", "INDUSTRIAS", "AGRICOLA", "COMERCIALIZADORA")
    us_names = ("LOGISTICS", "DISTRIBUTION", "IMPORTS", "MANUFACTURING", "SUPPLY")
    # Trading partners repeat: a pool per side, drawn with a skew so big shippers dominate.
    mx_pool = [
        _party(
            rng,
            f"{_pick(rng, mx_names)} {_pick(rng, _FAMILY)} SA DE CV",
            _pick(rng, mx_cities),
            "MEX",
            rfc=True,
        )
        for _ in range(parties)
    ]
    us_pool = [
        _party(
            rng,
            f"{_pick(rng, _FAMILY)} {_pick(rng, us_names)} INC",
            _pick(rng, us_cities),
            "USA",
            rfc=False,
        )
        for _ in range(parties)
    ]
    skew = 1.0 / np.arange(1, parties + 1)
    skew /= skew.sum()

    def party(pool: list[dict[str, Any]]) -> dict[str, Any]:
        return copy.deepcopy(pool[int(rng.choice(parties, p=skew))])

    north = direction is Direction.NORTHBOUND
    out: list[dict[str, Any]] = []
    for i in range(n):
        scac, carrier_name, ctpat = fleet[int(rng.integers(carriers))]
        fast = ctpat and rng.random() < fast_share / max(ctpat_share, 1e-9)
        trip = f"{scac}{day:%y%m%d}{i:06d}"
        shipments = []
        # A trip's cargo: 2–22 t (a tractor-trailer stays under the 80,000 lb gross limit),
        # shared out among its shipments and their lines.
        n_shipments = int(rng.choice([1, 1, 1, 2, 3]))
        line_counts = [int(rng.choice([1, 1, 2, 3])) for _ in range(n_shipments)]
        shares = iter(rng.dirichlet(np.ones(sum(line_counts))) * float(rng.uniform(2000, 22000)))
        for s in range(n_shipments):
            lines = []
            for _ in range(line_counts[s]):
                code, desc, kg_piece = _pick(rng, COMMODITIES)
                pieces = max(1, round(float(next(shares)) / kg_piece))
                kg = round(pieces * kg_piece * float(rng.uniform(0.95, 1.05)), 1)
                lines.append(
                    {
                        "description": desc,
                        "hs_code": code,
                        "piece_count": pieces,
                        "weight_kg": kg,
                        "origin_country": "MEX" if north else "USA",
                    }
                )
            gross = round(sum(ln["weight_kg"] for ln in lines) * float(rng.uniform(1.01, 1.06)), 1)
            shipper = party(mx_pool if north else us_pool)
            shipment: dict[str, Any] = {
                "shipment_control_number": f"{scac}{trip[-10:]}{s}",
                "shipper": shipper,
                "consignee": party(us_pool if north else mx_pool),
                "foreign_place_of_lading": {
                    "city": shipper["address"]["city"],
                    "region": shipper["address"]["region"],
                    "country": shipper["address"]["country"],
                },
                "piece_count": sum(ln["piece_count"] for ln in lines),
                "weight_kg": gross,
                "lines": lines,
                "pedimento": make_pedimento(rng, year=day.year, aduana=aduana),
            }
            if rng.random() < 0.6:
                shipment["usmca"] = _usmca(rng, shipment, day)
            shipments.append(shipment)
        container = rng.random() < container_share
        seals = [] if rng.random() < missing_seal_share else [_chars(rng, string.digits, 7)]
        equipment: dict[str, Any] = {
            "type": "container" if container else "trailer",
            "number": make_container(rng)
            if container
            else f"{scac}{_chars(rng, string.digits, 5)}",
            "seals": seals,
        }
        if not container:
            equipment["plate"] = {
                "number": _chars(rng, string.ascii_uppercase + string.digits, 7),
                "region": region,
                "country": "USA",
            }
        doc_mx = rng.random() < 0.85
        driver: dict[str, Any] = {
            "family_name": _pick(rng, _FAMILY),
            "given_names": _pick(rng, _GIVEN),
            "date_of_birth": (
                date(1960, 1, 1) + timedelta(days=int(rng.integers(0, 365 * 40)))
            ).isoformat(),
            "nationality": "MEX" if doc_mx else "USA",
            "travel_document": {
                "type": "border_crossing_card" if doc_mx else "passport_card",
                "number": _chars(rng, string.ascii_uppercase + string.digits, 9),
                "issuing_country": "USA",  # border crossing cards and passport cards are U.S. documents
                "expires_on": (day + timedelta(days=int(rng.integers(60, 3650)))).isoformat(),
            },
        }
        if fast:
            driver["fast_card"] = make_passid(rng)
        record: dict[str, Any] = {
            "kind": "truck",
            "port_code": port_code,
            "direction": direction.value,
            "expected_arrival": _arrival(rng, day, tz, COMMERCIAL_PROFILE),
            "idempotency_key": f"{trip}-{int(rng.integers(1 << 30)):x}",
            "scac": scac,
            "trip_number": trip,
            "carrier": {"name": carrier_name, "ctpat": ctpat},
            "conveyance": {
                "vin": make_vin(rng),
                "plate": {
                    "number": _chars(rng, string.ascii_uppercase + string.digits, 7),
                    "region": mx_cities[0][1] if north else region,
                    "country": "MEX" if north else "USA",
                },
            },
            "equipment": [equipment],
            "driver": driver,
            "shipments": shipments,
            # Carta Porte: the Mexican party's RFC; SAT's generic RFC for the foreign one.
            "mexico": {
                "id_ccp": make_id_ccp(rng),
                "rfc_sender": shipments[0]["shipper"]["rfc"] if north else "XEXX010101000",
                "rfc_recipient": "XEXX010101000" if north else shipments[0]["consignee"]["rfc"],
            },
        }
        out.append(record)
    return out


def _usmca(rng: np.random.Generator, shipment: Mapping[str, Any], day: date) -> dict[str, Any]:
    start = date(day.year, 1, 1)
    return {
        "certifier_role": "exporter",
        "certifier": copy.deepcopy(shipment["shipper"]),
        "exporter": copy.deepcopy(shipment["shipper"]),
        "producer_note": "available_upon_request",
        "importer": copy.deepcopy(shipment["consignee"]),
        "goods": [
            {
                "description": ln["description"],
                "hs_code": ln["hs_code"],
                "origin_criterion": str(rng.choice(["A", "B", "B", "C", "D"])),
            }
            for ln in shipment["lines"]
        ],
        "blanket_period": {"start": start.isoformat(), "end": date(day.year, 12, 31).isoformat()},
        "signature": {
            "name": f"{_pick(rng, _GIVEN)} {_pick(rng, _FAMILY)}",
            "title": "GERENTE DE COMERCIO EXTERIOR",
            "signed_on": start.isoformat(),
        },
    }


# Northbound purposes at the San Diego and El Paso ports (modelling assumption, sums to 1).
_PURPOSES = (
    ("citizen_or_resident_returning", 0.46),
    ("work", 0.14),
    ("shopping", 0.11),
    ("family_of_citizens_residents", 0.08),
    ("tourism", 0.07),
    ("visiting_friends", 0.04),
    ("study", 0.03),
    ("medical", 0.03),
    ("lawful_trade", 0.02),
    ("recreation", 0.01),
    ("official_diplomatic", 0.005),
    ("armed_forces_and_families", 0.005),
)


def generate_travelers(
    port_code: str,
    day: date,
    n: int,
    *,
    rng: np.random.Generator,
    direction: Direction | str = Direction.NORTHBOUND,
    sentri_share: float = 0.3,
    pedestrian_share: float = 0.25,
    vaccination_share: float = 0.0,
    minor_share: float = 0.08,
) -> list[dict[str, Any]]:
    """``n`` valid traveler declarations for ``port_code`` on local ``day``, as dicts."""
    direction = Direction(direction)
    port = get_port(port_code)
    tz = ZoneInfo(port.time_zone)
    region = _state_of(port_code)
    mx_region = _MX_CITIES[region][0][1]
    profile = (
        PASSENGER_NORTH_PROFILE if direction is Direction.NORTHBOUND else PASSENGER_SOUTH_PROFILE
    )
    names = [p for p, _ in _PURPOSES]
    weights = np.array([w for _, w in _PURPOSES])
    purposes = rng.choice(len(names), size=n, p=weights / weights.sum())
    out: list[dict[str, Any]] = []
    for i in range(n):
        purpose = names[int(purposes[i])]
        pedestrian = rng.random() < pedestrian_share
        us_citizen = (
            purpose in ("citizen_or_resident_returning", "armed_forces_and_families")
            and rng.random() < 0.75
        )
        if us_citizen:
            nationality, doc_type = (
                "USA",
                str(rng.choice(["passport", "passport_card", "passport_card"])),
            )
            issuer = "USA"
        elif purpose == "citizen_or_resident_returning":
            nationality, doc_type, issuer = "MEX", "permanent_resident_card", "USA"
        else:
            nationality = (
                "MEX" if rng.random() < 0.92 else str(rng.choice(["GTM", "CAN", "HND", "COL"]))
            )
            doc_type = (
                "border_crossing_card"
                if nationality == "MEX" and rng.random() < 0.8
                else "passport"
            )
            issuer = "USA" if doc_type == "border_crossing_card" else nationality
        record: dict[str, Any] = {
            "kind": "traveler",
            "port_code": port_code,
            "direction": direction.value,
            "expected_arrival": _arrival(rng, day, tz, profile),
            "idempotency_key": f"T{day:%y%m%d}{port_code}{i:07d}{int(rng.integers(1 << 20)):05x}",
            "family_name": _pick(rng, _FAMILY),
            "given_names": _pick(rng, _GIVEN),
            "date_of_birth": _birth_date(rng, day, minor=rng.random() < minor_share),
            "nationality": nationality,
            "document": {
                "type": doc_type,
                "number": _chars(rng, string.ascii_uppercase + string.digits, 9),
                "issuing_country": issuer,
                "expires_on": (day + timedelta(days=int(rng.integers(30, 3650)))).isoformat(),
            },
            "purpose": purpose,
        }
        # Drawn from the record's own key, so the traffic's random stream is what it was before.
        trip_rng = np.random.default_rng(zlib.crc32(record["idempotency_key"].encode()))
        record.update(_trip_documents(trip_rng, direction, nationality, doc_type))
        if not pedestrian:
            plate_us = us_citizen or rng.random() < 0.3
            record["vehicle_plate"] = {
                "number": _chars(rng, string.ascii_uppercase + string.digits, 7),
                "region": region if plate_us else mx_region,
                "country": "USA" if plate_us else "MEX",
            }
        if direction is Direction.NORTHBOUND and rng.random() < sentri_share:
            record["trusted_traveler"] = {"program": "sentri", "number": make_passid(rng)}
        if rng.random() < vaccination_share:
            record["vaccination"] = {
                "status": "full",
                "vaccine": str(
                    rng.choice(["pfizer_biontech", "moderna", "astrazeneca", "janssen"])
                ),
                "last_dose_on": (day - timedelta(days=int(rng.integers(30, 400)))).isoformat(),
            }
        out.append(record)
    return out


def _trip_documents(
    rng: np.random.Generator, direction: Direction, nationality: str, doc_type: str
) -> dict[str, Any]:
    """Every document carried and the trip's reach, as the document rules read them: most
    visitors stay near the border for a day or two (an assumption, not a published share);
    passport holders who are not U.S. citizens carry a U.S. visa northbound, an FMM southbound
    when they go past the border zone."""
    others: list[str] = []
    miles = float(rng.choice([3, 8, 15, 20, 40, 120], p=[0.3, 0.3, 0.2, 0.1, 0.06, 0.04]))
    days = int(rng.choice([1, 2, 3, 7, 20], p=[0.55, 0.2, 0.1, 0.1, 0.05]))
    if direction is Direction.NORTHBOUND and doc_type == "passport" and nationality != "USA":
        others.append("us_visa")
    beyond_zone = miles > 25 or days > 30
    bcc_north = direction is Direction.NORTHBOUND and doc_type == "border_crossing_card"
    if bcc_north and beyond_zone and rng.random() < 0.8:
        others.append("i94")  # most who go past the zone get their I-94 first
    if direction is Direction.SOUTHBOUND and nationality != "MEX":
        if doc_type != "passport" and rng.random() < 0.7:
            others.append("passport")  # a passport card alone is not enough to enter Mexico
        if miles > 12 or days > 3:
            others.append("fmm")
    return {"other_documents": others, "destination_distance_miles": miles, "stay_days": days}


def _birth_date(rng: np.random.Generator, day: date, *, minor: bool) -> str:
    # Adults 18–80, minors 3–17 years old on the day of travel.
    years = float(rng.uniform(3, 17.9)) if minor else float(rng.uniform(18, 80))
    return (day - timedelta(days=int(years * 365.25))).isoformat()


def filed_at(
    record: Mapping[str, Any], *, rng: np.random.Generator, late_share: float = 0.04
) -> datetime:
    """A realistic filing time (UTC) for a generated record: usually hours ahead, sometimes late.

    Trucks file 1–12 h ahead (about ``late_share`` of them under an hour); travelers 15 min to 1 day.
    """
    arrival = datetime.fromisoformat(record["expected_arrival"]).astimezone(UTC)
    if record.get("kind") == "truck":
        lead_min = (
            float(rng.uniform(5, 55)) if rng.random() < late_share else float(rng.uniform(65, 720))
        )
    else:
        lead_min = float(rng.uniform(15, 1440))
    return arrival - timedelta(minutes=lead_min)


__all__ = [
    "COMMODITIES",
    "filed_at",
    "generate_travelers",
    "generate_trucks",
    "make_container",
    "make_id_ccp",
    "make_passid",
    "make_pedimento",
    "make_rfc",
    "make_vin",
]


def generate_trips(
    port_codes: Sequence[str],
    start: date,
    end: date,
    per_day: int,
    *,
    rng: np.random.Generator,
    vaccination_share: float = 0.5,
    sentri_share: float = 0.3,
) -> list[Trip]:
    """Generated northbound pre-arrivals (:func:`generate_travelers`) for each port and day.

    A generated trusted-traveler member counts as verified (the card is read at the booth), so
    plans that favour verified members can be analysed on generated traffic."""
    trips = []
    day = start
    while day <= end:
        for code in port_codes:
            for rec in generate_travelers(
                code,
                day,
                per_day,
                rng=rng,
                vaccination_share=vaccination_share,
                sentri_share=sentri_share,
            ):
                trip = trip_from_record(rec)
                declared = trip.traveler.trusted_traveler_declared
                if declared:
                    trip = replace(
                        trip,
                        traveler=trip.traveler.model_copy(update={"trusted_traveler": declared}),
                    )
                trips.append(trip)
        day += timedelta(days=1)
    return trips
