"""Import BTS counts and BWT feed archives into the store, resumably, reporting what was skipped.

``import_bwt`` walks files, folders and tars of ``.xml``/``.xml.gz``/``.json`` snapshots in name
order, skips snapshots whose content digest is already recorded (so an interrupted import
resumes where it stopped), and writes readings, crossings and snapshot records in one
transaction per batch of snapshots. ``import_bts`` writes a whole file in one transaction.
"""

from __future__ import annotations

import hashlib
import json
import tarfile
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session, sessionmaker

from smartborder.i18n import Text
from smartborder.kpi.bts import parse_bts
from smartborder.kpi.bwt import (
    PLATFORM_LANE,
    PLATFORM_MODE,
    BwtSnapshot,
    ZoneLookup,
    default_zone_lookup,
    parse_bwt,
)
from smartborder.kpi.errors import ImportSourceInvalid
from smartborder.store import kpi as kpi_store
from smartborder.store import transaction

SNAPSHOT_SUFFIXES = (".xml", ".xml.gz", ".json", ".json.gz")
MAX_PER_REASON = 20  # skips listed one by one per reason; beyond that only counted


class SkippedItem(BaseModel):
    """One thing an import skipped: where (file, line, snapshot, port) and why."""

    source: str
    reason: str
    detail: str
    line: int | None = None
    port: str | None = None


class ImportReport(BaseModel):
    """What an import did: counts, skips by reason, and the first skips in detail."""

    kind: str = Field(description="bts or bwt")
    sources: list[str]
    snapshots_seen: int = Field(
        0,
        description="Snapshots found: imported + already_imported + unsupported + unreadable.",
    )
    snapshots_imported: int = Field(
        0, description="Feed documents read in this run (readings, crossings or at least a time)."
    )
    snapshots_already_imported: int = Field(
        0,
        description="The same bytes were handled by an earlier run (or earlier in this one), "
        "whatever came of them; skipped.",
    )
    snapshots_unsupported: int = Field(
        0, description="Readable documents that are not the feed (RSS, HTML, other JSON)."
    )
    snapshots_unreadable: int = Field(
        0, description="Nothing readable: empty, not XML or JSON, or the file could not be read."
    )
    snapshots_incomplete: int = Field(
        0,
        description="Of the imported, those cut short (the complete ports before the break kept).",
    )
    rows_read: int = 0
    rows_imported: int = 0
    rows_duplicate: int = 0
    lanes_without_reading: dict[str, int] = Field(default_factory=dict)
    skipped_by_reason: dict[str, int] = Field(default_factory=dict)
    skipped: list[SkippedItem] = Field(
        default_factory=list, description=f"The first {MAX_PER_REASON} skips of each reason."
    )
    layout: str | None = None
    seconds: float = 0.0

    def add_skip(self, item: SkippedItem) -> None:
        seen = self.skipped_by_reason.get(item.reason, 0) + 1
        self.skipped_by_reason[item.reason] = seen
        if seen <= MAX_PER_REASON:  # a flood of one reason never hides the others
            self.skipped.append(item)


@dataclass(slots=True)
class SnapshotSource:
    """A snapshot's bytes and where they came from (``tar!member`` for archive members)."""

    name: str
    data: bytes | None
    error: str | None = None


