"""JSON routes of inspections, nested under the crossing they inspect (its post decides)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, File, UploadFile
from fastapi.responses import FileResponse
from starlette.concurrency import run_in_threadpool

from borderpost.accounts.authz import require
from borderpost.accounts.bodies import SignInFirst
from borderpost.accounts.permissions import Permission
from borderpost.api_support import Uow
from borderpost.cargo.repository import consignments_of
from borderpost.crossings.services import post_of_crossing
from borderpost.inspections import services
from borderpost.inspections.schemas import (
    EvidenceRead,
    FindingCreate,
    FindingRead,
    InspectionClose,
    InspectionRead,
    SeizureCreate,
    SeizureDispose,
    SeizureRead,
)

router = APIRouter(prefix="/crossings/{crossing_id}", tags=["inspections"], route_class=SignInFirst)
INSPECT = require(Permission.INSPECT_CARGO, post_from=post_of_crossing)


@router.get("/cargo", dependencies=[require(Permission.READ_CROSSINGS, post_from=post_of_crossing)])
def read_cargo(crossing_id: uuid.UUID, uow: Uow) -> list[dict[str, Any]]:
    """The crossing's consignments with their lanes, rules, random draw and goods items."""
    return [
        {
            "id": str(c.id),
            "declared_id": c.declared_id,
            "lane": c.lane_colour,
            "refused": c.refused,
            "rules": c.rules,
            "random": c.random,
            "ruleset": {"id": c.ruleset_id, "version": c.ruleset_version},
            "items": [
                {
                    "id": str(i.id),
                    "index": i.position,
                    "hs_code": i.hs_code,
                    "description": i.description,
                    "quantity": str(i.quantity),
                    "unit": i.unit,
                    "gross_kg": str(i.gross_kg),
                    "outcome": i.outcome,
                    "reasons": i.reasons,
                }
                for i in c.items
            ],
        }
        for c in consignments_of(uow, crossing_id)
    ]


@router.get("/inspection", response_model=InspectionRead, dependencies=[INSPECT])
def read_inspection(crossing_id: uuid.UUID, uow: Uow) -> InspectionRead:
    return InspectionRead.model_validate(services.get_inspection(uow, crossing_id))


@router.post("/inspection", response_model=InspectionRead, status_code=201, dependencies=[INSPECT])
def open_inspection(crossing_id: uuid.UUID, uow: Uow) -> InspectionRead:
    inspection = services.open_inspection(uow, crossing_id)
    uow.commit()
    return InspectionRead.model_validate(inspection)


@router.post(
    "/inspection/findings", response_model=FindingRead, status_code=201, dependencies=[INSPECT]
)
def record_finding(crossing_id: uuid.UUID, data: FindingCreate, uow: Uow) -> FindingRead:
    finding = services.record_finding(uow, crossing_id, data)
    uow.commit()
    return FindingRead.model_validate(finding)


@router.post(
    "/inspection/seizures", response_model=SeizureRead, status_code=201, dependencies=[INSPECT]
)
def record_seizure(crossing_id: uuid.UUID, data: SeizureCreate, uow: Uow) -> SeizureRead:
    seizure = services.record_seizure(uow, crossing_id, data)
    uow.commit()
    return SeizureRead.model_validate(seizure)


@router.post(
    "/inspection/seizures/{seizure_id}/disposal",
    response_model=SeizureRead,
    dependencies=[INSPECT],
)
def dispose_seizure(
    crossing_id: uuid.UUID, seizure_id: uuid.UUID, data: SeizureDispose, uow: Uow
) -> SeizureRead:
    seizure = services.dispose_seizure(uow, crossing_id, seizure_id, data)
    uow.commit()
    return SeizureRead.model_validate(seizure)


@router.post("/inspection/close", response_model=InspectionRead, dependencies=[INSPECT])
def close_inspection(crossing_id: uuid.UUID, data: InspectionClose, uow: Uow) -> InspectionRead:
    inspection = services.close_inspection(uow, crossing_id, data)
    uow.commit()
    return InspectionRead.model_validate(inspection)


@router.post(
    "/inspection/evidence", response_model=EvidenceRead, status_code=201, dependencies=[INSPECT]
)
async def add_evidence(
    crossing_id: uuid.UUID,
    uow: Uow,
    file: Annotated[UploadFile, File()],
) -> EvidenceRead:
    content = await file.read(services.MAX_EVIDENCE_BYTES + 1)

    def work() -> EvidenceRead:
        evidence = services.add_evidence(
            uow, crossing_id, file.filename or "", file.content_type or "", content
        )
        uow.commit()
        return EvidenceRead.model_validate(evidence)

    return await run_in_threadpool(work)


@router.get("/inspection/evidence/{sha256}", dependencies=[INSPECT])
def read_evidence(crossing_id: uuid.UUID, sha256: str, uow: Uow) -> FileResponse:
    evidence, path = services.evidence_file(uow, crossing_id, sha256)
    media_type, disposition = services.evidence_delivery(evidence)
    return FileResponse(
        path,
        media_type=media_type,
        filename=evidence.filename,
        content_disposition_type=disposition,
    )
