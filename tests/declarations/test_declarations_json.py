"""Parsing straight from JSON text: same records and same problems as the dict path."""

from __future__ import annotations

import copy
import json
from datetime import UTC, date, datetime
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smartborder.declarations import (
    DeclarationInvalid,
    parse_declaration,
    parse_declaration_json,
)
from smartborder.demo.synthetic import generate_travelers, generate_trucks

NOW = datetime(2026, 11, 30, tzinfo=UTC)
DAY = date(2026, 12, 1)
RECORDS = generate_trucks("2304", DAY, 5, rng=np.random.default_rng(2)) + generate_travelers(
    "2504", DAY, 5, rng=np.random.default_rng(2)
)


def _problems(fn: Any, arg: Any) -> dict[str, str]:
    with pytest.raises(DeclarationInvalid) as info:
        fn(arg, now=NOW)
    return {p.pointer: p.code for p in info.value.problems}


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: r["kind"])
def test_json_text_gives_the_same_record(record: dict[str, Any]) -> None:
    raw = json.dumps(record)
    assert parse_declaration_json(raw, now=NOW) == parse_declaration(record, now=NOW)
    assert parse_declaration_json(raw.encode(), now=NOW) == parse_declaration(record, now=NOW)


def test_json_text_gives_the_same_problems() -> None:
    bad = copy.deepcopy(RECORDS[0])
    bad["scac"] = "1"
    bad["port_code"] = "0901"
    bad["shipments"][0]["lines"][0]["hs_code"] = "99"
    del bad["driver"]["given_names"]
    expected = _problems(parse_declaration, bad)
    assert _problems(parse_declaration_json, json.dumps(bad)) == expected
    assert "/shipments/0/lines/0/hs_code" in expected and "/scac" in expected


@pytest.mark.parametrize(
    ("raw", "pointer", "code"),
    [
        (b"{not json", "", "declaration.json.malformed"),
        (b"", "", "declaration.json.malformed"),
        (b"[1, 2]", "", "declaration.field.wrong_type"),
        (b'{"kind": "ship"}', "/kind", "declaration.kind.unknown"),
        (b'{"port_code": "2504"}', "/kind", "declaration.kind.unknown"),
    ],
)
def test_malformed_bodies(raw: bytes, pointer: str, code: str) -> None:
    assert _problems(parse_declaration_json, raw) == {pointer: code}


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200) | st.text(max_size=200))
def test_any_bytes_are_accepted_or_reported(raw: bytes | str) -> None:
    try:
        parse_declaration_json(raw, now=NOW)
    except DeclarationInvalid as exc:
        assert exc.problems
