"""consignments: the column ``lane`` is named ``lane_colour``

Revision ID: 0120
Revises: 0110
Create Date: 2026-11-28 08:00:00

A consignment's lane is a colour (green, yellow, red) that selectivity gives it, not the
physical lane of its crossing (``crossings.lane_id``); the column takes the glossary's word.
A plain column rename on both databases (SQLite has had ``RENAME COLUMN`` since 3.25), so
the table is not copied. The JSON of the API, the audit trail and the ledger keep ``lane``.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0120"
down_revision: str | None = "0110"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.alter_column("consignments", "lane", new_column_name="lane_colour")


def downgrade() -> None:
    op.alter_column("consignments", "lane_colour", new_column_name="lane")
