"""KPI domain: crossing events, BWT feed readings and snapshots, crossings seen, BTS counts."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Boolean, Date, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from smartborder.store.base import Base, UtcDateTime


class CrossingEventRow(Base):
    """One thing that happened at a port to one vehicle or person; idempotent by ``event_id``."""

    __tablename__ = "kpi_events"
    # No secondary index on purpose: events are read in bulk by the KPI engine, and every
    # index costs the batch ingest (about 40% of its insert time on SQLite).

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(24))
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime())
    port_code: Mapped[str] = mapped_column(String(4))
    crossing: Mapped[str | None] = mapped_column(String(8), nullable=True)
    mode: Mapped[str] = mapped_column(String(24))
    lane_type: Mapped[str] = mapped_column(String(16))
    direction: Mapped[str] = mapped_column(String(16))
    traveler_class: Mapped[str] = mapped_column(String(24))
    precleared: Mapped[bool] = mapped_column(Boolean)
    subject_ref: Mapped[str | None] = mapped_column(String(64), nullable=True)
    source: Mapped[str] = mapped_column(String(24))
    received_at: Mapped[datetime] = mapped_column(UtcDateTime())


class BwtReadingRow(Base):
    """One lane's published wait; unique by crossing, mode, lane type and update time."""

    __tablename__ = "kpi_bwt_readings"
    __table_args__ = (
        UniqueConstraint(
            "port_number", "mode", "lane_type", "updated_at", name="uq_kpi_bwt_readings_lane_time"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    port_number: Mapped[str] = mapped_column(String(8))
    mode: Mapped[str] = mapped_column(String(24))
    lane_type: Mapped[str] = mapped_column(String(16))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    border: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(12))
    delay_min: Mapped[int | None] = mapped_column(Integer, nullable=True)
    lanes_open: Mapped[int | None] = mapped_column(Integer, nullable=True)
    max_lanes: Mapped[int | None] = mapped_column(Integer, nullable=True)


class BwtCrossingRow(Base):
    """What the feed last said about a crossing: names, hours, automation, maximum lanes."""

    __tablename__ = "kpi_bwt_crossings"

    port_number: Mapped[str] = mapped_column(String(8), primary_key=True)
    border: Mapped[str] = mapped_column(String(8))
    port_name: Mapped[str] = mapped_column(String(120))
    crossing_name: Mapped[str] = mapped_column(String(200))
    hours: Mapped[str] = mapped_column(String(200))
    port_status: Mapped[str] = mapped_column(String(40))
    construction_notice: Mapped[str] = mapped_column(Text)
    automation: Mapped[str] = mapped_column(Text)  # JSON: mode -> automation type
    max_lanes: Mapped[str] = mapped_column(Text)  # JSON: mode -> maximum lanes or null
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime())


class BwtSnapshotRow(Base):
    """A feed snapshot already imported (by content digest), so an import can resume."""

    __tablename__ = "kpi_bwt_snapshots"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    source: Mapped[str] = mapped_column(String(500))
    taken_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    imported_at: Mapped[datetime] = mapped_column(UtcDateTime())
    readings: Mapped[int] = mapped_column(Integer)
    problems: Mapped[int] = mapped_column(Integer)
    complete: Mapped[bool] = mapped_column(Boolean)


class BtsCountRow(Base):
    """BTS Border Crossing Entry Data: inbound crossings at a port in a month, by measure."""

    __tablename__ = "kpi_bts_counts"

    port_code: Mapped[str] = mapped_column(String(4), primary_key=True)
    month: Mapped[date] = mapped_column(Date, primary_key=True)
    measure: Mapped[str] = mapped_column(String(40), primary_key=True)
    port_name: Mapped[str] = mapped_column(String(120))
    state: Mapped[str] = mapped_column(String(40))
    border: Mapped[str] = mapped_column(String(8))
    value: Mapped[int] = mapped_column(BigInteger)
