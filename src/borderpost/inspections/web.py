"""The inspection page: a referred vehicle crossing's cargo, findings, seizures and evidence.

Each form posts with HTMX and gets the inspection section back (or the whole page without
HTMX); a problem comes back named by its field, with nothing written.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from borderpost.accounts.authz import require
from borderpost.accounts.permissions import Permission
from borderpost.api_support import Uow
from borderpost.cargo.repository import consignments_of
from borderpost.crossings.services import get_crossing, post_of_crossing
from borderpost.errors import DomainError, FieldProblem, invalid
from borderpost.inspections import queue, services
from borderpost.inspections.model import FindingKind
from borderpost.inspections.schemas import (
    Disposal,
    FindingCreate,
    InspectionClose,
    InspectionOutcome,
    SeizureCreate,
    SeizureDispose,
)
from borderpost.posts.services import get_post
from borderpost.schemas import problems_from
from borderpost.unit_of_work import UnitOfWork
from borderpost.web.templating import render

router = APIRouter(prefix="/crossings/{crossing_id}/inspection", include_in_schema=False)
INSPECT = require(Permission.INSPECT_CARGO, post_from=post_of_crossing)


def _context(uow: UnitOfWork, crossing_id: uuid.UUID, **extra: Any) -> dict[str, Any]:
    crossing = get_crossing(uow, crossing_id)
    consignments = consignments_of(uow, crossing_id)
    return {
        "crossing": crossing,
        "post": crossing.post,
        "consignments": consignments,
        # The shape the booth's result shows too (cargo/_lanes.html).
        "cargo": [
            {
                "declared_id": c.declared_id,
                "lane": c.lane_colour,
                "refused": c.refused,
                "rules": c.rules,
                "random": c.random,
            }
            for c in consignments
        ],
        "inspection": services.find_inspection(uow, crossing_id),
        "finding_kinds": list(FindingKind),
        "outcomes": list(InspectionOutcome),
        "disposals": list(Disposal),
        "amount": _amount,
        "problems": {},
        "form": {},
        **extra,
    }


def _amount(value: Decimal) -> str:
    # 20.000 -> "20", 12.500 -> "12.5": no exponent, no trailing zeros.
    return format(value.normalize(), "f")


def _page(request: Request, context: dict[str, Any], status_code: int = 200) -> Response:
    partial = request.headers.get("hx-request") == "true"
    template = "inspections/_inspection.html" if partial else "inspections/inspection.html"
    return render(request, template, context, status_code=status_code)


@router.get("", dependencies=[INSPECT])
def inspection_page(request: Request, crossing_id: uuid.UUID, uow: Uow) -> Response:
    return _page(request, _context(uow, crossing_id))


def _blank_to_none(form: dict[str, str]) -> dict[str, Any]:
    return {k: (v.strip() or None) for k, v in form.items() if k != "csrf_token"}


async def _act(
    request: Request,
    crossing_id: uuid.UUID,
    uow: UnitOfWork,
    action: Callable[[dict[str, Any], dict[str, Any]], object],
) -> Response:
    raw = await request.form()
    form = {k: v for k, v in raw.items() if isinstance(v, str)}
    files = {k: v for k, v in raw.items() if isinstance(v, UploadFile)}
    uploads = {
        k: (f.filename or "", f.content_type or "", await f.read()) for k, f in files.items()
    }

    def work() -> Response:
        problems: dict[str, str] = {}
        try:
            action(_blank_to_none(form), uploads)
            uow.commit()
        except ValidationError as exc:
            problems = _shown(problems_from(exc.errors()))
        except DomainError as exc:
            problems = _shown(exc.problems) or {"form": exc.message}
        if problems:
            uow.rollback()
        context = _context(uow, crossing_id, problems=problems, form=form if problems else {})
        return _page(request, context, status_code=422 if problems else 200)

    return await run_in_threadpool(work)


# The fields the page shows a problem beside; any other problem shows at the top of the page.
_FIELDS_SHOWN = frozenset(
    {"goods_item", "hs_code", "description", "quantity", "unit", "legal_basis", "file"}
    | {"outcome", "reason"}
)


def _shown(problems: list[FieldProblem]) -> dict[str, str]:
    shown: dict[str, str] = {}
    for problem in problems:
        shown.setdefault(
            problem.field if problem.field in _FIELDS_SHOWN else "form", problem.reason
        )
    return shown


M = TypeVar("M", bound=BaseModel)


def _model(model: type[M], data: dict[str, Any]) -> M:
    return model.model_validate({k: v for k, v in data.items() if v is not None})


@router.post("", dependencies=[INSPECT])
async def open_inspection(request: Request, crossing_id: uuid.UUID, uow: Uow) -> Response:
    return await _act(
        request, crossing_id, uow, lambda _f, _u: services.open_inspection(uow, crossing_id)
    )


@router.post("/findings", dependencies=[INSPECT])
async def record_finding(request: Request, crossing_id: uuid.UUID, uow: Uow) -> Response:
    def action(form: dict[str, Any], _uploads: dict[str, Any]) -> object:
        return services.record_finding(uow, crossing_id, _model(FindingCreate, form))

    return await _act(request, crossing_id, uow, action)


@router.post("/seizures", dependencies=[INSPECT])
async def record_seizure(request: Request, crossing_id: uuid.UUID, uow: Uow) -> Response:
    def action(form: dict[str, Any], _uploads: dict[str, Any]) -> object:
        seals = [s.strip() for s in (form.pop("seals", None) or "").split(",") if s.strip()]
        return services.record_seizure(
            uow, crossing_id, _model(SeizureCreate, {**form, "seals": seals})
        )

    return await _act(request, crossing_id, uow, action)


@router.post("/seizures/{seizure_id}/disposal", dependencies=[INSPECT])
async def dispose_seizure(
    request: Request, crossing_id: uuid.UUID, seizure_id: uuid.UUID, uow: Uow
) -> Response:
    def action(form: dict[str, Any], _uploads: dict[str, Any]) -> object:
        data = _model(SeizureDispose, form)
        return services.dispose_seizure(uow, crossing_id, seizure_id, data)

    return await _act(request, crossing_id, uow, action)


@router.post("/evidence", dependencies=[INSPECT])
async def add_evidence(request: Request, crossing_id: uuid.UUID, uow: Uow) -> Response:
    def action(_form: dict[str, Any], uploads: dict[str, Any]) -> object:
        if "file" not in uploads:
            raise invalid("file", "choose a file to add")
        name, media_type, content = uploads["file"]
        return services.add_evidence(uow, crossing_id, name, media_type, content)

    return await _act(request, crossing_id, uow, action)


@router.post("/close", dependencies=[INSPECT])
async def close_inspection(request: Request, crossing_id: uuid.UUID, uow: Uow) -> Response:
    def action(form: dict[str, Any], _uploads: dict[str, Any]) -> object:
        return services.close_inspection(uow, crossing_id, _model(InspectionClose, form))

    return await _act(request, crossing_id, uow, action)


post_router = APIRouter(prefix="/posts/{code}", include_in_schema=False)


@post_router.get(
    "/inspections",
    dependencies=[require(Permission.INSPECT_CARGO, post_from="path", field="code")],
)
def waiting_page(request: Request, code: str, uow: Uow) -> Response:
    """The referred vehicles waiting at the post, the longest waiting first."""
    post = get_post(uow, code)
    context = {
        "post": post,
        "waiting": queue.waiting_at_post(uow, post),
        "total": queue.count_waiting(uow, post),
    }
    return render(request, "inspections/waiting.html", context)
