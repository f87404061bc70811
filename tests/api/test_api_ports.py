"""``GET /ports``: the ports registry as public reference data."""

from __future__ import annotations

from fastapi.testclient import TestClient

from smartborder import ports


def test_every_port_with_its_crossings(api: TestClient) -> None:
    r = api.get("/ports")  # public: no token
    assert r.status_code == 200
    body = r.json()
    assert [p["code"] for p in body] == [p.code for p in ports.all_ports()]
    sy = next(p for p in body if p["code"] == "2504")
    assert sy["name"] == "San Ysidro" and sy["time_zone"] == "America/Los_Angeles"
    assert "250401" in {c["bwt_number"] for c in sy["crossings"]}


def test_a_region_and_one_port(api: TestClient) -> None:
    region = api.get("/ports", params={"region": "san-diego-tijuana"}).json()
    assert {p["code"] for p in region} == set(ports.get_region("san-diego-tijuana").port_codes)
    assert api.get("/ports/2304").json()["name"] == "Laredo"


def test_unknown_codes_are_explained(api: TestClient) -> None:
    r = api.get("/ports/9999", headers={"Accept-Language": "es"})
    assert r.status_code == 400 and r.json()["code"] == "ports.unknown_port"
    assert "9999" in r.json()["detail"]
    r = api.get("/ports", params={"region": "mars"})
    assert r.status_code == 400 and r.json()["code"] == "ports.unknown_region"
