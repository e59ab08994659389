"""The inspectors' work list: vehicles referred to inspection at a post and not yet decided.

A referred vehicle crossing waits until its inspection is closed (closing sets the crossing's
decision, so it is no longer ``referred``). Oldest first: the truck that has waited longest is
the next one to inspect.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import selectinload

from borderpost import clock
from borderpost.cargo.model import Consignment
from borderpost.cargo.rules.enums import LaneColour
from borderpost.crossings.model import Crossing
from borderpost.inspections.model import Inspection
from borderpost.posts.model import Post
from borderpost.unit_of_work import UnitOfWork
from borderpost.vocab import Decision, Kind

# The colour a vehicle shows is its worst consignment's (LaneColour is declared mildest first).
_SEVERITY = {colour.value: rank for rank, colour in enumerate(LaneColour, start=1)}


@dataclass(frozen=True)
class Waiting:
    """A referred vehicle crossing waiting for (or in) its inspection."""

    crossing: Crossing
    inspection: Inspection | None
    lane_colour: str | None
    waited: dt.timedelta


def _referred(post: Post) -> ColumnElement[bool]:
    return and_(
        Crossing.post_id == post.id,
        Crossing.kind == Kind.VEHICLE.value,
        Crossing.decision == Decision.REFERRED.value,
    )


def count_waiting(uow: UnitOfWork, post: Post) -> int:
    """How many referred vehicles wait at ``post``."""
    return (
        uow.session.scalar(select(func.count()).select_from(Crossing).where(_referred(post))) or 0
    )


def waiting_at_post(uow: UnitOfWork, post: Post, limit: int = 200) -> list[Waiting]:
    """The referred vehicles at ``post`` not yet decided, the longest waiting first."""
    rows = uow.session.execute(
        select(Crossing, Inspection)
        .outerjoin(Inspection, Inspection.crossing_id == Crossing.id)
        .where(_referred(post))
        .options(selectinload(Crossing.vehicle), selectinload(Crossing.organisation))
        .order_by(Crossing.time, Crossing.id)
        .limit(limit)
    ).all()
    ids = [crossing.id for crossing, _ in rows]
    colours: dict[object, str] = {}
    if ids:
        for crossing_id, colour in uow.session.execute(
            select(Consignment.crossing_id, Consignment.lane_colour).where(
                Consignment.crossing_id.in_(ids)
            )
        ):
            known = colours.get(crossing_id)
            if known is None or _SEVERITY.get(colour, 0) > _SEVERITY.get(known, 0):
                colours[crossing_id] = colour
    now = clock.now()
    return [
        Waiting(
            crossing,
            inspection,
            colours.get(crossing.id),
            max(now - crossing.time, dt.timedelta(0)),
        )
        for crossing, inspection in rows
    ]
