"""watchlist versions: when the crossings recorded since the import were screened against it

Revision ID: 0100
Revises: 0090
Create Date: 2026-11-23 15:00:00

Versions that exist at the upgrade get no time: the next server start screens against them
once the crossings recorded since their import and those of the last ``rescreen_days`` (a
hit is never raised twice).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import borderpost.db

revision: str = "0100"
down_revision: str | None = "0090"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("watchlist_versions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "caught_up_at",
                borderpost.db.UTCDateTime(timezone=True),
                nullable=True,
                comment="When the crossings recorded since the import (some screened against "
                "the previous version while this one was built) were screened against it; "
                "None: not yet",
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("watchlist_versions", schema=None) as batch_op:
        batch_op.drop_column("caught_up_at")
