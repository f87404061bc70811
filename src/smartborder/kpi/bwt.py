"""Parse CBP's Border Wait Times feed: ``bwt.xml`` as served, the JSON API form, and archives.

The feed (https://bwt.cbp.gov/xml/bwt.xml, ISO-8859-1) lists every U.S. land port crossing on
both borders with, per mode (commercial, passenger, pedestrian) and lane type (standard, FAST,
NEXUS/SENTRI, Ready), an ``update_time`` such as ``At 10:00 pm EDT``, a status, the delay in
minutes and the lanes open. What the real feed does, and what this parser does about it:

* ``N/A``, ``Lanes Closed``, ``Update Pending`` and empty fields: a lane without an
  ``update_time`` is not a reading; it is counted by status in :attr:`BwtSnapshot.statuses`.
* ``update_time`` is local wall-clock time: it is placed in the port's IANA zone (from
  :mod:`smartborder.ports` when the crossing is known there, else from the abbreviation the feed
  prints), on the port's ``<date>``, and moved back a day when that would put it after the
  snapshot itself (a reading from 11 pm seen just after midnight).
* the element ``pedestrain_automation_type`` is misspelt by CBP; both spellings are read.
* a truncated document keeps every complete ``<port>`` before the break; a document whose bytes
  do not match its declared encoding is re-read as ISO-8859-1; unknown ports (a malformed port
  number or border) are skipped. Each of these is listed in :attr:`BwtSnapshot.problems`.
"""

from __future__ import annotations

import gzip
import json
import re
import xml.etree.ElementTree as ET
import zlib
from collections import Counter
from collections.abc import Mapping
from datetime import date, datetime, tzinfo
from typing import Any

from smartborder.kpi._bwt_model import (
    _EXCLUDED,
    _PORT_NUMBER_RE,
    BORDERS,
    FEED_CLOCK,
    LANE_ELEMENTS,
    MODE_GROUPS,
    PLATFORM_LANE,
    PLATFORM_MODE,
    STATUSES,
    BwtPort,
    BwtProblem,
    BwtReading,
    BwtSnapshot,
    ZoneLookup,
    _feed_time,
    _int_or_none,
    _local_stamp,
    _parse_us_date,
    default_zone_lookup,
    parse_update_time,
)


def _element_to_dict(elem: ET.Element) -> dict[str, Any]:
    """A ``<port>`` as nested dicts (port -> lane group -> lane -> field); flat loops because
    this runs for every port of every snapshot."""
    out: dict[str, Any] = {}
    for child in elem:
        if len(child) == 0:
            out[child.tag] = child.text or ""
            continue
        group: dict[str, Any] = {}
        for sub in child:
            if len(sub) == 0:
                group[sub.tag] = sub.text or ""
            else:
                group[sub.tag] = {f.tag: f.text or "" for f in sub}
        out[child.tag] = group
    return out


