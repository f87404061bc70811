"""A partial index of the decisions the targeting effectiveness report reads one by one: those
examined as targeted or drawn by the random sample, and later versions of amended records —
about 6 % of a year's decisions. The report's two reads of them (the chosen decisions, the
records amended in the period) then walk ~65,000 index entries instead of a year's million
(measured: 0.07 s against 0.34 s and 0.2 s; ``benchmarks/bench_risk_effectiveness.py``).

Revision ID: risk_report_0001
Revises: 0001_base (depends on risk_sample_0001: the columns it indexes)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "risk_report_0001"
down_revision = "0001_base"
branch_labels = ("risk_report",)
depends_on = "risk_sample_0001"

#: The rows indexed; a query uses the index only if its WHERE holds this very term
#: (``smartborder.store.risk.picked_or_amended`` writes it).
PREDICATE = "random_selection OR outcome IN ('inspect', 'hold', 'deny') OR version > 1"
COLUMNS = (
    "agencies",
    "decided_at",
    "port_code",
    "direction",
    "random_selection",
    "outcome",
    "risk_version",
    "risk_rules",
    "version",
    "declaration_id",
)


def upgrade() -> None:
    op.create_index(
        "ix_decisions_risk_picked",
        "decisions",
        list(COLUMNS),
        sqlite_where=sa.text(PREDICATE),
        postgresql_where=sa.text(PREDICATE),
    )


def downgrade() -> None:
    op.drop_index("ix_decisions_risk_picked", table_name="decisions")
