"""A post applying list versions, on both databases: a delta writes the rows it changes in one
transaction (no copy of the list), a whole file writes what differs from the version in force,
a checksum that does not match keeps nothing, a version left unfinished is undone, and
headquarters' prebuilt index is taken instead of a build when it holds the file's entries."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from tests.integration.screening.list_support import entry_writes, rows

from borderpost import clock
from borderpost.network import lists
from borderpost.network.listfiles import Delta, Row, checksum, whole_file
from borderpost.network.lists import apply_list, content, kind_of
from borderpost.network.model import NetworkVersion
from borderpost.network.signing import RefusedVersion, Version
from borderpost.screening import prebuilt, screener
from borderpost.screening.model import Watchlist, WatchlistVersion
from borderpost.screening.screener import build_rows
from borderpost.screening.versions import NextVersion

Factory = sessionmaker[Session]


def row(key: str, name: str) -> Row:
    return (key, "person", name, "", "", "", "")


def crowd(n: int) -> dict[str, Row]:
    return {f"p-{i:04d}": row(f"p-{i:04d}", f"Person Number{i} Example") for i in range(n)}


def version(number: int, after: dict[str, Row], check: str | None = None) -> Version:
    payload = {
        "name": "wanted", "kind": "persons", "label": f"v{number}", "imported_by": "chief",
        "checksum": check or checksum(after.values()), "entries": len(after),
    }  # fmt: skip
    return Version(kind_of("wanted"), "*", number, clock.now(), payload)


def held(factory: Factory) -> list[Row]:
    with factory() as session:
        active = session.scalars(select(Watchlist.active_version_id)).one()
        assert active is not None
        return content(session.connection(), active)


def numbers(factory: Factory) -> tuple[int, int | None]:
    with factory() as session:
        found = session.execute(
            select(WatchlistVersion.number, WatchlistVersion.base_number).join(
                Watchlist, Watchlist.active_version_id == WatchlistVersion.id
            )
        ).one()
    return found[0], found[1]


def test_a_delta_writes_the_rows_it_changes_not_a_copy_of_the_list(
    session_factory: Factory,
) -> None:
    first = crowd(500)
    apply_list(session_factory, version(1, first), [whole_file(first.values())], True)
    assert len(rows(session_factory)) == 500
    put = [row("p-0007", "Changed Name"), row("new-1", "Added One"), row("new-2", "Added Two")]
    delta = Delta(put, ["p-0100", "p-0101"])
    after = {k: v for k, v in first.items() if k not in delta.removed} | {r[0]: r for r in put}
    with entry_writes(session_factory) as written:
        done = apply_list(session_factory, version(2, after), [delta.encode()], False)
    assert done == "list:wanted 2"
    assert written[0] <= 3 + 3  # 3 rows closed, 3 put (COPY on PostgreSQL not counted here)
    found = rows(session_factory)
    assert sorted(k for k, since, _ in found if since == 2) == ["new-1", "new-2", "p-0007"]
    assert sorted(k for k, _, until in found if until == 2) == ["p-0007", "p-0100", "p-0101"]
    assert len(found) == 503  # the list was not copied
    assert held(session_factory) == sorted(after.values())
    assert numbers(session_factory) == (2, 1)
    with session_factory() as session:
        ran = session.get(NetworkVersion, "list:wanted")
        assert ran is not None
        assert (ran.version, ran.checksum) == (2, checksum(after.values()))


def test_a_delta_whose_checksum_differs_keeps_nothing(session_factory: Factory) -> None:
    first = crowd(100)
    apply_list(session_factory, version(1, first), [whole_file(first.values())], True)
    before = rows(session_factory)
    delta = Delta([row("new-1", "Added One")], [])
    with pytest.raises(RefusedVersion, match="checksum: the list built here"):
        apply_list(session_factory, version(2, first, check="0" * 64), [delta.encode()], False)
    assert rows(session_factory) == before
    assert numbers(session_factory) == (1, None)


def test_a_whole_file_over_a_list_writes_what_differs(session_factory: Factory) -> None:
    first = crowd(300)
    apply_list(session_factory, version(1, first), [whole_file(first.values())], True)
    second = dict(first)
    del second["p-0003"]
    second["p-0004"] = row("p-0004", "Another Name")
    with entry_writes(session_factory) as written:
        apply_list(session_factory, version(5, second), [whole_file(second.values())], True)
    assert written[0] <= 2 + 1
    assert held(session_factory) == sorted(second.values())
    assert len(rows(session_factory)) == 301


def test_a_version_left_unfinished_at_a_post_is_undone(session_factory: Factory) -> None:
    first = crowd(80)
    apply_list(session_factory, version(1, first), [whole_file(first.values())], True)
    with session_factory() as session:
        watchlist = session.scalars(select(Watchlist)).one()
        watchlist_id, at = watchlist.id, clock.now()
    # A whole file cut short while it was written: version 2 has half its rows, not active.
    with session_factory() as session, session.begin():
        session.add(
            WatchlistVersion(
                watchlist_id=watchlist_id, source="network version 2", label="v2",
                imported_by="hq:chief", imported_at=at, entry_count=80, number=2, base_number=1,
            )
        )  # fmt: skip
        session.flush()
        writer = NextVersion(watchlist_id, 1, 2, None)
        writer.close(session.connection(), ["p-0001", "p-0002", "p-0003"])
        writer.write(session.connection(), [row("p-0001", "Half Written")])
    with session_factory() as session:
        assert screener.current(session.connection()).lists[0].size == 80  # version 1, whole
    delta = Delta([row("new-1", "Added One")], ["p-0050"])
    after = {k: v for k, v in first.items() if k != "p-0050"} | {"new-1": row("new-1", "Added One")}
    apply_list(session_factory, version(3, after), [delta.encode()], False)
    assert held(session_factory) == sorted(after.values())
    found = rows(session_factory)
    assert [k for k, since, _ in found if since > 1] == ["new-1"]
    assert sorted(k for k, _, until in found if until is not None) == ["p-0050"]
    assert numbers(session_factory) == (3, 1)


def _index_of(rows: dict[str, Row]) -> bytes:
    """Headquarters' prebuilt index of a whole file's rows, in the file's order."""
    return prebuilt.dump(build_rows(uuid.uuid4(), uuid.uuid4(), "wanted", list(rows.values())))


