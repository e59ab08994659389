"""Headquarters' pages for commands to the posts: from a crossing, send its post a correction
or an inspection outcome; the list of commands sent and what came of each.

A supervisor or an admin with the crossing's post in scope sends them (the post is the one
that recorded the crossing, read from headquarters' replica, never from the form); the command
is kept and audited at headquarters and the publisher sends it. Problems come back at their
fields, translated, with nothing written.
"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from borderpost.accounts.authz import Me, require
from borderpost.accounts.permissions import Permission
from borderpost.api_support import Uow
from borderpost.crossings.schemas import CrossingCorrection
from borderpost.crossings.services import get_crossing, post_of_crossing
from borderpost.errors import Conflict, DomainError
from borderpost.inspections.schemas import InspectionClose, InspectionOutcome
from borderpost.network import outcomes
from borderpost.network.commands import request_correction, request_inspection
from borderpost.network.status import sends_commands
from borderpost.schemas import problems_from
from borderpost.unit_of_work import UnitOfWork
from borderpost.vocab import Category, Decision, Direction, Kind
from borderpost.web.errors import at_fields, field_problems
from borderpost.web.templating import render

router = APIRouter(include_in_schema=False)
# The crossing's own post is the one checked: a crossing id of another post is refused.
SEND = require(Permission.CORRECT_CROSSING, post_from=post_of_crossing)
LIST = require(Permission.CORRECT_CROSSING)
CORRECTION_FIELDS = ("decision", "category", "direction", "reasons", "reason")
INSPECTION_FIELDS = ("outcome", "reason")


def _context(request: Request, uow: UnitOfWork, crossing_id: uuid.UUID, **extra: Any) -> Any:
    crossing = get_crossing(uow, crossing_id)
    lines = outcomes.of_crossing(uow.session, crossing_id)
    return {
        "crossing": crossing,
        "post": crossing.post,
        "decisions": list(Decision),
        "categories": list(Category),
        "directions": list(Direction),
        "outcomes": list(InspectionOutcome),
        "inspectable": crossing.kind == Kind.VEHICLE.value
        and crossing.decision == Decision.REFERRED.value,
        "lines": lines,
        "form": {},
        "which": "",
        "problems": {},
        **extra,
    }


@router.get("/crossings/{crossing_id}/commands", dependencies=[SEND])
def send_page(request: Request, crossing_id: uuid.UUID, uow: Uow) -> Response:
    """The crossing as headquarters holds it, the two forms, the commands sent for it."""
    _headquarters_only(request)
    return render(request, "network/send.html", _context(request, uow, crossing_id))


def _headquarters_only(request: Request) -> None:
    if not sends_commands(request.app.state.settings):
        raise Conflict("node", "commands are sent from headquarters, not from a post")


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _correction(form: dict[str, str]) -> CrossingCorrection:
    data: dict[str, Any] = {
        k: form[k].strip() for k in ("decision", "category", "direction") if form.get(k, "").strip()
    }
    if _lines(form.get("reasons", "")):
        data["reasons"] = _lines(form.get("reasons", ""))
    data["reason"] = form.get("reason", "")
    return CrossingCorrection.model_validate(data)


def _inspection(form: dict[str, str]) -> InspectionClose:
    data = {k: form.get(k, "").strip() for k in INSPECTION_FIELDS}
    return InspectionClose.model_validate({k: v for k, v in data.items() if v})


async def _send(
    request: Request,
    crossing_id: uuid.UUID,
    uow: UnitOfWork,
    which: str,
    fields: tuple[str, ...],
) -> Response:
    _headquarters_only(request)
    raw = await request.form()
    form = {k: v for k, v in raw.items() if isinstance(v, str) and k != "csrf_token"}

    def work() -> Response:
        problems: dict[str, str] = {}
        try:
            if which == "correction":
                command = request_correction(uow, crossing_id, _correction(form))
            else:
                command = request_inspection(uow, crossing_id, _inspection(form))
            uow.commit()
        except ValidationError as exc:
            problems = field_problems(request, problems_from(exc.errors()))
        except DomainError as exc:
            problems = field_problems(request, exc.problems) or {"form": str(exc.message)}
        if not problems:
            return RedirectResponse(f"/network/commands?sent={command.id}", status_code=303)
        uow.rollback()
        context = _context(
            request, uow, crossing_id, form=form, which=which, problems=at_fields(problems, fields)
        )
        return render(request, "network/send.html", context, status_code=422)

    return await run_in_threadpool(work)


@router.post("/crossings/{crossing_id}/commands/correction", dependencies=[SEND])
async def send_correction(request: Request, crossing_id: uuid.UUID, uow: Uow) -> Response:
    return await _send(request, crossing_id, uow, "correction", CORRECTION_FIELDS)


@router.post("/crossings/{crossing_id}/commands/inspection", dependencies=[SEND])
async def send_inspection(request: Request, crossing_id: uuid.UUID, uow: Uow) -> Response:
    return await _send(request, crossing_id, uow, "inspection", INSPECTION_FIELDS)


@router.get("/network/commands", dependencies=[LIST])
def commands_page(request: Request, me: Me, uow: Uow, post: str = "", sent: str = "") -> Response:
    """The commands sent to the posts in the user's scope, newest first, with their state."""
    scope = None if me.network else sorted(me.posts)
    chosen = post[:32] if post and me.covers(post[:32]) else ""
    lines = outcomes.sent(uow.session, scope, chosen or None)
    context = {"lines": lines, "post": chosen, "sent": sent[:40], "page": outcomes.PAGE}
    return render(request, "network/commands.html", context)