class _Builder:
    """Turns port records (dicts of the feed's element names) into readings and problems."""

    def __init__(self, snap: BwtSnapshot, zone_for: ZoneLookup) -> None:
        self.snap = snap
        self.zone_for = zone_for
        # Most lanes of a snapshot share a handful of update times: parse each once.
        self._times: dict[tuple[str, date, tzinfo | None, datetime | None], datetime] = {}

    def problem(
        self, reason: str, detail: str, *, line: int | None = None, port: str | None = None
    ) -> None:
        self.snap.problems.append(BwtProblem(self.snap.source, reason, detail, line, port))

    def add_port(self, rec: Mapping[str, Any], *, line: int | None = None) -> None:
        snap = self.snap
        number = str(rec.get("port_number") or "").strip()
        border = BORDERS.get(str(rec.get("border") or "").strip())
        if border is None:
            self.problem(
                "unknown_port",
                f"border {rec.get('border')!r} is neither Mexican nor Canadian",
                line=line,
                port=number or None,
            )
            return
        zone = self.zone_for(number)
        if border == "mexico" and zone is None:
            # Every U.S.-Mexico crossing is in smartborder.ports; the rest are CBP's duplicate
            # or placeholder listings (named there) or numbers nobody knows.
            why = _EXCLUDED.get(number)
            reason, detail = (
                ("excluded_listing", why)
                if why
                else (
                    "unknown_port",
                    f"{number!r} is not a U.S.-Mexico crossing in smartborder.ports",
                )
            )
            self.problem(reason, detail, line=line, port=number or None)
            return
        if zone is None and not _PORT_NUMBER_RE.match(number):
            self.problem(
                "unknown_port",
                f"port number {number!r} is not a 6-digit CBP crossing number",
                line=line,
                port=number or None,
            )
            return
        local_date = _parse_us_date(str(rec.get("date") or ""))
        anchor = snap.taken_at
        if rec.get("time") and local_date is not None:  # the JSON form stamps each port
            anchor = _local_stamp(local_date, str(rec["time"]), zone) or anchor
        if local_date is None:
            if anchor is None:
                self.problem(
                    "bad_date",
                    f"no usable <date> ({rec.get('date')!r}) and no snapshot time",
                    line=line,
                    port=number,
                )
                return
            local_date = anchor.astimezone(zone or FEED_CLOCK).date()
        automation = {
            "commercial": str(rec.get("commercial_automation_type") or ""),
            "passenger": str(rec.get("passenger_automation_type") or ""),
            # CBP's feed spells it "pedestrain"; accept the correct spelling as well.
            "pedestrian": str(
                rec.get("pedestrain_automation_type") or rec.get("pedestrian_automation_type") or ""
            ),
        }
        port = BwtPort(
            port_number=number,
            border=border,
            port_name=str(rec.get("port_name") or "").strip(),
            crossing_name=str(rec.get("crossing_name") or "").strip(),
            hours=str(rec.get("hours") or "").strip(),
            port_status=str(rec.get("port_status") or "").strip(),
            construction_notice=str(rec.get("construction_notice") or "").strip(),
            automation=automation,
            max_lanes={},
            lane_status={},
        )
        for group, mode in MODE_GROUPS.items():
            lanes = rec.get(group)
            if not isinstance(lanes, dict):
                continue
            for key in ("cv_automation_type", "pv_automation_type", "ped_automation_type"):
                if lanes.get(key) and not automation[mode]:
                    automation[mode] = str(lanes[key])
            try:
                max_lanes = _int_or_none(lanes.get("maximum_lanes"))
            except ValueError:
                self.problem(
                    "bad_number",
                    f"{group}/maximum_lanes {lanes.get('maximum_lanes')!r}",
                    line=line,
                    port=number,
                )
                max_lanes = None
            port.max_lanes[mode] = max_lanes
            for element, lane_type in LANE_ELEMENTS.items():
                lane = lanes.get(element)
                if not isinstance(lane, dict):
                    continue
                self._add_lane(
                    port, mode, lane_type, lane, local_date, zone, anchor, max_lanes, line
                )
        snap.ports.append(port)

    def _add_lane(
        self,
        port: BwtPort,
        mode: str,
        lane_type: str,
        lane: Mapping[str, Any],
        local_date: date,
        zone: tzinfo | None,
        anchor: datetime | None,
        max_lanes: int | None,
        line: int | None,
    ) -> None:
        raw_status = str(lane.get("operational_status") or "").strip()
        status = STATUSES.get(raw_status.lower(), "other")
        port.lane_status[f"{mode}/{lane_type}"] = status
        when = str(lane.get("update_time") or "").strip()
        if not when or when.upper() == "N/A":  # the real feed also writes N/A here
            self.snap.statuses[status] += 1
            return
        where = f"{mode}/{lane_type}"
        key = (when, local_date, zone, anchor)
        updated_at = self._times.get(key)
        if updated_at is None:
            try:
                updated_at = parse_update_time(
                    when, local_date=local_date, zone=zone, not_after=anchor
                )
            except ValueError as exc:
                self.problem("bad_time", f"{where}: {exc}", line=line, port=port.port_number)
                return
            self._times[key] = updated_at
        try:
            delay = _int_or_none(lane.get("delay_minutes"))
            lanes_open = _int_or_none(lane.get("lanes_open"))
        except ValueError as exc:
            self.problem("bad_number", f"{where}: {exc}", line=line, port=port.port_number)
            return
        self.snap.readings.append(
            BwtReading(
                port.port_number,
                port.border,
                mode,
                lane_type,
                updated_at,
                status,
                delay,
                lanes_open,
                max_lanes,
            )  # fmt: skip
        )


