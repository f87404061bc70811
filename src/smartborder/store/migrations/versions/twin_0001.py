"""Twin runs.

Revision ID: twin_0001
Revises: 0001_base
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "twin_0001"
down_revision = "0001_base"
branch_labels = ("twin",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "twin_runs",
        sa.Column("run_id", sa.String(36), nullable=False),
        sa.Column("org", sa.String(200), nullable=False),
        sa.Column("client_id", sa.String(64), nullable=False),
        sa.Column("scenario_name", sa.String(200), nullable=False),
        sa.Column("replications", sa.Integer(), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("scenario", sa.Text(), nullable=False),
        sa.Column("result", sa.Text(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("run_id", name=op.f("pk_twin_runs")),
    )
    op.create_index(op.f("ix_twin_runs_org"), "twin_runs", ["org"])


def downgrade() -> None:
    op.drop_index(op.f("ix_twin_runs_org"), table_name="twin_runs")
    op.drop_table("twin_runs")
