"""Parties seen by the risk stage (first-time shipper and consignee rules).

Revision ID: risk_0001
Revises: 0001_base
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "risk_0001"
down_revision = "0001_base"
branch_labels = ("risk",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "risk_parties",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("key", sa.String(300), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_risk_parties")),
        sa.UniqueConstraint("key", name=op.f("uq_risk_parties_key")),
    )


def downgrade() -> None:
    op.drop_table("risk_parties")
