"""Which risk version decides: every promotion of a learned model and every return to the
weight set, with who and when (the latest row decides; its seq is the generation every
worker polls).

Revision ID: risk_deciding_0001
Revises: 0001_base (depends on shadow_0001: promotions name registered models)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "risk_deciding_0001"
down_revision = "0001_base"
branch_labels = ("risk_deciding",)
depends_on = "shadow_0001"


def upgrade() -> None:
    op.create_table(
        "risk_deciding",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by", sa.String(64), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("model_id", sa.String(16), nullable=True),
        sa.Column("cutoffs", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_risk_deciding")),
    )


def downgrade() -> None:
    op.drop_table("risk_deciding")
