"""A pooled connection the PostgreSQL server ended is replaced before the next recording uses it.

The pool does not ping the server on every checkout (a round trip per transaction); it reads
what the server wrote to the idle connection (``db._closed_by_server``). Tested on a database
of the test's own, whose backends are ended with ``pg_terminate_backend`` as an administrator
(or a restart) would.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy import Engine, func, select
from tests.factories import command, make_post, person_crossing

from borderpost import migrate
from borderpost.crossings.model import Crossing
from borderpost.crossings.services import record_crossing
from borderpost.db import make_engine, make_session_factory
from borderpost.unit_of_work import UnitOfWork

pytestmark = pytest.mark.postgres


@pytest.fixture
def engine(empty_pg_url: str) -> Iterator[Engine]:
    engine = make_engine(empty_pg_url)
    migrate.upgrade(engine)
    with UnitOfWork(make_session_factory(engine), actor="test") as uow:
        make_post(uow)
        uow.commit()
    yield engine
    engine.dispose()


def _record(engine: Engine) -> None:
    with UnitOfWork(make_session_factory(engine), actor="officer") as uow:
        record_crossing(uow, command(person_crossing()))
        uow.commit()


def _terminate(engine: Engine, pid: int | None = None) -> int:
    """End the backend ``pid``, or every backend of the engine's database, as an administrator
    would, waiting until each has exited (``pg_terminate_backend``'s timeout in milliseconds:
    a ceiling, not a sleep). How many were ended."""
    url = engine.url.set(drivername="postgresql")
    admin = url.set(database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        ended = conn.execute(
            "SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity"
            " WHERE datname = %s AND (%s::int IS NULL OR pid = %s::int)",
            (url.database, pid, pid),
        ).fetchall()
    assert all(row == (True,) for row in ended)
    return len(ended)


def _backend(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.exec_driver_sql("SELECT pg_backend_pid()").scalar_one())


def _crossings(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(Crossing)).scalar_one())


def test_the_pool_does_not_ping(engine: Engine) -> None:
    assert not engine.pool._pre_ping


def test_recording_after_the_server_ended_the_pooled_connection(engine: Engine) -> None:
    _record(engine)
    before = _backend(engine)  # the one connection in the pool
    assert _terminate(engine, before) == 1

    _record(engine)  # would fail with "terminating connection" if the dead one were used

    assert _backend(engine) != before
    assert _crossings(engine) == 2


def test_recording_after_every_pooled_connection_was_ended(engine: Engine) -> None:
    # Three connections in the pool, as after three booths recorded at once.
    barrier = threading.Barrier(3)
    errors: list[BaseException] = []

    def hold() -> None:
        try:
            with engine.connect() as conn:
                conn.exec_driver_sql("SELECT 1")
                barrier.wait(timeout=30)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=hold) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert engine.pool.checkedin() == 3
    assert _terminate(engine) == 3  # as a restart would

    for _ in range(3):
        _record(engine)

    assert _crossings(engine) == 3
