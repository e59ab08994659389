"""JSON routes for crossings."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Query, Request, Response

from borderpost.accounts.authz import require
from borderpost.accounts.bodies import SignInFirst
from borderpost.accounts.permissions import Permission
from borderpost.api_support import Uow
from borderpost.crossings import services
from borderpost.crossings.schemas import (
    CrossingCorrection,
    CrossingCreate,
    CrossingPage,
    CrossingRead,
)
from borderpost.vocab import Category, Decision, Kind

router = APIRouter(prefix="/crossings", tags=["crossings"], route_class=SignInFirst)


@router.post(
    "",
    response_model=CrossingRead,
    status_code=201,
    responses={
        200: {"model": CrossingRead, "description": "The same crossing again: the one recorded"},
        409: {"description": "The id is taken by another crossing (problems name `id`)"},
    },
    dependencies=[require(Permission.RECORD_CROSSING, post_from="body")],
)
def record_crossing(data: CrossingCreate, uow: Uow, response: Response) -> CrossingRead:
    recorded = services.record_crossing(uow, data)
    uow.commit()
    if recorded.read is None:
        response.status_code = 200  # the same id again: nothing new was written
        return services.to_read(services.get_crossing(uow, recorded.crossing.id))
    return recorded.read


@router.get(
    "",
    response_model=CrossingPage,
    dependencies=[require(Permission.READ_CROSSINGS, post_from="query")],
)
def list_crossings(
    uow: Uow,
    post: str | None = None,
    cursor: str | None = Query(None, description="next_cursor of the previous page"),
    limit: int = Query(50, ge=1, le=500),
    kind: Kind | None = None,
    decision: Decision | None = None,
    category: Category | None = None,
) -> CrossingPage:
    before = services.parse_cursor(cursor) if cursor else None
    items = services.recent_crossings(
        uow, post, before=before, limit=limit, kind=kind, decision=decision, category=category
    )
    following = services.page_cursor(items[-1]) if len(items) == limit else None
    return CrossingPage(items=[services.to_read(c) for c in items], next_cursor=following)


@router.get(
    "/{crossing_id}",
    response_model=CrossingRead,
    dependencies=[require(Permission.READ_CROSSINGS, post_from=services.post_of_crossing)],
)
def read_crossing(crossing_id: uuid.UUID, uow: Uow) -> CrossingRead:
    return services.to_read(services.get_crossing(uow, crossing_id))


@router.get(
    "/{crossing_id}/receipt",
    response_class=Response,
    responses={200: {"content": {"text/plain": {}}, "description": "A C2SP tlog-proof"}},
    dependencies=[require(Permission.READ_CROSSINGS, post_from=services.post_of_crossing)],
)
def crossing_receipt(crossing_id: uuid.UUID, uow: Uow, request: Request) -> Response:
    """The crossing's ledger receipt (C2SP tlog-proof), checkable offline."""
    from borderpost.ledger.receipts import crossing_receipt as receipt

    data = receipt(uow, request.app.state.settings.home, crossing_id)
    return Response(data, media_type="text/plain; charset=utf-8")


@router.post(
    "/{crossing_id}/corrections",
    response_model=CrossingRead,
    status_code=201,
    dependencies=[require(Permission.CORRECT_CROSSING, post_from=services.post_of_crossing)],
)
def correct_crossing(crossing_id: uuid.UUID, data: CrossingCorrection, uow: Uow) -> CrossingRead:
    """Correct a recorded crossing's category, decision or direction, with the reason."""
    from borderpost.crossings.corrections import correct_crossing as correct

    corrected = correct(uow, crossing_id, data)
    uow.commit()
    return corrected