def iter_snapshot_sources(paths: Sequence[Path | str]) -> Iterator[SnapshotSource]:
    """Every snapshot under ``paths`` (files, folders, tars), each group in name order."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if child.name.endswith(SNAPSHOT_SUFFIXES):
                    yield _read_file(child)
                elif _is_tar(child):
                    yield from _iter_tar(child)
        elif path.is_file() and _is_tar(path):
            yield from _iter_tar(path)
        elif path.is_file():
            yield _read_file(path)
        else:
            raise ImportSourceInvalid(
                Text(
                    f"{path}: no such file or folder.",
                    f"{path}: no existe el archivo o la carpeta.",
                )
            )


def _is_tar(path: Path) -> bool:
    return path.name.endswith((".tar", ".tar.gz", ".tgz")) and tarfile.is_tarfile(path)


def _read_file(path: Path) -> SnapshotSource:
    try:
        return SnapshotSource(str(path), path.read_bytes())
    except OSError as exc:
        return SnapshotSource(str(path), None, f"cannot read: {exc}")


def _iter_tar(path: Path) -> Iterator[SnapshotSource]:
    """Members in name order; a truncated archive yields the members before the break, then
    one source carrying the error."""
    try:
        tf = tarfile.open(path)  # noqa: SIM115  # closed by the with-block below
    except (OSError, tarfile.TarError, EOFError) as exc:
        yield SnapshotSource(str(path), None, f"archive cannot be read: {exc}")
        return
    with tf:
        members: list[tarfile.TarInfo] = []
        broken: str | None = None
        try:
            for m in tf:  # streams the index, so what precedes damage is still listed
                if m.isfile() and m.name.endswith(SNAPSHOT_SUFFIXES):
                    members.append(m)
        except (OSError, tarfile.TarError, EOFError) as exc:
            broken = f"archive truncated or damaged after {len(members)} snapshots: {exc}"
        for m in sorted(members, key=lambda m: m.name):
            name = f"{path}!{m.name}"
            try:
                fh = tf.extractfile(m)
                data = fh.read() if fh else None
            except (OSError, tarfile.TarError, EOFError) as exc:
                yield SnapshotSource(name, None, f"cannot read from the archive: {exc}")
                continue
            yield SnapshotSource(name, data, None if data is not None else "not a file")
        if broken:
            yield SnapshotSource(str(path), None, broken)


def _reading_rows(snap: BwtSnapshot) -> list[dict[str, Any]]:
    return [
        {
            "port_number": r.port_number,
            "mode": PLATFORM_MODE[r.mode],
            "lane_type": PLATFORM_LANE[r.lane_type],
            "updated_at": r.updated_at,
            "border": r.border,
            "status": r.status,
            "delay_min": r.delay_min,
            "lanes_open": r.lanes_open,
            "max_lanes": r.max_lanes,
        }
        for r in snap.readings
    ]


def import_bwt(
    sessions: sessionmaker[Session],
    paths: Sequence[Path | str],
    *,
    batch_snapshots: int = 200,
    zone_for: ZoneLookup | None = None,
) -> ImportReport:
    """Import BWT snapshots from ``paths`` into the store; see the module docstring.

    Readings are deduplicated by crossing, mode, lane type and update time (within the run and
    against the store). Snapshots are parsed outside the write transaction, so the store is
    locked only while a batch is written. (Parsing in worker processes was measured slower on
    two cores: pickling the parsed snapshots costs more than it saves.) Returns an
    :class:`ImportReport`; raises only for a path that does not exist.
    """
    return import_bwt_snapshots(
        sessions,
        iter_snapshot_sources(paths),
        sources=[str(p) for p in paths],
        batch_snapshots=batch_snapshots,
        zone_for=zone_for,
    )


def import_bwt_snapshots(
    sessions: sessionmaker[Session],
    snapshots: Iterable[SnapshotSource],
    *,
    sources: Sequence[str],
    batch_snapshots: int = 200,
    zone_for: ZoneLookup | None = None,
) -> ImportReport:
    """Import snapshots already in memory (e.g. one just fetched), as :func:`import_bwt` does
    for files; ``sources`` names them in the report. A snapshot's digest is that of its bytes,
    so the same bytes imported later from an archive are recognised as already imported."""
    started = datetime.now(UTC)
    zone_for = zone_for or default_zone_lookup()
    report = ImportReport(kind="bwt", sources=list(sources))
    without: Counter[str] = Counter()
    batch: list[tuple[str, SnapshotSource]] = []

    def parse_all(todo: list[tuple[str, SnapshotSource]]) -> list[BwtSnapshot]:
        return [parse_bwt(src.data or b"", source=src.name, zone_for=zone_for) for _, src in todo]

    def flush() -> None:
        if not batch:
            return
        digests = [d for d, _ in batch]
        with sessions() as s:
            done = kpi_store.imported_snapshots(s, digests)
        todo: list[tuple[str, SnapshotSource]] = []
        seen_now: set[str] = set()
        for digest, src in batch:
            if digest in done or digest in seen_now:
                report.snapshots_already_imported += 1
            else:
                seen_now.add(digest)
                todo.append((digest, src))
        parsed = parse_all(todo)  # outside the write transaction
        with transaction(sessions) as session:
            readings: dict[tuple[str, str, str, datetime], dict[str, Any]] = {}
            crossings: dict[str, dict[str, Any]] = {}
            snapshots: list[dict[str, Any]] = []
            for (digest, src), snap in zip(todo, parsed, strict=True):
                for p in snap.problems:
                    report.add_skip(
                        SkippedItem(
                            source=p.source,
                            reason=p.reason,
                            detail=p.detail,
                            line=p.line,
                            port=p.port_number,
                        )
                    )
                without.update(snap.statuses)
                if not snap.supported:
                    report.snapshots_unsupported += 1
                elif not (snap.complete or snap.ports or snap.taken_at):
                    report.snapshots_unreadable += 1  # empty, garbage: no feed document at all
                else:
                    report.snapshots_imported += 1
                    report.snapshots_incomplete += not snap.complete
                report.rows_read += len(snap.readings)
                for row in _reading_rows(snap):
                    key = (row["port_number"], row["mode"], row["lane_type"], row["updated_at"])
                    if key in readings:
                        report.rows_duplicate += 1
                    else:
                        readings[key] = row
                seen_at = snap.taken_at or started
                for port in snap.ports:
                    crossings[port.port_number] = {
                        "port_number": port.port_number,
                        "border": port.border,
                        "port_name": port.port_name[:120],
                        "crossing_name": port.crossing_name[:200],
                        "hours": port.hours[:200],
                        "port_status": port.port_status[:40],
                        "construction_notice": port.construction_notice,
                        "automation": json.dumps(port.automation, sort_keys=True),
                        "max_lanes": json.dumps(port.max_lanes, sort_keys=True),
                        "last_seen_at": seen_at,
                    }
                snapshots.append(
                    {
                        "digest": digest,
                        "source": src.name[-500:],
                        "taken_at": snap.taken_at,
                        "imported_at": datetime.now(UTC),
                        "readings": len(snap.readings),
                        "problems": len(snap.problems),
                        "complete": snap.complete,
                    }
                )
            rows = list(readings.values())
            new = kpi_store.insert_bwt_readings(session, rows)
            report.rows_imported += new
            report.rows_duplicate += len(rows) - new
            kpi_store.upsert_bwt_crossings(session, list(crossings.values()))
            kpi_store.add_snapshots(session, snapshots)
        batch.clear()

    for src in snapshots:
        report.snapshots_seen += 1
        if src.data is None:
            report.snapshots_unreadable += 1
            report.add_skip(
                SkippedItem(source=src.name, reason="unreadable", detail=src.error or "no data")
            )
            continue
        batch.append((hashlib.sha256(src.data).hexdigest(), src))
        if len(batch) >= batch_snapshots:
            flush()
    flush()
    report.lanes_without_reading = dict(without)
    report.seconds = round((datetime.now(UTC) - started).total_seconds(), 3)
    return report


def import_bts(sessions: sessionmaker[Session], path: Path | str) -> ImportReport:
    """Import a BTS Border Crossing Entry Data CSV or zip in one transaction.

    Re-importing is idempotent: a count already stored for (port, month, measure) is replaced by
    the file's. Bad rows are skipped and listed with their line.
    """
    started = datetime.now(UTC)
    parsed = parse_bts(path)
    report = ImportReport(
        kind="bts", sources=[parsed.source], layout=parsed.layout, rows_read=parsed.rows_read
    )
    for p in parsed.problems:
        report.add_skip(SkippedItem(source=p.source, reason=p.reason, detail=p.detail, line=p.line))
    report.rows_duplicate = sum(1 for p in parsed.problems if p.reason == "duplicate")
    rows = [
        {
            "port_code": r.port_code,
            "month": r.month,
            "measure": r.measure,
            "port_name": r.port_name[:120],
            "state": r.state[:40],
            "border": r.border,
            "value": r.value,
        }
        for r in parsed.records
    ]
    with transaction(sessions) as session:
        kpi_store.upsert_bts(session, rows)
    report.rows_imported = len(rows)
    report.seconds = round((datetime.now(UTC) - started).total_seconds(), 3)
    return report


__all__ = [
    "ImportReport",
    "SkippedItem",
    "SnapshotSource",
    "import_bts",
    "import_bwt",
    "import_bwt_snapshots",
    "iter_snapshot_sources",
]
