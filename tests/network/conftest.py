"""The fault suite's fixtures: a broker of its own per test, and a network of two posts (P-A on
SQLite, P-B on PostgreSQL) and headquarters (PostgreSQL), each a real database of its own
that other processes can open (no transaction rolled back around the test)."""

from __future__ import annotations

import datetime as dt
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from tests.conftest import PG_BASE
from tests.factories import command, make_organisation, make_post, person_crossing, vehicle_crossing
from tests.integration.sync.conftest import records
from tests.network.support import Broker

from borderpost import migrate
from borderpost.crossings.corrections import correct_crossing
from borderpost.crossings.recording import record_crossing
from borderpost.crossings.schemas import CrossingCorrection
from borderpost.db import make_engine
from borderpost.reports.services import summary
from borderpost.unit_of_work import UnitOfWork

Factory = sessionmaker[Session]
POSTS = ("P-A", "P-B")
DAY = dt.date(2026, 3, 10)
pytestmark = pytest.mark.postgres


def _admin() -> str:
    return make_url(PG_BASE).set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    """A migrated PostgreSQL database to copy each node's database from (fast)."""
    name = f"borderpost_nettpl_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(_admin(), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    engine = make_engine(make_url(PG_BASE).set(database=name).render_as_string(False))
    migrate.upgrade(engine)
    engine.dispose()
    yield name
    with psycopg.connect(_admin(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class Node:
    code: str  # the post's code, or "HQ"
    url: str
    factory: Factory


class Network:
    def __init__(self, folder: Path, sqlite_template: Path, pg_template: str) -> None:
        self.folder = folder
        self._pg_template = pg_template
        self._databases: list[str] = []
        self._engines: list[Any] = []
        self.hq = self._pg("HQ")
        self.posts = {"P-A": self._sqlite("P-A", sqlite_template), "P-B": self._pg("P-B")}
        for node in [self.hq, *self.posts.values()]:
            self.add_reference(node.factory, POSTS)

    def _open(self, code: str, url: str) -> Node:
        engine = make_engine(url)
        self._engines.append(engine)
        return Node(code, url, sessionmaker(bind=engine, expire_on_commit=False))

    def _sqlite(self, code: str, template: Path) -> Node:
        path = self.folder / f"{code}.db"
        shutil.copy(template, path)
        return self._open(code, f"sqlite:///{path}")

    def _pg(self, code: str) -> Node:
        name = f"borderpost_net_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(_admin(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{self._pg_template}"')
        self._databases.append(name)
        return self._open(code, make_url(PG_BASE).set(database=name).render_as_string(False))

    def new_post(self, code: str, template: Path) -> Node:
        """A post that comes online: it knows itself and the others; headquarters may not."""
        node = self._sqlite(code, template)
        self.add_reference(node.factory, (*POSTS, code))
        self.posts[code] = node
        return node

    @staticmethod
    def add_reference(factory: Factory, codes: tuple[str, ...]) -> None:
        with UnitOfWork(factory) as uow:
            for code in codes:
                make_post(uow, code)
            make_organisation(uow, "AID")
            uow.commit()

    def record(self, code: str, trucks: int = 5, passengers: int = 2) -> None:
        """Trucks with passengers, people on foot, and corrections: what a post records."""
        factory = self.posts[code].factory
        walkers = []
        with UnitOfWork(factory, actor="officer.a") as uow:
            for _ in range(trucks):
                truck = record_crossing(uow, command(vehicle_crossing(post=code)))
                for _ in range(passengers):
                    record_crossing(
                        uow,
                        command(person_crossing(post=code, carried_by=str(truck.crossing.id))),
                    )
                walkers.append(
                    record_crossing(uow, command(person_crossing(post=code))).crossing.id
                )
            uow.commit()
        with UnitOfWork(factory, actor="supervisor.a") as uow:  # two corrections of every other
            for walker in walkers[::2]:
                correct_crossing(
                    uow,
                    walker,
                    CrossingCorrection(decision="refused", reasons=["no visa"], reason="checked"),
                )
                correct_crossing(
                    uow, walker, CrossingCorrection(category="official", reason="diplomatic")
                )
            uow.commit()

    def factories(self) -> list[Factory]:
        return [n.factory for n in self.posts.values()]

    def assert_headquarters_equals_posts(self) -> None:
        """Record by record, and the summary report: per post, and for all as the sum."""
        at_hq = records(self.hq.factory)
        expected: dict[str, dict[Any, Any]] = {kind: {} for kind in at_hq}
        for node in self.posts.values():
            for kind, rows in records(node.factory).items():
                expected[kind].update(rows)
        for kind in at_hq:
            assert at_hq[kind] == expected[kind], f"{kind} differ"
        totals: dict[str, int] = {"persons": 0, "vehicles": 0}
        for code, node in self.posts.items():
            with UnitOfWork(node.factory) as uow:
                at_post = summary(uow, DAY, DAY, code)
            with UnitOfWork(self.hq.factory) as uow:
                assert summary(uow, DAY, DAY, code) == at_post, f"summary of {code} differs"
            for kind in totals:
                totals[kind] += at_post[kind]["total"]
        with UnitOfWork(self.hq.factory) as uow:
            network = summary(uow, DAY, DAY)
        assert {k: network[k]["total"] for k in totals} == totals

    def close(self) -> None:
        for engine in self._engines:
            engine.dispose()
        with psycopg.connect(_admin(), autocommit=True) as conn:
            for name in self._databases:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[Broker]:
    server = Broker(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def network(tmp_path: Path, sqlite_template: Path, pg_template: str) -> Iterator[Network]:
    net = Network(tmp_path, sqlite_template, pg_template)
    yield net
    net.close()
