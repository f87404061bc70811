"""Decisions say whether the random control sample drew them, and which weight set and rules
scored them (the targeting effectiveness report groups by these columns, read from an index
that covers them).

Revision ID: risk_sample_0001
Revises: 0001_base (depends on declarations_0003: the decisions table)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "risk_sample_0001"
down_revision = "0001_base"
branch_labels = ("risk_sample",)
depends_on = "declarations_0003"

# The report reads only these columns of an agency's decisions in a period: covered by one
# index, it never reads the decision rows (each carries its ~1-2 KB body).
REPORT_INDEX = (
    "agencies",
    "decided_at",
    "port_code",
    "direction",
    "random_selection",
    "outcome",
    "risk_version",
    "risk_rules",
    "version",
)


def upgrade() -> None:
    with op.batch_alter_table("decisions") as batch:
        batch.add_column(
            sa.Column("random_selection", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch.add_column(sa.Column("risk_version", sa.String(32), nullable=True))
        batch.add_column(sa.Column("risk_rules", sa.Text(), nullable=True))
    op.create_index("ix_decisions_risk_report", "decisions", list(REPORT_INDEX))


def downgrade() -> None:
    op.drop_index("ix_decisions_risk_report", table_name="decisions")
    with op.batch_alter_table("decisions") as batch:
        batch.drop_column("risk_rules")
        batch.drop_column("risk_version")
        batch.drop_column("random_selection")
