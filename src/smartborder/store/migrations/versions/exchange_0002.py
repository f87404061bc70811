"""Receipt first, application after: documents from the peer wait in ``exchange_pending``
(signature, audience, age and agreement checked) until the node applies them; a receipt says
whether its document is accepted (waiting), applied or refused.

Revision ID: exchange_0002
Revises: exchange_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "exchange_0002"
down_revision = "exchange_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("exchange_inbox") as batch:
        batch.add_column(
            sa.Column("status", sa.String(16), nullable=False, server_default="applied")
        )
    op.create_table(
        "exchange_pending",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("doc_id", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("peer", sa.String(300), nullable=False),
        sa.Column("actor", sa.String(64), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_exchange_pending")),
        sa.UniqueConstraint("doc_id", name=op.f("uq_exchange_pending_doc_id")),
    )


def downgrade() -> None:
    op.drop_table("exchange_pending")
    with op.batch_alter_table("exchange_inbox") as batch:
        batch.drop_column("status")
