"""Database wiring: the declarative base, engine and session factories, rows written at commit.

Nothing here runs at import time: ``make_engine(url)`` and ``make_session_factory(engine)``
are called by the app, the CLI and the tests, each with its own URL.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import select
import sqlite3
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

import orjson
from sqlalchemy import (
    Connection,
    DateTime,
    Engine,
    ForeignKeyConstraint,
    Insert,
    MetaData,
    Table,
    create_engine,
    event,
)
from sqlalchemy.engine.interfaces import Dialect
from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

# Stable constraint names, so Alembic can alter them on SQLite and PostgreSQL alike.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def crossing_reference(column: str) -> ForeignKeyConstraint:
    """A foreign key from ``column`` to ``crossings.id``, enforced by SQLite only.

    On PostgreSQL ``crossings`` is partitioned by month and its primary key is (id, time): no
    constraint can refer to ``id`` alone, so the application keeps these references whole
    (a crossing is never deleted; tests look for orphans). The ORM still joins through it.
    """
    return ForeignKeyConstraint([column], ["crossings.id"]).ddl_if(dialect="sqlite")


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Aware datetimes in, aware UTC datetimes out, on every backend.

    SQLite has no time zone type; storing naive UTC there and attaching UTC on the way out
    keeps comparisons and ordering right on both databases.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: a time zone is required")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        assert isinstance(value, dt.datetime)
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


# How long a SQLite connection waits for another's write lock before failing.
SQLITE_BUSY_MS = 10000


def _sqlite_pragmas(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets the web server read while a writer appends; NORMAL is durable across
    # application crashes, and the ledger fsyncs its own files.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
    cursor.close()


def json_text(value: Any) -> str:
    """The text of a JSON column's value (outbox payloads, audit entries, a crossing's reasons).

    orjson: a crossing writes six JSON values, and ``json.dumps`` was a tenth of the CPU of
    recording one. Compact, non-ASCII kept as it is (``json.dumps`` put spaces and escapes):
    the same values read back. What orjson refuses (an integer beyond 64 bits) goes to
    ``json.dumps`` as before.
    """
    try:
        return orjson.dumps(value).decode()
    except TypeError:  # orjson.JSONEncodeError is one
        return json.dumps(value)


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url`` with the settings each backend needs."""
    # A database error's text carries the statement's values (a name, a document number); it
    # reaches the server log with the traceback of a failed request, so the values stay out.
    kwargs.setdefault("hide_parameters", True)
    kwargs.setdefault("json_serializer", json_text)
    if url.startswith("sqlite"):
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    engine = create_engine(url, **kwargs)
    if engine.dialect.driver == "psycopg" and not kwargs.get("pool_pre_ping"):
        event.listen(engine, "checkout", _closed_by_server)
    return engine


def _readable(fd: int) -> bool:
    """Whether ``fd`` has something to read (or was closed), without waiting. ``poll``: a
    busy server's sockets may be numbered past what ``select`` takes (1024)."""
    if hasattr(select, "poll"):
        poller = select.poll()
        poller.register(fd, select.POLLIN)
        return bool(poller.poll(0))
    return bool(select.select([fd], [], [], 0)[0])  # pragma: no cover - not on Linux


def _closed_by_server(dbapi_connection: Any, _record: object, _proxy: object) -> None:
    """Pool checkout: replace a connection the server closed while it sat in the pool.

    Instead of ``pool_pre_ping`` (a ``SELECT 1`` round trip per transaction, one of a
    booth crossing's six waits): an idle connection has nothing to read unless the server wrote
    to it, and a server that ends a connection (a restart, ``pg_terminate_backend``, an idle
    timeout) writes its last message and closes the socket. Reading what is there without
    waiting tells the dead from the living; ``DisconnectionError`` makes the pool connect
    anew (up to three times). A connection lost without a word (a network cut) fails its
    next statement instead, which invalidates it and every older connection of the pool.
    """
    pgconn = dbapi_connection.pgconn
    if dbapi_connection.closed or pgconn.status != 0:  # 0: CONNECTION_OK
        raise DisconnectionError("connection closed")
    # The server's last message is read first; the closed socket shows at the next read.
    for _ in range(4):
        if not _readable(pgconn.socket):
            return
        try:
            pgconn.consume_input()  # never blocks: libpq's sockets are non-blocking
        except Exception as exc:  # psycopg.OperationalError: the server closed it
            raise DisconnectionError("connection closed by the server") from exc
        if pgconn.status != 0:
            raise DisconnectionError("connection closed by the server")


