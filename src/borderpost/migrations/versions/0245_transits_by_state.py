"""transits indexed for the corridor page: a period counted, one state's page

Revision ID: 0245
Revises: 0230
Create Date: 2026-12-05 04:30:00

A corridor page counts the period's transits by state and charts their durations in the
database, and reads one page of one state's transits, latest first (the overdue list reads the
open ones). The count reads the period from an index holding every column it needs (in place
of the index on corridor and began_at alone), and the page reads (corridor, state, began_at).
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0245"
down_revision: str | None = "0240"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


_PERIOD = ["corridor_id", "began_at", "state", "deadline_at", "entry_time", "exit_time"]


def upgrade() -> None:
    op.create_index("ix_transits_corridor_period", "transits", _PERIOD)
    op.drop_index("ix_transits_corridor_began", table_name="transits")
    op.create_index(
        "ix_transits_corridor_state_began", "transits", ["corridor_id", "state", "began_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_transits_corridor_state_began", table_name="transits")
    op.create_index("ix_transits_corridor_began", "transits", ["corridor_id", "began_at"])
    op.drop_index("ix_transits_corridor_period", table_name="transits")
