"""A list's versions as rows: an import writes what changed and nothing else, the checksum kept
per version equals the content's computed whole, a version left unfinished is undone."""

from __future__ import annotations

import io
import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from tests.integration.screening.list_support import entry_writes, rows

from borderpost.network.listfiles import checksum
from borderpost.network.lists import content
from borderpost.screening import screener
from borderpost.screening.importing import ListFormat, import_version
from borderpost.screening.matcher.types import Query
from borderpost.screening.model import Watchlist, WatchlistVersion
from borderpost.screening.versions import NextVersion, changes
from borderpost.unit_of_work import UnitOfWork

Factory = sessionmaker[Session]


def person(key: str, name: str) -> dict[str, Any]:
    return {"id": key, "schema": "Person", "properties": {"name": [name]}}


def crowd(n: int) -> list[dict[str, Any]]:
    return [person(f"p-{i:04d}", f"Person Number{i} Example") for i in range(n)]


def import_(factory: Factory, *entities: dict[str, Any]) -> Any:
    text = "".join(json.dumps(e) + "\n" for e in entities)
    with UnitOfWork(factory, actor="list.admin") as uow:
        report = import_version(
            uow, "wanted", io.BytesIO(text.encode()), ListFormat.FTM, source="t", label="v"
        )
        uow.commit()
    return report


def active(factory: Factory) -> WatchlistVersion:
    with factory() as session:
        found = session.scalars(
            select(WatchlistVersion)
            .join(Watchlist, Watchlist.active_version_id == WatchlistVersion.id)
            .where(Watchlist.name == "wanted")
        ).one()
        session.expunge(found)
    return found


def whole_checksum(factory: Factory) -> str:
    with factory() as session:
        return checksum(content(session.connection(), active(factory).id))


def test_an_import_that_changes_nothing_writes_no_entry(session_factory: Factory) -> None:
    base = crowd(200)
    import_(session_factory, *base)
    before = rows(session_factory)
    with entry_writes(session_factory) as written:
        report = import_(session_factory, *reversed(base))  # the same content, another order
    assert written == [0]
    assert rows(session_factory) == before
    assert (report.written, report.put, report.removed) == (200, 0, 0)
    version = active(session_factory)
    assert (version.number, version.base_number, version.entry_count) == (2, 1, 200)
    assert version.checksum == whole_checksum(session_factory)


def test_an_import_writes_the_entries_it_changes_and_closes_the_rest(
    session_factory: Factory,
) -> None:
    base = crowd(300)
    import_(session_factory, *base)
    changed = [*base[:10], person("p-0010", "Someone Else Entirely"), *base[11:290]]
    added = [person("new-1", "Added Person One"), person("new-2", "Added Person Two")]
    with entry_writes(session_factory) as written:
        report = import_(session_factory, *changed, *added)
    # 1 changed and 2 added put; 1 changed and 10 removed closed: not 300 rows copied.
    assert (report.put, report.removed, report.written) == (3, 10, 292)
    assert written[0] <= 3 + 11  # what COPY wrote on PostgreSQL is not counted here
    found = rows(session_factory)
    assert sorted(k for k, since, _ in found if since == 2) == ["new-1", "new-2", "p-0010"]
    assert len([k for k, _, until in found if until == 2]) == 11
    assert len(found) == 300 + 3
    version = active(session_factory)
    assert version.checksum == whole_checksum(session_factory)
    with session_factory() as session:
        put, removed = changes(session.connection(), version.watchlist_id, 1, 2)
    assert sorted(r[0] for r in put) == ["new-1", "new-2", "p-0010"]
    assert removed == [f"p-{i:04d}" for i in range(290, 300)]
    # The next version prunes the rows this one closed.
    import_(session_factory, *changed, *added, person("new-3", "Added Person Three"))
    assert {until for _, _, until in rows(session_factory)} == {None}


def test_a_key_given_twice_keeps_its_last_line(session_factory: Factory) -> None:
    import_(session_factory, person("a", "First Name"), person("b", "Other Person"))
    import_(session_factory, person("a", "Changed Once"), person("a", "Changed Twice"))
    with session_factory() as session:
        got = content(session.connection(), active(session_factory).id)
    assert [(r[0], r[2]) for r in got] == [("a", "Changed Twice")]
    assert active(session_factory).checksum == whole_checksum(session_factory)


def test_a_version_left_unfinished_is_undone_by_the_next_import(
    session_factory: Factory,
) -> None:
    base = crowd(50)
    import_(session_factory, *base)
    watchlist_id = active(session_factory).watchlist_id
    # A version 2 cut short: one row put, two closed, never made active.
    with session_factory() as session, session.begin():
        session.add(
            WatchlistVersion(
                watchlist_id=watchlist_id, source="t", label="cut", imported_by="x",
                imported_at=active(session_factory).imported_at, entry_count=0, number=2,
            )
        )  # fmt: skip
        session.flush()
        writer = NextVersion(watchlist_id, 1, 2, None)
        writer.close(session.connection(), ["p-0001", "p-0002"])
        writer.write(session.connection(), [("zz", "person", "Half Written", "", "", "", "")])
    with session_factory() as session:  # the booths still screen version 1, whole
        built = screener.current(session.connection())
    assert built.lists[0].size == 50
    import_(session_factory, *base, person("p-9999", "One More"))
    version = active(session_factory)
    assert version.number == 3
    found = rows(session_factory)
    assert [k for k, since, _ in found if since > 1] == ["p-9999"]
    assert all(until is None for _, _, until in found)
    assert version.checksum == whole_checksum(session_factory)


def test_the_next_version_is_indexed_from_the_previous_index_and_the_rows_changed(
    session_factory: Factory,
) -> None:
    base = crowd(120)
    import_(session_factory, *base, person("gone-1", "Quillon Marwickstone"))
    with session_factory() as session:
        first = screener.current(session.connection())
    import_(session_factory, *base[1:], person("new-1", "Zebulon Quartermaine"))
    with session_factory() as session:
        second = screener.current(session.connection())
        whole = screener.build(
            session.connection(),
            active(session_factory).watchlist_id,
            active(session_factory).id,
            "wanted",
        )
    index = second.lists[0]
    assert index.overlay is not None  # extended, not built whole
    assert index.persons is first.lists[0].persons  # the base is shared
    assert index.size == whole.size == 120
    for name in ("Zebulon Quartermaine", "Quillon Marwickstone", "Person Number0 Example"):
        got = [(f.match.entry_id, f.match.score) for f in second.person(name)]
        assert got == [(m.entry_id, m.score) for m in whole.search_persons(Query(name))]
    assert [f.match.entry_id for f in second.person("Zebulon Quartermaine")][:1] == ["new-1"]
    assert all(f.match.entry_id != "gone-1" for f in second.person("Quillon Marwickstone"))
