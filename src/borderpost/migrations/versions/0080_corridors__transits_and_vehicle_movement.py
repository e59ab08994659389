"""corridors, transits and vehicle movements

Revision ID: 0080
Revises: 0070
Create Date: 2026-11-23 14:40:00

Corridors are stored; transits are derived from crossings at read time (transit/pairing.py),
so only the corridors table and an index on a vehicle's crossings in time order are added.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from borderpost.db import UTCDateTime

revision: str = "0080"
down_revision: str | None = "0070"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "corridors",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False, comment="Short stable code"),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("post_a_id", sa.Uuid(), nullable=False, comment="One end"),
        sa.Column("post_b_id", sa.Uuid(), nullable=False, comment="The other end"),
        sa.Column(
            "deadline_hours",
            sa.Integer(),
            nullable=False,
            comment="Hours from entry to exit, unless the category has its own",
        ),
        sa.Column(
            "deadlines",
            sa.JSON(),
            nullable=False,
            comment="Category -> hours, overriding deadline_hours",
        ),
        sa.Column(
            "categories",
            sa.JSON(),
            nullable=False,
            comment="Categories whose crossings are transits; empty means all",
        ),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["post_a_id"], ["posts.id"]),
        sa.ForeignKeyConstraint(["post_b_id"], ["posts.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    op.create_index("ix_crossings_vehicle_time", "crossings", ["vehicle_id", "time"])


def downgrade() -> None:
    op.drop_index("ix_crossings_vehicle_time", table_name="crossings")
    op.drop_table("corridors")
