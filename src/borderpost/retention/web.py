"""HTML routes of retention: a supervisor's legal holds, and subject access (a person's
records as a page, JSON or PDF)."""

from __future__ import annotations

import json
import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from pydantic import ValidationError

from borderpost.accounts.authz import Me, require
from borderpost.accounts.permissions import Permission, Principal
from borderpost.accounts.throttle import Action, limited
from borderpost.api_support import Uow
from borderpost.errors import DomainError, FieldProblem, NotFound
from borderpost.posts import repository as posts_repository
from borderpost.retention import holds, subject
from borderpost.retention.schemas import HoldCreate, HoldRelease, PersonQuery
from borderpost.schemas import problems_from
from borderpost.web.documents import pdf_download
from borderpost.web.templating import render

router = APIRouter(include_in_schema=False)
HOLD = require(Permission.HOLD_RECORDS)
PLACE = require(Permission.HOLD_RECORDS, post_from="form", field="post")
RELEASE = require(Permission.HOLD_RECORDS, post_from=holds.post_of_hold)
EXPORT = require(Permission.EXPORT_PERSON)


def _problems(exc: ValidationError | DomainError, fields: set[str], first: str) -> dict[str, str]:
    found: list[FieldProblem] = (
        problems_from(exc.errors()) if isinstance(exc, ValidationError) else exc.problems
    )
    problems: dict[str, str] = {}
    for p in found:
        problems.setdefault(p.field if p.field in fields else first, p.reason)
    if not problems and isinstance(exc, DomainError):
        problems[first] = str(exc.message)
    return problems


def _scope(uow: Uow, me: Principal) -> list[Any]:
    return [p for p in posts_repository.all_posts(uow.session) if me.covers(p.code)]


def _holds_page(
    request: Request,
    me: Principal,
    uow: Uow,
    problems: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
) -> Response:
    posts = _scope(uow, me)
    standing = holds.standing(uow, None if me.network else [p.id for p in posts])
    codes = {p.id: p.code for p in posts}
    context = {
        "holds": standing,
        "codes": codes,
        "posts": posts,
        "problems": problems or {},
        "form": form or {},
    }
    return render(request, "retention/holds.html", context, status_code=422 if problems else 200)


@router.get("/retention/holds", dependencies=[HOLD])
def holds_page(request: Request, me: Me, uow: Uow) -> Response:
    """The legal holds standing at the supervisor's posts, and the form to place one."""
    return _holds_page(request, me, uow)


@router.post("/retention/holds", dependencies=[PLACE])
def place_hold(
    request: Request,
    me: Me,
    uow: Uow,
    post: Annotated[str, Form(max_length=32)] = "",
    crossing: Annotated[str, Form(max_length=64)] = "",
    reason: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    form = {"post": post, "crossing": crossing, "reason": reason}
    try:
        data = HoldCreate.model_validate({"crossing": crossing, "reason": reason})
        found = posts_repository.post_by_code(uow.session, post)
        if found is None:
            raise NotFound("post", "no such post")
        holds.place(uow, data.crossing, data.reason, found.id)
        uow.commit()
    except (ValidationError, DomainError) as exc:
        uow.rollback()
        return _holds_page(
            request, me, uow, _problems(exc, {"crossing", "reason"}, "crossing"), form
        )
    return _holds_page(request, me, uow)


@router.post("/retention/holds/{hold_id}/release", dependencies=[RELEASE])
def release_hold(
    request: Request,
    me: Me,
    uow: Uow,
    hold_id: uuid.UUID,
    reason: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    try:
        data = HoldRelease.model_validate({"reason": reason})
        holds.release(uow, hold_id, data.reason)
        uow.commit()
    except (ValidationError, DomainError) as exc:
        uow.rollback()
        problems = {f"release-{hold_id}": p for p in _problems(exc, set(), "reason").values()}
        return _holds_page(request, me, uow, problems)
    return _holds_page(request, me, uow)


@router.get("/people/export", dependencies=[EXPORT])
def person_page(request: Request) -> Response:
    """The form: a person's travel document, to see everything held about them."""
    return render(request, "retention/person.html", {"problems": {}, "form": {}, "person": None})


@router.post("/people/export", dependencies=[EXPORT, limited(Action.SEARCH)])
def person_export(
    request: Request,
    me: Me,
    uow: Uow,
    document: Annotated[str, Form(max_length=64)] = "",
    issuer: Annotated[str, Form(max_length=8)] = "",
    format: Annotated[Literal["page", "json", "pdf"], Form()] = "page",
) -> Response:
    """Everything held about the document's holder at the supervisor's posts; audited."""
    form = {"document": document, "issuer": issuer}
    try:
        query = PersonQuery.model_validate(form)
        scope = None if me.network else [p.id for p in _scope(uow, me)]
        person = subject.export(uow, query.document, query.issuer, scope)
        uow.commit()
    except (ValidationError, DomainError) as exc:
        uow.rollback()
        problems = _problems(exc, {"document", "issuer"}, "document")
        context = {"problems": problems, "form": form, "person": None}
        return render(request, "retention/person.html", context, status_code=422)
    name = f"person-{query.issuer}-{uuid.uuid4().hex[:8]}"
    if format == "json":
        return Response(
            json.dumps(person, ensure_ascii=False, indent=2),
            media_type="application/json",
            headers={"Content-Disposition": f'attachment; filename="{name}.json"'},
        )
    context = {"problems": {}, "form": form, "person": person}
    if format == "pdf":
        return pdf_download(request, "retention/person.html", context, f"{name}.pdf")
    return render(request, "retention/person.html", context)
