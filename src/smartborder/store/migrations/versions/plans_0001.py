"""Plan lifecycle: states, approvals, activations, transitions and the in-force generation.

Revision ID: plans_0001
Revises: 0001_base
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "plans_0001"
down_revision = "0001_base"
branch_labels = ("plans",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "plan_states",
        sa.Column("version_id", sa.String(120), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("countries", sa.String(16), nullable=False),
        sa.Column("impact", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("version_id", name=op.f("pk_plan_states")),
    )
    op.create_table(
        "plan_approvals",
        sa.Column("version_id", sa.String(120), nullable=False),
        sa.Column("country", sa.String(3), nullable=False),
        sa.Column("agency", sa.String(8), nullable=False),
        sa.Column("approved_by", sa.String(200), nullable=False),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("version_id", "country", name=op.f("pk_plan_approvals")),
    )
    op.create_table(
        "plan_activations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("version_id", sa.String(120), nullable=False),
        sa.Column("country", sa.String(3), nullable=False),
        sa.Column("scope_kind", sa.String(8), nullable=False),
        sa.Column("scope_id", sa.String(40), nullable=False),
        sa.Column("effective_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("effective_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("activated_by", sa.String(200), nullable=False),
        sa.Column("activated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_by", sa.String(200), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_activations")),
    )
    op.create_index(op.f("ix_plan_activations_version_id"), "plan_activations", ["version_id"])
    op.create_index(
        "ix_plan_activations_scope", "plan_activations", ["country", "scope_kind", "scope_id"]
    )
    op.create_table(
        "plan_transitions",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("version_id", sa.String(120), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("from_state", sa.String(16), nullable=False),
        sa.Column("to_state", sa.String(16), nullable=False),
        sa.Column("country", sa.String(3), nullable=True),
        sa.Column("agency", sa.String(8), nullable=True),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_plan_transitions")),
    )
    op.create_index(op.f("ix_plan_transitions_version_id"), "plan_transitions", ["version_id"])
    generation = op.create_table(
        "plan_generation",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_generation")),
    )
    op.bulk_insert(generation, [{"id": 1, "generation": 0}])


def downgrade() -> None:
    op.drop_table("plan_generation")
    op.drop_index(op.f("ix_plan_transitions_version_id"), table_name="plan_transitions")
    op.drop_table("plan_transitions")
    op.drop_index("ix_plan_activations_scope", table_name="plan_activations")
    op.drop_index(op.f("ix_plan_activations_version_id"), table_name="plan_activations")
    op.drop_table("plan_activations")
    op.drop_table("plan_approvals")
    op.drop_table("plan_states")
