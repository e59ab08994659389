"""the daily-count trigger holds its post's lock before it touches a counter (PostgreSQL)

Revision ID: 0260
Revises: 0250
Create Date: 2026-12-05 08:00:00

``crossing_counts_apply`` (0070) upserts the counter row of each crossing written; two
transactions writing the same post's crossings with their counter rows in different orders
deadlocked on those rows. The function now first takes the transaction-level advisory lock
of the post (class "BPCT", the post id's last four bytes as a signed 32-bit key, the same as
``crossings.counts.post_lock_key``), both posts' in ascending order for an update that moves
a crossing between posts: the writers of a post's counters take turns, whatever their order.
Only the function changes (the trigger on ``crossings`` and its partitions calls it by name);
SQLite has one writer at a time and keeps its triggers.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0260"
down_revision: str | None = "0250"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LOCK_CLASS = 0x42504354  # crossings.counts.LOCK_CLASS
KEY = "post_id, day, kind, category, direction, decision, organisation_type"
SHAPE = ("kind", "category", "direction", "decision")
DAY = "date_trunc('day', {row}.time AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'"


def _post_key(row: str) -> str:
    return f"('x' || right(replace({row}.post_id::text, '-', ''), 8))::bit(32)::integer"


def _body(locked: bool) -> str:
    match = " AND ".join(
        [
            "post_id = OLD.post_id",
            f"day = {DAY.format(row='OLD')}",
            *(f"{c} = OLD.{c}" for c in SHAPE),
            "organisation_type = coalesce(OLD.organisation_type, 'none')",
        ]
    )
    values = ", ".join(
        [
            "NEW.post_id",
            DAY.format(row="NEW"),
            *(f"NEW.{c}" for c in SHAPE),
            "coalesce(NEW.organisation_type, 'none')",
        ]
    )
    add = (
        f"INSERT INTO crossing_counts_daily ({KEY}, n) VALUES ({values}, 1) "
        f"ON CONFLICT ({KEY}) DO UPDATE SET n = crossing_counts_daily.n + 1;"
    )
    remove = f"UPDATE crossing_counts_daily SET n = n - 1 WHERE {match};"
    lock = ""
    if locked:
        old, new = _post_key("OLD"), _post_key("NEW")
        lock = f"""
          IF TG_OP = 'INSERT' THEN
            PERFORM pg_advisory_xact_lock({LOCK_CLASS}, {new});
          ELSIF TG_OP = 'DELETE' THEN
            PERFORM pg_advisory_xact_lock({LOCK_CLASS}, {old});
          ELSE
            PERFORM pg_advisory_xact_lock({LOCK_CLASS}, least({old}, {new}));
            PERFORM pg_advisory_xact_lock({LOCK_CLASS}, greatest({old}, {new}));
          END IF;"""
    return f"""
        CREATE OR REPLACE FUNCTION crossing_counts_apply() RETURNS trigger AS $$
        BEGIN{lock}
          IF TG_OP IN ('UPDATE', 'DELETE') THEN {remove} END IF;
          IF TG_OP IN ('INSERT', 'UPDATE') THEN {add} END IF;
          RETURN NULL;
        END $$ LANGUAGE plpgsql
        """


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_body(locked=True))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_body(locked=False))
