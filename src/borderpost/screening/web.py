"""HTML routes for screening: a crossing with its hits, the alerts page, resolving a hit."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from borderpost.accounts.authz import require
from borderpost.accounts.permissions import Permission
from borderpost.api_support import Uow
from borderpost.crossings import services as crossings
from borderpost.errors import DomainError, NotFound
from borderpost.messages import Message
from borderpost.network import status as network_status
from borderpost.posts import services as posts
from borderpost.screening import alerts, review
from borderpost.screening.model import HitOrigin, HitState
from borderpost.web.templating import render

router = APIRouter(prefix="/posts", include_in_schema=False)
READ = require(Permission.READ_CROSSINGS, post_from="path", field="code")
RESOLVE = require(Permission.RESOLVE_HITS, post_from="path", field="code")


@router.get("/{code}/crossings/{crossing_id}", dependencies=[READ])
def crossing_page(request: Request, code: str, crossing_id: uuid.UUID, uow: Uow) -> Response:
    post = posts.get_post(uow, code)
    crossing = crossings.get_crossing(uow, crossing_id)
    if crossing.post_id != post.id:
        raise NotFound(
            "crossing",
            Message("no crossing {crossing_id} at post {code}", crossing_id=crossing_id, code=code),
        )
    hits = review.hits_of_crossing(uow, crossing_id)
    context = {
        "post": post,
        "crossing": crossing,
        "hits": hits,
        "problems": {},
        "sends_commands": network_status.sends_commands(request.app.state.settings),
    }
    return render(request, "screening/crossing.html", context)


@router.get("/{code}/alerts", dependencies=[RESOLVE])
def alerts_page(request: Request, code: str, uow: Uow, origin: str = "rescreen") -> Response:
    post = posts.get_post(uow, code)
    chosen = HitOrigin.CROSSING if origin == HitOrigin.CROSSING.value else HitOrigin.RESCREEN
    found = alerts.open_alerts(uow, code, chosen)
    context = {
        "post": post,
        "groups": found.groups,
        "open_hits": found.open_hits,
        "origin": chosen.value,
        "problems": {},
    }
    return render(request, "screening/alerts.html", context)


@router.post("/{code}/hits/{hit_id}", dependencies=[RESOLVE])
def resolve_hit(
    request: Request,
    code: str,
    hit_id: uuid.UUID,
    uow: Uow,
    verdict: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",
) -> Response:
    problems: dict[str, str] = {}
    try:
        if verdict not in {HitState.TRUE_MATCH.value, HitState.FALSE_MATCH.value}:
            problems["verdict"] = "choose true match or false match"
            raise DomainError(problems["verdict"])
        review.resolve_hit(uow, code, hit_id, HitState(verdict), reason)
        uow.commit()
    except DomainError as exc:
        uow.rollback()
        for problem in exc.problems:
            problems.setdefault(problem.field, problem.reason)
        if not problems:
            problems["form"] = exc.message
    if request.headers.get("hx-request") != "true" and not problems:
        # Only back to a page of this post: never an address a form could smuggle in.
        back = next if next.startswith(f"/posts/{code}/") else f"/posts/{code}/alerts"
        return RedirectResponse(back, status_code=303)
    view = review.hit_view(uow, hit_id) if "hit" not in problems else None
    context = {
        "post": posts.get_post(uow, code),
        "h": view,
        "problems": problems,
        "form": {"verdict": verdict, "reason": reason},
    }
    return render(request, "screening/_hit.html", context, status_code=422 if problems else 200)
