"""The per-process screening indexes, built once from the database and rebuilt on change.

Like ``borderpost.reference``: the reference token (replaced by every list import) says
whether the indexes of this process are current, so screening a crossing costs no query
while nothing changes. On a new token the active versions are read (one tiny query) and only
the lists whose version changed are rebuilt.

A version known as its previous version plus a delta (rows put, keys removed) is indexed in
milliseconds by ``extend``: the previous version's indexes (the base) less the keys removed or
put, plus a small overlay index of the rows put. Its searches are exactly those of a fresh
build of the same entries (the base's in its order, then the overlay's). ``should_rebuild``
says when the overlay has grown enough for a whole build to be worth it.
"""

from __future__ import annotations

import itertools
import threading
import uuid
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlalchemy import Connection, bindparam, or_, select
from sqlalchemy.orm import Session

from borderpost import reference
from borderpost.db import READS_QUEUE
from borderpost.screening.matcher.documents import DocumentIndex
from borderpost.screening.matcher.index import PersonIndex, search_layers
from borderpost.screening.matcher.plates import PlateIndex
from borderpost.screening.matcher.scoring import THRESHOLD
from borderpost.screening.matcher.types import Match, Query
from borderpost.screening.model import (
    SEP,
    EntryKind,
    Watchlist,
    WatchlistEntry,
    WatchlistVersion,
)
from borderpost.screening.versions import changes, number_of

BUILD_BATCH = 20_000
# An overlay (rows put, or base entries hidden) beyond this share of the base, or beyond
# REBUILD_MOST, is better folded into a whole build (``should_rebuild``).
REBUILD_SHARE = 0.05
REBUILD_MOST = 50_000

Row = tuple[str, str, str, str, str, str, str]
"""An entry row: key, kind, names, birth dates, nationalities, documents, plates (each
list joined with ``model.SEP``; a document is ``number|issuer``)."""


class EntryKeys:
    """The keys of the entries an index was built from, without a Python object per key
    (a million keys as a set would take more memory than the rest of the list's index): an
    UTF-8 blob, and the keys' hashes sorted, to say which of a few keys are here."""

    def __init__(self) -> None:
        self._blob = bytearray()
        self._off = array("Q", [0])
        self._hash = array("q")
        self._sorted: np.ndarray | None = None
        self._order = np.zeros(0, dtype=np.int64)

    def __len__(self) -> int:
        return len(self._hash)

    def add(self, key: str) -> None:
        self._blob += key.encode()
        self._off.append(len(self._blob))
        self._hash.append(hash(key))
        self._sorted = None

    def same(self, keys: Sequence[str]) -> bool:
        """Whether these are exactly the keys held, in this order."""
        if len(keys) != len(self._off) - 1:
            return False
        encoded = [k.encode() for k in keys]
        offsets = array("Q", [0])
        offsets.extend(itertools.accumulate(len(k) for k in encoded))
        return offsets == self._off and b"".join(encoded) == self._blob

    def rehash(self) -> None:
        """The keys' hashes computed again in this process (``str`` hashes are salted per
        process): for keys made in another one (a prebuilt index, unpickled)."""
        blob, off = bytes(self._blob), self._off
        keys = (blob[off[i] : off[i + 1]].decode() for i in range(len(off) - 1))
        self._hash = array("q", [hash(k) for k in keys])
        self._sorted = None
        self.finish()

    def finish(self) -> None:
        """Sort the hashes now (else the first ``present`` does)."""
        if self._sorted is not None:
            return
        hashes = np.array(self._hash, dtype=np.int64)
        self._order = np.argsort(hashes, kind="stable")
        self._sorted = hashes[self._order]

    def rows(self, keys: Iterable[str]) -> dict[str, int]:
        """Those of ``keys`` that are here, with how many rows hold each."""
        self.finish()
        assert self._sorted is not None
        wanted = list(set(keys))
        hashes = np.array([hash(k) for k in wanted], dtype=np.int64)
        lo = np.searchsorted(self._sorted, hashes, side="left").tolist()
        hi = np.searchsorted(self._sorted, hashes, side="right").tolist()
        out: dict[str, int] = {}
        for key, a, b in zip(wanted, lo, hi, strict=True):
            raw = key.encode()
            for p in range(a, b):
                i = int(self._order[p])
                if self._blob[self._off[i] : self._off[i + 1]] == raw:
                    out[key] = out.get(key, 0) + 1
        return out


