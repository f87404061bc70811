"""Index decisions by ``decided_at`` alone.

The landing page counts today's decisions of every port and direction (a range on
``decided_at`` with no port or direction to lead the two existing indexes), and unfiltered
listings read decisions latest first: without this index both read the whole table, which
grows by a day of traffic every day.

Revision ID: declarations_0003
Revises: declarations_0002
"""

from __future__ import annotations

from alembic import op

revision = "declarations_0003"
down_revision = "declarations_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(op.f("ix_decisions_decided_at"), "decisions", ["decided_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_decisions_decided_at"), table_name="decisions")
