"""Trust registry of accredited credential issuers.

Revision ID: trust_0001
Revises: 0001_base
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "trust_0001"
down_revision = "0001_base"
branch_labels = ("trust",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "trust_entries",
        sa.Column("row_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("issuer", sa.String(500), nullable=False),
        sa.Column("credential_type", sa.String(100), nullable=False),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("name", sa.String(200), nullable=True),
        sa.Column("added_by", sa.String(200), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("row_id", name=op.f("pk_trust_entries")),
        sa.UniqueConstraint(
            "issuer",
            "credential_type",
            "country",
            name="uq_trust_entries_issuer_type_country",
        ),
    )
    op.create_index(op.f("ix_trust_entries_issuer"), "trust_entries", ["issuer"])


def downgrade() -> None:
    op.drop_index(op.f("ix_trust_entries_issuer"), table_name="trust_entries")
    op.drop_table("trust_entries")
