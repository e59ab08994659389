"""The per-process screening indexes, built once from the database and rebuilt on change.

Like ``borderpost.reference``: the reference token (replaced by every list import) says
whether the indexes of this process are current, so screening a crossing costs no query
while nothing changes. On a new token the active versions are read (one tiny query) and only
the lists whose version changed are rebuilt.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, bindparam, or_, select
from sqlalchemy.orm import Session

from borderpost import reference
from borderpost.screening.matcher.documents import DocumentIndex
from borderpost.screening.matcher.index import PersonIndex
from borderpost.screening.matcher.plates import PlateIndex
from borderpost.screening.matcher.scoring import THRESHOLD
from borderpost.screening.matcher.types import Match, Query
from borderpost.screening.model import SEP, EntryKind, Watchlist, WatchlistEntry
from borderpost.screening.versions import number_of

BUILD_BATCH = 20_000


@dataclass
class ListIndex:
    """The indexes of one active list version."""

    watchlist_id: uuid.UUID
    version_id: uuid.UUID
    name: str
    persons: PersonIndex = field(default_factory=PersonIndex)
    documents: DocumentIndex = field(default_factory=DocumentIndex)
    plates: PlateIndex = field(default_factory=PlateIndex)
    size: int = 0


@dataclass(frozen=True)
class Found:
    """A match in one active list, with what was screened: person, document or vehicle."""

    list: ListIndex
    subject: EntryKind
    match: Match


@dataclass(frozen=True)
class Screener:
    lists: tuple[ListIndex, ...]
    # active versions not built yet, screened against their list's previous version meanwhile
    stale: tuple[uuid.UUID, ...] = ()

    def person(
        self,
        name: str | None = None,
        *,
        surname: str | None = None,
        given_names: str | None = None,
        birth_date: str | None = None,
        nationality: str | None = None,
        limit: int = 5,
        min_score: float = THRESHOLD,
        only: str | None = None,
    ) -> list[Found]:
        query = Query(name, birth_date, nationality, surname, given_names or None)
        found = [
            Found(li, EntryKind.PERSON, match)
            for li in self.lists
            if only is None or li.name == only
            for match in li.persons.search(query, limit=limit, min_score=min_score)
        ]
        return sorted(found, key=lambda f: -f.match.score)[:limit]

    def document(self, number: str, issuer: str | None) -> list[Found]:
        return [
            Found(li, EntryKind.DOCUMENT, match)
            for li in self.lists
            for match in li.documents.search(number, issuer)
        ]

    def plate(self, plate: str) -> list[Found]:
        return [
            Found(li, EntryKind.VEHICLE, match)
            for li in self.lists
            for match in li.plates.search(plate)
        ]


_BY_TOKEN: dict[str, Screener] = {}
_BY_VERSION: dict[uuid.UUID, ListIndex] = {}
_BUILD_LOCK = threading.Lock()  # one build at a time: a second thread waits and reuses it
_STATE_LOCK = threading.Lock()  # the two dicts above; held for microseconds, never a build
_STALE: dict[uuid.UUID, uuid.UUID] = {}  # version not built yet -> the version served instead
_BACKGROUND = threading.Event()  # set while a warm-up thread builds this process's indexes

_ACTIVE = select(Watchlist.id, Watchlist.name, Watchlist.active_version_id).where(
    Watchlist.active_version_id.is_not(None)
)


def set_background(on: bool) -> None:
    """Whether a warm-up thread builds new versions (``warmup.Warmer`` sets it)."""
    if on:
        _BACKGROUND.set()
    else:
        _BACKGROUND.clear()


def for_session(session: Session, *, wait: bool | None = None) -> Screener:
    """The screener for the state this unit of work sees, checked once per unit of work.

    ``wait`` (default: unless a warm-up thread is running) builds a version this process has
    not indexed yet before answering. Without waiting, a list whose new version is still being
    built is screened against its previous version (``Screener.stale``); the warm-up thread
    re-screens those crossings once the new version is ready. A list this process has never
    indexed is always waited for."""
    cached: Screener | None = session.info.get("screener")
    if cached is not None and (wait is not True or not cached.stale):
        return cached
    token = reference.for_session(session).token
    screener = _BY_TOKEN.get(token)
    if screener is None:
        if wait is None:
            wait = not _BACKGROUND.is_set()
        screener = current(session.connection(), wait=wait)
        if not screener.stale:
            remember(token, screener)
    session.info["screener"] = screener
    return screener


def remember(token: str, screener: Screener) -> None:
    """Serve ``screener`` for ``token`` from now on (one token is current at a time)."""
    with _STATE_LOCK:
        _BY_TOKEN.clear()  # older tokens are never asked for again
        _BY_TOKEN[token] = screener


def current(conn: Connection, *, wait: bool = True) -> Screener:
    """The indexes of the active versions this connection sees, reusing those unchanged.

    With ``wait=False`` a version not built yet is replaced by the previous version of the
    same list when this process has one (the result is then ``stale``)."""
    active = conn.execute(_ACTIVE).all()
    lists: list[ListIndex] = []
    stale: list[uuid.UUID] = []
    for watchlist_id, name, version_id in active:
        assert version_id is not None  # the query selects active lists only
        index = _BY_VERSION.get(version_id)
        if index is None and not wait:
            with _STATE_LOCK:
                previous = [li for li in _BY_VERSION.values() if li.watchlist_id == watchlist_id]
                if previous:
                    _STALE[version_id] = previous[-1].version_id
            if previous:
                index = previous[-1]
                stale.append(version_id)
        if index is None:
            with _BUILD_LOCK:  # a concurrent build of the same version is reused, not repeated
                index = _BY_VERSION.get(version_id)
                if index is None:
                    index = build(conn, watchlist_id, version_id, name)
                    with _STATE_LOCK:
                        _BY_VERSION[version_id] = index
        index.name = name
        lists.append(index)
    if not stale:
        keep = {li.version_id for li in lists}
        with _STATE_LOCK:
            for version_id in [v for v in _BY_VERSION if v not in keep]:
                del _BY_VERSION[version_id]
    return Screener(tuple(lists), stale=tuple(stale))


def served_stale() -> dict[uuid.UUID, uuid.UUID]:
    """Versions that crossings were screened without (the previous version stood in)."""
    with _STATE_LOCK:
        return dict(_STALE)


def forget_stale(version_id: uuid.UUID) -> None:
    with _STATE_LOCK:
        _STALE.pop(version_id, None)


def _split(text: str) -> list[str]:
    return text.split(SEP) if text else []


def add_rows(index: ListIndex, rows: Iterable[tuple[str, str, str, str, str, str, str]]) -> None:
    """Add entry rows (key, kind, names, birth dates, nationalities, documents, plates)."""
    person = EntryKind.PERSON.value
    add_person = index.persons.add_fields
    for key, kind, names, dates, nats, docs, plates in rows:
        index.size += 1
        if kind == person and names:
            add_person(key, names.split(SEP), _split(dates), _split(nats))
        if docs:
            for doc in docs.split(SEP):
                number, _, issuer = doc.partition("|")
                index.documents.add(key, number, issuer or None)
        if plates:
            for plate in plates.split(SEP):
                index.plates.add(key, plate)


def _entry_rows(
    conn: Connection, watchlist_id: uuid.UUID, number: int
) -> Iterator[tuple[str, str, str, str, str, str, str]]:
    """A version's entry rows as the driver's own tuples, streamed in batches.

    Straight from the DBAPI cursor of this connection (same transaction), not through
    SQLAlchemy's result rows, which cost a large share of the build's CPU time at a million
    entries (``benchmarks/bench_watchlist.py``). The statement is still SQLAlchemy's,
    compiled for the dialect, and the list's id goes through the column type's own bind
    processing. On PostgreSQL a named (server-side) cursor, so the rows are never all in
    memory at once."""
    t = WatchlistEntry.__table__.c
    stmt = (
        select(t.entry_key, t.kind, t.names, t.birth_dates, t.nationalities, t.documents, t.plates)
        .where(
            t.watchlist_id == bindparam("watchlist"),
            t.since <= bindparam("number"),
            or_(t.until.is_(None), t.until > bindparam("number")),
        )
        .order_by(t.id)
    )
    compiled = stmt.compile(dialect=conn.dialect)
    process = t.watchlist_id.type.bind_processor(conn.dialect)
    values = {"watchlist": process(watchlist_id) if process else watchlist_id, "number": number}
    params: tuple[object, ...] | dict[str, object] = (
        tuple(values[name] for name in compiled.positiontup or ())
        if compiled.positional
        else values
    )
    driver: Any = conn.connection.driver_connection
    if conn.dialect.name == "postgresql":
        cursor = driver.cursor(name=f"borderpost_build_{uuid.uuid4().hex}")
        cursor.itersize = BUILD_BATCH
    else:
        cursor = driver.cursor()
    try:
        cursor.execute(str(compiled), params)
        while batch := cursor.fetchmany(BUILD_BATCH):
            yield from batch
    finally:
        cursor.close()


def build(conn: Connection, watchlist_id: uuid.UUID, version_id: uuid.UUID, name: str) -> ListIndex:
    """Read a version's entries in one streamed scan and index them."""
    index = ListIndex(watchlist_id, version_id, name)
    add_rows(index, _entry_rows(conn, watchlist_id, number_of(conn, version_id)))
    # Finalise now, so the first crossing after an import does not pay for it.
    index.persons.search(Query("x"), limit=1)
    return index
