"""JSON routes of cases under /api/v1/cases; each case's post decides who may touch it."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, File, UploadFile
from fastapi.responses import FileResponse
from starlette.concurrency import run_in_threadpool

from borderpost.accounts.authz import Me, require
from borderpost.accounts.bodies import SignInFirst
from borderpost.accounts.permissions import Permission
from borderpost.api_support import Uow
from borderpost.cases import services
from borderpost.cases.model import Case
from borderpost.cases.schemas import (
    CaseAssign,
    CaseCreate,
    CaseDecide,
    CaseRead,
    CaseRecordRead,
    NoteCreate,
    NoteRead,
    RecordLink,
)
from borderpost.inspections.schemas import EvidenceRead
from borderpost.inspections.services import MAX_EVIDENCE_BYTES, evidence_delivery

router = APIRouter(prefix="/cases", tags=["cases"], route_class=SignInFirst)
HANDLE = require(Permission.HANDLE_CASES, post_from=services.post_of_case)
APPROVE = require(Permission.APPROVE_CASES, post_from=services.post_of_case)


def _read(case: Case) -> CaseRead:
    return CaseRead.model_validate(case)


@router.post(
    "",
    status_code=201,
    dependencies=[require(Permission.HANDLE_CASES, post_from="body")],
)
def receive_case(data: CaseCreate, uow: Uow, me: Me) -> dict[str, object]:
    """A hotline call, an e-mail or a letter; the answer holds the secret, once."""
    case, secret = services.receive_case(uow, data, me.covers)
    uow.commit()
    return {"case": _read(case).model_dump(mode="json"), "secret": secret}


@router.get(
    "",
    response_model=list[CaseRead],
    dependencies=[require(Permission.HANDLE_CASES, post_from="query", own_post=True)],
)
def list_cases(uow: Uow, me: Me, post: str | None = None, overdue: bool = False) -> list[CaseRead]:
    """Open cases assigned to me or to nobody (or every overdue one) at a post in scope."""
    code = post or me.only_post
    posts = frozenset({code}) if code else None
    found = (
        services.overdue_cases(uow.session, posts)
        if overdue
        else services.work_list(uow.session, me.name, posts)
    )
    return [_read(c) for c in found]


@router.get("/{case_id}", response_model=CaseRead, dependencies=[HANDLE])
def read_case(case_id: uuid.UUID, uow: Uow) -> CaseRead:
    return _read(services.get_case(uow, case_id))


@router.post(
    "/{case_id}/records", response_model=CaseRecordRead, status_code=201, dependencies=[HANDLE]
)
def link_record(case_id: uuid.UUID, data: RecordLink, uow: Uow, me: Me) -> CaseRecordRead:
    record = services.link_record(uow, case_id, data, me.covers)
    uow.commit()
    return CaseRecordRead.model_validate(record)


@router.post("/{case_id}/assignment", response_model=CaseRead, dependencies=[HANDLE])
def assign_case(case_id: uuid.UUID, data: CaseAssign, uow: Uow) -> CaseRead:
    case = services.assign_case(uow, case_id, data)
    uow.commit()
    return _read(case)


@router.post("/{case_id}/review", response_model=CaseRead, dependencies=[HANDLE])
def start_review(case_id: uuid.UUID, uow: Uow) -> CaseRead:
    case = services.start_review(uow, case_id)
    uow.commit()
    return _read(case)


@router.post("/{case_id}/decision", response_model=CaseRead, dependencies=[HANDLE])
def decide_case(case_id: uuid.UUID, data: CaseDecide, uow: Uow) -> CaseRead:
    case = services.decide_case(uow, case_id, data)
    uow.commit()
    return _read(case)


@router.post("/{case_id}/approval", response_model=CaseRead, dependencies=[APPROVE])
def approve_decision(case_id: uuid.UUID, uow: Uow) -> CaseRead:
    case = services.approve_decision(uow, case_id)
    uow.commit()
    return _read(case)


@router.post("/{case_id}/return", response_model=CaseRead, dependencies=[APPROVE])
def send_back(case_id: uuid.UUID, data: NoteCreate, uow: Uow) -> CaseRead:
    case = services.send_back(uow, case_id, data)
    uow.commit()
    return _read(case)


@router.post("/{case_id}/close", response_model=CaseRead, dependencies=[HANDLE])
def close_case(case_id: uuid.UUID, uow: Uow) -> CaseRead:
    case = services.close_case(uow, case_id)
    uow.commit()
    return _read(case)


@router.post("/{case_id}/reopen", response_model=CaseRead, dependencies=[HANDLE])
def reopen_case(case_id: uuid.UUID, data: NoteCreate, uow: Uow) -> CaseRead:
    case = services.reopen_case(uow, case_id, data)
    uow.commit()
    return _read(case)


@router.post("/{case_id}/notes", response_model=NoteRead, status_code=201, dependencies=[HANDLE])
def add_note(case_id: uuid.UUID, data: NoteCreate, uow: Uow) -> NoteRead:
    note = services.add_note(uow, case_id, data)
    uow.commit()
    return NoteRead.model_validate(note)


@router.post(
    "/{case_id}/attachments",
    response_model=EvidenceRead,
    status_code=201,
    dependencies=[HANDLE],
)
async def add_attachment(
    case_id: uuid.UUID, uow: Uow, file: Annotated[UploadFile, File()]
) -> EvidenceRead:
    content = await file.read(MAX_EVIDENCE_BYTES + 1)

    def work() -> EvidenceRead:
        attachment = services.add_attachment(
            uow, case_id, file.filename or "", file.content_type or "", content
        )
        uow.commit()
        return EvidenceRead.model_validate(attachment)

    return await run_in_threadpool(work)


@router.get("/{case_id}/attachments/{sha256}", dependencies=[HANDLE])
def read_attachment(case_id: uuid.UUID, sha256: str, uow: Uow) -> FileResponse:
    attachment, path = services.attachment_file(uow, case_id, sha256)
    media_type, disposition = evidence_delivery(attachment)
    return FileResponse(
        path,
        media_type=media_type,
        filename=attachment.filename,
        content_disposition_type=disposition,
    )
