"""closures: why and on whose order a closure was ended

Revision ID: 0160
Revises: 0140
Create Date: 2026-12-04 08:00:00

Reopening a post is an order as closing it is: the closure keeps the reason, the authority
and the user who ended it. Closures ended before this revision have none (NULL).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0160"
down_revision: str | None = "0140"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("closures") as batch:
        batch.add_column(
            sa.Column("end_reason", sa.Text(), nullable=True, comment="Why the closure was ended")
        )
        batch.add_column(
            sa.Column(
                "end_authority",
                sa.String(length=200),
                nullable=True,
                comment="Who ordered the closure ended",
            )
        )
        batch.add_column(
            sa.Column(
                "ended_by", sa.String(length=100), nullable=True, comment="The user who ended it"
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("closures") as batch:
        batch.drop_column("ended_by")
        batch.drop_column("end_authority")
        batch.drop_column("end_reason")
