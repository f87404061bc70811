"""Learned risk models and their shadow scores (risk/model/).

Revision ID: shadow_0001
Revises: 0001_base, declarations_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "shadow_0001"
down_revision = "0001_base"
branch_labels = ("shadow",)
depends_on = "declarations_0001"  # risk_shadow_scores refers to declarations


def upgrade() -> None:
    op.create_table(
        "risk_models",
        sa.Column("id", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("trained_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("trained_until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("promoted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("promoted_by", sa.String(64), nullable=True),
        sa.Column("evaluation", sa.Text(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_models")),
    )
    op.create_index(op.f("ix_risk_models_registered_at"), "risk_models", ["registered_at"])
    op.create_table(
        "risk_shadow_scores",
        sa.Column("declaration_id", sa.String(36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("model_id", sa.String(16), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("scored_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("features", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["declaration_id"],
            ["declarations.id"],
            name=op.f("fk_risk_shadow_scores_declaration_id_declarations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "declaration_id", "version", "model_id", name=op.f("pk_risk_shadow_scores")
        ),
    )


def downgrade() -> None:
    op.drop_table("risk_shadow_scores")
    op.drop_table("risk_models")