def _gunzip(data: bytes, snap: BwtSnapshot) -> bytes:
    try:
        return gzip.decompress(data)
    except (OSError, EOFError, zlib.error) as exc:
        # A truncated gzip still yields its first part; keep what decompresses.
        d = zlib.decompressobj(wbits=31)
        try:
            part = d.decompress(data)
        except zlib.error:
            part = b""
        snap.problems.append(BwtProblem(snap.source, "truncated", f"gzip stream: {exc}"))
        snap.complete = False
        return part


def parse_bwt(
    data: bytes,
    *,
    source: str,
    zone_for: ZoneLookup | None = None,
) -> BwtSnapshot:
    """Parse one feed document (XML or JSON, optionally gzipped) into a :class:`BwtSnapshot`.

    Never raises for bad content: what cannot be read is listed in ``problems`` and every
    complete port before it is kept.
    """
    zone_for = zone_for or default_zone_lookup()
    snap = BwtSnapshot(source=source, taken_at=None)
    if data[:2] == b"\x1f\x8b":
        data = _gunzip(data, snap)
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head[:1] in (b"[", b"{"):
        _parse_json(data, snap, _Builder(snap, zone_for))
    else:
        _parse_xml(data, snap, _Builder(snap, zone_for))
    return snap


def _parse_json(data: bytes, snap: BwtSnapshot, builder: _Builder) -> None:
    try:
        doc = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        builder.problem("encoding", "not UTF-8; read as ISO-8859-1")
        try:
            doc = json.loads(data.decode("latin-1"))
        except json.JSONDecodeError as exc:
            builder.problem("malformed", f"JSON: {exc}", line=exc.lineno)
            snap.complete = False
            return
    except json.JSONDecodeError as exc:
        builder.problem("malformed", f"JSON: {exc}", line=exc.lineno)
        snap.complete = False
        return
    ports = doc.get("port") or doc.get("ports") if isinstance(doc, dict) else doc
    if not isinstance(ports, list):
        builder.problem("unsupported_format", "JSON is neither a list of ports nor {'port': [...]}")
        snap.supported = False
        return
    for i, rec in enumerate(ports):
        if isinstance(rec, Mapping):
            builder.add_port(rec, line=None)
        else:
            builder.problem("malformed", f"item {i} is not an object")


def _parse_xml(data: bytes, snap: BwtSnapshot, builder: _Builder) -> None:
    try:
        root = ET.fromstring(data)
    except ET.ParseError:
        root = None
    if root is not None:  # the common case: a whole document, parsed in one C call
        _walk_root(root, snap, builder)
        return
    before = (len(snap.ports), len(snap.readings), len(snap.problems), Counter(snap.statuses))
    error = _pull_ports(data, snap, builder)
    if error is None:
        return
    msg, line = error
    if "invalid token" in msg and _not_utf8_but_declared(data):
        # Bytes that are not what the declaration says (Latin-1 sent as UTF-8): re-read the
        # whole document as ISO-8859-1 and keep that reading when it gets further, even when
        # ports before the first such byte had been read already.
        fixed = re.sub(rb"^<\?xml[^>]*\?>", b"", data.lstrip(), count=1)
        trial = BwtSnapshot(source=snap.source, taken_at=snap.taken_at)
        trial_error = _pull_ports(
            b"<?xml version='1.0' encoding='ISO-8859-1'?>" + fixed,
            trial,
            _Builder(trial, builder.zone_for),
        )
        if trial.supported and len(trial.ports) > len(snap.ports) - before[0]:
            del snap.ports[before[0] :], snap.readings[before[1] :], snap.problems[before[2] :]
            snap.statuses = before[3]
            builder.problem(
                "encoding",
                f"bytes do not match the declared encoding ({msg}); read as ISO-8859-1",
                line=line,
            )
            snap.ports.extend(trial.ports)
            snap.readings.extend(trial.readings)
            snap.problems.extend(trial.problems)
            snap.statuses.update(trial.statuses)
            snap.taken_at = trial.taken_at or snap.taken_at
            if trial_error is None:
                return
            msg, line = trial_error
    reason = "truncated" if "no element found" in msg or "unclosed token" in msg else "malformed"
    builder.problem(
        reason, f"XML: {msg}; kept the {len(snap.ports)} complete ports before it", line=line
    )
    snap.complete = False


