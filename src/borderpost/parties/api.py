"""JSON routes of a party: its own organisation's receipts, with their openings."""

from __future__ import annotations

from typing import Annotated

import orjson
from fastapi import APIRouter, Query, Request, Response

from borderpost.accounts.authz import Me, require
from borderpost.accounts.bodies import SignInFirst
from borderpost.accounts.permissions import Permission
from borderpost.api_support import Uow
from borderpost.parties import services
from borderpost.schemas import Code, Day

router = APIRouter(prefix="/parties", tags=["parties"], route_class=SignInFirst)


@router.get(
    "/receipts",
    dependencies=[require(Permission.ATTEST, post_from="query")],
    response_class=Response,
    responses={200: {"content": {"application/json": {}}}},
)
def receipts(
    me: Me,
    uow: Uow,
    request: Request,
    post: Annotated[Code, Query()],
    from_: Annotated[Day, Query(alias="from")],
    to: Annotated[Day, Query()],
) -> Response:
    """Receipts of the signed-in party's own crossings at ``post`` from ``from`` to ``to``
    (days local to the post): leaf, inclusion proof, checkpoint, and the opening."""
    party = services.party_of(uow, me.name)
    home = request.app.state.settings.home
    body = services.party_receipts(uow, home, party, post, from_, to)
    # Thousands of receipts: written straight by orjson, not through the framework's encoder.
    return Response(orjson.dumps(body), media_type="application/json")