SessionFactory = Callable[[], Session]


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded objects usable after commit (services return them)."""
    return sessionmaker(bind=engine, expire_on_commit=False)


# Execution option of a statement that reads the rows queued with ``read_back`` itself (from
# ``queued_index``): it runs without the queue being written first.
READS_QUEUE = "borderpost_reads_queue"
_QUEUE = "deferred_inserts"
_INDEX = "deferred_index"
_READ_BACK = "deferred_read_back"  # session.info: some queued rows may be read back
# The session whose ``read_back`` rows a statement on this connection must see.
_OWNERS: weakref.WeakKeyDictionary[Connection, Session] = weakref.WeakKeyDictionary()
Rows = list[dict[str, Any]]
# Per statement, what runs before the queue holding some of its rows is written.
_BEFORE_WRITING: dict[Insert, Callable[[Connection, Rows], None]] = {}


def insert_at_commit(
    session: Session, statement: Insert, row: dict[str, Any], *, read_back: bool = False
) -> None:
    """Queue a row for the commit (outbox, audit, ledger leaf; a crossing and its rows).

    Queued rows are written with one executemany per statement just before the session
    commits, in the same transaction, in one psycopg pipeline on PostgreSQL (one round trip
    for all of them); a rollback drops them with it. Measured on the crossing hot path: every
    single-row insert is a round trip to PostgreSQL.

    ``read_back``: later statements of the transaction may read the row. Any statement then
    run on the session's connection writes the queue first, unless it is marked
    ``READS_QUEUE`` (it looks in ``queued_index`` for the queued rows itself).
    """
    queue: dict[Insert, list[dict[str, Any]]] | None = session.info.get(_QUEUE)
    if queue is None:
        queue = session.info[_QUEUE] = {}
    queue.setdefault(statement, []).append(row)
    if read_back and not session.info.get(_READ_BACK):  # once a transaction (until written)
        session.info[_READ_BACK] = True
        _OWNERS[session.connection()] = session


def queued_index(session: Session) -> dict[Any, Any]:
    """A place for the callers of ``insert_at_commit`` to find their queued rows again: each
    value a container (a dict, a list) under a key of their own, emptied in place whenever
    the queue is written or dropped."""
    index: dict[Any, Any] | None = session.info.get(_INDEX)
    if index is None:
        index = session.info[_INDEX] = {}
    return index


def order_deferred(session: Session, statements: list[Insert]) -> None:
    """Write the rows of ``statements`` first, in this order, when the queue is written (rows
    that others refer to before the rows that refer to them)."""
    queue: dict[Insert, list[dict[str, Any]]] = session.info.setdefault(_QUEUE, {})
    for statement in statements:
        queue.setdefault(statement, [])


def before_writing(statement: Insert, hook: Callable[[Connection, Rows], None]) -> None:
    """Have ``hook(connection, rows)`` run whenever the queue holds rows of ``statement``, with
    those rows, before any queued row is written, in the same transaction and pipeline: e.g.
    to take the locks the rows' triggers will need, in an order of its own."""
    _BEFORE_WRITING[statement] = hook


def write_deferred(session: Session) -> None:
    """Write the queued rows now (before reading them back in the same transaction)."""
    _write_deferred(session)


def _pipeline(connection: Connection) -> contextlib.AbstractContextManager[Any]:
    """psycopg 3's pipeline mode: the statements are sent together, one round trip for all."""
    if connection.dialect.driver != "psycopg":
        return contextlib.nullcontext()
    return cast(Any, connection.connection.driver_connection).pipeline()  # type: ignore[no-any-return]


# A statement with this many queued rows is written with COPY on PostgreSQL (an import's
# batch), fewer with the executemany of the pipeline (a booth's crossing). Measured on outbox
# rows: 15 µs of the client's CPU a row through executemany, 5.5 through COPY.
COPY_FROM = 100


@dataclass(frozen=True)
class InsertPlan:
    """How the queued rows of one INSERT with one set of columns go to the driver."""

    sql: str  # the INSERT compiled for the dialect, in the driver's parameter style
    order: tuple[str, ...] | None  # the columns in the order of positional parameters
    processors: dict[str, Callable[[Any], Any]]  # the columns' bind processors (types)
    copy: str | None  # COPY ... FROM STDIN (PostgreSQL)


# By statement, dialect (and its JSON serializer, which SQLite's JSON processor holds) and
# columns.
_PLANS: dict[tuple[Any, ...], InsertPlan | None] = {}


