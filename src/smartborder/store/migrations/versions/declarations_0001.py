"""Declarations, versions, decisions and lifecycle states.

Revision ID: declarations_0001
Revises: 0001_base
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "declarations_0001"
down_revision = "0001_base"
branch_labels = ("declarations",)
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "declarations",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("submitter_org", sa.String(200), nullable=False),
        sa.Column("submitter_client", sa.String(64), nullable=False),
        sa.Column("dedupe_key", sa.String(200), nullable=False),
        sa.Column("port_code", sa.String(4), nullable=False),
        sa.Column("direction", sa.String(16), nullable=False),
        sa.Column("expected_arrival", TS, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("current_version", sa.Integer(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_declarations")),
        sa.UniqueConstraint("submitter_org", "dedupe_key", name="uq_declarations_submitter_dedupe"),
    )
    op.create_index(op.f("ix_declarations_submitter_org"), "declarations", ["submitter_org"])
    op.create_index(op.f("ix_declarations_direction"), "declarations", ["direction"])
    op.create_index(
        "ix_declarations_port_arrival", "declarations", ["port_code", "expected_arrival"]
    )
    op.create_table(
        "declaration_versions",
        sa.Column("declaration_id", sa.String(36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("content_sha256", sa.String(64), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("submitted_by", sa.String(64), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["declaration_id"],
            ["declarations.id"],
            name=op.f("fk_declaration_versions_declaration_id_declarations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("declaration_id", "version", name=op.f("pk_declaration_versions")),
    )
    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("declaration_id", sa.String(36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("port_code", sa.String(4), nullable=False),
        sa.Column("direction", sa.String(16), nullable=False),
        sa.Column("outcome", sa.String(32), nullable=False),
        sa.Column("lane", sa.String(32), nullable=True),
        sa.Column("risk_score", sa.Float(), nullable=True),
        sa.Column("agencies", sa.String(32), nullable=False),
        sa.Column("decided_at", TS, nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["declaration_id"],
            ["declarations.id"],
            name=op.f("fk_decisions_declaration_id_declarations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decisions")),
    )
    op.create_index(op.f("ix_decisions_declaration_id"), "decisions", ["declaration_id"])
    op.create_index("ix_decisions_port_decided", "decisions", ["port_code", "decided_at"])
    op.create_index("ix_decisions_direction_decided", "decisions", ["direction", "decided_at"])
    op.create_table(
        "declaration_states",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("declaration_id", sa.String(36), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["declaration_id"],
            ["declarations.id"],
            name=op.f("fk_declaration_states_declaration_id_declarations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_declaration_states")),
    )
    op.create_index(
        op.f("ix_declaration_states_declaration_id"), "declaration_states", ["declaration_id"]
    )


def downgrade() -> None:
    op.drop_table("declaration_states")
    op.drop_table("decisions")
    op.drop_table("declaration_versions")
    op.drop_table("declarations")
