"""transits indexed by corridor, state and time

Revision ID: 0270
Revises: 0230
Create Date: 2026-12-05 04:30:00

A corridor page reads one page of one state's transits, latest first, and the overdue list
reads the open ones: an index on (corridor, state, began_at) gives both in order without
reading the period's other transits.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0270"
down_revision: str | None = "0230"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_transits_corridor_state_began", "transits", ["corridor_id", "state", "began_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_transits_corridor_state_began", table_name="transits")
