"""Parties with violations found by inspections (recent-violation rules).

Revision ID: risk_0002
Revises: risk_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "risk_0002"
down_revision = "risk_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "risk_violations",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("key", sa.String(300), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("found_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_risk_violations")),
        sa.UniqueConstraint("source", "role", "key", "code", name="uq_risk_violations_source"),
    )
    op.create_index(op.f("ix_risk_violations_key"), "risk_violations", ["key"])


def downgrade() -> None:
    op.drop_table("risk_violations")
