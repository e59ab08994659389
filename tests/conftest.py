"""Databases for the tests: real SQLite files and a real PostgreSQL server.

Each test gets a clean database: SQLite is a copy of a migrated template file; on PostgreSQL
the test runs inside a transaction that is rolled back afterwards. PostgreSQL is required:
if it cannot be reached the tests fail, they are not skipped.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

# Every test runs on one fixed day and hour, whatever the wall clock says, and so do the demo,
# the CLI and the servers the tests start (they inherit the variable): a Saturday noon at the
# posts (UTC+4). A test that needs another "now" pins or patches ``clock`` itself.
NOW = "2026-11-28T08:00:00+00:00"
os.environ["BORDERPOST_NOW"] = NOW

import psycopg  # noqa: E402 - after the clock is pinned
import pytest  # noqa: E402
from sqlalchemy import Engine  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.orm import Session, sessionmaker  # noqa: E402

from borderpost import clock, migrate  # noqa: E402
from borderpost.db import make_engine  # noqa: E402

clock.pin(clock.parse(NOW))

PG_BASE = os.environ.get(
    "BORDERPOST_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    engine.dispose()
    return path


@contextlib.contextmanager
def _scratch_database(prefix: str) -> Iterator[str]:
    """A new, empty PostgreSQL database on the test server, dropped when the block ends."""
    base = make_url(PG_BASE)
    admin = base.set(drivername="postgresql").render_as_string(hide_password=False)
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    try:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:  # pragma: no cover - the message is the point
        pytest.fail(f"PostgreSQL is required for the tests and is not reachable: {exc}")
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def _migrated_database(prefix: str) -> Iterator[str]:
    """A scratch PostgreSQL database with every migration applied, dropped when the block ends."""
    with _scratch_database(prefix) as url:
        engine = make_engine(url)
        migrate.upgrade(engine)
        engine.dispose()
        yield url


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A scratch PostgreSQL database, migrated, dropped at the end of the run."""
    with _migrated_database("borderpost_test") as url:
        yield url


@pytest.fixture(scope="module")
def pg_module_url() -> Iterator[str]:
    """A migrated PostgreSQL database of this test module's own (tests that commit for real
    and must not share the session's database), dropped after the module."""
    with _migrated_database("borderpost_module") as url:
        yield url


@pytest.fixture
def empty_pg_url() -> Iterator[str]:
    """A PostgreSQL database of this test's own, not migrated (migration tests), dropped after."""
    with _scratch_database("borderpost_scratch") as url:
        yield url


@pytest.fixture(scope="session")
def pg_engine(pg_url: str) -> Iterator[Engine]:
    engine = make_engine(pg_url)
    yield engine
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def session_factory(
    request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path
) -> Iterator[sessionmaker[Session]]:
    """A session factory on a clean database, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        path = tmp_path / "test.db"
        shutil.copy(sqlite_template, path)
        engine = make_engine(f"sqlite:///{path}")
        yield sessionmaker(bind=engine, expire_on_commit=False)
        engine.dispose()
        return
    pg_engine: Engine = request.getfixturevalue("pg_engine")
    connection = pg_engine.connect()
    outer = connection.begin()
    # Commits inside the code under test release savepoints; the outer rollback undoes all.
    yield sessionmaker(
        bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
    )
    outer.rollback()
    connection.close()
