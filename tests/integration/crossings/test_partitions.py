"""Crossings partitioned by month on PostgreSQL (crossings/partitions.py, migration 0250).

The session's test database was migrated with the clock pinned at 2026-11-28, so it holds
the partitions of October 2026 to February 2027 and the default one.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import pytest
from sqlalchemy import Connection, Engine, Table, insert, select, text
from sqlalchemy.orm import Session, sessionmaker
from tests.cargo_factories import declared
from tests.factories import command, make_post, person_crossing, vehicle_crossing
from typer.testing import CliRunner

from borderpost import migrate
from borderpost.cli import app
from borderpost.crossings import partitions
from borderpost.crossings.model import Crossing
from borderpost.crossings.services import record_crossing
from borderpost.db import make_engine
from borderpost.ids import new_id
from borderpost.posts.model import Post
from borderpost.reports.model import CrossingCount
from borderpost.unit_of_work import UnitOfWork

pytestmark = pytest.mark.postgres
Factory = sessionmaker[Session]
UTC = dt.UTC
T0 = dt.datetime(2026, 11, 20, 8, tzinfo=UTC)


@pytest.fixture
def pg(pg_engine: Engine) -> Iterator[Connection]:
    """A connection to the shared test database in a transaction rolled back afterwards
    (DDL too: PostgreSQL's is transactional)."""
    connection = pg_engine.connect()
    outer = connection.begin()
    yield connection
    outer.rollback()
    connection.close()


@pytest.fixture
def factory(pg: Connection) -> Factory:
    return sessionmaker(bind=pg, expire_on_commit=False, join_transaction_mode="create_savepoint")


def _where(conn: Connection, crossing_id: uuid.UUID) -> str:
    return str(
        conn.scalar(
            text("SELECT tableoid::regclass::text FROM crossings WHERE id = :id"),
            {"id": crossing_id},
        )
    )


def _record(factory: Factory, **fields: Any) -> uuid.UUID:
    with UnitOfWork(factory, actor="officer") as uow:
        crossing_id = record_crossing(uow, command(person_crossing(**fields))).crossing.id
        uow.commit()
    return crossing_id


def _post(factory: Factory) -> None:
    with UnitOfWork(factory, actor="test") as uow:
        make_post(uow)
        uow.commit()


def _counted(conn: Connection, day: dt.datetime) -> int:
    query = select(CrossingCount.n).where(CrossingCount.day == day)
    return sum(conn.scalars(query))


def test_a_crossing_lands_in_its_months_partition(pg: Connection, factory: Factory) -> None:
    _post(factory)
    november = _record(factory, time="2026-11-20T12:00:00+04:00")
    # 1 January 02:30 in Baku is still December in UTC: months are UTC months.
    new_year = _record(factory, time="2027-01-01T02:30:00+04:00")
    assert _where(pg, november) == "crossings_p2026_11"
    assert _where(pg, new_year) == "crossings_p2026_12"
    with factory() as session:  # the id alone finds it, whatever its month
        assert session.get(Crossing, november) is not None


def test_a_crossing_of_a_month_without_partition_is_kept_in_the_default_one(
    pg: Connection, factory: Factory
) -> None:
    _post(factory)
    past = _record(factory, time="1999-02-03T10:00:00+04:00")
    future = _record(factory, time="2031-07-01T10:00:00+04:00")
    assert _where(pg, past) == partitions.DEFAULT
    assert _where(pg, future) == partitions.DEFAULT


def test_making_partitions_is_idempotent_and_takes_crossings_out_of_the_default(
    pg: Connection, factory: Factory
) -> None:
    _post(factory)
    waiting = _record(factory, time="2027-06-10T10:00:00+04:00")
    day = dt.datetime(2027, 6, 10, tzinfo=UTC)
    assert _where(pg, waiting) == partitions.DEFAULT
    assert _counted(pg, day) == 1

    made = partitions.ensure_partitions(pg, dt.date(2027, 5, 1), dt.date(2027, 7, 31))
    assert made.created == ["crossings_p2027_05", "crossings_p2027_06", "crossings_p2027_07"]
    assert made.moved == 1
    assert _where(pg, waiting) == "crossings_p2027_06"
    assert _counted(pg, day) == 1  # moved, not counted again nor forgotten

    again = partitions.ensure_partitions(pg, dt.date(2027, 5, 1), dt.date(2027, 7, 31))
    assert (again.created, again.moved, again.default_created) == ([], 0, False)
    # The moved partition is a partition like the others: the daily counts follow its rows.
    later = _record(factory, time="2027-06-10T11:00:00+04:00")
    assert _where(pg, later) == "crossings_p2027_06"
    assert _counted(pg, day) == 2


def test_a_crossing_moved_to_another_month_is_counted_once(
    pg: Connection, factory: Factory
) -> None:
    _post(factory)
    crossing_id = _record(factory, time="2026-11-30T10:00:00+04:00")
    pg.execute(
        text("UPDATE crossings SET time = :t WHERE id = :id"),
        {"t": dt.datetime(2026, 12, 2, 6, tzinfo=UTC), "id": crossing_id},
    )
    assert _where(pg, crossing_id) == "crossings_p2026_12"
    assert _counted(pg, dt.datetime(2026, 11, 30, tzinfo=UTC)) == 0
    assert _counted(pg, dt.datetime(2026, 12, 2, tzinfo=UTC)) == 1


def test_no_reference_to_a_crossing_is_left_without_its_crossing(
    pg: Connection, factory: Factory
) -> None:
    # On PostgreSQL no foreign key keeps these: recording does. A vehicle with cargo and a
    # passenger; then a passenger of a vehicle that is not there, found as one.
    _post(factory)
    truck = vehicle_crossing(
        id=str(new_id()), time="2026-11-21T10:00:00+04:00", consignments=[declared()]
    )
    with UnitOfWork(factory, actor="officer") as uow:
        record_crossing(uow, command(truck))
        record_crossing(
            uow,
            command(
                person_crossing(category="commercial", carried_by=truck["id"], time=truck["time"])
            ),
        )
        uow.commit()
    assert set(partitions.orphans(pg).values()) == {0}
    post_id = pg.scalar(select(Post.id))
    (stray,) = _insert_crossings(pg, post_id, [T0])
    pg.execute(
        text("UPDATE crossings SET carried_by_id = :v WHERE id = :id"), {"v": new_id(), "id": stray}
    )
    assert partitions.orphans(pg)["crossings.carried_by_id"] == 1


# --- the migration and the command, each on a database of its own -------------------------


def _insert_crossings(conn: Connection, post_id: uuid.UUID, times: list[dt.datetime]) -> list[Any]:
    ids = [new_id() for _ in times]
    for crossing_id, moment in zip(ids, times, strict=True):
        conn.execute(
            insert(cast(Table, Crossing.__table__)),
            {"id": crossing_id, "post_id": post_id, "direction": "in", "time": moment,
             "kind": "person", "category": "civilian", "officer": "officer",
             "decision": "admitted", "reasons": [], "flags": [], "recorded_at": moment},
        )  # fmt: skip
    return ids


def _counts(conn: Connection) -> dict[Any, int]:
    rows = conn.execute(text("SELECT day, sum(n) FROM crossing_counts_daily GROUP BY day"))
    return {day: int(n) for day, n in rows if n}


def test_the_migration_converts_a_table_with_crossings_and_back(empty_pg_url: str) -> None:
    engine = make_engine(empty_pg_url)
    try:
        migrate.upgrade(engine, "0230")
        post_id = new_id()
        times = [
            dt.datetime(2019, 5, 4, 3, tzinfo=UTC),
            dt.datetime(2026, 3, 31, 23, 59, tzinfo=UTC),
            dt.datetime(2026, 4, 1, 0, 0, tzinfo=UTC),
            dt.datetime(2026, 11, 27, 12, tzinfo=UTC),
        ]
        with engine.begin() as conn:
            conn.execute(
                insert(cast(Table, Post.__table__)),
                {"id": post_id, "code": "P-A", "name": "P-A", "names": {}, "timezone": "UTC",
                 "exempt_categories": [], "opening_hours": {}, "created_at": times[0]},
            )  # fmt: skip
            ids = _insert_crossings(conn, post_id, times)
            # A passenger, whose reference to its vehicle survives both ways.
            conn.execute(
                text("UPDATE crossings SET carried_by_id = :v WHERE id = :p"),
                {"v": ids[2], "p": ids[1]},
            )
            before = _counts(conn)

        migrate.upgrade(engine)
        with engine.begin() as conn:
            assert partitions.is_partitioned(conn)
            where = [_where(conn, i) for i in ids]
            assert where == [
                "crossings_p2019_05", "crossings_p2026_03", "crossings_p2026_04",
                "crossings_p2026_11",
            ]  # fmt: skip
            assert {"crossings_p2027_02", partitions.DEFAULT} <= partitions.existing(conn)
            assert _counts(conn) == before  # copied, not counted again
            _insert_crossings(conn, post_id, [dt.datetime(2026, 11, 27, 13, tzinfo=UTC)])
            after = _counts(conn)
            assert after[dt.datetime(2026, 11, 27, tzinfo=UTC)] == 2  # the trigger still counts
            assert set(partitions.orphans(conn).values()) == {0}

        _downgrade(engine, "0230")
        with engine.begin() as conn:
            assert not partitions.is_partitioned(conn)
            assert conn.scalar(text("SELECT count(*) FROM crossings")) == 5
            assert _counts(conn) == after
            referring = conn.scalar(
                text("SELECT count(*) FROM pg_constraint WHERE confrelid = 'crossings'::regclass")
            )
            assert referring == 4  # the foreign keys to crossings are back
            _insert_crossings(conn, post_id, [dt.datetime(2026, 11, 27, 14, tzinfo=UTC)])
            assert _counts(conn)[dt.datetime(2026, 11, 27, tzinfo=UTC)] == 3

        migrate.upgrade(engine)  # and forward again
        with engine.begin() as conn:
            assert conn.scalar(text("SELECT count(*) FROM crossings")) == 6
    finally:
        engine.dispose()


def _downgrade(engine: Engine, revision: str) -> None:
    from alembic import command as alembic

    config = migrate.alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        alembic.downgrade(config, revision)


def test_the_partitions_command(
    empty_pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BORDERPOST_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("BORDERPOST_DATABASE_URL", empty_pg_url)
    runner = CliRunner()
    assert runner.invoke(app, ["init"]).exit_code == 0
    first = runner.invoke(app, ["db", "partitions", "--ahead", "5"])
    assert first.exit_code == 0, first.output
    assert "crossings_p2027_03, crossings_p2027_04" in first.output
    second = runner.invoke(app, ["db", "partitions", "--ahead", "5"])
    assert second.exit_code == 0, second.output
    assert "Partitions made: none" in second.output


def test_the_partitions_command_on_sqlite_has_nothing_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BORDERPOST_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("BORDERPOST_DATABASE_URL", raising=False)
    runner = CliRunner()
    assert runner.invoke(app, ["init"]).exit_code == 0
    result = runner.invoke(app, ["db", "partitions"])
    assert result.exit_code == 0, result.output
    assert "nothing to do" in result.output
