"""Crossings partitioned by month on PostgreSQL: the monthly partitions and the default one.

On PostgreSQL ``crossings`` is a table partitioned by range of ``time``, one partition per
UTC month (``crossings_p2026_11`` holds November 2026) and a DEFAULT partition
(``crossings_default``) that takes a crossing of any month without a partition of its own,
so that no crossing is ever refused for its date. A report over a period reads only the
months it asks for (partition pruning), whatever the size of the history; an old month can
be detached and archived as one table.

Partitions are made ahead of time by ``ensure_partitions`` (``borderpost db partitions``,
and ``borderpost init`` after migrating). Crossings already in the default partition for a
month that gets its own are moved into it, with the crossing_counts trigger left out of it:
they were counted when recorded. SQLite has one plain table and nothing here applies.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from sqlalchemy import Connection, text

TABLE = "crossings"
DEFAULT = "crossings_default"
# crossings_p2026_11: the partition of November 2026 (UTC).
MONTHLY = re.compile(r"^crossings_p(\d{4})_(\d{2})$")


def is_partition(name: str) -> bool:
    """Whether a table name is one of the partitions (migrations' drift check leaves them)."""
    return name == DEFAULT or MONTHLY.match(name) is not None


def month_start(moment: dt.datetime | dt.date) -> dt.date:
    """The first day of the UTC month of ``moment``."""
    if isinstance(moment, dt.datetime):
        moment = moment.astimezone(dt.UTC).date()
    return moment.replace(day=1)


def add_months(month: dt.date, n: int) -> dt.date:
    """The first day of the month ``n`` months after ``month`` (before, for negative n)."""
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def partition_name(month: dt.date) -> str:
    return f"crossings_p{month.year:04d}_{month.month:02d}"


def _bound(month: dt.date) -> str:
    return f"'{month.isoformat()} 00:00:00+00'"


@dataclass
class Outcome:
    """What ``ensure_partitions`` did: the partitions it made, crossings it moved."""

    created: list[str] = field(default_factory=list)
    moved: int = 0
    default_created: bool = False


def is_partitioned(conn: Connection) -> bool:
    """Whether ``crossings`` is a partitioned table here (PostgreSQL after the migration)."""
    if conn.dialect.name != "postgresql":
        return False
    kind = conn.scalar(
        text("SELECT relkind FROM pg_class WHERE oid = to_regclass(:name)"), {"name": TABLE}
    )
    return bool(kind == "p")


def existing(conn: Connection) -> set[str]:
    """The names of the partitions attached to ``crossings``."""
    rows = conn.execute(
        text(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = to_regclass(:name)"
        ),
        {"name": TABLE},
    )
    return {name for (name,) in rows}


def ensure_partitions(conn: Connection, first: dt.date, last: dt.date) -> Outcome:
    """Make sure every month from ``first`` to ``last`` (inclusive) has its partition, and that
    the default partition exists. Idempotent; does nothing where crossings are not partitioned.

    Runs in the caller's transaction. Creating a partition takes a short exclusive lock on
    ``crossings``: run it at a quiet hour, ahead of the months it makes.
    """
    outcome = Outcome()
    if not is_partitioned(conn):
        return outcome
    # Two of these at once (two `init`s, the command beside one) take turns, not collide.
    conn.execute(text("SELECT pg_advisory_xact_lock(hashtext('borderpost.crossings.partitions'))"))
    have = existing(conn)
    if DEFAULT not in have:
        conn.execute(text(f"CREATE TABLE {DEFAULT} PARTITION OF {TABLE} DEFAULT"))
        have.add(DEFAULT)
        outcome.default_created = True
    month = month_start(first)
    while month <= month_start(last):
        name = partition_name(month)
        if name not in have:
            outcome.moved += _create(conn, month)
            outcome.created.append(name)
        month = add_months(month, 1)
    return outcome


def _create(conn: Connection, month: dt.date) -> int:
    """Create the partition of ``month``; return how many crossings came from the default."""
    name, start, end = partition_name(month), _bound(month), _bound(add_months(month, 1))
    waiting = conn.scalar(
        text(f"SELECT count(*) FROM {DEFAULT} WHERE time >= {start} AND time < {end}")  # noqa: S608
    )
    if not waiting:
        conn.execute(
            text(f"CREATE TABLE {name} PARTITION OF {TABLE} FOR VALUES FROM ({start}) TO ({end})")
        )
        return 0
    # The default partition holds crossings of this month: the month cannot be attached while
    # they are there. Detached, the default loses the parent's triggers, so moving the rows
    # between two tables that are not (yet) partitions fires no crossing_counts trigger: the
    # rows were counted once, when they were recorded.
    conn.execute(text(f"ALTER TABLE {TABLE} DETACH PARTITION {DEFAULT}"))
    conn.execute(text(f"CREATE TABLE {name} (LIKE {TABLE} INCLUDING DEFAULTS)"))
    conn.execute(
        text(
            f"WITH moved AS (DELETE FROM {DEFAULT} WHERE time >= {start} AND time < {end} "  # noqa: S608
            f"RETURNING *) INSERT INTO {name} SELECT * FROM moved"
        )
    )
    conn.execute(
        text(f"ALTER TABLE {TABLE} ATTACH PARTITION {name} FOR VALUES FROM ({start}) TO ({end})")
    )
    conn.execute(text(f"ALTER TABLE {TABLE} ATTACH PARTITION {DEFAULT} DEFAULT"))
    return int(waiting)


def ensure_ahead(conn: Connection, today: dt.date, ahead: int = 3, behind: int = 1) -> Outcome:
    """The partitions from ``behind`` months before ``today``'s month to ``ahead`` after it."""
    month = month_start(today)
    return ensure_partitions(conn, add_months(month, -behind), add_months(month, ahead))


# What refers to a crossing by its id alone: (table, column). On PostgreSQL no foreign key
# guards these (db.crossing_reference); recording and ingest only write them for a crossing
# that is there, and nothing deletes a crossing.
REFERENCES = (
    ("screening_hits", "crossing_id"),
    ("consignments", "crossing_id"),
    ("inspections", "crossing_id"),
    ("crossings", "carried_by_id"),
)


def orphans(conn: Connection) -> dict[str, int]:
    """How many rows of each referring table name a crossing that is not there (0 each when
    the application kept its word). Also what to check before detaching a month."""
    found: dict[str, int] = {}
    for table, column in REFERENCES:
        found[f"{table}.{column}"] = int(
            conn.scalar(
                text(
                    f"SELECT count(*) FROM {table} r WHERE r.{column} IS NOT NULL AND NOT "  # noqa: S608
                    f"EXISTS (SELECT 1 FROM crossings c WHERE c.id = r.{column})"
                )
            )
            or 0
        )
    return found
