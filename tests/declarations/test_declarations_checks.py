"""Check digits and official patterns: published examples and properties (hypothesis)."""

from __future__ import annotations

import string

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smartborder.declarations import checks
from smartborder.demo.synthetic import make_container, make_id_ccp, make_rfc, make_vin

VIN_ALPHABET = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"


# --- VIN -------------------------------------------------------------------------------------


def test_published_vin_example_passes() -> None:
    # The worked example of 49 CFR 565 / ISO 3779 explanations: check digit 'X'.
    assert checks.vin_check_digit("1M8GDM9AXKP042788") == "X"
    assert checks.vin_problem("1M8GDM9AXKP042788") is None


def test_vin_with_letters_i_o_q_is_a_format_problem() -> None:
    assert checks.vin_problem("1M8GDM9AXKP04278O") == (
        "declaration.vin.format",
        {"value": "1M8GDM9AXKP04278O"},
    )


@settings(max_examples=300)
@given(st.text(alphabet=VIN_ALPHABET, min_size=17, max_size=17))
def test_vin_valid_exactly_when_position_9_is_the_check_digit(vin: str) -> None:
    fixed = vin[:8] + checks.vin_check_digit(vin) + vin[9:]
    assert checks.vin_problem(fixed) is None
    for wrong in "0123456789X":
        if wrong != fixed[8]:
            bad = fixed[:8] + wrong + fixed[9:]
            problem = checks.vin_problem(bad)
            assert problem is not None and problem[0] == "declaration.vin.check_digit"
            assert problem[1]["expected"] == fixed[8]


@settings(max_examples=200)
@given(st.text(alphabet=VIN_ALPHABET, min_size=0, max_size=25).filter(lambda s: len(s) != 17))
def test_vin_of_wrong_length_is_a_format_problem(vin: str) -> None:
    problem = checks.vin_problem(vin)
    assert problem is not None and problem[0] == "declaration.vin.format"


# --- ISO 6346 --------------------------------------------------------------------------------


def test_published_container_example_passes() -> None:
    # CSQU3054383 is the worked example of ISO 6346 Annex A (check digit 3).
    assert checks.container_check_digit("CSQU305438") == "3"
    assert checks.container_problem("CSQU3054383") is None


@settings(max_examples=300)
@given(
    st.text(alphabet=string.ascii_uppercase, min_size=3, max_size=3),
    st.sampled_from("UJZ"),
    st.text(alphabet=string.digits, min_size=6, max_size=6),
)
def test_container_valid_exactly_with_its_check_digit(owner: str, cat: str, serial: str) -> None:
    base = owner + cat + serial
    digit = checks.container_check_digit(base)
    assert checks.container_problem(base + digit) is None
    for wrong in string.digits:
        if wrong != digit:
            problem = checks.container_problem(base + wrong)
            assert problem is not None and problem[0] == "declaration.container.check_digit"


# --- RFC -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "rfc",
    [
        "EKU9003173C9",  # SAT's CFDI 4.0 test taxpayer (persona moral)
        "XIA190128J61",  # SAT's CFDI 4.0 test taxpayer (persona moral)
        "IIA040805DZ4",  # SAT's CFDI 4.0 test taxpayer (persona moral)
        "CACX7605101P8",  # SAT's CFDI 4.0 test taxpayer (persona física)
        "GODE561231GR8",  # SAT's documentation example (persona física)
        "XAXX010101000",  # generic RFC: público en general
        "XEXX010101000",  # generic RFC: residentes en el extranjero
    ],
)
def test_real_rfcs_pass(rfc: str) -> None:
    assert checks.rfc_problem(rfc) is None


def test_rfc_with_impossible_date_is_reported() -> None:
    body = "ABC990231AB"  # 31 February
    assert checks.rfc_problem(body + checks.rfc_check_digit(body + "0"))[0] == (  # type: ignore[index]
        "declaration.rfc.date"
    )


