"""JSON routes: corridors, their transits and counts, repeated movements of vehicles."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query

from borderpost import clock
from borderpost.accounts.authz import require
from borderpost.accounts.bodies import SignInFirst
from borderpost.accounts.permissions import Permission
from borderpost.api_support import Uow
from borderpost.transit import services
from borderpost.transit.pairing import TransitState
from borderpost.transit.schemas import (
    CorridorCounts,
    CorridorCreate,
    CorridorRead,
    RepeatedRead,
    TransitPage,
)

router = APIRouter(tags=["transits"], route_class=SignInFirst)
# Plates: personal data, per post. A user scoped to some posts names one (?post=), and sees
# the transits touching it; without it, network scope is needed.
READ = require(Permission.READ_CROSSINGS, post_from="query")
From = Annotated[dt.date | None, Query(alias="from", description="First day (UTC), inclusive")]
To = Annotated[dt.date | None, Query(description="Last day (UTC), inclusive; default today")]
PostParam = Annotated[str | None, Query(description="Only transits touching this end")]


@router.get(
    "/corridors", response_model=list[CorridorRead], dependencies=[require(Permission.VIEW_POSTS)]
)
def list_corridors(uow: Uow) -> list[CorridorRead]:
    return [services.to_read(c) for c in services.corridors(uow)]


@router.post(
    "/corridors",
    response_model=CorridorRead,
    status_code=201,
    dependencies=[require(Permission.MANAGE_POSTS, post_from="network")],
)
def create_corridor(data: CorridorCreate, uow: Uow) -> CorridorRead:
    corridor = services.add_corridor(uow, data)
    read = services.to_read(corridor)
    uow.commit()
    return read


@router.get(
    "/corridors/{code}",
    response_model=CorridorRead,
    dependencies=[require(Permission.VIEW_POSTS)],
)
def read_corridor(code: str, uow: Uow) -> CorridorRead:
    return services.to_read(services.get_corridor(uow, code))


def _page(
    uow: Uow,
    code: str,
    from_: dt.date | None,
    to: dt.date | None,
    post: str | None,
    state: TransitState | None,
    limit: int,
    offset: int,
) -> TransitPage:
    corridor = services.get_corridor(uow, code)
    period = services.Period.of(from_, to)
    now = clock.now()
    # The total counts the period's every transit (in ``state``); the items are one page.
    tally = services.tally(uow, corridor, period, post=post, now=now)
    found = services.page(
        uow, corridor, period, post=post, state=state, now=now, offset=offset, limit=limit,
        counts=tally.counts,
    )  # fmt: skip
    return TransitPage(
        corridor=corridor.code,
        from_=period.first,
        to=period.last,
        total=tally.total(state),
        items=[services.to_transit_read(t) for t in found],
    )


@router.get(
    "/corridors/{code}/transits",
    response_model=TransitPage,
    response_model_by_alias=True,
    dependencies=[READ],
)
def list_transits(
    code: str,
    uow: Uow,
    from_: From = None,
    to: To = None,
    post: PostParam = None,
    state: TransitState | None = None,
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0),
) -> TransitPage:
    """Transits that began in the period: overdue first, then in transit, and so on."""
    return _page(uow, code, from_, to, post, state, limit, offset)


@router.get(
    "/corridors/{code}/overdue",
    response_model=TransitPage,
    response_model_by_alias=True,
    dependencies=[READ],
)
def list_overdue(
    code: str,
    uow: Uow,
    from_: From = None,
    to: To = None,
    post: PostParam = None,
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0),
) -> TransitPage:
    return _page(uow, code, from_, to, post, TransitState.OVERDUE, limit, offset)


@router.get(
    "/corridors/{code}/counts",
    response_model=CorridorCounts,
    response_model_by_alias=True,
    dependencies=[require(Permission.VIEW_AGGREGATES, post_from="query")],
)
def corridor_counts(
    code: str, uow: Uow, from_: From = None, to: To = None, post: PostParam = None
) -> CorridorCounts:
    """Transits by state: counts only, no plates."""
    corridor = services.get_corridor(uow, code)
    period = services.Period.of(from_, to)
    return CorridorCounts(
        corridor=corridor.code,
        from_=period.first,
        to=period.last,
        counts=services.counts(uow, corridor, period, post=post),
    )


@router.get(
    "/movements/repeated",
    response_model=list[RepeatedRead],
    dependencies=[READ],
)
def repeated_movements(
    uow: Uow,
    from_: From = None,
    to: To = None,
    post: Annotated[str | None, Query(description="At this post")] = None,
    corridor: Annotated[str | None, Query(description="At either end of this corridor")] = None,
    min_crossings: int = Query(4, ge=2, le=1000),
    window_hours: int = Query(168, ge=1, le=8760),
) -> list[RepeatedRead]:
    """Vehicles that crossed at least ``min_crossings`` times within ``window_hours``."""
    period = services.Period.of(from_, to)
    return services.repeated_movements(
        uow,
        period,
        post=post,
        corridor=corridor,
        min_crossings=min_crossings,
        window_hours=window_hours,
    )
