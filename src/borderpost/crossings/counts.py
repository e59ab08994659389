"""The daily counts' lock on PostgreSQL: one writer of a post's counters at a time.

The trigger ``crossing_counts_apply`` (migrations 0070 and 0260) upserts one row of
``crossing_counts_daily`` per crossing written: a row lock held until the transaction ends.
Two transactions that write crossings of the same post with their counter rows in different
orders (two importers, two booths each with a vehicle and its passengers, headquarters'
ingest beside a correction) could each hold a row the other waits for, and PostgreSQL ends
one with "deadlock detected": its crossings lost.

So every writer of a post's counters first holds the post's advisory lock until it commits:

- the trigger takes it, for the post of the row inserted, updated or deleted, on every path
  (recording, import, headquarters' replicas, corrections), before touching a counter;
- the rows queued for the commit (``db.insert_at_commit``), when their crossings are of
  several posts, take the locks of those posts first, in ascending key order, in the same
  pipeline (``lock_posts``), so that a transaction writing several posts' crossings at once
  (an import file of several posts) takes them in the one order every such transaction uses.

Two writers of the same post take turns from the first crossing written to the commit (they
did already wherever they shared a counter row, the usual case: same day, same shape); writers
at different posts never wait for each other (their counters are disjoint). A transaction
that writes one post's crossings, then later (after a read-back wrote its queue) another
post's, takes the two locks in its own order: two such transactions in opposite orders can
still deadlock, on the locks instead of the rows: headquarters applies one post's events per
transaction and the booth records at one post, so only two imports of several posts each,
in opposite orders, whose queues are written early (a new convoy, a corridor's end) can.

SQLite has one writer at a time and nothing here applies.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Connection, text

# Advisory locks of Borderpost's daily counts are keyed in this class: apart from the
# single-writer jobs' (``election._KEY_CLASS``), whose session locks are held for hours.
LOCK_CLASS = 0x42504354  # "BPCT"

_LOCK = text("SELECT pg_advisory_xact_lock(:cls, :key)")


def post_lock_key(post_id: uuid.UUID) -> int:
    """The 32-bit key of ``post_id``'s counters lock: its last four bytes, signed (the random
    part of a UUID of any version). The trigger computes the same in SQL (migration 0260)."""
    return int.from_bytes(post_id.bytes[-4:], "big", signed=True)


def lock_posts(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Before the queued crossings ``rows`` are written: hold their posts' locks, in ascending
    key order (on PostgreSQL; nothing elsewhere). The crossings of one post (a booth's, most
    imports') need no lock here: the trigger takes the one lock there is."""
    if conn.dialect.name != "postgresql":
        return
    keys = sorted({post_lock_key(row["post_id"]) for row in rows})
    if len(keys) < 2:
        return
    # One executemany in the queue's pipeline: no round trip of its own, and in this order.
    conn.execute(_LOCK, [{"cls": LOCK_CLASS, "key": key} for key in keys])
