"""Verifiable credentials: issued credentials, status lists, presentations, exchanges.

Revision ID: credentials_0001
Revises: 0001_base
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "credentials_0001"
down_revision = "0001_base"
branch_labels = ("credentials",)
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "vc_issued",
        sa.Column("row_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("org", sa.String(200), nullable=False),
        sa.Column("credential_id", sa.String(512), nullable=False),
        sa.Column("credential_type", sa.String(100), nullable=False),
        sa.Column("format", sa.String(16), nullable=False),
        sa.Column("issuer", sa.String(512), nullable=False),
        sa.Column("subject_id", sa.String(512), nullable=True),
        sa.Column("issued_at", TS, nullable=False),
        sa.Column("valid_until", TS, nullable=True),
        sa.Column("status_group", sa.String(100), nullable=True),
        sa.Column("status_index", sa.Integer(), nullable=True),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        sa.Column("suspended", sa.Boolean(), nullable=False),
        sa.Column("secured", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("row_id", name=op.f("pk_vc_issued")),
        sa.UniqueConstraint("org", "credential_id", name="uq_vc_issued_org_credential"),
    )
    op.create_index(op.f("ix_vc_issued_org"), "vc_issued", ["org"])
    op.create_index(op.f("ix_vc_issued_credential_id"), "vc_issued", ["credential_id"])
    op.create_table(
        "vc_status_lists",
        sa.Column("list_id", sa.String(120), nullable=False),
        sa.Column("org", sa.String(200), nullable=False),
        sa.Column("group_id", sa.String(100), nullable=False),
        sa.Column("purpose", sa.String(16), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("encoded", sa.Text(), nullable=False),
        sa.Column("allocated", sa.Integer(), nullable=False),
        sa.Column("stride", sa.Integer(), nullable=False),
        sa.Column("offset", sa.Integer(), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("list_id", name=op.f("pk_vc_status_lists")),
    )
    op.create_index(op.f("ix_vc_status_lists_org"), "vc_status_lists", ["org"])
    op.create_index(op.f("ix_vc_status_lists_group_id"), "vc_status_lists", ["group_id"])
    op.create_table(
        "vc_presentations",
        sa.Column("row_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("presentation_id", sa.String(512), nullable=False),
        sa.Column("org", sa.String(200), nullable=False),
        sa.Column("holder", sa.String(512), nullable=True),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("received_at", TS, nullable=False),
        sa.Column("verified", sa.Boolean(), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("result", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("row_id", name=op.f("pk_vc_presentations")),
        sa.UniqueConstraint("presentation_id", name=op.f("uq_vc_presentations_presentation_id")),
    )
    op.create_index(op.f("ix_vc_presentations_org"), "vc_presentations", ["org"])
    op.create_table(
        "vc_exchanges",
        sa.Column("challenge", sa.String(64), nullable=False),
        sa.Column("org", sa.String(200), nullable=False),
        sa.Column("query", sa.Text(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("used_at", TS, nullable=True),
        sa.PrimaryKeyConstraint("challenge", name=op.f("pk_vc_exchanges")),
    )
    op.create_index(op.f("ix_vc_exchanges_org"), "vc_exchanges", ["org"])


def downgrade() -> None:
    op.drop_index(op.f("ix_vc_exchanges_org"), table_name="vc_exchanges")
    op.drop_table("vc_exchanges")
    op.drop_index(op.f("ix_vc_presentations_org"), table_name="vc_presentations")
    op.drop_table("vc_presentations")
    op.drop_index(op.f("ix_vc_status_lists_group_id"), table_name="vc_status_lists")
    op.drop_index(op.f("ix_vc_status_lists_org"), table_name="vc_status_lists")
    op.drop_table("vc_status_lists")
    op.drop_index(op.f("ix_vc_issued_credential_id"), table_name="vc_issued")
    op.drop_index(op.f("ix_vc_issued_org"), table_name="vc_issued")
    op.drop_table("vc_issued")
