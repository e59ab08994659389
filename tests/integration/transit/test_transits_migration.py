"""The revision that stores transits pairs the crossings recorded before it (0230)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import cast

import pytest
from sqlalchemy import Engine, Table, insert
from sqlalchemy.orm import sessionmaker

from borderpost import migrate
from borderpost.crossings.model import Crossing
from borderpost.db import make_engine
from borderpost.ids import new_id
from borderpost.posts.model import Post
from borderpost.transit import services
from borderpost.transit.model import Corridor
from borderpost.transit.pairing import TransitState
from borderpost.unit_of_work import UnitOfWork
from borderpost.vehicles.model import Vehicle

T0 = dt.datetime(2026, 3, 10, 8, tzinfo=dt.UTC)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def at_0160(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'transits.db'}"
    else:
        url = request.getfixturevalue("empty_pg_url")
    engine = make_engine(url)
    try:
        migrate.upgrade(engine, "0160")
        yield engine
    finally:
        engine.dispose()


def test_the_upgrade_pairs_the_crossings_already_recorded(at_0160: Engine) -> None:
    # The tables these rows go in are the same at 0160 as now.
    posts = [new_id(), new_id()]
    truck = new_id()
    entry, leave = new_id(), new_id()
    with at_0160.begin() as conn:
        for post_id, code in zip(posts, ("P-A", "P-B"), strict=True):
            conn.execute(
                insert(cast(Table, Post.__table__)),
                {"id": post_id, "code": code, "name": code, "names": {}, "timezone": "UTC",
                 "exempt_categories": [], "opening_hours": {}, "created_at": T0},
            )  # fmt: skip
        conn.execute(
            insert(cast(Table, Vehicle.__table__)),
            {"id": truck, "post_id": posts[0], "plate": "10-AB-001", "plate_key": "10AB001",
             "country": "AZE", "type": "truck", "created_at": T0},
        )  # fmt: skip
        conn.execute(
            insert(cast(Table, Corridor.__table__)),
            {"id": new_id(), "code": "AB", "name": "AB", "post_a_id": posts[0],
             "post_b_id": posts[1], "deadline_hours": 48, "deadlines": {}, "categories": [],
             "created_at": T0},
        )  # fmt: skip
        for crossing_id, post_id, direction, hours in (
            (entry, posts[0], "in", 0),
            (leave, posts[1], "out", 30),
        ):
            conn.execute(
                insert(cast(Table, Crossing.__table__)),
                {"id": crossing_id, "post_id": post_id, "direction": direction,
                 "time": T0 + dt.timedelta(hours=hours), "kind": "vehicle",
                 "category": "commercial", "vehicle_id": truck, "vehicle_type": "truck",
                 "officer": "officer", "decision": "admitted", "reasons": [], "flags": [],
                 "recorded_at": T0},
            )  # fmt: skip
    migrate.upgrade(at_0160)
    with UnitOfWork(sessionmaker(bind=at_0160, expire_on_commit=False)) as uow:
        corridor = services.get_corridor(uow, "AB")
        period = services.Period(T0.date(), T0.date())
        [transit] = services.transits(uow, corridor, period)
    assert transit.state is TransitState.COMPLETED
    assert transit.entry is not None
    assert transit.exit is not None
    assert (transit.entry.crossing_id, transit.exit.crossing_id) == (entry, leave)
    assert transit.duration_hours == 30