@settings(max_examples=200)
@given(st.integers(min_value=0, max_value=2**32 - 1), st.booleans())
def test_generated_rfcs_pass_and_a_wrong_check_digit_fails(seed: int, moral: bool) -> None:
    rfc = make_rfc(np.random.default_rng(seed), moral=moral)
    assert len(rfc) == (12 if moral else 13)
    assert checks.rfc_problem(rfc) is None
    for wrong in "0123456789A":
        if wrong != rfc[-1]:
            problem = checks.rfc_problem(rfc[:-1] + wrong)
            assert problem is not None and problem[0] == "declaration.rfc.check_digit"


# --- pedimento -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["26  40  3456  6001234", "26 40 3456 6001234", "264034566001234", "26  24  1234  5999999"],
)
def test_pedimento_forms_accepted_and_normalised(value: str) -> None:
    assert checks.pedimento_problem(value) is None
    assert checks.normalize_pedimento(value) in (
        "26  40  3456  6001234",
        "26  24  1234  5999999",
    )


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("26  40  3456  600123", "declaration.pedimento.format"),  # 14 digits
        ("26  40 3456  6001234", "declaration.pedimento.format"),  # mixed separators
        ("26-40-3456-6001234", "declaration.pedimento.format"),
        ("26  40  3456  3001234", "declaration.pedimento.year_digit"),  # 3 is not 6 or 5
        ("26  00  3456  6001234", "declaration.pedimento.format"),  # no aduana 00
    ],
)
def test_bad_pedimentos_are_reported(value: str, code: str) -> None:
    assert checks.pedimento_problem(value)[0] == code  # type: ignore[index]


@settings(max_examples=200)
@given(
    st.integers(min_value=0, max_value=99),
    st.integers(min_value=1, max_value=99),
    st.integers(min_value=1, max_value=9999),
    st.integers(min_value=0, max_value=999_999),
)
def test_pedimento_property(year: int, aduana: int, patente: int, seq: int) -> None:
    value = f"{year:02d}{aduana:02d}{patente:04d}{year % 10}{seq:06d}"
    assert checks.pedimento_problem(value) is None
    assert (
        checks.normalize_pedimento(value) == f"{value[:2]}  {value[2:4]}  {value[4:8]}  {value[8:]}"
    )


# --- HS, IdCCP --------------------------------------------------------------------------------


@settings(max_examples=300)
@given(st.text(alphabet=string.digits, min_size=6, max_size=6))
def test_hs_chapter_rule(code: str) -> None:
    chapter = int(code[:2])
    problem = checks.hs_problem(code)
    if 1 <= chapter <= 97 and chapter != 77:
        assert problem is None
    else:
        assert problem is not None and problem[0] == "declaration.hs_code.unknown_chapter"


@pytest.mark.parametrize("code", ["8708.99", "87089", "8708999", "87089A"])
def test_hs_structure(code: str) -> None:
    assert checks.hs_problem(code)[0] == "declaration.hs_code.format"  # type: ignore[index]


def test_id_ccp_pattern_from_carta_porte_31() -> None:
    assert checks.IDCCP_RE.match("CCC5e2a1-0f3b-4c1d-9a8e-7b6c5d4e3f2a")
    assert not checks.IDCCP_RE.match("5e2a1f0b-0f3b-4c1d-9a8e-7b6c5d4e3f2a")  # a bare UUID
    assert checks.IDCCP_RE.match(make_id_ccp(np.random.default_rng(0)))


@settings(max_examples=100)
@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_generated_identifiers_are_valid(seed: int) -> None:
    rng = np.random.default_rng(seed)
    assert checks.vin_problem(make_vin(rng)) is None
    assert checks.container_problem(make_container(rng)) is None


def test_country_codes_are_the_249_of_iso_3166() -> None:
    assert len(checks.ALPHA3) == 249  # ISO 3166-1 officially assigned alpha-3 codes
    assert {"USA", "MEX", "CAN", "GTM"} <= checks.ALPHA3 and "XXX" not in checks.ALPHA3
