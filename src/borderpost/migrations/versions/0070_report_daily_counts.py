"""crossing counts per post and UTC day, kept by triggers, for the summary report

Revision ID: 0070
Revises: 0060
Create Date: 2026-11-23 12:00:00

The counts are maintained by triggers on ``crossings`` in both databases, so that no write
path can forget them; existing crossings are counted once here.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from borderpost.db import UTCDateTime

revision: str = "0070"
down_revision: str | None = "0060"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEY = "post_id, day, kind, category, direction, decision, organisation_type"
SHAPE = ("kind", "category", "direction", "decision")
# SQLAlchemy stores SQLite datetimes as 'YYYY-MM-DD HH:MM:SS.ffffff' in UTC (db.UTCDateTime).
SQLITE_DAY = "substr({row}.time, 1, 10) || ' 00:00:00.000000'"
PG_DAY = "date_trunc('day', {row}.time AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'"


def _match(row: str, day: str) -> str:
    parts = [f"post_id = {row}.post_id", f"day = {day.format(row=row)}"]
    parts += [f"{c} = {row}.{c}" for c in SHAPE]
    parts.append(f"organisation_type = coalesce({row}.organisation_type, 'none')")
    return " AND ".join(parts)


def _values(row: str, day: str) -> str:
    cols = ", ".join(f"{row}.{c}" for c in SHAPE)
    return (
        f"{row}.post_id, {day.format(row=row)}, {cols}, coalesce({row}.organisation_type, 'none')"
    )


def upgrade() -> None:
    op.create_table(
        "crossing_counts_daily",
        sa.Column("post_id", sa.Uuid(), nullable=False),
        sa.Column("day", UTCDateTime(), nullable=False, comment="Start of the UTC day"),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("direction", sa.String(length=3), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column(
            "organisation_type",
            sa.String(length=32),
            nullable=False,
            comment="'none' for crossings without an organisation",
        ),
        sa.Column("n", sa.Integer(), nullable=False, comment="Crossings of this shape on this day"),
        sa.ForeignKeyConstraint(["post_id"], ["posts.id"]),
        sa.PrimaryKeyConstraint(
            "post_id", "day", "kind", "category", "direction", "decision", "organisation_type"
        ),
    )
    sqlite = op.get_bind().dialect.name == "sqlite"
    day = SQLITE_DAY if sqlite else PG_DAY
    group = ", ".join(["post_id", day.format(row="crossings"), *SHAPE, "organisation_type"])
    op.execute(
        f"INSERT INTO crossing_counts_daily ({KEY}, n) "
        f"SELECT {_values('crossings', day)}, count(*) FROM crossings GROUP BY {group}"
    )
    add = (
        f"INSERT INTO crossing_counts_daily ({KEY}, n) VALUES ({_values('NEW', day)}, 1) "
        f"ON CONFLICT ({KEY}) DO UPDATE SET n = crossing_counts_daily.n + 1;"
    )
    remove = f"UPDATE crossing_counts_daily SET n = n - 1 WHERE {_match('OLD', day)};"
    watched = "post_id, time, kind, category, direction, decision, organisation_type"
    if sqlite:
        op.execute(
            f"CREATE TRIGGER crossing_counts_insert AFTER INSERT ON crossings BEGIN {add} END"
        )
        op.execute(
            f"CREATE TRIGGER crossing_counts_delete AFTER DELETE ON crossings BEGIN {remove} END"
        )
        op.execute(
            f"CREATE TRIGGER crossing_counts_update AFTER UPDATE OF {watched} ON crossings "
            f"BEGIN {remove} {add} END"
        )
        return
    op.execute(
        f"""
        CREATE FUNCTION crossing_counts_apply() RETURNS trigger AS $$
        BEGIN
          IF TG_OP IN ('UPDATE', 'DELETE') THEN {remove} END IF;
          IF TG_OP IN ('INSERT', 'UPDATE') THEN {add} END IF;
          RETURN NULL;
        END $$ LANGUAGE plpgsql
        """
    )
    op.execute(
        f"CREATE TRIGGER crossing_counts AFTER INSERT OR DELETE OR UPDATE OF {watched} "
        "ON crossings FOR EACH ROW EXECUTE FUNCTION crossing_counts_apply()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER crossing_counts_{name}")
    else:
        op.execute("DROP TRIGGER crossing_counts ON crossings")
        op.execute("DROP FUNCTION crossing_counts_apply()")
    op.drop_table("crossing_counts_daily")
