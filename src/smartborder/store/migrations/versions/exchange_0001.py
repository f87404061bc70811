"""The exchange between the agencies' nodes: outbox, inbox receipts, audit log, the other
agency's decisions.

Revision ID: exchange_0001
Revises: 0001_base
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "exchange_0001"
down_revision = "0001_base"
branch_labels = ("exchange",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "exchange_outbox",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("doc_id", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("declaration_id", sa.String(36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_exchange_outbox")),
        sa.UniqueConstraint("doc_id", name=op.f("uq_exchange_outbox_doc_id")),
    )
    op.create_index("ix_exchange_outbox_status_seq", "exchange_outbox", ["status", "seq"])
    op.create_table(
        "exchange_inbox",
        sa.Column("doc_id", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("peer", sa.String(300), nullable=False),
        sa.Column("declaration_id", sa.String(36), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("doc_id", name=op.f("pk_exchange_inbox")),
    )
    op.create_table(
        "exchange_audit",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("direction", sa.String(8), nullable=False),
        sa.Column("peer", sa.String(300), nullable=False),
        sa.Column("doc_id", sa.String(64), nullable=True),
        sa.Column("kind", sa.String(24), nullable=True),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("code", sa.String(64), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("actor", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_audit")),
    )
    op.create_index(op.f("ix_exchange_audit_at"), "exchange_audit", ["at"])
    op.create_index(op.f("ix_exchange_audit_doc_id"), "exchange_audit", ["doc_id"])
    op.create_table(
        "peer_decisions",
        sa.Column("declaration_id", sa.String(36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("agency", sa.String(8), nullable=False),
        sa.Column("outcome", sa.String(32), nullable=False),
        sa.Column("risk_score", sa.Float(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("doc_id", sa.String(36), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint(
            "declaration_id", "version", "agency", name=op.f("pk_peer_decisions")
        ),
    )


def downgrade() -> None:
    op.drop_table("peer_decisions")
    op.drop_index(op.f("ix_exchange_audit_doc_id"), table_name="exchange_audit")
    op.drop_index(op.f("ix_exchange_audit_at"), table_name="exchange_audit")
    op.drop_table("exchange_audit")
    op.drop_table("exchange_inbox")
    op.drop_index("ix_exchange_outbox_status_seq", table_name="exchange_outbox")
    op.drop_table("exchange_outbox")
