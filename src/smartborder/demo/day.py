"""The demo day behind ``smartborder serve --demo``: one client per role and a realistic day
of pre-arrival traffic at San Ysidro, Otay Mesa, Laredo World Trade Bridge and El Paso Bridge
of the Americas, submitted through the same write path as the API (in batches)."""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from rich.console import Console
from rich.progress import Progress

from smartborder.clients import Principal, Role, create_client
from smartborder.config import Settings
from smartborder.demo.credentials import DemoCredentials, sample_size
from smartborder.demo.synthetic import generate_travelers, generate_trucks
from smartborder.node import Node
from smartborder.ports import Direction, get_port
from smartborder.store import make_engine, session_factory, transaction, upgrade
from smartborder.store.clients import get_client
from smartborder.store.declarations import find_keys

DEMO_ORGS: tuple[tuple[str, Role], ...] = (
    ("Transportes Fronterizos del Norte SA de CV", Role.CARRIER),
    ("Agencia Aduanal Garza y Asociados", Role.BROKER),
    ("U.S. Customs and Border Protection", Role.CBP),
    ("Agencia Nacional de Aduanas de México", Role.ANAM),
    ("Open data reader", Role.PUBLIC),
    ("SmartBorder operations", Role.ADMIN),
    # A Mexican exporter: industry scopes (issues USMCA certifications of origin).
    ("Exportadora del Bajio SA de CV", Role.BROKER),
)

# Daily volumes: BTS Border Crossing Entry Data, 2019 totals / 365 (computed from
# ../shared/data/bts/Border_Crossing_Entry_Data.zip): San Ysidro 41,039 personal vehicles;
# Otay Mesa 18,040 personal vehicles and 2,599 trucks; Laredo 6,479 trucks; El Paso
# 28,845 personal vehicles and 2,171 trucks. BTS counts ports, not bridges: the shares
# given to World Trade Bridge (most of Laredo's trucks) and to the Bridge of the Americas
# (a third of El Paso's cars, half its trucks) are our assumptions. BTS counts only
# inbound traffic; southbound truck volumes are assumed at 40 % of northbound.
# (port, kind, direction, trucks or travelers per day, submitting role)
DAY_PLAN: tuple[tuple[str, str, Direction, int, Role], ...] = (
    ("2504", "traveler", Direction.NORTHBOUND, 41_039, Role.BROKER),
    ("2506", "traveler", Direction.NORTHBOUND, 18_040, Role.BROKER),
    ("2506", "truck", Direction.NORTHBOUND, 2_599, Role.CARRIER),
    ("2506", "truck", Direction.SOUTHBOUND, 1_040, Role.BROKER),
    ("2304", "truck", Direction.NORTHBOUND, 5_500, Role.CARRIER),
    ("2304", "truck", Direction.SOUTHBOUND, 2_200, Role.BROKER),
    ("2402", "traveler", Direction.NORTHBOUND, 9_600, Role.BROKER),
    ("2402", "truck", Direction.NORTHBOUND, 1_085, Role.CARRIER),
)
BATCH = 2_000
# Share of northbound trucks whose e-Manifest comes in inside the ACE deadline (1 h, 30 min
# for FAST): they arrive 10–55 min (FAST: 5–28 min) after the demo runs. An assumption for
# the demo — CBP publishes no late-filing rate — so the decisions show the deadline check.
LATE_SHARE = 0.02


def demo_day(port_code: str, now: datetime) -> date:
    """The local date the demo files traffic for at ``port_code``: tomorrow there."""
    zone = ZoneInfo(get_port(port_code).time_zone)
    return (now.astimezone(zone) + timedelta(days=1)).date()


def _file_some_late(
    payloads: list[dict[str, Any]], *, now: datetime, rng: np.random.Generator, tag: str
) -> None:
    """Make about ``LATE_SHARE`` of ``payloads`` arrive within the hour after ``now``.

    Their keys name the ten minutes of ``now``: a demo run again in the same window replays
    them, a later run files new late trucks (the earlier ones have arrived by then)."""
    n = max(1, round(len(payloads) * LATE_SHARE))
    window = now.replace(minute=now.minute - now.minute % 10, second=0, microsecond=0)
    for j in rng.choice(len(payloads), size=min(n, len(payloads)), replace=False):
        payload = payloads[int(j)]
        fast = payload["driver"].get("fast_card") and payload["carrier"].get("ctpat")
        lead = float(rng.uniform(5, 28) if fast else rng.uniform(10, 55))
        arrival = now + timedelta(minutes=lead)
        payload["expected_arrival"] = arrival.isoformat(timespec="seconds")
        payload["idempotency_key"] = f"demo-late-{window:%Y%m%dT%H%M}-{tag}-{j}"


@dataclass(frozen=True)
class DemoReport:
    declarations: int
    created: int
    rejected: int
    seconds: float
    clients_file: Path
    credentialed: int = 0  # declarations that carry credentials (a sample, see credentials.demo)
    credentials_issued: int = 0
    bad_credentials: dict[str, int] = field(default_factory=dict)  # fault -> declarations