def insert_plan(
    connection: Connection, statement: Insert, columns: tuple[str, ...]
) -> InsertPlan | None:
    """The plan of ``statement`` with ``columns``, made once per process; None when the INSERT
    sends more than the rows hold (a column's default made in Python, values of its own):
    SQLAlchemy executes those."""
    dialect = connection.dialect
    key = (statement, dialect.name, getattr(dialect, "_json_serializer", None), columns)
    if key in _PLANS:
        return _PLANS[key]
    plan = None
    table = statement.table
    if isinstance(table, Table) and all(k in table.c for k in columns):
        compiled = statement.compile(dialect=dialect, column_keys=list(columns))
        if set(compiled.params) == set(columns):
            order = getattr(compiled, "positiontup", None) if dialect.positional else None
            processors = {}
            for k in columns:
                processor = table.c[k].type.dialect_impl(dialect).bind_processor(dialect)
                if processor is not None:
                    processors[k] = processor
            quote = dialect.identifier_preparer.quote
            names = ", ".join(quote(table.c[k].name) for k in columns)
            target = dialect.identifier_preparer.format_table(table)
            copy = f"COPY {target} ({names}) FROM STDIN" if dialect.driver == "psycopg" else None
            plan = InsertPlan(compiled.string, tuple(order) if order else None, processors, copy)
    _PLANS[key] = plan
    return plan


def _write_rows(connection: Connection, statement: Insert, rows: list[dict[str, Any]]) -> None:
    """The queued ``rows`` of ``statement``: straight to the driver, each value through its
    column type's bind processor as SQLAlchemy would send it (aware UTC times, JSON, ids).

    SQLAlchemy's own execution costs more of the client's CPU than the row (50 µs a booth
    crossing's statement on PostgreSQL, 18 on SQLite); errors are raised as SQLAlchemy's
    (``_write_deferred``), and the ``before_cursor_execute`` and ``after_cursor_execute``
    listeners still see each statement (COPY: none).
    COPY (``COPY_FROM`` rows or more on PostgreSQL) fires the table's triggers as INSERT does
    and routes rows to a partitioned table's partitions.
    """
    columns = tuple(rows[0])
    plan = insert_plan(connection, statement, columns)
    if plan is None or any(tuple(row) != columns for row in rows):
        connection.execute(statement, rows)
        return
    processors = plan.processors
    values = [
        {k: (processors[k](v) if k in processors else v) for k, v in row.items()} for row in rows
    ]
    dbapi = cast(Any, connection.connection)
    if plan.copy is not None and len(rows) >= COPY_FROM:
        with dbapi.driver_connection.cursor() as cursor, cursor.copy(plan.copy) as copy:
            for row in values:
                copy.write_row([row[k] for k in columns])
        return
    parameters: list[Any] = values
    if plan.order is not None:
        parameters = [tuple(row[k] for k in plan.order) for row in values]
    cursor = dbapi.cursor()
    try:
        many = len(parameters) > 1
        sent = parameters if many else parameters[0]
        connection.dispatch.before_cursor_execute(connection, cursor, plan.sql, sent, None, many)
        if many:
            cursor.executemany(plan.sql, parameters)
        else:
            cursor.execute(plan.sql, sent)
        connection.dispatch.after_cursor_execute(connection, cursor, plan.sql, sent, None, many)
    finally:
        cursor.close()


def _write_deferred(session: Session) -> None:
    queue: dict[Insert, list[dict[str, Any]]] = session.info.get(_QUEUE) or {}
    _clear_index(session)
    if any(queue.values()):
        session.info.pop(_READ_BACK, None)
        connection = session.connection()
        # COPY has no pipeline mode: a queue with a COPY sends each statement on its own.
        copying = any(len(rows) >= COPY_FROM for rows in queue.values())
        try:
            with contextlib.nullcontext() if copying else _pipeline(connection):
                for statement, hook in _BEFORE_WRITING.items():
                    if queue.get(statement):
                        hook(connection, queue[statement])
                for statement, rows in queue.items():
                    if rows:
                        _write_rows(connection, statement, rows)
        except DBAPIError:
            raise
        except connection.dialect.loaded_dbapi.Error as exc:  # raised as the pipeline ends
            error = connection.dialect.loaded_dbapi.Error
            raise DBAPIError.instance(None, None, exc, error) from exc
    for rows in queue.values():
        rows.clear()  # the statements keep their order (``order_deferred``)


def _drop_deferred(session: Session) -> None:
    session.info.pop(_READ_BACK, None)
    queue = session.info.get(_QUEUE)
    if queue:
        queue.clear()
    _clear_index(session)


def _clear_index(session: Session) -> None:
    # In place: a caller may hold one of its containers while a statement writes the queue.
    for found in (session.info.get(_INDEX) or {}).values():
        found.clear()


def _before_execute(
    conn: Connection, statement: Any, _multi: Any, _params: Any, options: Any
) -> None:
    # Rows queued with ``read_back`` are written before any statement that might read them.
    session = _OWNERS.get(conn)
    if session is None or not session.info.get(_READ_BACK) or options.get(READS_QUEUE):
        return
    own = getattr(statement, "_execution_options", None)
    if own is not None and own.get(READS_QUEUE):
        return
    _write_deferred(session)


# On the Session class, once: listening per session instance costs more than the rows saved.
event.listen(Session, "before_commit", _write_deferred)
event.listen(Session, "after_rollback", _drop_deferred)
event.listen(Engine, "before_execute", _before_execute)
