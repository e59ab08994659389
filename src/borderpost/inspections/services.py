"""Inspections of referred vehicle crossings: findings, seizures, evidence, the decision after.

One service function per use case; each adds and flushes ORM objects, so the audit hook
records every change (the crossing's decision, old and new, with who and why), and the caller
commits. Evidence files are kept once per content, named by their SHA-256, under
``$BORDERPOST_HOME/evidence/``.
"""

from __future__ import annotations

import hashlib
import os
import re
import uuid
from pathlib import Path
from typing import Protocol

from sqlalchemy import select

from borderpost import clock
from borderpost.cargo.model import GoodsItem
from borderpost.cargo.repository import goods_of
from borderpost.cargo.rules import hs
from borderpost.crossings.model import Crossing
from borderpost.errors import Conflict, NotFound, invalid
from borderpost.inspections.model import (
    Evidence,
    Finding,
    Inspection,
    InspectionStatus,
    Seizure,
    SeizureStatus,
)
from borderpost.inspections.schemas import (
    FindingCreate,
    InspectionClose,
    InspectionOutcome,
    SeizureCreate,
    SeizureDispose,
)
from borderpost.ledger.corrections import add_crossing_correction
from borderpost.messages import Message
from borderpost.outbox import Topic, queue, queue_record
from borderpost.unit_of_work import UnitOfWork
from borderpost.vocab import Decision, Kind

EVIDENCE_DIR = "evidence"
MAX_EVIDENCE_BYTES = 50 * 1024 * 1024
_SHA256 = re.compile(r"[0-9a-f]{64}")
_SAFE_NAME = re.compile(r"[^\w.\- ]+")
_DECISION = {
    InspectionOutcome.ADMITTED: Decision.ADMITTED,
    InspectionOutcome.REFUSED: Decision.REFUSED,
    InspectionOutcome.ADMITTED_AFTER_SEIZURE: Decision.ADMITTED,
}


def _crossing(uow: UnitOfWork, crossing_id: uuid.UUID) -> Crossing:
    crossing = uow.session.get(Crossing, crossing_id)
    if crossing is None:
        raise NotFound("crossing", Message("no crossing {id}", id=crossing_id))
    return crossing


def get_inspection(uow: UnitOfWork, crossing_id: uuid.UUID) -> Inspection:
    """The inspection of a crossing; NotFound if none was opened."""
    found = uow.session.scalar(select(Inspection).where(Inspection.crossing_id == crossing_id))
    if found is None:
        raise NotFound(
            "inspection",
            Message("crossing {crossing_id} has no inspection", crossing_id=crossing_id),
        )
    return found


def find_inspection(uow: UnitOfWork, crossing_id: uuid.UUID) -> Inspection | None:
    return uow.session.scalar(select(Inspection).where(Inspection.crossing_id == crossing_id))


def _open(uow: UnitOfWork, crossing_id: uuid.UUID) -> Inspection:
    inspection = get_inspection(uow, crossing_id)
    if inspection.status != InspectionStatus.OPEN.value:
        raise Conflict("inspection", "the inspection is closed: nothing more can be recorded in it")
    return inspection


def check_inspectable(crossing: Crossing) -> None:
    """Conflict unless the crossing is a vehicle's referred to inspection."""
    if crossing.kind != Kind.VEHICLE.value:
        raise Conflict("crossing_id", "only a vehicle crossing is inspected here")
    if crossing.decision != Decision.REFERRED.value:
        raise Conflict(
            "crossing_id",
            Message(
                "the crossing was {decision}, not referred to inspection",
                decision=Message.of(crossing.decision),
            ),
        )


def open_inspection(uow: UnitOfWork, crossing_id: uuid.UUID) -> Inspection:
    """Open the inspection of a vehicle crossing referred to inspection (or return it)."""
    crossing = _crossing(uow, crossing_id)
    known = find_inspection(uow, crossing_id)
    if known is not None:
        return known
    check_inspectable(crossing)
    inspection = Inspection(
        crossing_id=crossing.id,
        post_id=crossing.post_id,
        inspector=uow.actor,
        status=InspectionStatus.OPEN.value,
        opened_at=clock.now(),
    )
    uow.session.add(inspection)
    uow.session.flush()
    queue_record(uow.session, Topic.INSPECTION_RECORDED, inspection, post_id=inspection.post_id)
    return inspection


def _goods_item(uow: UnitOfWork, crossing_id: uuid.UUID, item_id: uuid.UUID) -> GoodsItem:
    for _consignment, item in goods_of(uow, crossing_id):
        if item.id == item_id:
            return item
    raise NotFound(
        "goods_item",
        Message("no goods item {item_id} declared with this crossing", item_id=item_id),
    )


