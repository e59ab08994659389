"""corridors, transits and vehicle movements

Revision ID: 0080
Revises: 0070
Create Date: 2026-11-23 14:40:00

Reserved in the chain so that work on several features can land in any order; filled by the
change that needs it (an empty migration is a valid step).
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0080"
down_revision: str | None = "0070"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
