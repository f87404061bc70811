"""Check digits and official patterns of the identifiers a declaration carries.

Pure functions over strings, used by the models' validators and by the synthetic generators
(which must produce identifiers these functions accept). Each ``*_problem`` function returns
``None`` when the value is valid, or ``(code, ctx)`` naming what is wrong, so the models can
report it with a stable code and a bilingual message (see :mod:`.messages`).
"""

from __future__ import annotations

import operator
import re
from datetime import date
from functools import lru_cache

# --- VIN: ISO 3779 structure; check digit (position 9) per 49 CFR 565.15 (North America) -----
_VIN_RE = re.compile(r"^[A-HJ-NPR-Z0-9]{17}$")
# 49 CFR 565.15 table I (transliteration) and table II (position weights).
_VIN_VALUE = {
    **{str(d): d for d in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
_VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)


def vin_check_digit(vin: str) -> str:
    """The check digit (``0``–``9`` or ``X``) a 17-character VIN must carry at position 9."""
    total = sum(map(operator.mul, map(_VIN_VALUE.__getitem__, vin), _VIN_WEIGHTS))
    r = total % 11
    return "X" if r == 10 else str(r)


def vin_problem(vin: str) -> tuple[str, dict[str, str]] | None:
    if not _VIN_RE.match(vin):
        return "declaration.vin.format", {"value": vin}
    expected = vin_check_digit(vin)
    if vin[8] != expected:
        return "declaration.vin.check_digit", {"value": vin, "expected": expected}
    return None


# --- ISO 6346 container numbers (owner code, category U/J/Z, serial, check digit) ---------------
_CONTAINER_RE = re.compile(r"^[A-Z]{3}[UJZ][0-9]{7}$")


def _iso6346_letter_values() -> dict[str, int]:
    # Letters count from 10 upwards, skipping multiples of 11 (ISO 6346 Annex A).
    values: dict[str, int] = {}
    n = 10
    for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":
        if n % 11 == 0:
            n += 1
        values[letter] = n
        n += 1
    return values


_ISO6346 = {**_iso6346_letter_values(), **{str(d): d for d in range(10)}}
_POWERS_OF_2 = tuple(1 << i for i in range(10))


def container_check_digit(number: str) -> str:
    """ISO 6346 check digit of the first 10 characters of a container number."""
    total = sum(map(operator.mul, map(_ISO6346.__getitem__, number[:10]), _POWERS_OF_2))
    return str(total % 11 % 10)


def is_container_number(number: str) -> bool:
    """Whether an equipment number has the shape of an ISO 6346 container number."""
    return bool(_CONTAINER_RE.match(number))


def container_problem(number: str) -> tuple[str, dict[str, str]] | None:
    if not _CONTAINER_RE.match(number):
        return "declaration.container.format", {"value": number}
    expected = container_check_digit(number)
    if number[10] != expected:
        return "declaration.container.check_digit", {"value": number, "expected": expected}
    return None


# --- SCAC, shipment control numbers, trip numbers (CBP ACE truck e-Manifest) --------------------
SCAC_RE = re.compile(r"^[A-Z]{2,4}$")
# ACE: the SCN is the SCAC followed by up to 12 alphanumerics, 16 characters at most.
SCN_RE = re.compile(r"^[A-Z]{2,4}[A-Z0-9]{1,12}$")
# ACE: the trip number starts with the carrier's SCAC; up to 25 alphanumerics in all.
TRIP_RE = re.compile(r"^[A-Z]{2,4}[A-Z0-9]{1,21}$")

# --- Mexico: RFC (SAT tdCFDI t_RFC_PM / t_RFC_PF) and its check digit --------------------------
RFC_MORAL_RE = re.compile(
    r"^[A-Z&Ñ]{3}([0-9]{2})(0[1-9]|1[012])(0[1-9]|[12][0-9]|3[01])[A-Z0-9]{2}[0-9A]$"
)
RFC_FISICA_RE = re.compile(
    r"^[A-Z&Ñ]{4}([0-9]{2})(0[1-9]|1[012])(0[1-9]|[12][0-9]|3[01])[A-Z0-9]{2}[0-9A]$"
)
# SAT's generic RFCs (público en general, residentes en el extranjero) carry no valid check digit.
GENERIC_RFCS = frozenset({"XAXX010101000", "XEXX010101000"})
_RFC_ALPHABET = "0123456789ABCDEFGHIJKLMN&OPQRSTUVWXYZ Ñ"
_RFC_VALUE = {c: i for i, c in enumerate(_RFC_ALPHABET)}
_RFC_WEIGHTS = tuple(range(13, 1, -1))


def _rfc_value(c: str) -> int:
    return _RFC_VALUE.get(c, 0)


def rfc_check_digit(rfc: str) -> str:
    """The SAT modulo-11 check digit (last character) of an RFC of 12 or 13 characters.

    A persona moral's 12-character RFC is left-padded with a space to 13 first.
    """
    body = rfc.rjust(13)[:12]
    total = sum(map(operator.mul, map(_rfc_value, body), _RFC_WEIGHTS))
    r = total % 11
    if r == 0:
        return "0"
    return "A" if r == 1 else str(11 - r)


@lru_cache(maxsize=65536)  # trading partners repeat: most RFCs seen in a day are seen again
def rfc_problem(rfc: str) -> tuple[str, dict[str, str]] | None:
    if rfc in GENERIC_RFCS:
        return None
    m = RFC_MORAL_RE.match(rfc) or RFC_FISICA_RE.match(rfc)
    if m is None:
        return "declaration.rfc.format", {"value": rfc}
    yy, mm, dd = (int(g) for g in m.groups())
    try:
        date(2000 + yy, mm, dd)  # the year's century does not change whether Feb 29 exists
    except ValueError:
        return "declaration.rfc.date", {"value": rfc}
    expected = rfc_check_digit(rfc)
    if rfc[-1] != expected:
        return "declaration.rfc.check_digit", {"value": rfc, "expected": expected}
    return None


# --- Mexico: pedimento number ---------------------------------------------------------------------
# Carta Porte 3.1 NumPedimento: "YY  AA  PPPP  DNNNNNN" — 2 digits of the validation year, the
# 2-digit customs house (aduana de despacho), the 4-digit customs broker patent, then 7 digits:
# the last digit of the current year followed by the 6-digit progressive number per aduana.
# Accepted as written there (two spaces), with single spaces, or as 15 digits; stored spaced.
PEDIMENTO_RE = re.compile(r"^[0-9]{2}( {1,2})[0-9]{2}\1[0-9]{4}\1[0-9]{7}$")


def normalize_pedimento(value: str) -> str | None:
    """The official spaced form ``YY  AA  PPPP  NNNNNNN``, or ``None`` if not a pedimento."""
    compact = value.replace(" ", "")
    if len(compact) != 15 or not compact.isdigit():
        return None
    if value != compact and not PEDIMENTO_RE.match(value):
        return None
    return f"{compact[:2]}  {compact[2:4]}  {compact[4:8]}  {compact[8:]}"


def pedimento_problem(value: str) -> tuple[str, dict[str, str]] | None:
    norm = normalize_pedimento(value)
    if norm is None:
        return "declaration.pedimento.format", {"value": value}
    year_digit = int(norm[1])
    seq_digit = int(norm[14])
    # The first digit of the sequence is the last digit of the current year; a consolidated
    # pedimento started the year before (or a rectification's original) keeps that year's digit.
    if seq_digit not in (year_digit, (year_digit - 1) % 10):
        return "declaration.pedimento.year_digit", {"value": value, "expected": str(year_digit)}
    if norm[4:6] == "00" or norm[8:12] == "0000":
        return "declaration.pedimento.format", {"value": value}
    return None


# --- Carta Porte 3.1 IdCCP (CartaPorte31.xsd: "CCC" + an RFC 4122 UUID minus its first 3 chars) --
IDCCP_RE = re.compile(
    r"^CCC[a-fA-F0-9]{5}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{12}$"
)

# --- HS codes: 6 digits, chapters 01–97 with 77 reserved for future use ---------------------------
HS_RE = re.compile(r"^[0-9]{6}$")


def hs_problem(code: str) -> tuple[str, dict[str, str]] | None:
    if not HS_RE.match(code):
        return "declaration.hs_code.format", {"value": code}
    chapter = int(code[:2])
    if chapter < 1 or chapter > 97 or chapter == 77:
        return "declaration.hs_code.unknown_chapter", {"value": code, "chapter": code[:2]}
    return None


# --- Trusted traveler PASSID: 9 digits on SENTRI, NEXUS, Global Entry and FAST cards -----------
PASSID_RE = re.compile(r"^[0-9]{9}$")

# --- ISO 3166-1 alpha-3 (the codes ICAO Doc 9303 and SAT's c_Pais use); listed from ISO 3166 ----
ALPHA3 = frozenset(
    """
    ABW AFG AGO AIA ALA ALB AND ARE ARG ARM ASM ATA ATF ATG AUS AUT AZE BDI BEL BEN BES BFA BGD
    BGR BHR BHS BIH BLM BLR BLZ BMU BOL BRA BRB BRN BTN BVT BWA CAF CAN CCK CHE CHL CHN CIV CMR
    COD COG COK COL COM CPV CRI CUB CUW CXR CYM CYP CZE DEU DJI DMA DNK DOM DZA ECU EGY ERI ESH
    ESP EST ETH FIN FJI FLK FRA FRO FSM GAB GBR GEO GGY GHA GIB GIN GLP GMB GNB GNQ GRC GRD GRL
    GTM GUF GUM GUY HKG HMD HND HRV HTI HUN IDN IMN IND IOT IRL IRN IRQ ISL ISR ITA JAM JEY JOR
    JPN KAZ KEN KGZ KHM KIR KNA KOR KWT LAO LBN LBR LBY LCA LIE LKA LSO LTU LUX LVA MAC MAF MAR
    MCO MDA MDG MDV MEX MHL MKD MLI MLT MMR MNE MNG MNP MOZ MRT MSR MTQ MUS MWI MYS MYT NAM NCL
    NER NFK NGA NIC NIU NLD NOR NPL NRU NZL OMN PAK PAN PCN PER PHL PLW PNG POL PRI PRK PRT PRY
    PSE PYF QAT REU ROU RUS RWA SAU SDN SEN SGP SGS SHN SJM SLB SLE SLV SMR SOM SPM SRB SSD STP
    SUR SVK SVN SWE SWZ SXM SYC SYR TCA TCD TGO THA TJK TKL TKM TLS TON TTO TUN TUR TUV TWN TZA
    UGA UKR UMI URY USA UZB VAT VCT VEN VGB VIR VNM VUT WLF WSM YEM ZAF ZMB ZWE
    """.split()  # noqa: SIM905 - 249 codes read better as a block of text
)
