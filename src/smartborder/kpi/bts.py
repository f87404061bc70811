"""Parse BTS Border Crossing Entry Data (monthly inbound crossings by port and measure).

Source: U.S. Bureau of Transportation Statistics, "Border Crossing Entry Data"
(https://data.bts.gov/Research-and-Statistics/Border-Crossing-Entry-Data/keg4-3bc2), from CBP's
OMR counts. Both published layouts are read, by column name, from a CSV or a zip holding one:

* older: ``Port Name, State, Port Code, Border, Date, Measure, Value, Location`` with dates
  like ``03/01/2019 12:00:00 AM`` and ``Location`` as ``POINT (-106.45 31.76)``;
* newer: ``..., Date, Measure, Value, Latitude, Longitude, Point`` with dates like ``Jan 2024``
  (the 2022 extract in ../shared has only the seven leading columns);
* the same through Socrata's API (``/resource/keg4-3bc2.csv``, what ``data fetch bts`` saves):
  field names such as ``port_name`` and dates like ``2024-01-01T00:00:00.000``.

Measure names are canonical (the current ones); older names are mapped, e.g.
"Truck Containers Full" -> "Truck Containers Loaded". A row that cannot be read is skipped and
reported with its file and line; a key (port, month, measure) seen twice keeps the first row
and reports the second (the 2022 extract has 11 such pairs, some with different values).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from smartborder import ports
from smartborder.i18n import Text
from smartborder.kpi.errors import ImportSourceInvalid

# The twelve measures BTS publishes, by their current names.
MEASURES: tuple[str, ...] = (
    "Bus Passengers",
    "Buses",
    "Pedestrians",
    "Personal Vehicle Passengers",
    "Personal Vehicles",
    "Rail Containers Empty",
    "Rail Containers Loaded",
    "Train Passengers",
    "Trains",
    "Truck Containers Empty",
    "Truck Containers Loaded",
    "Trucks",
)
# Names used by earlier releases -> current names.
RENAMED_MEASURES: dict[str, str] = {
    "truck containers full": "Truck Containers Loaded",
    "rail containers full": "Rail Containers Loaded",
    "personal vehicle passenger": "Personal Vehicle Passengers",
    "bus passenger": "Bus Passengers",
    "train passenger": "Train Passengers",
}
_MEASURE_BY_KEY: dict[str, str] = {m.lower(): m for m in MEASURES} | RENAMED_MEASURES
BORDERS: dict[str, str] = {
    "us-mexico border": "mexico",
    "us-canada border": "canada",
    "u.s.-mexico border": "mexico",
    "u.s.-canada border": "canada",
}
REQUIRED_COLUMNS = ("port name", "state", "port code", "border", "date", "measure", "value")
_MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}  # fmt: skip
_PORT_CODE_RE = re.compile(r"^\d{4}$")
# U.S.-Mexico codes in BTS's own extract that smartborder.ports (today's ports) does not list:
# Ysleta's own code before its counts moved under El Paso (Apr 2020 - Sep 2021, 169 rows), and
# one row each of San Diego (May 2022) and Houston (Nov 2021). Rows with these are BTS's data,
# kept; any other code on the U.S.-Mexico border is unknown.
HISTORICAL_US_MEXICO_CODES: dict[str, str] = {
    "2401": "Ysleta, Texas",
    "2501": "San Diego, California",
    "5301": "Houston, Texas",
}
_US_MEXICO_CODES = frozenset(p.code for p in ports.all_ports()) | HISTORICAL_US_MEXICO_CODES.keys()


@dataclass(slots=True)
class BtsRecord:
    """One count: inbound ``measure`` at ``port_code`` in ``month`` (first day of the month)."""

    port_code: str
    port_name: str
    state: str
    border: str
    month: date
    measure: str
    value: int
    line: int


@dataclass(frozen=True, slots=True)
class BtsProblem:
    """A row skipped: file, line, a stable reason and what was wrong."""

    source: str
    line: int
    reason: str
    detail: str


@dataclass(slots=True)
class BtsParse:
    """What a BTS file held: its layout, the good records, and the rows skipped."""

    source: str
    layout: str
    rows_read: int = 0
    records: list[BtsRecord] = field(default_factory=list)
    problems: list[BtsProblem] = field(default_factory=list)

    @property
    def problem_counts(self) -> dict[str, int]:
        return dict(Counter(p.reason for p in self.problems))


def parse_bts_month(text: str) -> date:
    """``Jan 2024``, ``03/01/2019 12:00:00 AM``, ``2019-03-01`` or ``2019-03`` -> first of the month."""
    value = text.strip()
    parts = value.split()
    if len(parts) == 2 and parts[0][:3].lower() in _MONTHS and parts[1].isdigit():
        return date(int(parts[1]), _MONTHS[parts[0][:3].lower()], 1)
    for fmt in (
        "%m/%d/%Y %I:%M:%S %p",
        "%m/%d/%Y",
        "%Y-%m-%dT%H:%M:%S.%f",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d",
        "%Y-%m",
    ):
        try:
            d = datetime.strptime(value, fmt).date()
        except ValueError:
            continue
        return d.replace(day=1)
    raise ValueError(f"not a month: {text!r}")


def canonical_measure(name: str) -> str | None:
    """The current BTS name of ``name`` (older names mapped), or ``None`` if unknown."""
    return _MEASURE_BY_KEY.get(" ".join(name.split()).lower())


def _read_text(path: Path) -> tuple[str, str, list[BtsProblem]]:
    """The CSV text of ``path`` (a CSV or a zip with one), its display name, encoding notes."""
    source = str(path)
    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as zf:
                members = [n for n in zf.namelist() if n.lower().endswith(".csv")]
                if not members:
                    raise ImportSourceInvalid(
                        Text(
                            f"{path}: the zip holds no .csv file.",
                            f"{path}: el zip no contiene ningún archivo .csv.",
                        )
                    )
                source = f"{path}!{members[0]}"
                raw = zf.read(members[0])
        else:
            raw = path.read_bytes()
    except (OSError, zipfile.BadZipFile) as exc:
        raise ImportSourceInvalid(
            Text(f"{path}: cannot be read ({exc}).", f"{path}: no se puede leer ({exc}).")
        ) from exc
    try:
        return raw.decode("utf-8-sig"), source, []
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        note = BtsProblem(source, line, "encoding", "not UTF-8; read as Windows-1252")
        return raw.decode("cp1252", errors="replace"), source, [note]


def parse_bts(path: Path | str) -> BtsParse:
    """Read a BTS CSV or zip; good rows become records, bad rows problems (never an exception
    for a bad row; :class:`ImportSourceInvalid` only when the file itself is unreadable)."""
    text, source, notes = _read_text(Path(path))
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise ImportSourceInvalid(
            Text(f"{source}: the file is empty.", f"{source}: el archivo está vacío.")
        ) from None
    # Socrata's API (SODA, what `data fetch bts` downloads) names columns by field name:
    # port_name, port_code, ... rather than "Port Name", "Port Code".
    names = [h.strip().lower().replace("_", " ") for h in header]
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        raise ImportSourceInvalid(
            Text(
                f"{source}: not BTS Border Crossing Entry Data; missing columns {missing} (header: {header}).",
                f"{source}: no son datos BTS Border Crossing Entry Data; faltan columnas {missing} (encabezado: {header}).",
            )
        )
    layout = "older" if "location" in names else "newer" if "latitude" in names else "minimal"
    out = BtsParse(source=source, layout=layout)
    out.problems.extend(notes)
    idx = {c: names.index(c) for c in REQUIRED_COLUMNS}
    width = len(names)
    seen: dict[tuple[str, date, str], BtsRecord] = {}
    for rec_or_problem in _rows(reader, source, idx, width):
        out.rows_read += 1  # every data row, skipped ones too (blank lines are not rows)
        if isinstance(rec_or_problem, BtsProblem):
            out.problems.append(rec_or_problem)
            continue
        rec = rec_or_problem
        key = (rec.port_code, rec.month, rec.measure)
        first = seen.get(key)
        if first is not None:
            same = (
                "same value"
                if first.value == rec.value
                else f"value {rec.value} differs from {first.value}"
            )
            out.problems.append(
                BtsProblem(
                    source,
                    rec.line,
                    "duplicate",
                    f"{key[0]} {key[1]:%b %Y} {key[2]} already on line {first.line} ({same}); kept line {first.line}",
                )
            )
            continue
        seen[key] = rec
        out.records.append(rec)
    return out


def _rows(
    reader: Any, source: str, idx: dict[str, int], width: int
) -> Iterator[BtsRecord | BtsProblem]:
    # ``reader`` is a csv reader; its ``line_num`` counts physical lines (quoted newlines too).
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield BtsProblem(source, reader.line_num, "malformed", f"CSV: {exc}")
            continue
        line = reader.line_num
        if not row or all(not c.strip() for c in row):
            continue
        if len(row) < max(idx.values()) + 1 or len(row) > width:
            yield BtsProblem(source, line, "malformed", f"{len(row)} fields, expected {width}")
            continue
        port_code = row[idx["port code"]].strip()
        if port_code.isdigit() and len(port_code) < 4:
            port_code = port_code.zfill(4)  # BTS drops the leading zero of codes such as 0708
        if not _PORT_CODE_RE.match(port_code):
            yield BtsProblem(
                source, line, "unknown_port", f"port code {port_code!r} is not 4 digits"
            )
            continue
        border = BORDERS.get(row[idx["border"]].strip().lower())
        if border is None:
            yield BtsProblem(source, line, "unknown_border", f"border {row[idx['border']]!r}")
            continue
        if border == "mexico" and port_code not in _US_MEXICO_CODES:
            yield BtsProblem(
                source,
                line,
                "unknown_port",
                f"port code {port_code} is not a U.S.-Mexico port in smartborder.ports",
            )
            continue
        try:
            month = parse_bts_month(row[idx["date"]])
        except ValueError as exc:
            yield BtsProblem(source, line, "bad_date", str(exc))
            continue
        measure = canonical_measure(row[idx["measure"]])
        if measure is None:
            yield BtsProblem(source, line, "unknown_measure", f"measure {row[idx['measure']]!r}")
            continue
        raw_value = row[idx["value"]].strip().replace(",", "")
        if not raw_value.isdigit():
            yield BtsProblem(
                source, line, "bad_value", f"value {row[idx['value']]!r} is not a whole number >= 0"
            )
            continue
        yield BtsRecord(
            port_code=port_code,
            port_name=row[idx["port name"]].strip(),
            state=row[idx["state"]].strip(),
            border=border,
            month=month,
            measure=measure,
            value=int(raw_value),
            line=line,
        )


__all__ = [
    "MEASURES",
    "BtsParse",
    "BtsProblem",
    "BtsRecord",
    "canonical_measure",
    "parse_bts",
    "parse_bts_month",
]
