"""transits stored as their crossings are recorded

Revision ID: 0230
Revises: 0220
Create Date: 2026-12-05 01:20:00

Until this revision a corridor's transits were derived from the crossings at every reading;
from it on they are paired when a crossing is recorded (transit/stored.py). The upgrade pairs
the crossings already recorded at every corridor's ends, as a new corridor does.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from borderpost.db import UTCDateTime

revision: str = "0230"
down_revision: str | None = "0220"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "transits",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("corridor_id", sa.Uuid(), nullable=False),
        sa.Column("vehicle_id", sa.Uuid(), nullable=False),
        sa.Column(
            "state",
            sa.String(length=24),
            nullable=False,
            comment="Transit state; in_transit for every open one, overdue or not",
        ),
        sa.Column(
            "began_at",
            UTCDateTime(),
            nullable=False,
            comment="The entry's time, or the exit's for an exit without entry",
        ),
        sa.Column(
            "category",
            sa.String(length=32),
            nullable=False,
            comment="The first crossing's category",
        ),
        sa.Column("vehicle_type", sa.String(length=16), nullable=True),
        sa.Column("deadline_at", UTCDateTime(), nullable=True),
        sa.Column("entry_id", sa.Uuid(), nullable=True, comment="The entry crossing"),
        sa.Column("entry_post_id", sa.Uuid(), nullable=True),
        sa.Column("entry_time", UTCDateTime(), nullable=True),
        sa.Column("entry_category", sa.String(length=32), nullable=True),
        sa.Column("exit_id", sa.Uuid(), nullable=True, comment="The exit crossing"),
        sa.Column("exit_post_id", sa.Uuid(), nullable=True),
        sa.Column("exit_time", UTCDateTime(), nullable=True),
        sa.Column("exit_category", sa.String(length=32), nullable=True),
        sa.Column(
            "last_at",
            UTCDateTime(),
            nullable=False,
            comment="The time of its latest crossing: the exit's, else the entry's",
        ),
        sa.Column("last_id", sa.Uuid(), nullable=False, comment="Its latest crossing"),
        sa.ForeignKeyConstraint(["corridor_id"], ["corridors.id"]),
        sa.ForeignKeyConstraint(["vehicle_id"], ["vehicles.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_transits_corridor_began", "transits", ["corridor_id", "began_at"])
    op.create_index(
        "ix_transits_corridor_vehicle_last", "transits", ["corridor_id", "vehicle_id", "last_at"]
    )
    # The crossings recorded before: paired as a new corridor pairs them (the same code).
    from borderpost.transit import stored
    from borderpost.transit.model import Corridor

    conn = op.get_bind()
    for row in conn.execute(sa.select(Corridor.__table__)).mappings().all():
        stored.pair_corridor(conn, Corridor(**dict(row)))


def downgrade() -> None:
    op.drop_index("ix_transits_corridor_vehicle_last", table_name="transits")
    op.drop_index("ix_transits_corridor_began", table_name="transits")
    op.drop_table("transits")