def _walk_root(root: ET.Element, snap: BwtSnapshot, builder: _Builder) -> None:
    if root.tag != "border_wait_time":
        what = (
            "an RSS per-port feed, not bwt.xml"
            if root.tag == "rss"
            else "an HTML page (a server error page?), not bwt.xml"
            if root.tag.lower() == "html"
            else f"root element <{root.tag}>, not <border_wait_time>"
        )
        builder.problem("unsupported_format", f"{what}; nothing imported from it")
        snap.supported = False
        return
    snap.taken_at = _feed_time(
        root.findtext("last_updated_date"), root.findtext("last_updated_time")
    )
    for port in root.iterfind("port"):
        builder.add_port(_element_to_dict(port))


def _not_utf8_but_declared(data: bytes) -> bool:
    m = re.match(rb"^\s*<\?xml[^>]*encoding=['\"]([A-Za-z0-9_-]+)['\"]", data)
    declared = (m.group(1).decode().lower() if m else "utf-8").replace("_", "-")
    if declared not in ("utf-8", "utf8"):
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def _pull_ports(data: bytes, snap: BwtSnapshot, builder: _Builder) -> tuple[str, int | None] | None:
    """Stream ``data``; hand each complete ``<port>`` to ``builder``. Return the parse error."""
    parser: ET.XMLPullParser[ET.Element] = ET.XMLPullParser(events=("start", "end"))
    depth = 0
    root_seen = False
    header: dict[str, str] = {}
    err: tuple[str, int | None] | None = None
    parser.feed(data)
    try:
        parser.close()
    except ET.ParseError as exc:
        err = (str(exc), exc.position[0] if exc.position else None)
    events: list[tuple[str, ET.Element]] = []
    stream = parser.read_events()
    while True:
        try:
            events.append(next(stream))  # type: ignore[arg-type]
        except StopIteration:
            break
        except ET.ParseError as exc:  # the first error ends the document
            err = (str(exc), exc.position[0] if exc.position else None)
            break
    for kind, elem in events:
        if kind == "start":
            depth += 1
            if depth == 1:
                root_seen = True
                if elem.tag == "rss":
                    builder.problem(
                        "unsupported_format",
                        "an RSS per-port feed, not bwt.xml; nothing imported from it",
                    )
                    snap.supported = False
                    return None
                if elem.tag != "border_wait_time":
                    what = (
                        "an HTML page (a server error page?), not bwt.xml"
                        if elem.tag.lower() == "html"
                        else f"root element <{elem.tag}> is not <border_wait_time>"
                    )
                    builder.problem("unsupported_format", what)
                    snap.supported = False
                    return None
            continue
        depth -= 1
        if depth == 1 and elem.tag in ("last_updated_date", "last_updated_time"):
            header[elem.tag] = elem.text or ""
            if len(header) == 2:
                snap.taken_at = _feed_time(header["last_updated_date"], header["last_updated_time"])
        elif depth == 1 and elem.tag == "port":
            builder.add_port(_element_to_dict(elem))
            elem.clear()
    if err is not None and not root_seen and "no element found" in err[0] and not data.strip():
        return ("empty document", None)
    return err


__all__ = [
    "PLATFORM_LANE",
    "PLATFORM_MODE",
    "BwtPort",
    "BwtProblem",
    "BwtReading",
    "BwtSnapshot",
    "ZoneLookup",
    "default_zone_lookup",
    "parse_bwt",
    "parse_update_time",
]
