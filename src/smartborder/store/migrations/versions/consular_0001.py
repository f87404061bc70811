"""Consular renewals and notices; issued credentials indexed by subject and end of validity.

Revision ID: consular_0001
Revises: 0001_base
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "consular_0001"
down_revision = "0001_base"
branch_labels = ("consular",)
depends_on = ("credentials_0001",)  # the index is on vc_issued

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_index(op.f("ix_vc_issued_subject_id"), "vc_issued", ["subject_id"])
    op.create_index(op.f("ix_vc_issued_valid_until"), "vc_issued", ["valid_until"])
    op.create_table(
        "consular_renewals",
        sa.Column("renewal_id", sa.String(36), nullable=False),
        sa.Column("holder", sa.String(512), nullable=False),
        sa.Column("org", sa.String(200), nullable=False),
        sa.Column("credential_type", sa.String(100), nullable=False),
        sa.Column("old_credential_id", sa.String(512), nullable=False),
        sa.Column("new_credential_id", sa.String(512), nullable=False),
        sa.Column("renewed_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("renewal_id", name=op.f("pk_consular_renewals")),
        sa.UniqueConstraint(
            "old_credential_id", name=op.f("uq_consular_renewals_old_credential_id")
        ),
    )
    op.create_index(op.f("ix_consular_renewals_holder"), "consular_renewals", ["holder"])
    op.create_table(
        "consular_notices",
        sa.Column("notice_id", sa.String(36), nullable=False),
        sa.Column("renewal_id", sa.String(36), nullable=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("recipient", sa.String(512), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("state", sa.String(8), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("next_attempt_at", TS, nullable=False),
        sa.Column("sent_at", TS, nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("notice_id", name=op.f("pk_consular_notices")),
    )
    op.create_index(
        op.f("ix_consular_notices_next_attempt_at"), "consular_notices", ["next_attempt_at"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_consular_notices_next_attempt_at"), table_name="consular_notices")
    op.drop_table("consular_notices")
    op.drop_index(op.f("ix_consular_renewals_holder"), table_name="consular_renewals")
    op.drop_table("consular_renewals")
    op.drop_index(op.f("ix_vc_issued_valid_until"), table_name="vc_issued")
    op.drop_index(op.f("ix_vc_issued_subject_id"), table_name="vc_issued")