def _clients(settings: Settings, sessions: Any) -> dict[Role, Principal]:
    """One client per role, reused across runs when the file and the clients still exist."""
    path = settings.home / "demo-clients.json"
    with transaction(sessions) as session:
        if path.exists():
            saved = json.loads(path.read_text())
            rows = {c["org"]: get_client(session, c["client_id"]) for c in saved}
            if all(rows.values()) and set(rows) == {org for org, _ in DEMO_ORGS}:
                found: dict[Role, Principal] = {}
                for org, _ in DEMO_ORGS:
                    r = rows[org]
                    if r is not None:
                        found.setdefault(
                            Role(r.role),
                            Principal(
                                r.client_id, r.org, Role(r.role), frozenset(r.scopes.split())
                            ),
                        )
                return found
        made = [create_client(session, org=org, role=role) for org, role in DEMO_ORGS]
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump([m.to_dict() for m in made], fh, indent=2)
    principals: dict[Role, Principal] = {}
    for m in made:  # traffic is submitted by the first organization of each role
        principals.setdefault(m.role, Principal(m.client_id, m.org, m.role, m.scopes))
    return principals


def ensure_demo_clients(settings: Settings) -> list[dict[str, str]]:
    """Create the store and one client per role (reused across runs); return them as saved."""
    settings.ensure_home()
    engine = make_engine(settings.db_url)
    try:
        upgrade(engine)
        _clients(settings, session_factory(engine))
    finally:
        engine.dispose()
    saved: list[dict[str, str]] = json.loads((settings.home / "demo-clients.json").read_text())
    return saved


def run_demo(
    settings: Settings,
    *,
    scale: float = 1.0,
    console: Console | None = None,
    progress: bool = True,
    now: datetime | None = None,
) -> DemoReport:
    """Create the store, the demo clients and tomorrow's pre-arrival traffic, with a few
    northbound trucks filed late today (idempotent for the same ``now``, default the clock)."""
    console = console or Console(emoji=False)
    started = time.perf_counter()
    node = Node.open(settings)
    try:
        sessions = node.sessions
        principals = _clients(settings, sessions)
        now = now or datetime.now(UTC)
        creds = DemoCredentials(node.credential_service, now=now)
        with transaction(sessions) as session:
            creds.setup(session)
        stage = node.credentials
        credentialed = 0
        total = created = rejected = 0
        with Progress(console=console, transient=True, disable=not progress) as bar:
            task = bar.add_task("demo traffic", total=sum(int(n * scale) for *_, n, _ in DAY_PLAN))
            for i, (port_code, kind, direction, n, role) in enumerate(DAY_PLAN):
                count = max(1, int(n * scale))
                # Arrivals tomorrow in the port's local time, so every filing is pre-arrival.
                day = demo_day(port_code, now)
                rng = np.random.default_rng([day.toordinal(), i])
                make = generate_trucks if kind == "truck" else generate_travelers
                payloads = make(port_code, day, count, rng=rng, direction=direction)
                if kind == "truck" and direction is Direction.NORTHBOUND:
                    _file_some_late(payloads, now=now, rng=rng, tag=f"{port_code}-{i}")
                for j, payload in enumerate(payloads):
                    key = f"demo-{day}-{port_code}-{kind}-{direction}-{j}"
                    payload.setdefault("idempotency_key", key)
                # A sample carries real credentials, spread over the day (not every declaration:
                # issuing 81,000 would take minutes); records already stored are left alone.
                n_cred = sample_size(count, kind, scale)
                sample = payloads[:: max(1, count // n_cred)][:n_cred]
                with transaction(sessions) as session:
                    stored = find_keys(
                        session,
                        principals[role].org,
                        [f"key:{p['idempotency_key']}" for p in sample],
                    )
                    fresh = [p for p in sample if f"key:{p['idempotency_key']}" not in stored]
                    credentialed += creds.attach_to(session, fresh)
                stage.refresh()  # the statuses just set must be seen
                # Stored with their credentials in an earlier run: fresh signatures would differ
                # from the stored version (a reused key), so they are not sent again.
                again = {id(p) for p in sample if f"key:{p['idempotency_key']}" in stored}
                if again:
                    payloads = [p for p in payloads if id(p) not in again]
                    total += len(again)
                    bar.advance(task, len(again))
                for start in range(0, len(payloads), BATCH):
                    chunk = payloads[start : start + BATCH]
                    items = node.submit_many(principals[role], chunk, now=now)
                    total += len(items)
                    created += sum(1 for it in items if it.created)
                    rejected += sum(1 for it in items if it.error)
                    bar.advance(task, len(chunk))
    finally:
        node.close()
    return DemoReport(
        declarations=total,
        created=created,
        rejected=rejected,
        seconds=time.perf_counter() - started,
        clients_file=settings.home / "demo-clients.json",
        credentialed=credentialed,
        credentials_issued=creds.issued,
        bad_credentials=dict(creds.faults),
    )


def import_demo_data(settings: Settings, *, console: Console | None = None) -> list[str]:
    """Import real BTS counts and the latest month of the Border Wait Times archive from
    ``settings.demo_data_dir`` (if set), so the dashboard has figures to show; idempotent
    and resumable like any import. Returns one line per import for the operator."""
    folder = settings.demo_data_dir
    if folder is None:
        return []
    from smartborder.kpi import import_bts, import_bwt

    engine = make_engine(settings.db_url)
    lines: list[str] = []
    try:
        upgrade(engine)
        sessions = session_factory(engine)
        bts = sorted((folder / "bts").glob("Border_Crossing_Entry_Data*.zip"))
        if bts:
            report = import_bts(sessions, bts[-1])
            lines.append(f"BTS: {report.rows_read:,} rows read from {bts[-1].name}")
        tars = sorted((folder / "bwt").glob("bwt-feed-*.tar"))
        if tars:
            report = import_bwt(sessions, tars[-1:])
            lines.append(
                f"Border Wait Times: {report.snapshots_imported:,} snapshots, "
                f"{report.rows_imported:,} readings from {tars[-1].name}"
            )
    finally:
        engine.dispose()
    return lines
