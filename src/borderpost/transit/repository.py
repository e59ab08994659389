"""Queries for corridors, their stored transits, and the vehicle crossings of a period."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import Table, and_, func, or_, select
from sqlalchemy.orm import Session

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


def stored_transits(
    session: Session,
    corridor_id: uuid.UUID,
    since: dt.datetime,
    until: dt.datetime,
    *,
    now: dt.datetime,
    post_id: uuid.UUID | None = None,
    state: TransitState | None = None,
) -> list[Any]:
    """The corridor's stored transits that began in the period, with the vehicle's plate.

    An open transit is overdue when its deadline is before ``now``, in transit otherwise.
    """
    wanted = [_T.c.corridor_id == corridor_id, _T.c.began_at >= since, _T.c.began_at < until]
    if post_id is not None:
        wanted.append(or_(_T.c.entry_post_id == post_id, _T.c.exit_post_id == post_id))
    if state is TransitState.OVERDUE:
        wanted.append(and_(_T.c.state == _OPEN, _T.c.deadline_at < now))
    elif state is TransitState.IN_TRANSIT:
        wanted.append(and_(_T.c.state == _OPEN, _T.c.deadline_at >= now))
    elif state is not None:
        wanted.append(_T.c.state == state.value)
    columns = [
        _T.c[name]
        for name in ("vehicle_id", "state", "began_at", "category", "vehicle_type", "deadline_at")
    ]
    for end in ("entry", "exit"):
        columns += [_T.c[f"{end}_{name}"] for name in ("id", "post_id", "time", "category")]
    query = select(*columns, _V.c.plate, _V.c.country).join(_V, _V.c.id == _T.c.vehicle_id)
    rows = list(session.execute(query.where(*wanted)).all())
    # In the order pairing yields them, so that transits beginning at the same instant are
    # listed in the same order at every reading. Sorted here: an ORDER BY vehicle lets the
    # planner walk the corridor's every transit by (corridor, vehicle) instead of the period.
    rows.sort(key=lambda r: (r.vehicle_id.int, r.began_at, (r.entry_id or r.exit_id).int))
    return rows
