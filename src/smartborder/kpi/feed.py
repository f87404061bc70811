"""SmartBorder's figures in CBP's Border Wait Times schema, so existing apps read them unchanged.

``bwt_ports`` builds one record per crossing with CBP's own element names (``port_number``,
``passenger_vehicle_lanes/NEXUS_SENTRI_lanes/delay_minutes``, the misspelt
``pedestrain_automation_type`` included); :func:`bwt_xml` renders them as ``bwt.xml``
(ISO-8859-1, like CBP's) and :func:`bwt_json` as the JSON API form. Each lane's figure is,
in order: the mean wait SmartBorder measured from crossing events in the last hour, else the
newest BWT reading if it is no older than ``stale_after``, else ``Update Pending`` for a lane
the crossing operates, and ``N/A`` for one it does not.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from smartborder import ports
from smartborder.kpi.queries import KpiEngine

# (group element, mode, automation key in the JSON form, lanes: (element, lane type)).
GROUPS: tuple[tuple[str, str, str, tuple[tuple[str, str], ...]], ...] = (
    ("commercial_vehicle_lanes", "commercial", "cv_automation_type",
     (("standard_lanes", "general"), ("FAST_lanes", "fast"))),
    ("passenger_vehicle_lanes", "passenger_vehicle", "pv_automation_type",
     (("standard_lanes", "general"), ("NEXUS_SENTRI_lanes", "sentri"), ("ready_lanes", "ready"))),
    ("pedestrian_lanes", "pedestrian", "ped_automation_type",
     (("standard_lanes", "general"), ("ready_lanes", "ready"))),
)  # fmt: skip
BORDER_NAMES = {"mexico": "Mexican Border", "canada": "Canadian Border"}
STATUS_NAMES = {"no_delay": "no delay", "delay": "delay", "closed": "Lanes Closed"}
FEED_CLOCK = ZoneInfo("America/New_York")  # CBP stamps last_updated_* in U.S. Eastern time


def format_update_time(when: datetime, zone: tzinfo) -> str:
    """``At 4:00 pm PDT``, ``At Noon MST``, ``At Midnight EDT`` — CBP's wording."""
    local = when.astimezone(zone)
    abbr = local.tzname() or "UTC"
    if local.minute == 0 and local.hour == 12:
        clock = "Noon"
    elif local.minute == 0 and local.hour == 0:
        clock = "Midnight"
    else:
        hour = local.hour % 12 or 12
        clock = f"{hour}:{local.minute:02d} {'pm' if local.hour >= 12 else 'am'}"
    return f"At {clock} {abbr}"


def _lane(
    *, status: str, update_time: str = "", delay: int | None = None, lanes: int | None = None
) -> dict[str, str]:
    return {
        "update_time": update_time,
        "operational_status": status,
        "delay_minutes": "" if delay is None else str(delay),
        "lanes_open": "" if lanes is None else str(lanes),
    }


def bwt_ports(
    kpi: KpiEngine,
    *,
    now: datetime | None = None,
    border: str | None = None,
    stale_after: timedelta = timedelta(hours=3),
    events_window: timedelta = timedelta(hours=1),
    crossings_seen: Mapping[str, Mapping[str, Any]] | None = None,
    lanes_open: Mapping[tuple[str, str, str], int] | None = None,
) -> list[dict[str, Any]]:
    """One record per crossing in CBP's JSON shape (string values), as of ``now`` (aware).

    ``lanes_open`` (crossing, mode, lane type) -> lanes open now, for a node that knows its
    staffing (the demo's twin): used for a measured lane that has no fresh reading, and a
    lane with none open and nothing measured or fresh is published as ``Lanes Closed``."""
    now = now or datetime.now(UTC)
    latest = kpi.latest(border=border, as_of=now).to_pylist()
    measured = kpi.recent_event_waits(since=now - events_window, until=now).to_pylist()
    readings = {(r["crossing"], r["mode"], r["lane_type"]): r for r in latest}
    waits = {(m["crossing"], m["mode"], m["lane_type"]): m for m in measured}
    seen = dict(crossings_seen or {})
    numbers: dict[str, str] = {}
    for c in ports.all_crossings():
        if border in (None, "mexico"):
            numbers[c.bwt_number] = "mexico"
    for r in latest:
        numbers.setdefault(r["crossing"], r["border"])
    out = []
    for number in sorted(numbers):
        out.append(
            _port_record(
                number,
                numbers[number],
                now,
                readings,
                waits,
                seen.get(number),
                stale_after,
                lanes_open or {},
            )
        )
    return out


