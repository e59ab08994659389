"""Queries for corridors, their stored transits, and the vehicle crossings of a period."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator, Sequence
from typing import Any, cast

from sqlalchemy import BigInteger, Table, and_, case, func, literal, null, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from borderpost.crossings.model import Crossing
from borderpost.posts.model import Post
from borderpost.transit.model import Corridor, StoredTransit
from borderpost.transit.pairing import TransitState
from borderpost.vehicles.model import Vehicle
from borderpost.vocab import Decision, Kind

_C = cast(Table, Crossing.__table__)
_V = cast(Table, Vehicle.__table__)
_P = cast(Table, Post.__table__)
_T = cast(Table, StoredTransit.__table__)
_OPEN = TransitState.IN_TRANSIT.value


def corridor_by_code(session: Session, code: str) -> Corridor | None:
    return session.scalars(select(Corridor).where(Corridor.code == code)).one_or_none()


def all_corridors(session: Session) -> Sequence[Corridor]:
    return session.scalars(select(Corridor).order_by(Corridor.code)).all()


def _columns() -> list[Any]:
    return [
        _C.c.id,
        _C.c.vehicle_id,
        _P.c.code.label("post"),
        _C.c.direction,
        _C.c.time,
        _C.c.category,
        _C.c.decision,
        _C.c.vehicle_type,
        _V.c.plate,
        _V.c.country,
    ]


def vehicle_crossings(
    session: Session,
    post_ids: list[uuid.UUID],
    since: dt.datetime,
    until: dt.datetime,
    *,
    admitted_only: bool,
    categories: list[str] | None = None,
) -> list[Any]:
    """Crossings at ``post_ids`` of every vehicle that crossed there in the period.

    Every crossing of those vehicles from ``since`` on, and for a vehicle whose first one
    then is an exit, its latest crossing before ``since`` when that is an entry: all that
    pairing needs to decide the period's transits exactly, however long ago the entry was.
    Sorted by vehicle, then time.
    """
    wanted = [_C.c.kind == Kind.VEHICLE.value, _C.c.post_id.in_(post_ids)]
    if admitted_only:
        wanted.append(_C.c.decision == Decision.ADMITTED.value)
    if categories:
        wanted.append(_C.c.category.in_(categories))
    in_period = select(_C.c.vehicle_id).where(*wanted, _C.c.time >= since, _C.c.time < until)
    query = (
        select(*_columns())
        .join(_V, _V.c.id == _C.c.vehicle_id)
        .join(_P, _P.c.id == _C.c.post_id)
        .where(*wanted, _C.c.time >= since, _C.c.vehicle_id.in_(in_period))
        .order_by(_C.c.vehicle_id, _C.c.time, _C.c.id)
    )
    rows = list(session.execute(query).all())
    first_exits = []
    seen: set[Any] = set()
    for row in rows:
        if row.vehicle_id not in seen:
            seen.add(row.vehicle_id)
            if row.direction == "out":
                first_exits.append(row.vehicle_id)
    before: list[Any] = []
    for chunk in range(0, len(first_exits), 500):
        ids = first_exits[chunk : chunk + 500]
        ranked = (
            select(
                *_columns(),
                func.row_number()
                .over(partition_by=_C.c.vehicle_id, order_by=(_C.c.time.desc(), _C.c.id.desc()))
                .label("rank"),
            )
            .join(_V, _V.c.id == _C.c.vehicle_id)
            .join(_P, _P.c.id == _C.c.post_id)
            .where(*wanted, _C.c.time < since, _C.c.vehicle_id.in_(ids))
            .subquery()
        )
        latest = select(ranked).where(ranked.c.rank == 1, ranked.c.direction == "in")
        before.extend(session.execute(latest).all())
    if before:
        rows = sorted(rows + before, key=lambda r: (str(r.vehicle_id), r.time, str(r.id)))
    return rows


class _Micros(FunctionElement[int]):
    """Whole microseconds from the second time to the first, exactly, in each database's way."""

    type = BigInteger()
    inherit_cache = True


@compiles(_Micros, "sqlite")
def _micros_sqlite(element: _Micros, compiler: SQLCompiler, **kw: Any) -> str:
    # Stored as 'YYYY-MM-DD HH:MM:SS.ffffff': whole seconds, then the microseconds.
    later, earlier = (compiler.process(c, **kw) for c in element.clauses)

    def micros(moment: str) -> str:
        return (
            f"(CAST(strftime('%s', substr({moment}, 1, 19)) AS INTEGER) * 1000000"
            f" + CAST(substr({moment}, 21, 6) AS INTEGER))"
        )

    return f"({micros(later)} - {micros(earlier)})"


@compiles(_Micros, "postgresql")
def _micros_postgres(element: _Micros, compiler: SQLCompiler, **kw: Any) -> str:
    later, earlier = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST(extract(epoch FROM ({later} - {earlier})) * 1000000 AS BIGINT)"


class _Clamp(FunctionElement[int]):
    """The first argument held between the second and the third, evaluated once."""

    type = BigInteger()
    inherit_cache = True


@compiles(_Clamp, "sqlite")
def _clamp_sqlite(element: _Clamp, compiler: SQLCompiler, **kw: Any) -> str:
    value, low, high = (compiler.process(c, **kw) for c in element.clauses)
    return f"max({low}, min({high}, {value}))"


@compiles(_Clamp, "postgresql")
def _clamp_postgres(element: _Clamp, compiler: SQLCompiler, **kw: Any) -> str:
    value, low, high = (compiler.process(c, **kw) for c in element.clauses)
    return f"greatest({low}, least({high}, {value}))"


