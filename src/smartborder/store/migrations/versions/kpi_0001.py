"""KPI domain: crossing events, BWT readings, crossings and snapshots, BTS counts.

Revision ID: kpi_0001
Revises: 0001_base
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "kpi_0001"
down_revision = "0001_base"
branch_labels = ("kpi",)
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "kpi_events",
        sa.Column("event_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("occurred_at", TS, nullable=False),
        sa.Column("port_code", sa.String(4), nullable=False),
        sa.Column("crossing", sa.String(8), nullable=True),
        sa.Column("mode", sa.String(24), nullable=False),
        sa.Column("lane_type", sa.String(16), nullable=False),
        sa.Column("direction", sa.String(16), nullable=False),
        sa.Column("traveler_class", sa.String(24), nullable=False),
        sa.Column("precleared", sa.Boolean(), nullable=False),
        sa.Column("subject_ref", sa.String(64), nullable=True),
        sa.Column("source", sa.String(24), nullable=False),
        sa.Column("received_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_kpi_events")),
    )
    op.create_table(
        "kpi_bwt_readings",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("port_number", sa.String(8), nullable=False),
        sa.Column("mode", sa.String(24), nullable=False),
        sa.Column("lane_type", sa.String(16), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("border", sa.String(8), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("delay_min", sa.Integer(), nullable=True),
        sa.Column("lanes_open", sa.Integer(), nullable=True),
        sa.Column("max_lanes", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kpi_bwt_readings")),
        sa.UniqueConstraint(
            "port_number", "mode", "lane_type", "updated_at", name="uq_kpi_bwt_readings_lane_time"
        ),
    )
    op.create_table(
        "kpi_bwt_crossings",
        sa.Column("port_number", sa.String(8), nullable=False),
        sa.Column("border", sa.String(8), nullable=False),
        sa.Column("port_name", sa.String(120), nullable=False),
        sa.Column("crossing_name", sa.String(200), nullable=False),
        sa.Column("hours", sa.String(200), nullable=False),
        sa.Column("port_status", sa.String(40), nullable=False),
        sa.Column("construction_notice", sa.Text(), nullable=False),
        sa.Column("automation", sa.Text(), nullable=False),
        sa.Column("max_lanes", sa.Text(), nullable=False),
        sa.Column("last_seen_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("port_number", name=op.f("pk_kpi_bwt_crossings")),
    )
    op.create_table(
        "kpi_bwt_snapshots",
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("source", sa.String(500), nullable=False),
        sa.Column("taken_at", TS, nullable=True),
        sa.Column("imported_at", TS, nullable=False),
        sa.Column("readings", sa.Integer(), nullable=False),
        sa.Column("problems", sa.Integer(), nullable=False),
        sa.Column("complete", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("digest", name=op.f("pk_kpi_bwt_snapshots")),
    )
    op.create_table(
        "kpi_bts_counts",
        sa.Column("port_code", sa.String(4), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("measure", sa.String(40), nullable=False),
        sa.Column("port_name", sa.String(120), nullable=False),
        sa.Column("state", sa.String(40), nullable=False),
        sa.Column("border", sa.String(8), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("port_code", "month", "measure", name=op.f("pk_kpi_bts_counts")),
    )


def downgrade() -> None:
    op.drop_table("kpi_bts_counts")
    op.drop_table("kpi_bwt_snapshots")
    op.drop_table("kpi_bwt_crossings")
    op.drop_table("kpi_bwt_readings")
    op.drop_table("kpi_events")