def _no_build(*_: object) -> screener.ListIndex:
    raise AssertionError("the index was built, not taken from headquarters")


def test_a_post_screens_with_headquarters_index_without_building_it(
    session_factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = crowd(120) | {"os-aliyev": row("os-aliyev", "Rashad Aliyev")}
    index = _index_of(first)
    apply_list(session_factory, version(1, first), [whole_file(first.values())], True, index)
    monkeypatch.setattr(screener, "build", _no_build)
    with session_factory() as session:
        found = screener.current(session.connection()).person("Rashad Aliev", limit=1)
    assert [f.match.entry_id for f in found] == ["os-aliyev"]
    # the deltas after the file extend the loaded index, as a post taking file and deltas does
    second = {k: v for k, v in first.items() if k != "p-0001"} | {"new-1": row("new-1", "Nadia Z")}
    delta = Delta([row("new-1", "Nadia Z")], ["p-0001"])
    blobs = [whole_file(first.values()), delta.encode()]
    apply_list(session_factory, version(2, second), blobs, True, index)
    with session_factory() as session:
        built = screener.current(session.connection())
    assert built.lists[0].size == len(second)
    assert [f.match.entry_id for f in built.person("Nadia Z", limit=1)] == ["new-1"]
    assert held(session_factory) == sorted(second.values())


def test_an_index_that_does_not_hold_the_files_entries_is_not_used(
    session_factory: Factory,
) -> None:
    first = crowd(60) | {"os-aliyev": row("os-aliyev", "Rashad Aliyev")}
    other = _index_of(dict(reversed(first.items())))  # same entries, another order
    apply_list(session_factory, version(1, first), [whole_file(first.values())], True, other)
    apply_list(session_factory, version(2, first), [whole_file(first.values())], True, b"junk")
    with session_factory() as session:
        built = screener.current(session.connection())  # built here, from the rows
    assert built.lists[0].size == 61
    assert [f.match.entry_id for f in built.person("Rashad Aliev", limit=1)] == ["os-aliyev"]


def test_a_whole_file_cut_short_while_written_leaves_the_version_in_force(
    session_factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = crowd(50)
    apply_list(session_factory, version(1, first), [whole_file(first.values())], True)
    second = {k: row(k, f"Renamed {k}") for k in first} | {"new-1": row("new-1", "Added One")}
    monkeypatch.setattr(lists, "STEP", 10)  # several steps, each its own transaction
    written = NextVersion.write
    calls = []

    def cut(self: NextVersion, conn: Any, rows: list[Row], lines: Any = None) -> None:
        calls.append(len(rows))
        if len(calls) == 3:
            raise OSError("disk full")
        written(self, conn, rows, lines)

    monkeypatch.setattr(NextVersion, "write", cut)
    with pytest.raises(OSError, match="disk full"):
        apply_list(
            session_factory, version(2, second), [whole_file(second.values())], True,
            _index_of(second),
        )  # fmt: skip
    assert held(session_factory) == sorted(first.values())  # never half a list
    assert numbers(session_factory) == (1, None)
    with session_factory() as session:
        assert screener.current(session.connection()).lists[0].size == 50
    monkeypatch.setattr(NextVersion, "write", written)
    apply_list(session_factory, version(2, second), [whole_file(second.values())], True)
    assert held(session_factory) == sorted(second.values())
