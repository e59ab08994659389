"""A watchlist's versions as rows: reading a version, writing the next one over the active one,
activating it, and the changes between two versions.

Version N of a list is its rows with ``since <= N`` and ``until`` None or past N. The next
version N+1 is written beside N without disturbing it (rows put with ``since = N+1``, rows
closed with ``until = N+1``), then made active by the list's pointer in one short transaction.
Kept after that: the active version's rows and the rows it closed (``until`` = its number),
so the changes from the previous version can be read from the rows alone (publication, the
screening index); older closed rows are pruned. A version being written that was never made
active (a process stopped, a checksum refused) is undone by ``clean_pending``.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Connection,
    CursorResult,
    Table,
    and_,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)

from borderpost.db import insert_plan
from borderpost.screening.lthash import LtHash, Row, element
from borderpost.screening.model import Watchlist, WatchlistEntry, WatchlistVersion

COLUMNS = ("entry_key", "kind", "names", "birth_dates", "nationalities", "documents", "plates")
KEYS = 1000  # entry keys per IN (...) list
READ_BATCH = 20_000
ENTRIES = cast(Table, WatchlistEntry.__table__)
_C = ENTRIES.c
_INSERT = insert(ENTRIES)
_WRITTEN = ("watchlist_id", "since", *COLUMNS)
_COPY = f"COPY {ENTRIES.name} ({', '.join(_WRITTEN)}) FROM STDIN"
_ROW = [_C[c] for c in COLUMNS]


def valid_at(number: int) -> ColumnElement[bool]:
    """The rows of version ``number`` (of whichever list the query selects)."""
    return and_(_C.since <= number, or_(_C.until.is_(None), _C.until > number))


def number_of(conn: Connection, version_id: uuid.UUID | None) -> int:
    """A version's number; 0 for none."""
    if version_id is None:
        return 0
    found = conn.execute(
        select(WatchlistVersion.number).where(WatchlistVersion.id == version_id)
    ).scalar_one_or_none()
    return int(found or 0)


def next_number(conn: Connection, watchlist_id: uuid.UUID) -> int:
    """Past every number the list has used (a version never made active keeps its own)."""
    top = conn.execute(
        select(func.max(WatchlistVersion.number)).where(
            WatchlistVersion.watchlist_id == watchlist_id
        )
    ).scalar_one_or_none()
    return int(top or 0) + 1


def clean_pending(conn: Connection, watchlist_id: uuid.UUID, active: int) -> None:
    """Undo what a version past ``active`` wrote and was never made active."""
    conn.execute(delete(ENTRIES).where(_C.watchlist_id == watchlist_id, _C.since > active))
    conn.execute(
        update(ENTRIES).where(_C.watchlist_id == watchlist_id, _C.until > active).values(until=None)
    )


def prune(conn: Connection, watchlist_id: uuid.UUID, active: int) -> None:
    """Rows closed before ``active`` (its own closings are kept: its changes)."""
    conn.execute(delete(ENTRIES).where(_C.watchlist_id == watchlist_id, _C.until < active))


def activate(conn: Connection, watchlist: Watchlist, version: WatchlistVersion) -> None:
    """Make ``version`` the list's active version and prune what is no longer needed."""
    watchlist.active_version_id = version.id
    prune(conn, watchlist.id, version.number)


def write_entries(
    conn: Connection, watchlist_id: uuid.UUID, since: int, rows: Sequence[Row]
) -> None:
    """One batch of a list's entry rows, put by version ``since``: COPY on PostgreSQL, the
    driver's own executemany elsewhere.

    Measured at a million entries: executemany reached 10,000 rows/s on PostgreSQL, too slow
    for a list a minute; COPY on the same connection (same transaction) is several times faster.
    On SQLite, SQLAlchemy's executemany built a parameter dict per row, a third of the
    write's time: the statement is compiled once (``db.insert_plan``, as the commit's queued
    rows are) and the tuples go to the driver as they are (the list's id through its column
    type's own bind processing, once), on the same connection.
    """
    if not rows:
        return
    driver: Any = conn.connection.driver_connection
    if conn.dialect.name == "postgresql":
        with driver.cursor() as cursor, cursor.copy(_COPY) as copy:
            for row in rows:
                copy.write_row((watchlist_id, since, *row))
        return
    plan = insert_plan(conn, _INSERT, _WRITTEN)
    # Positional in _WRITTEN's order, and only the list's id has a bind processor there.
    assert plan is not None
    assert plan.order == _WRITTEN
    assert set(plan.processors) <= {"watchlist_id"}
    process = plan.processors.get("watchlist_id")
    bound = process(watchlist_id) if process is not None else watchlist_id
    cursor = driver.cursor()
    try:
        cursor.executemany(plan.sql, [(bound, since, *r) for r in rows])
    finally:
        cursor.close()


def read_rows(conn: Connection, watchlist_id: uuid.UUID, number: int) -> Iterator[Row]:
    """Version ``number``'s rows, streamed (a server-side cursor on PostgreSQL)."""
    stmt = select(*_ROW).where(_C.watchlist_id == watchlist_id, valid_at(number))
    # On the statement: a connection's own options would stay for every later statement.
    result = conn.execute(stmt.execution_options(yield_per=READ_BATCH))
    for row in result:
        yield cast(Row, tuple(row))