def _port_record(
    number: str,
    border: str,
    now: datetime,
    readings: Mapping[tuple[str, str, str], Mapping[str, Any]],
    waits: Mapping[tuple[str, str, str], Mapping[str, Any]],
    seen: Mapping[str, Any] | None,
    stale_after: timedelta,
    lanes_open: Mapping[tuple[str, str, str], int],
) -> dict[str, Any]:
    try:
        crossing: ports.Crossing | None = ports.get_crossing(number)
    except ports.UnknownCrossing:
        crossing = None
    if crossing is not None:
        port = ports.get_port(crossing.port_code)
        zone: tzinfo = ZoneInfo(crossing.time_zone)
        port_name = port.name
        crossing_name = str(seen.get("crossing_name", "")) if seen else ""
        if not crossing_name and crossing.name != port.name:
            crossing_name = crossing.name
        hours = crossing.hours or (str(seen.get("hours", "")) if seen else "")
    else:
        zone = UTC  # a crossing outside the registry: its readings are kept in UTC
        port_name = str(seen.get("port_name", "")) if seen else ""
        crossing_name = str(seen.get("crossing_name", "")) if seen else ""
        hours = str(seen.get("hours", "")) if seen else ""
    automation = json.loads(seen["automation"]) if seen and seen.get("automation") else {}
    local_now = now.astimezone(zone)
    rec: dict[str, Any] = {
        "port_number": number,
        "border": BORDER_NAMES.get(border, border),
        "port_name": port_name,
        "crossing_name": crossing_name,
        "hours": hours,
        "date": f"{local_now.month}/{local_now.day}/{local_now.year}",
        "time": f"{local_now.hour}:{local_now.minute:02d}:{local_now.second:02d}",
        "port_status": "Open",
        "construction_notice": str(seen.get("construction_notice", "")) if seen else "",
    }
    feed_modes = {
        "commercial": "commercial",
        "passenger_vehicle": "passenger",
        "pedestrian": "pedestrian",
    }
    for group, mode, auto_key, lanes in GROUPS:
        operated = {lt for (m, lt) in (crossing.lanes if crossing else {}) if m.value == mode}
        max_lanes = crossing.max_lanes(ports.Mode(mode)) if crossing else 0
        block: dict[str, Any] = {
            "maximum_lanes": str(max_lanes) if max_lanes else "N/A",
            auto_key: automation.get(feed_modes[mode], "Manual"),
        }
        for element, lane_type in lanes:
            key = (number, mode, lane_type)
            measured = waits.get(key)
            reading = readings.get(key)
            fresh = (
                reading is not None
                and now - reading["updated_at"].replace(tzinfo=UTC) <= stale_after
            )
            if measured is not None:
                delay = round(float(measured["wait_mean_min"]))
                block[element] = _lane(
                    status="delay" if delay > 0 else "no delay",
                    update_time=format_update_time(measured["last_at"].replace(tzinfo=UTC), zone),
                    delay=delay,
                    lanes=reading["lanes_open"] if fresh and reading else lanes_open.get(key),
                )
            elif fresh and reading is not None:
                if not max_lanes and reading["max_lanes"]:
                    block["maximum_lanes"] = str(reading["max_lanes"])
                status = STATUS_NAMES.get(reading["status"], "Update Pending")
                block[element] = _lane(
                    status=status,
                    update_time=format_update_time(reading["updated_at"].replace(tzinfo=UTC), zone),
                    delay=reading["delay_min"],
                    lanes=reading["lanes_open"],
                )
            elif lanes_open.get(key) == 0:  # the node knows the lane is closed this hour
                block[element] = _lane(
                    status=STATUS_NAMES["closed"],
                    update_time=format_update_time(now, zone),
                    lanes=0,
                )
            elif lane_type in {lt.value for lt in operated} or reading is not None:
                block[element] = _lane(status="Update Pending")
            else:
                block[element] = _lane(status="N/A")
        rec[group] = block
    return rec


def bwt_json(records: Sequence[Mapping[str, Any]]) -> bytes:
    """The JSON form of CBP's API: a list of port objects."""
    return json.dumps(list(records), ensure_ascii=False).encode("utf-8")


def bwt_xml(records: Sequence[Mapping[str, Any]], *, now: datetime | None = None) -> bytes:
    """``bwt.xml`` as CBP serves it: ISO-8859-1, ``border_wait_time`` root, one ``port`` each."""
    now = (now or datetime.now(UTC)).astimezone(FEED_CLOCK)
    root = ET.Element("border_wait_time")
    ET.SubElement(root, "last_updated_date").text = f"{now.year}-{now.month}-{now.day}"
    ET.SubElement(root, "last_updated_time").text = f"{now.hour}:{now.minute}:{now.second}"
    ET.SubElement(root, "number_of_ports").text = str(len(records))
    for rec in records:
        port = ET.SubElement(root, "port")
        for key in (
            "port_number",
            "border",
            "port_name",
            "crossing_name",
            "hours",
            "date",
            "port_status",
        ):
            ET.SubElement(port, key).text = str(rec.get(key, ""))
        for group, _mode, auto_key, _lanes in GROUPS:
            name = group.split("_")[0]
            # CBP's element name is misspelt "pedestrain"; kept so existing readers work.
            tag = (
                "pedestrain_automation_type" if name == "pedestrian" else f"{name}_automation_type"
            )
            ET.SubElement(port, tag).text = str(rec.get(group, {}).get(auto_key, ""))
        for group, _mode, _auto, lanes in GROUPS:
            block = rec.get(group, {})
            g = ET.SubElement(port, group)
            ET.SubElement(g, "maximum_lanes").text = str(block.get("maximum_lanes", "N/A"))
            for element, _lt in lanes:
                lane = block.get(element) or _lane(status="N/A")
                e = ET.SubElement(g, element)
                for field in ("update_time", "operational_status", "delay_minutes", "lanes_open"):
                    ET.SubElement(e, field).text = lane.get(field, "")
        ET.SubElement(port, "construction_notice").text = str(rec.get("construction_notice", ""))
    body = ET.tostring(root, encoding="unicode", short_empty_elements=False)
    return b"<?xml version='1.0' encoding='ISO-8859-1'?>" + body.encode(
        "iso-8859-1", "xmlcharrefreplace"
    )


__all__ = ["bwt_json", "bwt_ports", "bwt_xml", "format_update_time"]
