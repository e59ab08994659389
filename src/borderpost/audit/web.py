"""The audit trail page: search by post, who, what and when."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from borderpost.accounts.authz import Me, require
from borderpost.accounts.permissions import Permission
from borderpost.api_support import Uow
from borderpost.audit.services import AuditQuery, search
from borderpost.posts import repository as posts_repository
from borderpost.web.templating import render

router = APIRouter(include_in_schema=False)
PAGE = 50
MAX_PAGE = 100_000  # 5 million entries back; past that, narrow the search (and no SQL overflow)


# A supervisor of one post opens the trail from the menu without naming it: theirs.
READ = require(Permission.READ_AUDIT, post_from="query", own_post=True)


@router.get("/audit", dependencies=[READ])
def audit_page(
    request: Request,
    me: Me,
    uow: Uow,
    post: str | None = None,
    actor: str | None = None,
    entity: str | None = None,
    action: str | None = None,
    page: Annotated[int, Query(ge=0, le=MAX_PAGE)] = 0,
) -> Response:
    query = AuditQuery(
        post or me.only_post,
        actor or None,
        entity or None,
        None,
        action or None,
        limit=PAGE + 1,
        offset=page * PAGE,
    )
    entries = search(uow, query)
    posts = [p for p in posts_repository.all_posts(uow.session) if me.covers(p.code)]
    context = {
        "entries": entries[:PAGE],
        "more": len(entries) > PAGE,
        "page": page,
        "query": query,
        "posts": posts,
    }
    return render(request, "audit/search.html", context)