def record_finding(uow: UnitOfWork, crossing_id: uuid.UUID, data: FindingCreate) -> Finding:
    """What was found for a declared item, or undeclared goods (their HS code is checked)."""
    inspection = _open(uow, crossing_id)
    hs_code, description, unit = data.hs_code, data.description, data.unit
    if data.goods_item is not None:
        item = _goods_item(uow, crossing_id, data.goods_item)
        hs_code, description = item.hs_code, item.description
        unit = unit or item.unit
    else:
        try:
            hs_code = hs.validate(data.hs_code or "")
        except hs.HSCodeError as exc:
            raise invalid("hs_code", exc.message) from exc
    finding = Finding(
        inspection_id=inspection.id,
        goods_item_id=data.goods_item,
        kind=data.kind.value,
        hs_code=hs_code,
        description=description,
        quantity=data.quantity,
        unit=unit,
        note=data.note,
        recorded_by=uow.actor,
        recorded_at=clock.now(),
    )
    uow.session.add(finding)
    uow.session.flush()
    queue_record(uow.session, Topic.FINDING_RECORDED, finding, post_id=inspection.post_id)
    return finding


def record_seizure(uow: UnitOfWork, crossing_id: uuid.UUID, data: SeizureCreate) -> Seizure:
    """Goods taken from a declared item or a finding, with the legal basis and seals applied."""
    inspection = _open(uow, crossing_id)
    if data.goods_item is not None:
        item = _goods_item(uow, crossing_id, data.goods_item)
        hs_code, description = item.hs_code, item.description
    else:
        finding = next((f for f in inspection.findings if f.id == data.finding), None)
        if finding is None:
            raise NotFound(
                "finding", Message("no finding {finding} in this inspection", finding=data.finding)
            )
        hs_code, description = finding.hs_code or "", finding.description or ""
    seizure = Seizure(
        inspection_id=inspection.id,
        finding_id=data.finding,
        goods_item_id=data.goods_item,
        hs_code=hs_code,
        description=description,
        quantity=data.quantity,
        unit=data.unit,
        legal_basis=data.legal_basis,
        seals=list(dict.fromkeys(data.seals)),
        status=SeizureStatus.HELD.value,
        recorded_by=uow.actor,
        recorded_at=clock.now(),
    )
    uow.session.add(seizure)
    uow.session.flush()
    queue_record(uow.session, Topic.SEIZURE_RECORDED, seizure, post_id=inspection.post_id)
    return seizure


def close_inspection(uow: UnitOfWork, crossing_id: uuid.UUID, data: InspectionClose) -> Inspection:
    """Close the inspection and set the vehicle crossing's decision (audited: old and new)."""
    inspection = _open(uow, crossing_id)
    held = [s for s in inspection.seizures if s.status == SeizureStatus.HELD.value]
    if data.outcome is InspectionOutcome.ADMITTED_AFTER_SEIZURE and not inspection.seizures:
        raise invalid("outcome", "admitted after seizure needs a seizure recorded first")
    if data.outcome is InspectionOutcome.ADMITTED and held:
        raise invalid("outcome", "goods were seized: the outcome is admitted after seizure")
    crossing = _crossing(uow, crossing_id)
    now = clock.now()
    inspection.status = InspectionStatus.CLOSED.value
    inspection.closed_at = now
    inspection.closed_by = uow.actor
    inspection.outcome = data.outcome.value
    inspection.reason = data.reason
    before = crossing.decision
    crossing.decision = _DECISION[data.outcome].value
    # A new list, so the ORM sees the change and the audit trail records old and new reasons.
    crossing.reasons = [*crossing.reasons, f"inspection: {data.reason}"]
    if crossing.decision != before:
        # The public record follows: a ledger entry correcting the crossing's decision.
        add_crossing_correction(uow.session, crossing.id, {"decision": crossing.decision})
    # Headquarters learns the new decision the way it learnt the crossing: by the outbox.
    queue(
        uow.session,
        Topic.CROSSING_INSPECTED,
        {
            "crossing": str(crossing.id),
            "decision_before": before,
            "decision": crossing.decision,
            "reasons": list(crossing.reasons),
            "outcome": data.outcome.value,
            "seizures": len(inspection.seizures),
            "inspector": uow.actor,
        },
        post_id=crossing.post_id,
        at=now,
    )
    uow.session.flush()
    queue_record(uow.session, Topic.INSPECTION_RECORDED, inspection, post_id=inspection.post_id)
    return inspection


