"""One plate rule for vehicles and screening: the data migration that merged the vehicles a
Cyrillic look-alike spelling had split (revision 0110), and recording after it.

The migration test builds its own database at revision 0100 (SQLite and PostgreSQL), writes
rows with the columns of that revision, and upgrades to head.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import JSON, Connection, Engine, Uuid, column, insert, select, table
from sqlalchemy.orm import Session, sessionmaker
from tests.factories import command, make_post, vehicle_crossing

from borderpost import migrate
from borderpost.crossings.model import Crossing
from borderpost.crossings.recording import record_crossing
from borderpost.db import UTCDateTime, make_engine
from borderpost.unit_of_work import UnitOfWork
from borderpost.vehicles.model import Vehicle

Factory = sessionmaker[Session]
T0 = dt.datetime(2026, 11, 20, 8, 0, tzinfo=dt.UTC)

# The tables as they are at revision 0100, only the columns written here.
POSTS = table(
    "posts",
    column("id", Uuid()),
    column("code"),
    column("name"),
    column("names", JSON()),
    column("timezone"),
    column("exempt_categories", JSON()),
    column("opening_hours", JSON()),
    column("created_at", UTCDateTime()),
)
VEHICLES = table(
    "vehicles",
    column("id", Uuid()),
    column("post_id", Uuid()),
    column("plate"),
    column("plate_key"),
    column("country"),
    column("type"),
    column("created_at", UTCDateTime()),
)
CROSSINGS = table(
    "crossings",
    column("id", Uuid()),
    column("post_id", Uuid()),
    column("direction"),
    column("time", UTCDateTime()),
    column("kind"),
    column("category"),
    column("vehicle_id", Uuid()),
    column("vehicle_type"),
    column("officer"),
    column("decision"),
    column("reasons", JSON()),
    column("flags", JSON()),
    column("recorded_at", UTCDateTime()),
)
WATCHLISTS = table(
    "watchlists",
    column("id", Uuid()),
    column("name"),
    column("kind"),
    column("active_version_id", Uuid()),
    column("created_at", UTCDateTime()),
)
VERSIONS = table(
    "watchlist_versions",
    column("id", Uuid()),
    column("watchlist_id", Uuid()),
    column("source"),
    column("label"),
    column("imported_at", UTCDateTime()),
    column("imported_by"),
    column("entry_count"),
)
HITS = table(
    "screening_hits",
    column("id", Uuid()),
    column("crossing_id", Uuid()),
    column("post_id", Uuid()),
    column("vehicle_id", Uuid()),
    column("watchlist_id", Uuid()),
    column("version_id", Uuid()),
    column("entry_key"),
    column("subject"),
    column("score"),
    column("matched"),
    column("explanation", JSON()),
    column("origin"),
    column("state"),
    column("refers"),
    column("created_at", UTCDateTime()),
)
LEDGER = table(
    "ledger_entries",
    column("id", Uuid()),
    column("post_id", Uuid()),
    column("record_type"),
    column("record_id", Uuid()),
    column("salt"),
    column("leaf"),
    column("created_at", UTCDateTime()),
)
COUNTS = table("crossing_counts_daily", column("day", UTCDateTime()), column("kind"), column("n"))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def at_0100(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A database of its own, migrated to revision 0100."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'plates.db'}"
    else:
        url = request.getfixturevalue("empty_pg_url")  # fails, not skips, without a server
    engine = make_engine(url)
    try:
        migrate.upgrade(engine, "0100")
        yield engine
    finally:
        engine.dispose()


def _vehicle(conn: Connection, post_id: uuid.UUID, plate: str, key: str, **extra: Any) -> uuid.UUID:
    vehicle_id = uuid.uuid4()
    row = {"id": vehicle_id, "post_id": post_id, "plate": plate, "plate_key": key}
    conn.execute(insert(VEHICLES), {**row, "country": "UTN", "type": "truck", **extra})
    return vehicle_id


def _crossing(
    conn: Connection, post_id: uuid.UUID, vehicle_id: uuid.UUID, at: dt.datetime, kind: str
) -> uuid.UUID:
    crossing_id = uuid.uuid4()
    conn.execute(
        insert(CROSSINGS),
        {
            "id": crossing_id,
            "post_id": post_id,
            "direction": "in",
            "time": at,
            "kind": "vehicle",
            "category": "commercial",
            "vehicle_id": vehicle_id,
            "vehicle_type": kind,
            "officer": "officer",
            "decision": "admitted",
            "reasons": [],
            "flags": [],
            "recorded_at": at,
        },
    )
    conn.execute(
        insert(LEDGER),
        {
            "id": uuid.uuid4(),
            "post_id": post_id,
            "record_type": "crossing",
            "record_id": crossing_id,
            "salt": uuid.uuid4().bytes,
            "leaf": b"leaf of " + crossing_id.bytes,
            "created_at": at,
        },
    )
    return crossing_id


def _counts(conn: Connection) -> list[tuple[Any, ...]]:
    rows = conn.execute(select(COUNTS.c.day, COUNTS.c.kind, COUNTS.c.n).order_by(COUNTS.c.day))
    return [tuple(r) for r in rows]


def test_vehicles_split_by_a_look_alike_spelling_become_one(at_0100: Engine) -> None:
    post_id, list_id, version_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    with at_0100.begin() as conn:
        conn.execute(
            insert(POSTS),
            {
                "id": post_id,
                "code": "P-A",
                "name": "Post P-A",
                "names": {},
                "timezone": "Asia/Baku",
                "exempt_categories": [],
                "opening_hours": {},
                "created_at": T0,
            },
        )
        # As recording kept them before 0110: the Cyrillic spelling and the Latin one (with
        # other separators) were two vehicles; the same plate of another country is a third.
        cyrillic = _vehicle(conn, post_id, "а 123 вс-77", "А123ВС77", created_at=T0)
        latin = _vehicle(conn, post_id, "A123 BC-77", "A123BC77", created_at=T0 + dt.timedelta(1))
        abroad = _vehicle(
            conn, post_id, "А 123 ВС 77", "А123ВС77", country="UTO", created_at=T0, type="bus"
        )
        first = _crossing(conn, post_id, cyrillic, T0, "truck")
        second = _crossing(conn, post_id, latin, T0 + dt.timedelta(days=2), "van")
        elsewhere = _crossing(conn, post_id, abroad, T0, "bus")
        conn.execute(
            insert(WATCHLISTS),
            {
                "id": list_id,
                "name": "w",
                "kind": "vehicles",
                "active_version_id": version_id,
                "created_at": T0,
            },
        )
        conn.execute(
            insert(VERSIONS),
            {
                "id": version_id,
                "watchlist_id": list_id,
                "source": "s",
                "label": "1",
                "imported_at": T0,
                "imported_by": "admin",
                "entry_count": 1,
            },
        )
        hit_id = uuid.uuid4()
        conn.execute(
            insert(HITS),
            {
                "id": hit_id,
                "crossing_id": second,
                "post_id": post_id,
                "vehicle_id": latin,
                "watchlist_id": list_id,
                "version_id": version_id,
                "entry_key": "v-1",
                "subject": "vehicle",
                "score": 1.0,
                "matched": "A123BC77",
                "explanation": [],
                "origin": "crossing",
                "state": "false_match",
                "refers": False,
                "created_at": T0,
            },
        )
        counts_before = _counts(conn)
        ledger_before = conn.execute(select(LEDGER).order_by(LEDGER.c.record_id)).all()

    migrate.upgrade(at_0100)

    with at_0100.connect() as conn:
        kept = conn.execute(
            select(VEHICLES.c.id, VEHICLES.c.plate, VEHICLES.c.plate_key, VEHICLES.c.type).where(
                VEHICLES.c.country == "UTN"
            )
        ).all()
        # One vehicle, the first recorded, with the latest crossing's type (the type last seen).
        assert [tuple(v) for v in kept] == [(cyrillic, "а 123 вс-77", "A123BC77", "van")]
        by_crossing = dict(conn.execute(select(CROSSINGS.c.id, CROSSINGS.c.vehicle_id)).all())
        assert by_crossing == {first: cyrillic, second: cyrillic, elsewhere: abroad}
        hit_vehicle = conn.execute(select(HITS.c.vehicle_id).where(HITS.c.id == hit_id)).scalar()
        assert hit_vehicle == cyrillic
        other = conn.execute(
            select(VEHICLES.c.plate_key, VEHICLES.c.type).where(VEHICLES.c.id == abroad)
        ).one()
        assert tuple(other) == ("A123BC77", "bus")  # re-keyed, not merged across countries
        assert _counts(conn) == counts_before  # a merge changes no daily count
        assert conn.execute(select(LEDGER).order_by(LEDGER.c.record_id)).all() == ledger_before


@pytest.mark.usefixtures("post")
def test_one_truck_is_one_vehicle_whatever_script_its_plate_was_typed_in(
    session_factory: Factory,
) -> None:
    for plate in ("а 123 вс-77", "A123BC77", "A-123 BC 77"):
        data = vehicle_crossing(vehicle={"plate": plate, "country": "UTN", "type": "truck"})
        with UnitOfWork(session_factory, actor="officer") as uow:
            record_crossing(uow, command(data))
            uow.commit()
    with session_factory() as session:
        vehicles = session.scalars(select(Vehicle)).all()
        assert [(v.plate, v.plate_key) for v in vehicles] == [("а 123 вс-77", "A123BC77")]
        crossings = session.scalars(select(Crossing.vehicle_id)).all()
        assert crossings == [vehicles[0].id] * 3


@pytest.fixture
def post(session_factory: Factory) -> None:
    with UnitOfWork(session_factory) as uow:
        make_post(uow, "P-A")
        uow.commit()
