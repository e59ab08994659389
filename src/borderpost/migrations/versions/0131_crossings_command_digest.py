"""crossings: ``command_digest``, the SHA-256 of the command that recorded the crossing

Revision ID: 0131
Revises: 0130
Create Date: 2026-12-04 22:00:00

A crossing's id may be given by the caller so that sending it again (a retried request, a
re-imported file) records nothing new. The digest of the command as first recorded lets a
repeat be told from a different crossing that reuses the id: only the same command, at the
same post, is answered with the recorded crossing. Rows recorded before have no digest; their
post, time and kind are compared instead. A nullable column: no table copy on either database.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0131"
down_revision: str | None = "0130"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "crossings",
        sa.Column(
            "command_digest",
            sa.String(length=64),
            nullable=True,
            comment="SHA-256 of the command as first recorded: a repeat of the id must match",
        ),
    )


def downgrade() -> None:
    with op.batch_alter_table("crossings") as batch:
        batch.drop_column("command_digest")
