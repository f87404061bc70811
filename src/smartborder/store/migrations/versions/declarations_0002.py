"""Drop two indexes of declarations no query needs (each cost every submission a B-tree insert).

``ix_declarations_submitter_org`` repeats the leading column of the unique index on
(submitter_org, dedupe_key); ``ix_declarations_direction`` has two values, and listings by
direction read the decisions' (direction, decided_at) index.

Revision ID: declarations_0002
Revises: declarations_0001
"""

from __future__ import annotations

from alembic import op

revision = "declarations_0002"
down_revision = "declarations_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index(op.f("ix_declarations_direction"), table_name="declarations")
    op.drop_index(op.f("ix_declarations_submitter_org"), table_name="declarations")


def downgrade() -> None:
    op.create_index(op.f("ix_declarations_submitter_org"), "declarations", ["submitter_org"])
    op.create_index(op.f("ix_declarations_direction"), "declarations", ["direction"])
