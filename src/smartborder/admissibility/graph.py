"""The Cedar schema and the port graph as Cedar entities (countries, regions, ports,
crossings), parsed once; a request's own lineage for small batches."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

import cedarpy

from smartborder import ports

COUNTRIES: dict[str, tuple[str, str]] = {
    "USA": ("United States", "Estados Unidos"),
    "MEX": ("Mexico", "México"),
}
# Northbound traffic enters the United States; southbound enters Mexico.
DESTINATION: dict[str, str] = {"northbound": "USA", "southbound": "MEX"}


@cache
def schema_text() -> str:
    return (
        resources.files("smartborder.admissibility")
        .joinpath("schema.cedarschema")
        .read_text(encoding="utf-8")
    )


@cache
def schema() -> Any:
    return cedarpy.Schema.from_str(schema_text())


# --- entities: the port graph is parsed once; travelers are added per call --------------------


def uid(kind: str, ident: str) -> dict[str, str]:
    return {"type": kind, "id": ident}


@cache
def port_graph() -> tuple[Any, dict[str, str], dict[str, str]]:
    """(parsed base entities, port code → region id, crossing number → port code)."""
    entities: list[dict[str, Any]] = [
        {"uid": uid("Country", code), "attrs": {"name_en": en, "name_es": es}, "parents": []}
        for code, (en, es) in COUNTRIES.items()
    ]
    region_of: dict[str, str] = {}
    crossing_port: dict[str, str] = {}
    for region in ports.regions():
        entities.append(
            {
                "uid": uid("Region", region.id),
                "attrs": {"name_en": region.name_en, "name_es": region.name_es},
                "parents": [],
            }
        )
    for port in ports.all_ports():
        region_of[port.code] = port.region
        entities.append(
            {
                "uid": uid("Port", port.code),
                "attrs": {"code": port.code, "name": port.name},
                "parents": [uid("Region", port.region)],
            }
        )
        for crossing in port.crossings:
            crossing_port[crossing.bwt_number] = port.code
            entities.append(
                {
                    "uid": uid("Crossing", crossing.bwt_number),
                    "attrs": {"name": crossing.name},
                    "parents": [uid("Port", port.code), uid("Region", port.region)],
                }
            )
    handle = cedarpy.Entities.from_json_str(json.dumps(entities), schema())
    return handle, region_of, crossing_port


@cache
def lineage() -> dict[str, list[dict[str, Any]]]:
    """Port code or crossing number → its entity and its ancestors (a request's whole graph),
    so a small batch sends Cedar a few entities instead of cloning the port graph."""
    countries = [
        {"uid": uid("Country", code), "attrs": {"name_en": en, "name_es": es}, "parents": []}
        for code, (en, es) in COUNTRIES.items()
    ]
    regions = {
        r.id: {
            "uid": uid("Region", r.id),
            "attrs": {"name_en": r.name_en, "name_es": r.name_es},
            "parents": [],
        }
        for r in ports.regions()
    }
    out: dict[str, list[dict[str, Any]]] = {}
    for port in ports.all_ports():
        port_entity = {
            "uid": uid("Port", port.code),
            "attrs": {"code": port.code, "name": port.name},
            "parents": [uid("Region", port.region)],
        }
        out[port.code] = [port_entity, regions[port.region], *countries]
        for crossing in port.crossings:
            out[crossing.bwt_number] = [
                {
                    "uid": uid("Crossing", crossing.bwt_number),
                    "attrs": {"name": crossing.name},
                    "parents": [uid("Port", port.code), uid("Region", port.region)],
                },
                *out[port.code],
            ]
    return out


def region_of_port(port_code: str) -> str:
    """The region id of a port code (or of a crossing's BWT number); raises ``UnknownPort``."""
    _, region_of, crossing_port = port_graph()
    code = crossing_port.get(port_code, port_code)
    if code not in region_of:
        ports.get_port(code)  # raises the ports domain's UnknownPort with its bilingual message
    return region_of[code]
