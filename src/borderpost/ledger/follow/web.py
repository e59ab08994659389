"""Headquarters' page of the posts' logs: how far each was checked, and what was found."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from borderpost.accounts.authz import require
from borderpost.accounts.permissions import Permission
from borderpost.api_support import Uow
from borderpost.ledger.follow import repository
from borderpost.web.templating import render

router = APIRouter(include_in_schema=False)
PAGE = 100


@router.get("/sync/ledgers", dependencies=[require(Permission.WATCH_LEDGERS)])
def followed_page(request: Request, uow: Uow) -> Response:
    """Each followed log's size, state and last check; the latest alerts, newest first."""
    context = {
        "logs": repository.followed(uow.session),
        "alerts": repository.open_alerts(uow.session, None, PAGE),
        "page": PAGE,
    }
    return render(request, "ledger/followed.html", context)