@dataclass
class ListIndex:
    """The indexes of one active list version.

    Built whole (``build``), ``persons``, ``documents`` and ``plates`` hold every entry.
    Made by ``extend`` from an earlier version, they are that version's base indexes, shared,
    and the version's entries are theirs less ``hidden`` plus those of ``overlay`` (a small
    whole index of ``overlay_rows``). Search through ``search_persons``,
    ``search_documents`` and ``search_plates``, which apply both."""

    watchlist_id: uuid.UUID
    version_id: uuid.UUID
    name: str
    persons: PersonIndex = field(default_factory=PersonIndex)
    documents: DocumentIndex = field(default_factory=DocumentIndex)
    plates: PlateIndex = field(default_factory=PlateIndex)
    size: int = 0
    keys: EntryKeys = field(default_factory=EntryKeys)  # the base's entry keys
    hidden: frozenset[str] = frozenset()  # base entries that are not in this version
    overlay: ListIndex | None = None
    overlay_rows: tuple[Row, ...] = ()

    def search_persons(
        self, query: Query, limit: int = 5, min_score: float = THRESHOLD
    ) -> list[Match]:
        if self.overlay is None:
            return self.persons.search(query, limit=limit, min_score=min_score)
        layers = ((self.persons, self.hidden), (self.overlay.persons, None))
        return search_layers(layers, query, limit, min_score)

    def search_documents(self, number: str, issuer: str | None) -> list[Match]:
        found = self.documents.search(number, issuer, exclude=self.hidden)
        if self.overlay is None:
            return found
        return _merged(found, self.overlay.documents.search(number, issuer))

    def search_plates(self, plate: str) -> list[Match]:
        found = self.plates.search(plate, exclude=self.hidden)
        if self.overlay is None:
            return found
        return _merged(found, self.overlay.plates.search(plate))


def _merged(base: list[Match], overlay: list[Match]) -> list[Match]:
    """Both lists in the order of one index holding the base's entries, then the
    overlay's (a stable sort: equal matches keep that order)."""
    if not overlay:
        return base
    return sorted(base + overlay, key=lambda h: (-h.score, h.entry_id))


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
            for match in li.search_persons(query, limit=limit, min_score=min_score)
        ]
        return sorted(found, key=lambda f: -f.match.score)[:limit]

    def document(self, number: str, issuer: str | None) -> list[Found]:
        return [
            Found(li, EntryKind.DOCUMENT, match)
            for li in self.lists
            for match in li.search_documents(number, issuer)
        ]

    def plate(self, plate: str) -> list[Found]:
        return [
            Found(li, EntryKind.VEHICLE, match)
            for li in self.lists
            for match in li.search_plates(plate)
        ]


_BY_TOKEN: dict[str, Screener] = {}
_BY_VERSION: dict[uuid.UUID, ListIndex] = {}
_BUILD_LOCK = threading.Lock()  # one build at a time: a second thread waits and reuses it
_STATE_LOCK = threading.Lock()  # the two dicts above; held for microseconds, never a build
_STALE: dict[uuid.UUID, uuid.UUID] = {}  # version not built yet -> the version served instead
_BACKGROUND = threading.Event()  # set while a warm-up thread builds this process's indexes
# Indexes made before their version is active (a post loading headquarters' prebuilt index
# while it applies the version): taken by ``current`` instead of a build.
_OFFERED: dict[uuid.UUID, ListIndex] = {}

