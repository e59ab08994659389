"""access reports: arrival times and waiting

Revision ID: 0090
Revises: 0080
Create Date: 2026-11-23 14:40:00

Crossings get an optional arrival time (when the traveller or vehicle joined the queue), the
end of the report index, so the access report's counts and waiting times read the index
alone. Crossings refused for a prohibited declared item get the flag ``cargo_prohibited``
that recording now sets, so the report's refusal classes hold for the past as well.

Plain ADD COLUMN and index statements on SQLite too: a batch (copy-and-move) would drop the
daily-count triggers of 0070.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from borderpost.db import UTCDateTime

revision: str = "0090"
down_revision: str | None = "0080"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


REPORT = ["post_id", "time", "kind", "category", "direction", "decision", "organisation_type"]
FLAG = "cargo_prohibited"

crossings = sa.table("crossings", sa.column("id", sa.Uuid()), sa.column("flags", sa.JSON()))
consignments = sa.table(
    "consignments", sa.column("crossing_id", sa.Uuid()), sa.column("refused", sa.Boolean())
)


def upgrade() -> None:
    op.add_column(
        "crossings",
        sa.Column(
            "arrived_at",
            UTCDateTime(),
            nullable=True,
            comment="When it joined the queue, if known; waiting = time - arrived_at",
        ),
    )
    op.drop_index("ix_crossings_report", table_name="crossings")
    op.create_index("ix_crossings_report", "crossings", [*REPORT, "arrived_at"], unique=False)
    bind = op.get_bind()
    refused = sa.select(consignments.c.crossing_id).where(consignments.c.refused.is_(True))
    rows = bind.execute(
        sa.select(crossings.c.id, crossings.c.flags).where(crossings.c.id.in_(refused))
    ).all()
    for crossing_id, flags in rows:
        if FLAG not in (flags or []):
            bind.execute(
                crossings.update()
                .where(crossings.c.id == crossing_id)
                .values(flags=[*(flags or []), FLAG])
            )


def downgrade() -> None:
    op.drop_index("ix_crossings_report", table_name="crossings")
    op.create_index("ix_crossings_report", "crossings", REPORT, unique=False)
    op.drop_column("crossings", "arrived_at")
