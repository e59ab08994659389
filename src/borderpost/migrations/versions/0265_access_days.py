"""the access report's ended days kept once read, forgotten by triggers on crossings

Revision ID: 0265
Revises: 0260
Create Date: 2026-12-05 08:00:00

``access_days`` holds a post's figures of one ended local day (counts, refusals by class,
median and 90th percentile of the waits), written by the access report the first time it
reads the day after it ended. Triggers on ``crossings`` delete the rows of a post whose day
(``since``..``until``, UTC) holds a crossing inserted, deleted, or changed in a column the
report reads, in both databases, so no write path (recording, ingest of a late crossing, a
correction, a hand-written fix) leaves a stale day. Nothing is filled here: the first read
of each day fills it. An index of the refused crossings (post, time, with their flags, on
PostgreSQL) lets the first read count refusals by class without reading the table.

On PostgreSQL the trigger takes a shared transaction-level advisory lock of the post, and the
report takes the same lock exclusively (without waiting) while it derives and stores days:
a day is stored only from a read that no uncommitted crossing of the post could miss.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from borderpost.db import UTCDateTime

revision: str = "0265"
down_revision: str | None = "0260"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The columns of a crossing the access report reads (erasure blanks others: no effect).
WATCHED = "post_id, time, arrived_at, decision, flags"
# The advisory lock: a class of its own ("BPAD", apart from the jobs' and the daily counts')
# and a key per post, as services computes it.
LOCK = "pg_advisory_xact_lock_shared(1112555844, hashtext('access_days:' || {row}.post_id::text))"


def _forget(row: str, sqlite: bool) -> str:
    # The day holding the crossing's time; ``until`` bounded too (a local day lasts at most
    # 25 hours: three days is room enough) so that the index reads that day's row alone,
    # not every later day of the post.
    soon = f"datetime({row}.time, '+3 days')" if sqlite else f"{row}.time + interval '3 days'"
    return (
        f"DELETE FROM access_days WHERE post_id = {row}.post_id "
        f"AND until > {row}.time AND until <= {soon} AND since <= {row}.time;"
    )


def upgrade() -> None:
    op.create_table(
        "access_days",
        sa.Column("post_id", sa.Uuid(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False, comment="The post's local day"),
        sa.Column("since", UTCDateTime(), nullable=False, comment="Local midnight, in UTC"),
        sa.Column("until", UTCDateTime(), nullable=False, comment="The next local midnight"),
        sa.Column("crossings", sa.Integer(), nullable=False),
        sa.Column("refused", sa.Integer(), nullable=False),
        sa.Column(
            "waits_known", sa.Integer(), nullable=False, comment="Crossings with an arrival time"
        ),
        sa.Column("median_seconds", sa.Integer(), nullable=True, comment="Nearest-rank median"),
        sa.Column("p90_seconds", sa.Integer(), nullable=True, comment="Nearest-rank 90th"),
        sa.Column(
            "closed_post", sa.Integer(), nullable=False, comment="Refusals by class (services)"
        ),
        sa.Column("cargo_prohibited", sa.Integer(), nullable=False),
        sa.Column("documents", sa.Integer(), nullable=False),
        sa.Column("screening_or_other", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["post_id"], ["posts.id"]),
        sa.PrimaryKeyConstraint("post_id", "day"),
    )
    op.create_index("ix_access_days_post_until", "access_days", ["post_id", "until"])
    # Refusals by class read from the index alone on PostgreSQL (flags included): a post's
    # refused crossings of a year were one heap page each. Built over the whole history here.
    refused = sa.text("decision = 'refused'")
    op.create_index(
        "ix_crossings_refused",
        "crossings",
        ["post_id", "time"],
        postgresql_include=["flags"],
        postgresql_where=refused,
        sqlite_where=refused,
    )
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            f"CREATE TRIGGER access_days_insert AFTER INSERT ON crossings "
            f"BEGIN {_forget('NEW', True)} END"
        )
        op.execute(
            f"CREATE TRIGGER access_days_delete AFTER DELETE ON crossings "
            f"BEGIN {_forget('OLD', True)} END"
        )
        op.execute(
            f"CREATE TRIGGER access_days_update AFTER UPDATE OF {WATCHED} ON crossings "
            f"BEGIN {_forget('OLD', True)} {_forget('NEW', True)} END"
        )
        return
    op.execute(
        f"""
        CREATE FUNCTION access_days_forget() RETURNS trigger AS $$
        BEGIN
          IF TG_OP IN ('UPDATE', 'DELETE') THEN
            PERFORM {LOCK.format(row="OLD")};
            {_forget("OLD", False)}
          END IF;
          IF TG_OP IN ('INSERT', 'UPDATE') THEN
            PERFORM {LOCK.format(row="NEW")};
            {_forget("NEW", False)}
          END IF;
          RETURN NULL;
        END $$ LANGUAGE plpgsql
        """
    )
    # On the partitioned table: every partition, present and future, has it.
    op.execute(
        f"CREATE TRIGGER access_days_forget AFTER INSERT OR DELETE OR UPDATE OF {WATCHED} "
        "ON crossings FOR EACH ROW EXECUTE FUNCTION access_days_forget()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER access_days_{name}")
    else:
        op.execute("DROP TRIGGER access_days_forget ON crossings")
        op.execute("DROP FUNCTION access_days_forget()")
    op.drop_index("ix_crossings_refused", table_name="crossings")
    op.drop_index("ix_access_days_post_until", table_name="access_days")
    op.drop_table("access_days")