# Reads no row a crossing queues for its commit: the queue is not written first (which would
# drop what an import read ahead, see ``db.queued_index``).
_ACTIVE = (
    select(Watchlist.id, Watchlist.name, Watchlist.active_version_id)
    .where(Watchlist.active_version_id.is_not(None))
    .execution_options(**{READS_QUEUE: True})
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
        if index is None:  # an offered index costs nothing to take: no one waits for it
            with _STATE_LOCK:
                index = _OFFERED.pop(version_id, None)
                if index is not None:
                    _BY_VERSION[version_id] = index
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
                    index = next_index(conn, watchlist_id, version_id, name)
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


def next_index(
    conn: Connection, watchlist_id: uuid.UUID, version_id: uuid.UUID, name: str
) -> ListIndex:
    """The index of a version this process has not indexed yet: ``extend`` of the index of
    the version it was written over, when this process has that one, with the rows put and
    the keys removed read from the rows (``versions.changes``: O(delta), not a read of the
    list), unless ``should_rebuild`` says a whole build is due; else ``build``, whole."""
    number, base = conn.execute(
        select(WatchlistVersion.number, WatchlistVersion.base_number).where(
            WatchlistVersion.id == version_id
        )
    ).one()
    with _STATE_LOCK:
        held = [li for li in _BY_VERSION.values() if li.watchlist_id == watchlist_id]
    if base is not None and held:
        numbers = {
            held_id: held_number
            for held_id, held_number in conn.execute(
                select(WatchlistVersion.id, WatchlistVersion.number).where(
                    WatchlistVersion.id.in_([li.version_id for li in held])
                )
            )
        }
        previous = next((li for li in held if numbers.get(li.version_id) == base), None)
        if previous is not None:
            put, removed = changes(conn, watchlist_id, base, number)
            index = extend(previous, version_id, put, removed)
            if not should_rebuild(index):
                return index
    return build(conn, watchlist_id, version_id, name)


def offer(index: ListIndex) -> None:
    """The index of a version about to be made active, for ``current`` to take instead of
    building it (the caller made it from exactly that version's entries). One per list: a
    later offer replaces it (a process that never screens never takes one)."""
    with _STATE_LOCK:
        for version_id in [
            v for v, li in _OFFERED.items() if li.watchlist_id == index.watchlist_id
        ]:
            del _OFFERED[version_id]
        _OFFERED[index.version_id] = index


def withdraw(version_id: uuid.UUID) -> None:
    """An offered index whose version was not made active after all."""
    with _STATE_LOCK:
        _OFFERED.pop(version_id, None)


def served_stale() -> dict[uuid.UUID, uuid.UUID]:
    """Versions that crossings were screened without (the previous version stood in)."""
    with _STATE_LOCK:
        return dict(_STALE)


def forget_stale(version_id: uuid.UUID) -> None:
    with _STATE_LOCK:
        _STALE.pop(version_id, None)


def _split(text: str) -> list[str]:
    return text.split(SEP) if text else []


def add_rows(index: ListIndex, rows: Iterable[Row]) -> None:
    """Add entry rows (key, kind, names, birth dates, nationalities, documents, plates)."""
    person = EntryKind.PERSON.value
    add_person = index.persons.add_fields
    add_key = index.keys.add
    for key, kind, names, dates, nats, docs, plates in rows:
        index.size += 1
        add_key(key)
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
    _finish(index)
    return index


def _finish(index: ListIndex) -> None:
    """Finalise now, so that the first crossing after an import does not pay for it (nor
    for the exclusion of the hidden entries: made once, on the first search)."""
    index.keys.finish()
    index.search_persons(Query("x"), limit=1, min_score=0.0)


def build_rows(
    watchlist_id: uuid.UUID, version_id: uuid.UUID, name: str, rows: Iterable[Row]
) -> ListIndex:
    """A version's whole index from its entry rows (``build`` without the database)."""
    index = ListIndex(watchlist_id, version_id, name)
    add_rows(index, rows)
    _finish(index)
    return index


def extend(
    previous: ListIndex, version_id: uuid.UUID, put_rows: Iterable[Row], removed_keys: Iterable[str]
) -> ListIndex:
    """The index of the version made from ``previous``'s by putting ``put_rows`` (new
    entries, or entries replacing those of the same key) and removing ``removed_keys``.

    No build of the whole: ``previous``'s base indexes are shared, the base entries whose
    keys are removed or put are hidden, and the rows put since the base (the last of each
    key) make a small overlay index, built again each time (a version extended again keeps
    the one base; overlays never chain). Searches give exactly the results of a whole build
    of the base's remaining entries in their order followed by the overlay's rows. A key
    both put and removed is put. Ask ``should_rebuild`` whether a whole build is due."""
    rows = {row[0]: row for row in previous.overlay_rows}
    removed = set(removed_keys)
    for key in removed:
        rows.pop(key, None)
    for row in put_rows:
        rows.pop(row[0], None)  # a row put again moves to the end, as in a fresh build
        rows[row[0]] = row
    hidden_rows = previous.keys.rows(previous.hidden | removed | rows.keys())
    hidden = frozenset(hidden_rows)
    overlay = ListIndex(previous.watchlist_id, version_id, previous.name)
    add_rows(overlay, rows.values())
    index = ListIndex(
        previous.watchlist_id,
        version_id,
        previous.name,
        previous.persons,
        previous.documents,
        previous.plates,
        size=len(previous.keys) - sum(hidden_rows.values()) + overlay.size,
        keys=previous.keys,
        hidden=hidden,
        overlay=overlay,
        overlay_rows=tuple(rows.values()),
    )
    _finish(index)
    return index


def overlay_size(index: ListIndex) -> int:
    """What an index carries beyond its base: base entries hidden, or rows in the overlay,
    whichever is more (0 for a whole build)."""
    return max(len(index.hidden), len(index.overlay_rows))


def should_rebuild(index: ListIndex) -> bool:
    """Whether a whole build of this version would now be better than its overlay: the
    overlay (``overlay_size``) beyond ``REBUILD_SHARE`` of the base, or beyond
    ``REBUILD_MOST``. Searches stay exact either way; the overlay's own build (each
    ``extend``) and every search's share of it grow with its size."""
    return overlay_size(index) > min(REBUILD_SHARE * len(index.keys), REBUILD_MOST)
