"""The OpenAPI document tells the truth: problem answers, security, schemas and examples."""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from conftest import ClientFor
from smartborder.api.limits import MAX_OFFSET
from smartborder.api.openapi import PROBLEM_REF
from smartborder.api.problems import PROBLEM_JSON

METHODS = {"get", "put", "post", "delete", "patch"}


def operations(doc: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, op)
        for path, item in doc["paths"].items()
        for method, op in item.items()
        if method in METHODS
    ]


def test_every_error_answer_is_a_problem(api: TestClient) -> None:
    doc = api.get("/openapi.json").json()
    for method, path, op in operations(doc):
        for status, answer in op["responses"].items():
            if status[0] in "45":
                content = answer["content"]
                assert content == {PROBLEM_JSON: {"schema": {"$ref": PROBLEM_REF}}}, (
                    method,
                    path,
                    status,
                )
    assert "HTTPValidationError" not in doc["components"]["schemas"]
    assert doc["components"]["schemas"]["Problem"]["additionalProperties"] is True


def test_codes_follow_from_the_route(api: TestClient) -> None:
    doc = api.get("/openapi.json").json()
    by_op = {(m, p): op for m, p, op in operations(doc)}
    truck = by_op["POST", "/declarations/trucks"]["responses"]
    assert {"400", "401", "403", "409", "413", "422", "503"} <= truck.keys()
    assert "404" not in truck  # no path parameter, no lookup
    assert set(by_op["GET", "/healthz"]["responses"]) == {"200", "503"}
    ports = by_op["GET", "/ports/{code}"]
    assert {"404", "429"} <= ports["responses"].keys() and "401" not in ports["responses"]
    assert "security" not in ports
    assert by_op["GET", "/decisions"]["security"] == [{"bearerAuth": []}]
    assert "Retry-After" in ports["responses"]["429"]["headers"]
    for method, path, op in operations(doc):
        if op.get("security") == [{"bearerAuth": []}]:
            assert {"401", "403"} <= op["responses"].keys(), (method, path)


def test_every_reference_resolves_inside_the_document(api: TestClient) -> None:
    doc = api.get("/openapi.json").json()
    text = json.dumps(doc)
    schemas = doc["components"]["schemas"]
    refs = {part.split('"')[0] for part in text.split('"$ref": "')[1:]}
    assert refs, "the document references its schemas"
    for ref in refs:
        assert ref.startswith("#/components/schemas/"), ref
        assert ref.rsplit("/", 1)[1] in schemas, ref
    assert "$defs" not in text


def test_every_request_body_has_an_example(api: TestClient) -> None:
    doc = api.get("/openapi.json").json()
    for method, path, op in operations(doc):
        for media, body in op.get("requestBody", {}).get("content", {}).items():
            if media.endswith("json") or media.endswith("form-urlencoded"):
                assert body.get("examples"), (method, path, media)


def _example(doc: dict[str, Any], method: str, path: str) -> Any:
    content = doc["paths"][path][method.lower()]["requestBody"]["content"]
    return next(iter(content["application/json"]["examples"].values()))["value"]


def test_a_carrier_submits_the_examples_copied_from_the_docs(
    api: TestClient, client_for: ClientFor
) -> None:
    doc = api.get("/openapi.json").json()
    carrier = client_for("carrier")
    truck = carrier.post("/declarations/trucks", json=_example(doc, "POST", "/declarations/trucks"))
    assert truck.status_code == 201, truck.text
    person = _example(doc, "POST", "/declarations/travelers")
    traveler = carrier.post("/declarations/travelers", json=person)
    assert traveler.status_code == 201, traveler.text


def test_decisions_offset_past_64_bits_is_a_422_problem(client_for: ClientFor) -> None:
    cbp = client_for("cbp")
    resp = cbp.get("/decisions", params={"offset": str(2**63)})
    assert resp.status_code == 422
    assert resp.headers["content-type"] == PROBLEM_JSON
    assert resp.json()["errors"][0]["pointer"] == "/offset"
    assert cbp.get("/decisions", params={"offset": MAX_OFFSET}).json() == []


def test_the_document_is_rebuilt_for_a_new_day(app: FastAPI, monkeypatch: Any) -> None:
    from datetime import date

    from smartborder.api import openapi_examples

    first = app.openapi()
    monkeypatch.setattr(openapi_examples, "tomorrow", lambda: date(2031, 1, 2))
    later = app.openapi()
    assert later is not first
    arrival = _example(later, "POST", "/declarations/trucks")["expected_arrival"]
    assert arrival.startswith("2031-01-02")
