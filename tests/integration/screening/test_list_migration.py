"""The migration to versioned entries (revision 0240) on both databases: versions numbered per
list by import time, the active version's entries kept as its rows, others dropped; the
checksum computed when first needed; the next import writes only what changed."""

from __future__ import annotations

import datetime as dt
import io
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, Uuid, column, insert, select, table
from sqlalchemy.orm import sessionmaker

from borderpost import migrate
from borderpost.db import UTCDateTime, make_engine
from borderpost.network.listfiles import checksum
from borderpost.network.lists import content
from borderpost.screening.importing import ListFormat, import_version
from borderpost.screening.model import WatchlistEntry, WatchlistVersion
from borderpost.unit_of_work import UnitOfWork

T0 = dt.datetime(2026, 11, 20, 8, 0, tzinfo=dt.UTC)
LISTS = table(
    "watchlists", column("id", Uuid()), column("name"), column("kind"),
    column("active_version_id", Uuid()), column("created_at", UTCDateTime()),
)  # fmt: skip
VERSIONS = table(
    "watchlist_versions", column("id", Uuid()), column("watchlist_id", Uuid()),
    column("source"), column("label"), column("imported_at", UTCDateTime()),
    column("imported_by"), column("entry_count"),
)  # fmt: skip
ENTRIES = table(
    "watchlist_entries", column("version_id", Uuid()), column("entry_key"), column("kind"),
    column("names"), column("birth_dates"), column("nationalities"), column("documents"),
    column("plates"),
)  # fmt: skip


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def at_0230(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'lists.db'}"
    else:
        url = request.getfixturevalue("empty_pg_url")
    engine = make_engine(url)
    try:
        migrate.upgrade(engine, "0230")
        yield engine
    finally:
        engine.dispose()


def _entry(version_id: uuid.UUID, key: str, name: str) -> dict[str, object]:
    return {
        "version_id": version_id, "entry_key": key, "kind": "person", "names": name,
        "birth_dates": "", "nationalities": "", "documents": "", "plates": "",
    }  # fmt: skip


def test_existing_versions_are_numbered_and_the_active_entries_kept(at_0230: Engine) -> None:
    list_id, old, active, cut = uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    with at_0230.begin() as conn:
        conn.execute(
            insert(LISTS),
            {"id": list_id, "name": "wanted", "kind": "persons", "active_version_id": active,
             "created_at": T0},
        )  # fmt: skip
        for i, version_id in enumerate((old, active, cut)):
            conn.execute(
                insert(VERSIONS),
                {"id": version_id, "watchlist_id": list_id, "source": "t", "label": f"v{i}",
                 "imported_at": T0 + dt.timedelta(hours=i), "imported_by": "x",
                 "entry_count": 2},
            )  # fmt: skip
        conn.execute(
            insert(ENTRIES),
            [
                _entry(active, "a", "Rashad Aliyev"),
                _entry(active, "b", "Other Person"),
                _entry(cut, "a", "Left Behind"),  # a version cut short, never active
            ],
        )
    migrate.upgrade(at_0230)
    factory = sessionmaker(bind=at_0230, expire_on_commit=False)
    with factory() as session:
        numbers = dict(session.execute(select(WatchlistVersion.id, WatchlistVersion.number)).all())
        assert [numbers[v] for v in (old, active, cut)] == [1, 2, 3]
        rows = session.execute(
            select(WatchlistEntry.entry_key, WatchlistEntry.since, WatchlistEntry.until)
        ).all()
        assert sorted(rows) == [("a", 2, None), ("b", 2, None)]
        held = content(session.connection(), active)
    assert [r[2] for r in held] == ["Rashad Aliyev", "Other Person"]
    text = (
        '{"id": "a", "schema": "Person", "properties": {"name": ["Rashad Aliyev"]}}\n'
        '{"id": "c", "schema": "Person", "properties": {"name": ["Added Person"]}}\n'
    )
    with UnitOfWork(factory, actor="admin") as uow:
        report = import_version(
            uow, "wanted", io.BytesIO(text.encode()), ListFormat.FTM, source="t", label="v3"
        )
        uow.commit()
    assert (report.put, report.removed) == (1, 1)
    with factory() as session:
        version = session.get(WatchlistVersion, uuid.UUID(str(report.version_id)))
        assert version is not None
        assert (version.number, version.base_number) == (4, 2)
        assert version.checksum == checksum(content(session.connection(), version.id))
