"""HTML routes for posts: the list, a post's status, lanes, closures and recent crossings."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response
from pydantic import ValidationError

from borderpost import clock
from borderpost.accounts.authz import Me, require
from borderpost.accounts.permissions import Permission
from borderpost.api_support import Uow
from borderpost.crossings import services as crossings
from borderpost.errors import DomainError
from borderpost.network import status as network_status
from borderpost.posts import repository, services
from borderpost.posts.schemas import ClosureCreate, ClosureEnd
from borderpost.schemas import problems_from
from borderpost.vocab import Category, Decision, Kind
from borderpost.web.params import Choice
from borderpost.web.templating import render

router = APIRouter(prefix="/posts", include_in_schema=False)
VIEW = require(Permission.VIEW_POSTS, post_from="path", field="code")
CLOSE = require(Permission.CLOSE_POST, post_from="path", field="code")


@router.get("", dependencies=[require(Permission.VIEW_POSTS)])
def posts_page(request: Request, me: Me, uow: Uow) -> Response:
    posts = [p for p in repository.all_posts(uow.session) if me.covers(p.code)]
    status = {p.code: services.current_closure(uow, p.code) for p in posts}
    return render(request, "posts/list.html", {"posts": posts, "status": status})


def _post_context(request: Request, uow: Uow, code: str) -> dict[str, object]:
    post = services.get_post(uow, code)
    return {
        "post": post,
        "network_versions": network_status.for_node(uow.session, request.app.state.settings),
        "closure": services.current_closure(uow, code),
        "closures": repository.closures_of(uow.session, post, limit=20),
    }


@router.get("/{code}", dependencies=[VIEW])
def post_page(request: Request, code: str, uow: Uow) -> Response:
    context = {**_post_context(request, uow, code), "problems": {}, "form": {}}
    return render(request, "posts/post.html", context)


@router.get("/{code}/status", dependencies=[VIEW])
def post_status(request: Request, code: str, uow: Uow) -> Response:
    """The open/closed banner, polled by the booth."""
    return render(request, "posts/_status.html", _post_context(request, uow, code))


@router.post("/{code}/close", dependencies=[CLOSE])
def close_post(
    request: Request,
    code: str,
    uow: Uow,
    reason: Annotated[str, Form()] = "",
    authority: Annotated[str, Form()] = "",
) -> Response:
    form = {"reason": reason, "authority": authority}
    problems: dict[str, str] = {}
    try:
        data = ClosureCreate(starts_at=clock.now(), reason=reason, authority=authority)
        services.close_post(uow, code, data)
        uow.commit()
        form = {}
    except (ValidationError, DomainError) as exc:
        found = problems_from(exc.errors()) if isinstance(exc, ValidationError) else exc.problems
        # The form has two fields; a problem with any other (an overlap's starts_at) shows
        # under the reason, the first of them.
        for p in found:
            problems.setdefault(p.field if p.field in form else "reason", p.reason)
        if not problems:
            problems = {"reason": exc.message if isinstance(exc, DomainError) else str(exc)}
    context = {**_post_context(request, uow, code), "problems": problems, "form": form}
    status = 422 if problems else 200
    return render(request, "posts/_closures.html", context, status_code=status)


@router.post("/{code}/closures/{closure_id}/end", dependencies=[CLOSE])
def reopen_post(
    request: Request,
    code: str,
    closure_id: uuid.UUID,
    uow: Uow,
    reason: Annotated[str, Form()] = "",
    authority: Annotated[str, Form()] = "",
) -> Response:
    """Reopen the post now, on an order: its reason and authority, as for closing."""
    form = {"end_reason": reason, "end_authority": authority}
    problems: dict[str, str] = {}
    try:
        services.reopen_post(uow, code, closure_id, ClosureEnd(reason=reason, authority=authority))
        uow.commit()
        form = {}
    except ValidationError as exc:
        problems = {f"end_{p.field}": p.reason for p in problems_from(exc.errors())}
    except DomainError as exc:
        found = {f"end_{p.field}": p.reason for p in exc.problems}
        problems = found or {"end_reason": exc.message}
    context = {**_post_context(request, uow, code), "problems": problems, "form": form}
    return render(request, "posts/_closures.html", context, status_code=422 if problems else 200)


@router.get(
    "/{code}/crossings",
    dependencies=[require(Permission.READ_CROSSINGS, post_from="path", field="code")],
)
def post_crossings(
    request: Request,
    code: str,
    uow: Uow,
    cursor: str | None = None,
    kind: Choice[Kind] = None,
    decision: Choice[Decision] = None,
    category: Choice[Category] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Response:
    post = services.get_post(uow, code)
    before = crossings.parse_cursor(cursor) if cursor else None
    items = crossings.recent_crossings(
        uow, code, before=before, limit=limit, kind=kind, decision=decision, category=category
    )
    following = crossings.page_cursor(items[-1]) if len(items) == limit else None
    context = {
        "post": post,
        "items": items,
        "next_cursor": following,
        "filters": {"kind": kind, "decision": decision, "category": category},
        "kinds": list(Kind),
        "decisions": list(Decision),
        "categories": list(Category),
    }
    return render(request, "posts/_crossings.html", context)
