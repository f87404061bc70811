"""Root of every domain's branch of migrations (creates nothing).

Revision ID: 0001_base
"""

from __future__ import annotations

revision = "0001_base"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
