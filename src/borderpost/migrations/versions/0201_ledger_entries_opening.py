"""ledger_entries: the committed personal fields, for a party's opening of its own leaves

Revision ID: 0201
Revises: 0200
Create Date: 2026-12-05 01:10:00

A party is given, for each crossing of its organisation, the salt and the personal fields the
commitment covers, so it can check the leaf is its own movement. The fields as presented were
not kept apart before; leaves written before this revision have none (NULL) and their receipts
come without an opening.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0201"
down_revision: str | None = "0200"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("ledger_entries") as batch:
        batch.add_column(
            sa.Column(
                "opening",
                sa.LargeBinary(),
                nullable=True,
                comment="The committed personal fields (canonical JSON): with the salt, the "
                "opening a party is given for its own crossings; NULL for other leaves",
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("ledger_entries") as batch:
        batch.drop_column("opening")
