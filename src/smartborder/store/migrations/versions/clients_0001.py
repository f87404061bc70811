"""API clients.

Revision ID: clients_0001
Revises: 0001_base
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "clients_0001"
down_revision = "0001_base"
branch_labels = ("clients",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "api_clients",
        sa.Column("client_id", sa.String(64), nullable=False),
        sa.Column("org", sa.String(200), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("scopes", sa.Text(), nullable=False),
        sa.Column("secret_hash", sa.String(256), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("client_id", name=op.f("pk_api_clients")),
    )
    op.create_index(op.f("ix_api_clients_org"), "api_clients", ["org"])


def downgrade() -> None:
    op.drop_index(op.f("ix_api_clients_org"), table_name="api_clients")
    op.drop_table("api_clients")