def digest(row: Row, line: bytes | None = None) -> bytes:
    """A short fingerprint of a row (of its ``line``, ``element(row)``, when given), to
    compare a new content with the active one."""
    return hashlib.blake2b(element(row) if line is None else line, digest_size=16).digest()


def digests(conn: Connection, watchlist_id: uuid.UUID, number: int) -> dict[str, bytes]:
    """Entry key -> fingerprint of version ``number``'s rows."""
    return {row[0]: digest(row) for row in read_rows(conn, watchlist_id, number)}


def _chunks(keys: Sequence[str]) -> Iterator[Sequence[str]]:
    for i in range(0, len(keys), KEYS):
        yield keys[i : i + KEYS]


def changes(
    conn: Connection, watchlist_id: uuid.UUID, base: int, target: int
) -> tuple[list[Row], list[str]]:
    """From version ``base`` to version ``target``: the rows put and the keys removed.

    Complete only when the rows ``target`` closed are still there: ``target`` is active or
    pending and was written over ``base`` (its ``base_number``)."""
    put = [
        cast(Row, tuple(r))
        for r in conn.execute(
            select(*_ROW)
            .where(_C.watchlist_id == watchlist_id, _C.since > base, valid_at(target))
            .order_by(_C.id)  # the order a whole build reads them in
        )
    ]
    closed = conn.execute(
        select(_C.entry_key).where(
            _C.watchlist_id == watchlist_id,
            # valid at base and closed by target, bounded on until: the planner takes the
            # (watchlist_id, until) index, not a scan of every row put before base
            _C.until > base,
            _C.until <= target,
            _C.since <= base,
        )
    ).scalars()
    again = {r[0] for r in put}
    return put, sorted({k for k in closed if k not in again})


@dataclass
class NextVersion:
    """Version ``number`` of a list being written over version ``base`` (0: over nothing),
    with its LtHash kept up to date from what it closes and puts."""

    watchlist_id: uuid.UUID
    base: int
    number: int
    lthash: LtHash | None  # None: the state is known otherwise (a whole file computed whole)
    put: int = 0
    closed: int = 0

    def write(self, conn: Connection, rows: list[Row], lines: list[bytes] | None = None) -> None:
        """Put ``rows`` (their keys closed before, or new); ``lines``: their lines
        (``lthash.element``) when the caller has them already."""
        write_entries(conn, self.watchlist_id, self.number, rows)
        if self.lthash is not None:
            self.lthash.add(lines if lines is not None else [element(r) for r in rows])
        self.put += len(rows)

    def close(self, conn: Connection, keys: Sequence[str]) -> None:
        """Close the current rows of ``keys`` (those that have one)."""
        for chunk in _chunks(keys):
            current = and_(
                _C.watchlist_id == self.watchlist_id,
                _C.entry_key.in_(chunk),
                _C.until.is_(None),
                # Not a row this version put. Not written as since <= base: SQLite would take
                # that range on the since index (every row) over the key index.
                _C.since != self.number,
            )
            if self.lthash is not None:
                gone = [cast(Row, tuple(r)) for r in conn.execute(select(*_ROW).where(current))]
                self.lthash.remove_rows(gone)
            done = conn.execute(update(ENTRIES).where(current).values(until=self.number))
            self.closed += cast(CursorResult[Any], done).rowcount

    def unput(self, conn: Connection, key: str) -> bool:
        """Take back a row this version put for ``key`` (a key given twice in one file): it is
        closed by this same version, so no version holds it. False if none was put."""
        mine = and_(
            _C.watchlist_id == self.watchlist_id,
            _C.entry_key == key,
            _C.since == self.number,
            _C.until.is_(None),
        )
        rows = [cast(Row, tuple(r)) for r in conn.execute(select(*_ROW).where(mine))]
        if not rows:
            return False
        conn.execute(update(ENTRIES).where(mine).values(until=self.number))
        if self.lthash is not None:
            self.lthash.remove_rows(rows)
        self.put -= len(rows)
        return True


@dataclass
class WholeDiff:
    """A whole new content compared, row by row, with the version it replaces."""

    current: dict[str, bytes]
    seen: dict[str, bytes] = field(default_factory=dict)

    def see(self, row: Row, line: bytes | None = None) -> str:
        """``same`` (nothing to write), ``new``, ``changed`` (close, then put) or ``again``
        (a key already given in this content, with another row). ``line``: ``element(row)``
        when the caller has it."""
        key, fingerprint = row[0], digest(row, line)
        if key in self.seen:
            if self.seen[key] == fingerprint:
                return "same"
            self.seen[key] = fingerprint
            return "again"
        self.seen[key] = fingerprint
        old = self.current.pop(key, None)
        if old is None:
            return "new"
        return "same" if old == fingerprint else "changed"

    def gone(self) -> list[str]:
        """The keys of the replaced version that the new content does not hold."""
        return list(self.current)


def state_of(conn: Connection, version: WatchlistVersion) -> LtHash:
    """A version's LtHash, computed whole (and kept) if it was never computed."""
    if version.lthash is None:
        whole = LtHash().add_rows(read_rows(conn, version.watchlist_id, version.number))
        version.lthash, version.checksum = whole.state(), whole.checksum()
    return LtHash(version.lthash)
