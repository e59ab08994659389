"""Headquarters' parked events: what could not be applied, why, and replaying it."""

from __future__ import annotations

import uuid
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from borderpost.accounts.authz import Me, require
from borderpost.accounts.permissions import Permission
from borderpost.api_support import Uow
from borderpost.network import outcomes as commands_out
from borderpost.sync import inbox, status
from borderpost.web.templating import render

router = APIRouter(include_in_schema=False)
MANAGE = require(Permission.MANAGE_SYNC)
PAGE = 200


def _page(request: Request, post: str, done: str, problem: str = "", status: int = 200) -> Response:
    rows = inbox.parked(request.app.state.session_factory, post or None, PAGE)
    context = {"rows": rows, "post": post, "done": done, "problem": problem, "page": PAGE}
    return render(request, "sync/parked.html", context, status_code=status)


@router.get("/sync/status", dependencies=[MANAGE])
def status_page(request: Request, uow: Uow) -> Response:
    """Per post: what was taken in, the lag, what is parked; this node's shipper and ingest;
    the commands from headquarters not applied (at a post, those it refused), with why."""
    app = request.app.state
    node = status.node_status(app.session_factory, app.settings.home)
    refused = commands_out.refused(uow.session)
    return render(request, "sync/status.html", {"node": node, "refused": refused})


@router.get("/sync/parked", dependencies=[MANAGE])
def parked_page(request: Request, post: str = "", done: str = "") -> Response:
    return _page(request, post[:64], done[:200])


@router.post("/sync/parked/replay", dependencies=[MANAGE])
def replay(
    request: Request,
    me: Me,
    uow: Uow,
    event_id: Annotated[str, Form(max_length=64)] = "",
    replay_all: Annotated[str, Form(alias="all", max_length=8)] = "",
) -> Response:
    """One parked event again (``event_id``) or every one (``all``); back to the list."""
    ids: list[uuid.UUID] | None = None
    if not replay_all:
        try:
            ids = [uuid.UUID(event_id)]
        except ValueError:
            return _page(request, "", "", "event_id: is not an event id", status=422)
    # Each event is replayed in a transaction of its own; the request's unit of work (which
    # signed the admin in) writes nothing and is ended first, so it encloses none of them.
    uow.rollback()
    outcomes = inbox.replay(request.app.state.session_factory, ids, actor=me.name)
    done = ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items())) or "-"
    return RedirectResponse(f"/sync/parked?{urlencode({'done': done})}", status_code=303)
