"""Queries for corridors and for the vehicle crossings that transits are derived from."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from borderpost.crossings.model import Crossing
from borderpost.posts.model import Post
from borderpost.transit.model import Corridor
from borderpost.vehicles.model import Vehicle
from borderpost.vocab import Decision, Kind

_C = cast(Table, Crossing.__table__)
_V = cast(Table, Vehicle.__table__)
_P = cast(Table, Post.__table__)


def corridor_by_code(session: Session, code: str) -> Corridor | None:
    return session.scalars(select(Corridor).where(Corridor.code == code)).one_or_none()


def all_corridors(session: Session) -> Sequence[Corridor]:
    return session.scalars(select(Corridor).order_by(Corridor.code)).all()


def vehicle_crossings(
    session: Session,
    post_ids: list[uuid.UUID],
    since: dt.datetime,
    until: dt.datetime,
    *,
    admitted_only: bool,
    categories: list[str] | None = None,
) -> Sequence[Any]:
    """The whole history at ``post_ids`` of every vehicle that crossed there in the period.

    The whole history, not just the period: pairing needs the crossing before the first and
    after the last one of the period, however far. Sorted by vehicle, then time.
    """
    wanted = [_C.c.kind == Kind.VEHICLE.value, _C.c.post_id.in_(post_ids)]
    if admitted_only:
        wanted.append(_C.c.decision == Decision.ADMITTED.value)
    if categories:
        wanted.append(_C.c.category.in_(categories))
    in_period = select(_C.c.vehicle_id).where(*wanted, _C.c.time >= since, _C.c.time < until)
    query = (
        select(
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
        )
        .join(_V, _V.c.id == _C.c.vehicle_id)
        .join(_P, _P.c.id == _C.c.post_id)
        .where(*wanted, _C.c.vehicle_id.in_(in_period))
        .order_by(_C.c.vehicle_id, _C.c.time, _C.c.id)
    )
    return session.execute(query).all()
