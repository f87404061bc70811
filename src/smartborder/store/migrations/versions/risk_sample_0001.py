"""Decisions say whether the random control sample drew them, and which weight set and rules
scored them (the targeting effectiveness report groups by these columns, read from an index
that covers them).

Indexes that cover what the report reads: an agency's decisions of a period, the decisions of
the declarations it examined, the concluded inspections and the findings events of a period.

Revision ID: risk_sample_0001
Revises: 0001_base (depends on declarations_0003 and inspections_0001: the tables it extends)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "risk_sample_0001"
down_revision = "0001_base"
branch_labels = ("risk_sample",)
depends_on = ("declarations_0003", "inspections_0001")

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
    "declaration_id",
)
# The decisions of the few declarations examined, by id, without their rows either.
LABEL_INDEX = (
    "declaration_id",
    "version",
    "agencies",
    "decided_at",
    "port_code",
    "direction",
    "random_selection",
    "outcome",
    "risk_version",
    "risk_rules",
)
# The concluded inspections of a period, without their rows (each holds its whole state).
INSPECTED_INDEX = ("state", "created_at", "id", "declaration_id")
# An agency's findings events since a time.
FINDINGS_INDEX = ("kind", "agency", "at")


def upgrade() -> None:
    with op.batch_alter_table("decisions") as batch:
        batch.add_column(
            sa.Column("random_selection", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch.add_column(sa.Column("risk_version", sa.String(32), nullable=True))
        batch.add_column(sa.Column("risk_rules", sa.Text(), nullable=True))
    op.create_index("ix_decisions_risk_report", "decisions", list(REPORT_INDEX))
    op.create_index("ix_decisions_risk_label", "decisions", list(LABEL_INDEX))
    op.create_index("ix_inspections_risk_report", "inspections", list(INSPECTED_INDEX))
    op.create_index("ix_inspection_events_risk_report", "inspection_events", list(FINDINGS_INDEX))


def downgrade() -> None:
    op.drop_index("ix_inspection_events_risk_report", table_name="inspection_events")
    op.drop_index("ix_inspections_risk_report", table_name="inspections")
    op.drop_index("ix_decisions_risk_label", table_name="decisions")
    op.drop_index("ix_decisions_risk_report", table_name="decisions")
    with op.batch_alter_table("decisions") as batch:
        batch.drop_column("risk_rules")
        batch.drop_column("risk_version")
        batch.drop_column("random_selection")
