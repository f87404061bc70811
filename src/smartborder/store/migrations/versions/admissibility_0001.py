"""Published admissibility policy versions.

Revision ID: admissibility_0001
Revises: 0001_base
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "admissibility_0001"
down_revision = "0001_base"
branch_labels = ("admissibility",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "admissibility_versions",
        sa.Column("version_id", sa.String(120), nullable=False),
        sa.Column("plan_id", sa.String(80), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("cedar", sa.Text(), nullable=False),
        sa.Column("plan_yaml", sa.Text(), nullable=False),
        sa.Column("title_en", sa.String(300), nullable=False),
        sa.Column("title_es", sa.String(300), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_by", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("version_id", name=op.f("pk_admissibility_versions")),
        sa.UniqueConstraint("plan_id", "number", name="uq_admissibility_versions_plan_number"),
    )
    op.create_index(
        op.f("ix_admissibility_versions_plan_id"), "admissibility_versions", ["plan_id"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_admissibility_versions_plan_id"), table_name="admissibility_versions")
    op.drop_table("admissibility_versions")
