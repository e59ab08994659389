"""Round trips to PostgreSQL per crossing recorded: a count, so that the saving cannot regress.

Each statement psycopg sends outside a pipeline waits for the server's answer; the rows queued
for the commit go in one pipeline (one wait for all of them); psycopg sends ``BEGIN`` on its
own before a transaction's first statement. Counted on a database of the test's own, with real
transactions (the shared test database runs every test inside one, with savepoints).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from psycopg import pq
from sqlalchemy import Engine, event
from tests.factories import (
    command,
    make_organisation,
    make_post,
    person_crossing,
    traveller,
    vehicle_crossing,
)

from borderpost import migrate
from borderpost.crossings.schemas import CrossingCreate
from borderpost.crossings.services import prefetch, record_crossing
from borderpost.db import make_engine, make_session_factory
from borderpost.unit_of_work import UnitOfWork

pytestmark = pytest.mark.postgres


class RoundTrips:
    """Waits for the server: statements outside a pipeline, pipelines, BEGINs and COMMITs."""

    def __init__(self, engine: Engine) -> None:
        self.count = 0
        self.on = False
        self._piping = False
        event.listen(engine, "before_cursor_execute", self._statement)
        event.listen(engine, "begin", self._begin)
        event.listen(engine, "commit", self._commit)

    def _statement(self, conn: Any, *_args: Any) -> None:
        if not self.on:
            return
        piped = conn.connection.driver_connection.pgconn.pipeline_status != pq.PipelineStatus.OFF
        if not piped or not self._piping:
            self.count += 1  # a statement on its own, or the first of a pipeline
        self._piping = piped

    def _begin(self, _conn: Any) -> None:
        self._piping = False
        self.count += self.on  # psycopg's BEGIN, before the first statement

    def _commit(self, _conn: Any) -> None:
        self._piping = False
        self.count += self.on


@pytest.fixture
def engine(empty_pg_url: str) -> Iterator[Engine]:
    engine = make_engine(empty_pg_url)
    migrate.upgrade(engine)
    factory = make_session_factory(engine)
    with UnitOfWork(factory, actor="test") as uow:
        make_post(uow)
        make_organisation(uow, "AID", "humanitarian")
        uow.commit()
    yield engine
    engine.dispose()


def _mix(n: int) -> list[CrossingCreate]:
    """New travellers, travellers seen before (in this batch), vehicles new and seen again."""
    seen = traveller()
    out = []
    for i in range(n):
        if i % 4 == 0:
            out.append(command(person_crossing(traveller=seen)))
        elif i % 4 == 1:
            plate = {"plate": f"10-AB-{i % 3:03d}", "country": "AZE", "type": "truck"}
            out.append(command(vehicle_crossing(vehicle=plate)))
        else:
            out.append(command(person_crossing()))
    return out


def test_booth_shape_round_trips(engine: Engine) -> None:
    factory = make_session_factory(engine)
    trips = RoundTrips(engine)
    crossings = _mix(40)
    with UnitOfWork(factory, actor="test") as uow:  # the reference snapshot, once per process
        record_crossing(uow, crossings[0])
        uow.commit()
    trips.on = True
    for one in crossings[1:]:
        with UnitOfWork(factory, actor="officer") as uow:
            record_crossing(uow, one)
            uow.commit()
    # BEGIN, the reference token, the document or plate look-up, the queued rows' pipeline
    # and COMMIT (9.3 on average before the rows were queued: one round trip per insert).
    assert trips.count / (len(crossings) - 1) <= 5


def test_import_shape_round_trips(engine: Engine) -> None:
    factory = make_session_factory(engine)
    trips = RoundTrips(engine)
    crossings = _mix(400)
    trips.on = True
    with UnitOfWork(factory, actor="import") as uow:
        prefetch(uow, crossings)
        for one in crossings:
            record_crossing(uow, one)
        uow.commit()
    # BEGIN, the reference snapshot (7 statements on a new process), the read-ahead (2), the
    # pipeline and COMMIT: a few for the whole batch, not one or more per crossing.
    assert trips.count <= 14
