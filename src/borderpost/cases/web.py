"""The case pages: the work list, the hotline form, a case's page with its steps; and the
person's pages (the public form and the status page), which need no account.

Forms post plainly and come back as the page again (a step done, or its problems at their
fields with nothing written); the secret is shown once, on the receipt.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from borderpost import clock
from borderpost.accounts.authz import Me, public, require
from borderpost.accounts.permissions import Permission, Principal
from borderpost.accounts.throttle import Action, client_address, throttle_of
from borderpost.api_support import Uow
from borderpost.cases import services
from borderpost.cases.model import CaseKind, CaseStatus, Channel, Outcome, RecordType
from borderpost.cases.schemas import (
    CaseAssign,
    CaseCreate,
    CaseDecide,
    NoteCreate,
    PublicCaseCreate,
    RecordLink,
    StatusQuery,
)
from borderpost.errors import DomainError, invalid
from borderpost.posts import repository as posts_repository
from borderpost.schemas import problems_from
from borderpost.unit_of_work import UnitOfWork
from borderpost.web.errors import at_fields, field_problems
from borderpost.web.i18n import LANGUAGES, pick_language
from borderpost.web.templating import render

router = APIRouter(include_in_schema=False)
public_router = APIRouter(prefix="/public/case", include_in_schema=False)
HANDLE = require(Permission.HANDLE_CASES, post_from=services.post_of_case)
APPROVE = require(Permission.APPROVE_CASES, post_from=services.post_of_case)
PERSON_FIELDS = (
    "kind",
    "post",
    "language",
    "contact_name",
    "contact",
    "document_number",
    "issuer",
    "summary",
)


def _form_values(raw: Any) -> dict[str, str]:
    return {k: v.strip() for k, v in raw.items() if isinstance(v, str) and k != "csrf_token"}


def _given(form: dict[str, str], names: tuple[str, ...]) -> dict[str, str]:
    return {n: form[n] for n in names if form.get(n)}


def _problems(request: Request, exc: Exception) -> dict[str, str]:
    if isinstance(exc, ValidationError):
        return field_problems(request, problems_from(exc.errors()))
    assert isinstance(exc, DomainError)
    return field_problems(request, exc.problems) or {"form": exc.message}


def _choices() -> dict[str, Any]:
    return {
        "kinds": list(CaseKind),
        "channels": [c for c in Channel if c is not Channel.WEB],
        "outcomes": list(Outcome),
        "record_types": list(RecordType),
        "languages": LANGUAGES,
    }


# -- the work list and the hotline form -------------------------------------------------------


def _posts_of(me: Me, post: str | None) -> frozenset[str] | None:
    code = post or me.only_post
    return frozenset({code}) if code else None


@router.get(
    "/cases", dependencies=[require(Permission.HANDLE_CASES, post_from="query", own_post=True)]
)
def work_list_page(request: Request, uow: Uow, me: Me, post: str | None = None) -> Response:
    """Open cases assigned to me or to nobody yet, and the overdue ones."""
    posts = _posts_of(me, post)
    context = {
        "post": post or me.only_post,
        "mine": services.work_list(uow.session, me.name, posts),
        "overdue": services.overdue_cases(uow.session, posts),
        "now": clock.now(),
    }
    return render(request, "cases/list.html", context)


def _new_page(
    request: Request, uow: UnitOfWork, me: Principal, form: dict[str, str], problems: dict[str, str]
) -> Response:
    posts = [p for p in posts_repository.all_posts(uow.session) if me.covers(p.code)]
    shown = (*PERSON_FIELDS, "channel")
    context = {"posts": posts, "form": form, "problems": at_fields(problems, shown), **_choices()}
    return render(request, "cases/new.html", context, status_code=422 if problems else 200)


@router.get(
    "/cases/new",
    dependencies=[require(Permission.HANDLE_CASES, post_from="query", own_post=True)],
)
def new_case_page(request: Request, uow: Uow, me: Me, post: str | None = None) -> Response:
    form = {"post": post or me.only_post or "", "channel": Channel.HOTLINE.value, "language": "en"}
    return _new_page(request, uow, me, form, {})


@router.post("/cases/new", dependencies=[require(Permission.HANDLE_CASES, post_from="form")])
async def receive_case(request: Request, uow: Uow, me: Me) -> Response:
    form = _form_values(await request.form())

    def work() -> Response:
        try:
            data = CaseCreate.model_validate(_given(form, (*PERSON_FIELDS, "channel")))
            case, secret = services.receive_case(uow, data, me.covers)
            uow.commit()
        except (ValidationError, DomainError) as exc:
            uow.rollback()
            return _new_page(request, uow, me, form, _problems(request, exc))
        context = {"case": case, "secret": secret}
        return render(request, "cases/receipt.html", context, status_code=201)

    return await run_in_threadpool(work)


# -- a case's page and its steps --------------------------------------------------------------


def _case_page(
    request: Request,
    uow: UnitOfWork,
    case_id: uuid.UUID,
    problems: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
) -> Response:
    case = services.get_case(uow, case_id)
    status = CaseStatus(case.status)
    context = {
        "case": case,
        "status": status,
        "overdue": case.overdue_at(clock.now()),
        "form": form or {},
        "problems": at_fields(problems or {}, _shown(status)),
        **_choices(),
    }
    return render(request, "cases/case.html", context, status_code=422 if problems else 200)


@router.get("/cases/{case_id}", dependencies=[HANDLE])
def case_page(request: Request, case_id: uuid.UUID, uow: Uow) -> Response:
    return _case_page(request, uow, case_id)


def _shown(status: CaseStatus) -> set[str]:
    # The fields of the forms the case page shows in this status (case.html).
    shown = {"record_type", "record_id", "file", "text"}
    if status in {CaseStatus.RECEIVED, CaseStatus.REOPENED, CaseStatus.ASSIGNED}:
        shown |= {"assigned_to", "team"}
    if status is CaseStatus.UNDER_REVIEW:
        shown |= {"assigned_to", "team", "outcome", "reason", "legal_basis"}
    return shown


Step = Callable[[UnitOfWork, uuid.UUID, dict[str, str], dict[str, Any], Principal], object]


def _model(model: type[BaseModel], form: dict[str, str], *names: str) -> Any:
    return model.model_validate(_given(form, names))


def _attach(uow: UnitOfWork, case_id: uuid.UUID, uploads: dict[str, Any]) -> object:
    if "file" not in uploads or not uploads["file"][2]:
        raise invalid("file", "choose a file to add")
    name, media_type, content = uploads["file"]
    return services.add_attachment(uow, case_id, name, media_type, content)


STEPS: dict[str, tuple[Any, Step]] = {
    "assignment": (
        HANDLE,
        lambda uow, cid, f, _u, _me: services.assign_case(
            uow, cid, _model(CaseAssign, f, "assigned_to", "team")
        ),
    ),
    "review": (HANDLE, lambda uow, cid, _f, _u, _me: services.start_review(uow, cid)),
    "decision": (
        HANDLE,
        lambda uow, cid, f, _u, _me: services.decide_case(
            uow, cid, _model(CaseDecide, f, "outcome", "reason", "legal_basis")
        ),
    ),
    "approval": (APPROVE, lambda uow, cid, _f, _u, _me: services.approve_decision(uow, cid)),
    "return": (
        APPROVE,
        lambda uow, cid, f, _u, _me: services.send_back(uow, cid, _model(NoteCreate, f, "text")),
    ),
    "close": (HANDLE, lambda uow, cid, _f, _u, _me: services.close_case(uow, cid)),
    "reopen": (
        HANDLE,
        lambda uow, cid, f, _u, _me: services.reopen_case(uow, cid, _model(NoteCreate, f, "text")),
    ),
    "notes": (
        HANDLE,
        lambda uow, cid, f, _u, _me: services.add_note(uow, cid, _model(NoteCreate, f, "text")),
    ),
    "records": (
        HANDLE,
        lambda uow, cid, f, _u, me: services.link_record(
            uow, cid, _model(RecordLink, f, "record_type", "record_id"), me.covers
        ),
    ),
    "attachments": (HANDLE, lambda uow, cid, _f, u, _me: _attach(uow, cid, u)),
}


def _step_route(name: str, step: Step) -> Callable[..., Any]:
    async def route(request: Request, case_id: uuid.UUID, uow: Uow, me: Me) -> Response:
        raw = await request.form()
        form = _form_values(raw)
        uploads = {
            k: (v.filename or "", v.content_type or "", await v.read())
            for k, v in raw.items()
            if isinstance(v, UploadFile)
        }

        def work() -> Response:
            try:
                step(uow, case_id, form, uploads, me)
                uow.commit()
            except (ValidationError, DomainError) as exc:
                uow.rollback()
                return _case_page(request, uow, case_id, _problems(request, exc), form)
            # After a step, the page again by GET: a reload never repeats the step.
            return RedirectResponse(f"/cases/{case_id}#{name}", status_code=303)

        return await run_in_threadpool(work)

    route.__name__ = f"case_{name}"
    return route


for _name, (_rule, _step) in STEPS.items():
    router.add_api_route(
        f"/cases/{{case_id}}/{_name}",
        _step_route(_name, _step),
        methods=["POST"],
        dependencies=[_rule],
    )


# -- the person's pages -----------------------------------------------------------------------


def _public_language(request: Request, wanted: str | None = None) -> str:
    return pick_language(
        wanted or request.query_params.get("lang"), request.headers.get("accept-language", "")
    )


def _public_form(
    request: Request, uow: UnitOfWork, form: dict[str, str], problems: dict[str, str]
) -> Response:
    context = {
        "posts": posts_repository.all_posts(uow.session),
        "form": form,
        "problems": at_fields(problems, PERSON_FIELDS),
        **_choices(),
    }
    language = _public_language(request, form.get("language"))
    status = 422 if problems else 200
    return render(request, "cases/public_form.html", context, status_code=status, language=language)


def _limited(request: Request) -> None:
    throttle, address = throttle_of(request), client_address(request)
    throttle.check(Action.CASE, address)
    throttle.spend(Action.CASE, address)


@public_router.get("", dependencies=[public()])
def public_form(request: Request, uow: Uow) -> Response:
    return _public_form(request, uow, {"language": _public_language(request)}, {})


@public_router.post("", dependencies=[public()])
async def public_receive(request: Request, uow: Uow) -> Response:
    _limited(request)
    form = _form_values(await request.form())

    def work() -> Response:
        try:
            data = PublicCaseCreate.model_validate(_given(form, PERSON_FIELDS))
            case, secret = services.receive_public_case(uow, data)
            uow.commit()
        except (ValidationError, DomainError) as exc:
            uow.rollback()
            return _public_form(request, uow, form, _problems(request, exc))
        context = {"case": case, "secret": secret}
        return render(
            request, "cases/receipt.html", context, status_code=201, language=case.language
        )

    return await run_in_threadpool(work)


@public_router.get("/status", dependencies=[public()])
def status_form(request: Request) -> Response:
    language = _public_language(request)
    return render(request, "cases/public_status.html", {"form": {}}, language=language)


@public_router.post("/status", dependencies=[public()])
async def status_page(request: Request, uow: Uow) -> Response:
    """The case's status and decision, in the person's language; nothing else of it."""
    _limited(request)
    form = _form_values(await request.form())

    def work() -> Response:
        try:
            query = StatusQuery.model_validate(_given(form, ("reference", "secret")))
            case = services.public_status(uow, query.reference, query.secret)
        except (ValidationError, DomainError) as exc:
            problems = _problems(request, exc)
            again = {
                "form": {"reference": form.get("reference", "")},
                "problems": at_fields(problems, ("reference", "secret")),
            }
            language = _public_language(request)
            return render(
                request, "cases/public_status.html", again, status_code=422, language=language
            )
        shown: dict[str, Any] = {
            "reference": case.reference,
            "kind": case.kind,
            # Waiting for a supervisor is still under review, for the person.
            "status": CaseStatus.UNDER_REVIEW.value
            if case.status == CaseStatus.AWAITING_APPROVAL.value
            else case.status,
            "received_at": case.received_at,
            "due_at": case.due_at,
            # A decision waiting for approval is not yet one: the person sees it once made.
            "decided": case.decided_at is not None,
            "outcome": case.outcome if case.decided_at is not None else None,
            "reason": case.decision_reason if case.decided_at is not None else None,
            "legal_basis": case.legal_basis if case.decided_at is not None else None,
            "decided_at": case.decided_at,
            "zone": case.post.timezone,
        }
        context = {"shown": shown, "form": {}}
        return render(request, "cases/public_status.html", context, language=case.language)

    return await run_in_threadpool(work)
