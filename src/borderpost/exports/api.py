"""``GET /api/v1/exports/crossings.{csv,parquet}``: the crossings of a period, streamed.

Public facts for any role that sees aggregates; ``crossings-personal`` adds the traveller,
document, plate, officer and reasons, for roles that may read crossings. Without ``post``
every post: network scope. The period and the post are checked before the first byte, and
the rows are read by a session of the export's own, which lives as long as the answer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse

from borderpost.accounts.authz import require
from borderpost.accounts.bodies import SignInFirst
from borderpost.accounts.permissions import Permission
from borderpost.api_support import Uow
from borderpost.exports import services
from borderpost.exports.services import Format
from borderpost.schemas import Code, Day

router = APIRouter(prefix="/exports", tags=["exports"], route_class=SignInFirst)
FirstDay = Annotated[Day, Query(alias="from", description="First day (UTC), inclusive")]
LastDay = Annotated[Day, Query(description="Last day (UTC), inclusive")]
PostCode = Annotated[Code | None, Query(description="Post code; every post when absent")]


def stream(
    request: Request,
    uow: Uow,
    fmt: Format,
    first: dt.date,
    last: dt.date,
    post: str | None,
    personal: bool,
) -> StreamingResponse:
    """The export as an answer; shared by the API and the web link."""
    services.period(first, last)
    post_ids = services.post_ids(uow.session, post)
    factory = request.app.state.session_factory

    def body() -> Iterator[bytes]:
        with factory() as session:
            conn = session.connection()
            yield from services.chunks(conn, fmt, first, last, post_ids, personal)

    name = services.file_name(fmt, first, last, post, personal)
    return StreamingResponse(
        body(),
        media_type=services.media_type(fmt),
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get(
    "/crossings.{fmt}",
    dependencies=[require(Permission.VIEW_AGGREGATES, post_from="query")],
    response_class=StreamingResponse,
)
def export_crossings(
    request: Request, uow: Uow, fmt: Format, from_: FirstDay, to: LastDay, post: PostCode = None
) -> StreamingResponse:
    """The period's crossings, public facts only: a row per crossing, in time order."""
    return stream(request, uow, fmt, from_, to, post, personal=False)


@router.get(
    "/crossings-personal.{fmt}",
    dependencies=[require(Permission.READ_CROSSINGS, post_from="query")],
    response_class=StreamingResponse,
)
def export_crossings_personal(
    request: Request, uow: Uow, fmt: Format, from_: FirstDay, to: LastDay, post: PostCode = None
) -> StreamingResponse:
    """The period's crossings with the traveller, document, plate, officer and reasons."""
    return stream(request, uow, fmt, from_, to, post, personal=True)