def _wanted(
    corridor_id: uuid.UUID, since: dt.datetime, until: dt.datetime, post_id: uuid.UUID | None
) -> list[Any]:
    wanted = [_T.c.corridor_id == corridor_id, _T.c.began_at >= since, _T.c.began_at < until]
    if post_id is not None:
        wanted.append(or_(_T.c.entry_post_id == post_id, _T.c.exit_post_id == post_id))
    return wanted


def tally(
    session: Session,
    corridor_id: uuid.UUID,
    since: dt.datetime,
    until: dt.datetime,
    *,
    now: dt.datetime,
    quarters: Sequence[int],
    post_id: uuid.UUID | None = None,
) -> list[tuple[str, int | None, int]]:
    """[(state, bin, count)] of the corridor's transits that began in the period, in one scan.

    The state as read at ``now`` (an open transit past its deadline is overdue). The bin, for
    a completed transit (late or not), is the first ``i`` with duration <= ``quarters[i]`` / 4
    of the time allowed (quarters 1, 2, ... K), ``K`` beyond the last; in whole microseconds,
    so a transit exactly on an edge falls in the same bin as Python's arithmetic puts it.
    """
    state = case(
        (and_(_T.c.state == _OPEN, _T.c.deadline_at < now), TransitState.OVERDUE.value),
        else_=_T.c.state,
    ).label("state")
    # The bin of quarters 1, 2, ... K: the first q with taken <= q / 4 of allowed, that is
    # ceil(4 taken / allowed) - 1, between 0 and K (beyond the last); in integers, exact.
    assert list(quarters) == list(range(1, len(quarters) + 1))
    taken = _Micros(_T.c.exit_time, _T.c.entry_time)
    allowed = _Micros(_T.c.deadline_at, _T.c.entry_time)
    rank = (taken * 4 + allowed - 1) // allowed - 1  # integer division: a ceiling, exact
    completed = (TransitState.COMPLETED.value, TransitState.COMPLETED_LATE.value)
    share = case(
        (
            and_(
                _T.c.state.in_(completed),
                _T.c.entry_time.is_not(None),
                _T.c.exit_time.is_not(None),
                _T.c.deadline_at.is_not(None),
            ),
            _Clamp(rank, literal(0), literal(len(quarters))),
        ),
        else_=null(),
    ).label("bin")
    # Grouped outside: PostgreSQL would not see the two renderings of ``now`` as one.
    read = select(state, share).where(*_wanted(corridor_id, since, until, post_id)).subquery()
    query = select(read.c.state, read.c.bin, func.count()).group_by(read.c.state, read.c.bin)
    return [(s, b, int(n)) for s, b, n in session.execute(query)]


def _in_state(state: TransitState, now: dt.datetime) -> Any:
    if state is TransitState.OVERDUE:
        return and_(_T.c.state == _OPEN, _T.c.deadline_at < now)
    if state is TransitState.IN_TRANSIT:
        return and_(_T.c.state == _OPEN, _T.c.deadline_at >= now)
    return _T.c.state == state.value


def _transits_query(
    corridor_id: uuid.UUID,
    since: dt.datetime,
    until: dt.datetime,
    *,
    now: dt.datetime,
    state: TransitState,
    post_id: uuid.UUID | None,
) -> Any:
    columns = [
        _T.c[name]
        for name in ("vehicle_id", "state", "began_at", "category", "vehicle_type", "deadline_at")
    ]
    for end in ("entry", "exit"):
        columns += [_T.c[f"{end}_{name}"] for name in ("id", "post_id", "time", "category")]
    # Latest first; transits beginning at the same instant in the order pairing yields them
    # (vehicle, then first crossing), the same at every reading. Within one state the index
    # (corridor, state, began_at) gives the order without reading the rest of the period.
    return (
        select(*columns, _V.c.plate, _V.c.country)
        .join(_V, _V.c.id == _T.c.vehicle_id)
        .where(*_wanted(corridor_id, since, until, post_id), _in_state(state, now))
        .order_by(_T.c.began_at.desc(), _T.c.vehicle_id, func.coalesce(_T.c.entry_id, _T.c.exit_id))
    )


def stored_transits(
    session: Session,
    corridor_id: uuid.UUID,
    since: dt.datetime,
    until: dt.datetime,
    *,
    now: dt.datetime,
    state: TransitState,
    post_id: uuid.UUID | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> list[Any]:
    """The corridor's stored transits in ``state`` that began in the period, with the plate.

    Latest first, from ``offset``, ``limit`` of them (every one when None). An open
    transit is overdue when its deadline is before ``now``, in transit otherwise.
    """
    query = _transits_query(corridor_id, since, until, now=now, state=state, post_id=post_id)
    if offset:
        query = query.offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return list(session.execute(query).all())


def stored_transit_batches(
    session: Session,
    corridor_id: uuid.UUID,
    since: dt.datetime,
    until: dt.datetime,
    *,
    now: dt.datetime,
    state: TransitState,
    post_id: uuid.UUID | None = None,
    batch: int = 2_000,
) -> Iterator[Sequence[Any]]:
    """The rows of :func:`stored_transits`, ``batch`` at a time (a server-side cursor on
    PostgreSQL), so that an export never holds the period's every transit."""
    query = _transits_query(corridor_id, since, until, now=now, state=state, post_id=post_id)
    result = session.execute(query.execution_options(yield_per=batch))
    yield from result.partitions()
