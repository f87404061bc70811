"""Builders of small BWT feed documents and crossing events for the KPI tests."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

LANE_GROUPS = {
    "commercial_vehicle_lanes": ("standard_lanes", "FAST_lanes"),
    "passenger_vehicle_lanes": ("standard_lanes", "NEXUS_SENTRI_lanes", "ready_lanes"),
    "pedestrian_lanes": ("standard_lanes", "ready_lanes"),
}


def lane(update_time: str = "", status: str = "N/A", delay: str = "", lanes: str = "") -> str:
    return (
        f"<update_time>{update_time}</update_time><operational_status>{status}</operational_status>"
        f"<delay_minutes>{delay}</delay_minutes><lanes_open>{lanes}</lanes_open>"
    )


def port_xml(
    number: str = "250401",
    *,
    border: str = "Mexican Border",
    name: str = "San Ysidro",
    crossing: str = "",
    date: str = "7/1/2025",
    lanes: dict[tuple[str, str], str] | None = None,
    max_lanes: dict[str, str] | None = None,
    misspelt: bool = True,
) -> str:
    """One ``<port>``; ``lanes`` maps (group, lane element) to the inner XML of :func:`lane`."""
    lanes = lanes or {}
    ped_tag = "pedestrain_automation_type" if misspelt else "pedestrian_automation_type"
    parts = [
        f"<port><port_number>{number}</port_number><border>{border}</border>",
        f"<port_name>{name}</port_name><crossing_name>{crossing}</crossing_name>",
        f"<hours>24 hrs/day</hours><date>{date}</date><port_status>Open</port_status>",
        "<commercial_automation_type>Manual</commercial_automation_type>",
        "<passenger_automation_type>Manual</passenger_automation_type>",
        f"<{ped_tag}>Manual</{ped_tag}>",
    ]
    for group, elements in LANE_GROUPS.items():
        parts.append(
            f"<{group}><maximum_lanes>{(max_lanes or {}).get(group, '10')}</maximum_lanes>"
        )
        for el in elements:
            parts.append(f"<{el}>{lanes.get((group, el), lane())}</{el}>")
        parts.append(f"</{group}>")
    parts.append("<construction_notice></construction_notice></port>")
    return "".join(parts)


def feed_xml(
    ports: list[str], *, updated: str = "2025-7-1", at: str = "20:5:0", encoding: str = "ISO-8859-1"
) -> bytes:
    head = f"<?xml version='1.0' encoding='{encoding}'?><border_wait_time>"
    head += f"<last_updated_date>{updated}</last_updated_date><last_updated_time>{at}</last_updated_time>"
    head += f"<number_of_ports>{len(ports)}</number_of_ports>"
    text = head + "".join(ports) + "</border_wait_time>"
    return text.encode("latin-1" if encoding.upper() == "ISO-8859-1" else "utf-8")


def otay_commercial(update_time: str, delay: str, lanes_open: str, status: str = "delay") -> str:
    """Otay Mesa (its passenger crossing number) with one commercial standard-lane reading."""
    return port_xml(
        "250601",
        name="Otay Mesa",
        lanes={
            ("commercial_vehicle_lanes", "standard_lanes"): lane(
                update_time, status, delay, lanes_open
            )
        },
    )


def sy_passenger(update_time: str, delay: int, lanes_open: int = 5, date: str = "7/1/2025") -> str:
    """San Ysidro with one passenger standard-lane reading."""
    return port_xml(
        "250401",
        date=date,
        lanes={
            ("passenger_vehicle_lanes", "standard_lanes"): lane(
                update_time, "delay" if delay else "no delay", str(delay), str(lanes_open)
            )
        },
    )


def event(
    event_id: str,
    kind: str,
    at: datetime,
    *,
    subject: str | None = None,
    port_code: str = "2504",
    crossing: str | None = "250401",
    mode: str = "passenger_vehicle",
    lane_type: str = "general",
    traveler_class: str = "general",
    precleared: bool = False,
) -> dict[str, Any]:
    return {
        "event_id": event_id,
        "kind": kind,
        "occurred_at": at.isoformat(),
        "port_code": port_code,
        "crossing": crossing,
        "mode": mode,
        "lane_type": lane_type,
        "traveler_class": traveler_class,
        "precleared": precleared,
        "subject_ref": subject,
    }


def crossing_story(
    n: int,
    start: datetime,
    wait_min: float,
    *,
    prefix: str = "v",
    referred_every: int = 0,
    **kw: Any,
) -> list[dict[str, Any]]:
    """``n`` vehicles, one a minute, each waiting ``wait_min`` then released (or referred)."""
    out = []
    for i in range(n):
        sid = f"{prefix}{i}"
        t0 = start + timedelta(minutes=i)
        t1 = t0 + timedelta(minutes=wait_min)
        out.append(event(f"{sid}-q", "queue_joined", t0, subject=sid, **kw))
        out.append(event(f"{sid}-p", "primary_reached", t1, subject=sid, **kw))
        if referred_every and i % referred_every == 0:
            out.append(
                event(
                    f"{sid}-r", "referred_secondary", t1 + timedelta(minutes=1), subject=sid, **kw
                )
            )
            out.append(
                event(f"{sid}-s", "secondary_left", t1 + timedelta(minutes=11), subject=sid, **kw)
            )
        else:
            out.append(event(f"{sid}-x", "released", t1 + timedelta(minutes=1), subject=sid, **kw))
    return out