def dispose_seizure(
    uow: UnitOfWork, crossing_id: uuid.UUID, seizure_id: uuid.UUID, data: SeizureDispose
) -> Seizure:
    """Release seized goods or confiscate them, with who and why (audited)."""
    inspection = get_inspection(uow, crossing_id)
    seizure = next((s for s in inspection.seizures if s.id == seizure_id), None)
    if seizure is None:
        raise NotFound(
            "seizure", Message("no seizure {seizure_id} in this inspection", seizure_id=seizure_id)
        )
    if seizure.status != SeizureStatus.HELD.value:
        raise Conflict(
            "status",
            Message("the seizure was already {status}", status=Message.of(seizure.status)),
        )
    seizure.status = data.status.value
    seizure.disposed_by = uow.actor
    seizure.disposed_at = clock.now()
    seizure.disposed_reason = data.reason
    uow.session.flush()
    queue_record(uow.session, Topic.SEIZURE_RECORDED, seizure, post_id=inspection.post_id)
    return seizure


def evidence_path(home: Path, sha256: str) -> Path:
    """Where the file of this SHA-256 is kept (inspections' evidence, cases' attachments)."""
    return home / EVIDENCE_DIR / sha256[:2] / sha256


def keep_file(home: Path | None, content: bytes) -> str:
    """Keep ``content`` once under its SHA-256 (checked: not empty, not too large); the hex."""
    if home is None:
        raise Conflict("file", "this node has no home folder to keep evidence files in")
    if not content:
        raise invalid("file", "is empty")
    if len(content) > MAX_EVIDENCE_BYTES:
        raise invalid(
            "file",
            Message("is larger than {megabytes} MB", megabytes=MAX_EVIDENCE_BYTES // (1024 * 1024)),
        )
    digest = hashlib.sha256(content).hexdigest()
    path = evidence_path(home, digest)
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written aside, then renamed: a crash never leaves a half file under the hash's name.
        partial = path.with_suffix(".part")
        partial.write_bytes(content)
        os.replace(partial, path)
    return digest


def safe_filename(filename: str, media_type: str) -> tuple[str, str]:
    """The file's name as kept (no path, no odd characters) and its media type, bounded."""
    name = _SAFE_NAME.sub("_", Path(filename or "evidence").name)[:200] or "evidence"
    return name, (media_type or "application/octet-stream")[:100]


def add_evidence(
    uow: UnitOfWork, crossing_id: uuid.UUID, filename: str, media_type: str, content: bytes
) -> Evidence:
    """Keep a file by its SHA-256 (once, whoever sends it again) and attach it."""
    inspection = _open(uow, crossing_id)
    digest = keep_file(uow.home, content)
    known = next((e for e in inspection.evidence if e.sha256 == digest), None)
    if known is not None:
        return known
    name, kind = safe_filename(filename, media_type)
    evidence = Evidence(
        inspection_id=inspection.id,
        sha256=digest,
        filename=name,
        media_type=kind,
        size=len(content),
        added_by=uow.actor,
        added_at=clock.now(),
    )
    uow.session.add(evidence)
    uow.session.flush()
    # Its metadata for headquarters (hash, type, size); the file itself stays here.
    queue_record(uow.session, Topic.EVIDENCE_RECORDED, evidence, post_id=inspection.post_id)
    return evidence


def kept_file(home: Path | None, sha256: str) -> Path:
    """The path of a kept file named by a row of this node; NotFound when it is missing."""
    if home is None:
        raise NotFound("sha256", "no such evidence file in this inspection")
    path = evidence_path(home, sha256)
    if not path.is_file():
        raise NotFound("sha256", "the evidence file is missing from this node")
    return path


def evidence_file(uow: UnitOfWork, crossing_id: uuid.UUID, sha256: str) -> tuple[Evidence, Path]:
    """An evidence file attached to this crossing's inspection, and where it is kept."""
    if not _SHA256.fullmatch(sha256):
        raise NotFound("sha256", "not a SHA-256 in hexadecimal")
    inspection = get_inspection(uow, crossing_id)
    evidence = next((e for e in inspection.evidence if e.sha256 == sha256), None)
    if evidence is None:
        raise NotFound("sha256", "no such evidence file in this inspection")
    return evidence, kept_file(uow.home, sha256)


# Evidence a browser may show as what it is; anything else (a page, a script, an SVG, a type
# the uploader made up) is served as bytes to download, so it never runs on this site.
INLINE_MEDIA_TYPES = frozenset(
    {"image/jpeg", "image/png", "image/gif", "image/webp", "application/pdf"}
)


class _Typed(Protocol):
    @property
    def media_type(self) -> str: ...


def evidence_delivery(evidence: _Typed) -> tuple[str, str]:
    """The media type and Content-Disposition type an evidence file (or a case's attachment)
    is served with."""
    kind = evidence.media_type.split(";")[0].strip().lower()
    if kind in INLINE_MEDIA_TYPES:
        return kind, "inline"
    return "application/octet-stream", "attachment"
