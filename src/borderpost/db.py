"""Database wiring: the declarative base, engine and session factories, rows written at commit.

Nothing here runs at import time: ``make_engine(url)`` and ``make_session_factory(engine)``
are called by the app, the CLI and the tests, each with its own URL.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable
from typing import Any

from sqlalchemy import (
    DateTime,
    Engine,
    ForeignKeyConstraint,
    Insert,
    MetaData,
    create_engine,
    event,
)
from sqlalchemy.engine.interfaces import Dialect
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


def _sqlite_pragmas(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets the web server read while a writer appends; NORMAL is durable across
    # application crashes, and the ledger fsyncs its own files.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url`` with the settings each backend needs."""
    # A database error's text carries the statement's values (a name, a document number); it
    # reaches the server log with the traceback of a failed request, so the values stay out.
    kwargs.setdefault("hide_parameters", True)
    if url.startswith("sqlite"):
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


SessionFactory = Callable[[], Session]


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded objects usable after commit (services return them)."""
    return sessionmaker(bind=engine, expire_on_commit=False)


def insert_at_commit(session: Session, statement: Insert, row: dict[str, Any]) -> None:
    """Queue a row that nothing reads back in this transaction (outbox, audit, ledger leaf).

    Queued rows are written with one executemany per statement just before the session
    commits, in the same transaction; a rollback drops them with it. Measured on the crossing
    hot path: three single-row inserts per crossing cost more than the crossing's own insert.
    """
    queue: dict[Insert, list[dict[str, Any]]] | None = session.info.get("deferred_inserts")
    if queue is None:
        queue = session.info["deferred_inserts"] = {}
    queue.setdefault(statement, []).append(row)


def order_deferred(session: Session, statements: list[Insert]) -> None:
    """Write the rows of ``statements`` first, in this order, when the queue is written (rows
    that others refer to before the rows that refer to them)."""
    queue: dict[Insert, list[dict[str, Any]]] = session.info.setdefault("deferred_inserts", {})
    for statement in statements:
        queue.setdefault(statement, [])


def write_deferred(session: Session) -> None:
    """Write the queued rows now (before reading them back in the same transaction)."""
    _write_deferred(session)


def _write_deferred(session: Session) -> None:
    queue: dict[Insert, list[dict[str, Any]]] = session.info.get("deferred_inserts") or {}
    if any(queue.values()):
        connection = session.connection()
        for statement, rows in queue.items():
            if rows:
                connection.execute(statement, rows)
    queue.clear()


def _drop_deferred(session: Session) -> None:
    queue = session.info.get("deferred_inserts")
    if queue:
        queue.clear()


# On the Session class, once: listening per session instance costs more than the rows saved.
event.listen(Session, "before_commit", _write_deferred)
event.listen(Session, "after_rollback", _drop_deferred)
