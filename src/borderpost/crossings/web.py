"""The booth: record a person, or a vehicle with its passengers, keyboard first."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from borderpost import clock
from borderpost.accounts.authz import require
from borderpost.accounts.permissions import Permission
from borderpost.api_support import Uow
from borderpost.crossings.booth import PASSENGER_HELP, record_from_booth
from borderpost.crossings.cargo_form import rows as cargo_rows
from borderpost.documents.booth import form_from_scan
from borderpost.documents.services import check_scan
from borderpost.errors import DomainError
from borderpost.network import status as network_status
from borderpost.posts import services as posts
from borderpost.posts.model import Post
from borderpost.vocab import Category, Direction, VehicleType
from borderpost.web.errors import field_problems
from borderpost.web.templating import render

router = APIRouter(prefix="/posts", include_in_schema=False)
RECORD = require(Permission.RECORD_CROSSING, post_from="path", field="code")
# Kept from one crossing to the next: the booth's direction, lane and category rarely change.
STICKY = ("kind", "direction", "category", "lane")


def _context(
    request: Request, uow: Uow, post: Post, form: dict[str, str], **extra: object
) -> dict[str, object]:
    return {
        "post": post,
        "network_versions": network_status.for_node(uow.session, request.app.state.settings),
        "closure": posts.current_closure(uow, post.code),
        "form": form,
        "directions": list(Direction),
        "categories": list(Category),
        "vehicle_types": list(VehicleType),
        "passenger_help": PASSENGER_HELP,
        "cargo_rows": cargo_rows(form),
        "problems": {},
        "result": None,
        **extra,
    }


@router.get("/{code}/booth", dependencies=[RECORD])
def booth_page(request: Request, code: str, uow: Uow, kind: str = "person") -> Response:
    form = {"kind": "vehicle" if kind == "vehicle" else "person", "direction": "in"}
    return render(
        request, "crossings/booth.html", _context(request, uow, posts.get_post(uow, code), form)
    )


@router.post("/{code}/booth", dependencies=[RECORD])
async def record(request: Request, code: str, uow: Uow) -> Response:
    raw = await request.form()
    form = {k: v for k, v in raw.items() if isinstance(v, str)}

    def work() -> Response:
        try:
            result = record_from_booth(uow, code, form)
            uow.commit()
        except DomainError as exc:
            problems = field_problems(request, exc.problems)
            if not problems:
                problems["form"] = exc.message
            context = _context(request, uow, posts.get_post(uow, code), form, problems=problems)
            template = "crossings/_form.html" if _htmx(request) else "crossings/booth.html"
            return render(request, template, context, status_code=422)
        kept = {k: form[k] for k in STICKY if k in form}
        context = _context(request, uow, posts.get_post(uow, code), kept, result=result)
        template = "crossings/_form.html" if _htmx(request) else "crossings/booth.html"
        return render(request, template, context)

    return await run_in_threadpool(work)


@router.post("/{code}/booth/scan", dependencies=[RECORD])
async def scan(request: Request, code: str, uow: Uow) -> Response:
    """A scanned or pasted MRZ fills the traveller and document fields; nothing is recorded."""
    raw = await request.form()
    form = {k: v for k, v in raw.items() if isinstance(v, str)}

    def work() -> Response:
        # Checked on the post's local date (an expiry is a day where the document is read);
        # three lines of 44 and their newlines are far below the cut: more is never an MRZ.
        post = posts.get_post(uow, code)
        result = check_scan(form.get("mrz", "")[:600], clock.now().astimezone(post.zone).date())
        filled, found = form_from_scan(result, form)
        context = _context(request, uow, post, filled, problems=found.problems, scan=found)
        template = "crossings/_form.html" if _htmx(request) else "crossings/booth.html"
        return render(request, template, context)

    return await run_in_threadpool(work)


def _htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"
