"""Inspections: events and the materialized state of joint and single-agency inspections.

Revision ID: inspections_0001
Revises: 0001_base
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "inspections_0001"
down_revision = "0001_base"
branch_labels = ("inspections",)
depends_on = ("declarations_0001",)  # inspections.declaration_id references declarations

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "inspections",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("declaration_id", sa.String(36), nullable=False),
        sa.Column("joint", sa.Boolean(), nullable=False),
        sa.Column("requested_by", sa.String(8), nullable=False),
        sa.Column("facility", sa.String(64), nullable=True),
        sa.Column("scheduled_for", TS, nullable=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["declaration_id"],
            ["declarations.id"],
            name=op.f("fk_inspections_declaration_id_declarations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspections")),
    )
    op.create_index(op.f("ix_inspections_declaration_id"), "inspections", ["declaration_id"])
    op.create_table(
        "inspection_events",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("inspection_id", sa.String(36), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("declaration_id", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("agency", sa.String(8), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("applied_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspections.id"],
            name=op.f("fk_inspection_events_inspection_id_inspections"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspection_events")),
        sa.UniqueConstraint("inspection_id", "seq", name="uq_inspection_events_seq"),
    )


def downgrade() -> None:
    op.drop_table("inspection_events")
    op.drop_table("inspections")
