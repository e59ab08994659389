"""JSON routes for screening: watchlists (admin), search, hits, alerts and resolutions."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool

from borderpost.accounts.authz import require
from borderpost.accounts.bodies import SignInFirst
from borderpost.accounts.permissions import Permission
from borderpost.accounts.throttle import Action, limited
from borderpost.api_support import Uow
from borderpost.crossings.services import post_of_crossing
from borderpost.errors import DomainError, FieldProblem, invalid
from borderpost.messages import Message
from borderpost.screening import review
from borderpost.screening.importing import ListFormat, as_stream, import_version
from borderpost.screening.matcher.scoring import THRESHOLD
from borderpost.screening.model import HitOrigin, HitState, ListKind
from borderpost.screening.rescreen import rescreen
from borderpost.screening.schemas import (
    HitRead,
    HitResolve,
    ScreeningSearch,
    SearchHitRead,
    WatchlistRead,
)

router = APIRouter(tags=["screening"], route_class=SignInFirst)
MANAGE = require(Permission.MANAGE_WATCHLISTS)
MAX_UPLOAD = 512 * 1024 * 1024  # a million FtM persons is about 300 MB


@router.get("/watchlists", response_model=list[WatchlistRead], dependencies=[MANAGE])
def list_watchlists(uow: Uow) -> list[WatchlistRead]:
    return [WatchlistRead.of(w) for w in review.list_watchlists(uow)]


@router.post("/watchlists/{name}/versions", status_code=201, dependencies=[MANAGE])
async def upload_version(
    request: Request,
    name: str,
    uow: Uow,
    format: ListFormat = ListFormat.FTM,
    source: Annotated[str, Query(max_length=200)] = "upload",
    version: Annotated[str, Query(max_length=100)] = "",
    kind: ListKind | None = None,
    skip_bad: bool = False,
) -> dict[str, Any]:
    """The request body is the list file; it replaces the list's active version atomically."""
    body = await request.body()
    if len(body) > MAX_UPLOAD:
        raise invalid(
            "body", Message("is larger than {megabytes} MB", megabytes=MAX_UPLOAD // 2**20)
        )

    def work() -> dict[str, Any]:
        report = import_version(
            uow,
            name,
            as_stream(body),
            format,
            source=source,
            label=version,
            kind=kind,
            skip_bad=skip_bad,
        )
        uow.commit()
        outcome = report.to_dict()
        days = request.app.state.settings.rescreen_days
        if days > 0 and getattr(request.app.state, "screening_warmer", None) is not None:
            # the server's warm-up thread builds the new version, then screens the last days'
            # crossings against it (remembered in the database: a restart resumes it)
            outcome["rescreen"] = {
                "watchlist": report.watchlist,
                "days": days,
                "state": "in the background",
            }
        elif days > 0:
            factory = request.app.state.session_factory
            # the list as the import stored it (its name trimmed), not as the path spelled it
            outcome["rescreen"] = rescreen(
                factory, report.watchlist, days, actor=uow.actor
            ).to_dict()
        return outcome

    return await run_in_threadpool(work)


class SearchMoved(DomainError):
    """The old address of the search, which carried a name in its query string."""

    status = 410


@router.post(
    "/screening/search",
    response_model=list[SearchHitRead],
    dependencies=[require(Permission.READ_CROSSINGS), limited(Action.SEARCH)],
)
def search(uow: Uow, data: ScreeningSearch) -> list[SearchHitRead]:
    """Search the active lists by name (and birth date, nationality); nothing is recorded."""
    results = review.search(
        uow,
        data.name,
        birth_date=data.birth_date,
        nationality=data.nationality,
        list_name=data.list_name,
        limit=data.limit,
    )
    return [SearchHitRead.of(r, THRESHOLD) for r in results]


@router.get("/screening/search", status_code=410, dependencies=[require(Permission.READ_CROSSINGS)])
def search_by_query() -> None:
    """Gone: the search is ``POST`` with a JSON body, so no name is written to a server log."""
    raise SearchMoved(
        "search with POST /api/v1/screening/search and a JSON body"
        " (name, birth_date, nationality, list, limit); names in the address reach server logs",
        [FieldProblem("name", "send it in the JSON body of a POST, not in the address")],
    )


@router.get(
    "/screening/hits",
    response_model=list[HitRead],
    dependencies=[require(Permission.READ_CROSSINGS, post_from="query")],
)
def hits(
    uow: Uow,
    post: str,
    state: HitState | None = None,
    origin: HitOrigin | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[HitRead]:
    views = review.hits_at_post(uow, post, state=state, origin=origin, limit=limit)
    return [HitRead.of(v) for v in views]


@router.get(
    "/screening/alerts",
    response_model=list[HitRead],
    dependencies=[require(Permission.RESOLVE_HITS, post_from="query")],
)
def alerts(uow: Uow, post: str, state: HitState | None = HitState.OPEN) -> list[HitRead]:
    """Hits raised by re-screening past crossings against a new list version."""
    views = review.hits_at_post(uow, post, state=state, origin=HitOrigin.RESCREEN)
    return [HitRead.of(v) for v in views]


@router.get(
    "/screening/crossings/{crossing_id}/hits",
    response_model=list[HitRead],
    dependencies=[require(Permission.READ_CROSSINGS, post_from=post_of_crossing)],
)
def crossing_hits(crossing_id: uuid.UUID, uow: Uow) -> list[HitRead]:
    return [HitRead.of(v) for v in review.hits_of_crossing(uow, crossing_id)]


@router.post(
    "/screening/hits/{hit_id}/resolution",
    response_model=HitRead,
    dependencies=[require(Permission.RESOLVE_HITS, post_from="body")],
)
def resolve(hit_id: uuid.UUID, data: HitResolve, uow: Uow) -> HitRead:
    review.resolve_hit(uow, data.post, hit_id, data.verdict, data.reason)
    uow.commit()
    return HitRead.of(review.hit_view(uow, hit_id))
