"""Erasure that keeps the proof: the personal data of one batch of crossings, everywhere.

A crossing keeps its row and every public fact a figure counts (time, post, direction, kind,
category, decision, organisation type, vehicle type, lane): the per-day counts, the ledger
leaf, the log, its checkpoints and every bulletin stay exactly as they were. What goes:

- the links to its traveller, travel document and vehicle, and those rows themselves once no
  crossing names them any more; its reasons (free text);
- its hits' subjects, matched names, explanations and resolution reasons;
- its consignments' parties (carrier, consignor, consignee, declarant's id);
- its inspection's free text and evidence files (a file kept for another record stays);
- the salt of its leaf's commitment (and of its corrections'), so that nobody can open the
  commitment again;
- the personal values in the before/after of the audit entries of all these records;
- the personal fields of its outbox events (``redact_outbox``).

Everything is Core statements over a batch of ids, so a million crossings is a few hundred
short transactions; the same function erases a post's replicas at headquarters.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from sqlalchemy import BindParameter, Table, bindparam, delete, func, select, text, update
from sqlalchemy.orm import Session

from borderpost import clock
from borderpost.audit.model import AuditEntry
from borderpost.cargo.model import Consignment
from borderpost.crossings.model import Crossing
from borderpost.inspections.model import Evidence, Finding, Inspection, Seizure
from borderpost.ledger.model import LedgerLeaf
from borderpost.outbox import OutboxEvent, Topic
from borderpost.people.model import TravelDocument, Traveller
from borderpost.screening.model import ScreeningHit
from borderpost.vehicles.model import Vehicle

ERASED = "(erased)"
# Keys of an audit entry's before/after (and of an event's payload) that may hold personal
# data: names, numbers, plates, free text. Their values become ERASED; the rest stay.
PERSONAL_KEYS = frozenset(
    {
        "surname",
        "given_names",
        "birth_date",
        "number",
        "plate",
        "plate_key",
        "reasons",
        "reason",
        "note",
        "description",
        "resolution_reason",
        "disposed_reason",
        "matched",
        "explanation",
        "filename",
        "carrier",
        "consignor",
        "consignee",
        "declared_id",
        "traveller",
        "document",
        "vehicle",
        "stored",
        "traveller_id",
        "document_id",
        "vehicle_id",
        "cargo",
        "passengers",
    }
)

_CROSSINGS = cast(Table, Crossing.__table__)
_HITS = cast(Table, ScreeningHit.__table__)
_CONSIGNMENTS = cast(Table, Consignment.__table__)
_INSPECTIONS = cast(Table, Inspection.__table__)
_FINDINGS = cast(Table, Finding.__table__)
_SEIZURES = cast(Table, Seizure.__table__)
_EVIDENCE = cast(Table, Evidence.__table__)
_LEAVES = cast(Table, LedgerLeaf.__table__)
_AUDIT = cast(Table, AuditEntry.__table__)
_OUTBOX = cast(Table, OutboxEvent.__table__)
_TRAVELLERS = cast(Table, Traveller.__table__)
_DOCUMENTS = cast(Table, TravelDocument.__table__)
_VEHICLES = cast(Table, Vehicle.__table__)
_IDS: BindParameter[Any] = bindparam("ids", expanding=True)
_CROSSING_TOPICS = (
    Topic.CROSSING_RECORDED.value,
    Topic.CROSSING_CORRECTED.value,
    Topic.CROSSING_INSPECTED.value,
)


@dataclass
class Counts:
    """What one batch (or a whole run) erased."""

    crossings: int = 0
    hits: int = 0
    travellers: int = 0
    documents: int = 0
    vehicles: int = 0
    salts: int = 0
    audit_entries: int = 0
    outbox_events: int = 0
    evidence_files: int = 0
    records: int = 0  # of a feature's own kind (a case), by its eraser
    files: list[str] = field(default_factory=list)  # evidence files to remove after commit

    def add(self, other: Counts) -> None:
        for name in (
            "crossings",
            "hits",
            "travellers",
            "documents",
            "vehicles",
            "salts",
            "audit_entries",
            "outbox_events",
            "evidence_files",
            "records",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_dict(self) -> dict[str, int]:
        return {k: v for k, v in vars(self).items() if k != "files"}


def redact(values: Any) -> Any:
    """``values`` with every personal key's value replaced by ERASED, at any depth."""
    if isinstance(values, dict):
        return {
            k: (ERASED if k in PERSONAL_KEYS and v not in (None, "", [], {}) else redact(v))
            for k, v in values.items()
        }
    if isinstance(values, list):
        return [redact(v) for v in values]
    return values


def erase_crossings(session: Session, ids: Sequence[uuid.UUID]) -> Counts:
    """Erase the personal data of these crossings (those not erased yet) in the session's
    transaction; the caller commits, then removes ``Counts.files``."""
    conn = session.connection()
    counts = Counts()
    rows = conn.execute(
        select(
            _CROSSINGS.c.id,
            _CROSSINGS.c.traveller_id,
            _CROSSINGS.c.document_id,
            _CROSSINGS.c.vehicle_id,
        ).where(_CROSSINGS.c.id.in_(_IDS), _CROSSINGS.c.erased_at.is_(None)),
        {"ids": list(ids)},
    ).all()
    if not rows:
        return counts
    ids = [r.id for r in rows]
    bound = {"ids": ids}
    now = clock.now()
    counts.crossings = conn.execute(
        update(_CROSSINGS)
        .where(_CROSSINGS.c.id.in_(_IDS))
        .values(traveller_id=None, document_id=None, vehicle_id=None, reasons=[], erased_at=now),
        bound,
    ).rowcount
    hit_ids = list(conn.scalars(select(_HITS.c.id).where(_HITS.c.crossing_id.in_(_IDS)), bound))
    if hit_ids:
        counts.hits = conn.execute(
            update(_HITS)
            .where(_HITS.c.id.in_(_IDS))
            .values(
                traveller_id=None,
                document_id=None,
                vehicle_id=None,
                matched=ERASED,
                explanation=[],
                resolution_reason=None,
            ),
            {"ids": hit_ids},
        ).rowcount
    consignment_ids = list(
        conn.scalars(select(_CONSIGNMENTS.c.id).where(_CONSIGNMENTS.c.crossing_id.in_(_IDS)), bound)
    )
    if consignment_ids:
        conn.execute(
            update(_CONSIGNMENTS)
            .where(_CONSIGNMENTS.c.id.in_(_IDS))
            .values(carrier={}, consignor={}, consignee={}, declared_id=None),
            {"ids": consignment_ids},
        )
    inspected = _erase_inspections(conn, bound, counts)
    counts.salts = conn.execute(
        update(_LEAVES)
        .where(_LEAVES.c.record_id.in_(_IDS), _LEAVES.c.salt.is_not(None))
        .values(salt=None),
        bound,
    ).rowcount
    counts.audit_entries = _redact_audit(
        conn,
        {
            "crossings": ids,
            "screening_hits": hit_ids,
            "consignments": consignment_ids,
            **inspected,
        },
    )
    people = _unused_people(conn, rows)
    counts.documents, counts.travellers, counts.vehicles = people
    return counts


def _erase_inspections(conn: Any, bound: dict[str, Any], counts: Counts) -> dict[str, list[Any]]:
    """Free text and evidence of the crossings' inspections; the records named, by table."""
    inspection_ids = list(
        conn.scalars(select(_INSPECTIONS.c.id).where(_INSPECTIONS.c.crossing_id.in_(_IDS)), bound)
    )
    if not inspection_ids:
        return {}
    by = {"ids": inspection_ids}
    conn.execute(update(_INSPECTIONS).where(_INSPECTIONS.c.id.in_(_IDS)).values(reason=None), by)
    findings = list(
        conn.scalars(select(_FINDINGS.c.id).where(_FINDINGS.c.inspection_id.in_(_IDS)), by)
    )
    conn.execute(update(_FINDINGS).where(_FINDINGS.c.inspection_id.in_(_IDS)).values(note=None), by)
    seizures = list(
        conn.scalars(select(_SEIZURES.c.id).where(_SEIZURES.c.inspection_id.in_(_IDS)), by)
    )
    conn.execute(
        update(_SEIZURES).where(_SEIZURES.c.inspection_id.in_(_IDS)).values(disposed_reason=None),
        by,
    )
    evidence = conn.execute(
        select(_EVIDENCE.c.id, _EVIDENCE.c.sha256).where(
            _EVIDENCE.c.inspection_id.in_(_IDS), _EVIDENCE.c.filename != ERASED
        ),
        by,
    ).all()
    if evidence:
        conn.execute(
            update(_EVIDENCE).where(_EVIDENCE.c.id.in_(_IDS)).values(filename=ERASED),
            {"ids": [e.id for e in evidence]},
        )
        counts.evidence_files += len(evidence)
        counts.files.extend(e.sha256 for e in evidence)
    return {
        "inspections": inspection_ids,
        "inspection_findings": findings,
        "seizures": seizures,
        "inspection_evidence": [e.id for e in evidence],
    }


def _redact_audit(conn: Any, records: dict[str, list[Any]]) -> int:
    """Rewrite the before/after of the audit entries of these records (the migration's
    triggers allow that column pair only)."""
    changed: list[dict[str, Any]] = []
    for entity, record_ids in records.items():
        if not record_ids:
            continue
        entries = conn.execute(
            select(_AUDIT.c.id, _AUDIT.c.before, _AUDIT.c.after).where(
                _AUDIT.c.entity == entity, _AUDIT.c.entity_id.in_(_IDS)
            ),
            {"ids": [str(i) for i in record_ids]},
        )
        for entry_id, before, after in entries:
            new_before, new_after = redact(before), redact(after)
            if new_before != before or new_after != after:
                changed.append({"entry": entry_id, "b": new_before, "a": new_after})
    if changed:
        conn.execute(
            update(_AUDIT)
            .where(_AUDIT.c.id == bindparam("entry"))
            .values(before=bindparam("b"), after=bindparam("a")),
            changed,
        )
    return len(changed)


def _unused_people(conn: Any, rows: Sequence[Any]) -> tuple[int, int, int]:
    """Delete the travellers, documents and vehicles of these crossings that no crossing names
    any more (a traveller seen again since keeps the row, for the later crossing)."""
    documents = {r.document_id for r in rows if r.document_id is not None}
    travellers = {r.traveller_id for r in rows if r.traveller_id is not None}
    vehicles = {r.vehicle_id for r in rows if r.vehicle_id is not None}
    gone = [0, 0, 0]
    if documents:
        used = set(
            conn.scalars(
                select(_CROSSINGS.c.document_id).where(_CROSSINGS.c.document_id.in_(_IDS)),
                {"ids": list(documents)},
            )
        )
        unused = list(documents - used)
        if unused:
            gone[0] = conn.execute(
                delete(_DOCUMENTS).where(_DOCUMENTS.c.id.in_(_IDS)), {"ids": unused}
            ).rowcount
    if travellers:
        candidates = {"ids": list(travellers)}
        used = set(
            conn.scalars(
                select(_CROSSINGS.c.traveller_id).where(_CROSSINGS.c.traveller_id.in_(_IDS)),
                candidates,
            )
        ) | set(
            conn.scalars(
                select(_DOCUMENTS.c.traveller_id).where(_DOCUMENTS.c.traveller_id.in_(_IDS)),
                candidates,
            )
        )
        unused = list(travellers - used)
        if unused:
            gone[1] = conn.execute(
                delete(_TRAVELLERS).where(_TRAVELLERS.c.id.in_(_IDS)), {"ids": unused}
            ).rowcount
    if vehicles:
        used = set(
            conn.scalars(
                select(_CROSSINGS.c.vehicle_id).where(_CROSSINGS.c.vehicle_id.in_(_IDS)),
                {"ids": list(vehicles)},
            )
        )
        unused = list(vehicles - used)
        if unused:
            gone[2] = conn.execute(
                delete(_VEHICLES).where(_VEHICLES.c.id.in_(_IDS)), {"ids": unused}
            ).rowcount
    return gone[0], gone[1], gone[2]


def remove_files(session: Session, home: Path | None, shas: Iterable[str]) -> None:
    """After the commit: remove each evidence file no record still keeps (not erased)."""
    if home is None:
        return
    for sha in set(shas):
        kept = session.scalar(
            select(func.count())
            .select_from(_EVIDENCE)
            .where(_EVIDENCE.c.sha256 == sha, _EVIDENCE.c.filename != ERASED)
        )
        path = home / "evidence" / sha[:2] / sha
        if not kept and path.is_file():
            path.unlink()


def _outbox_crossing_key(dialect: str) -> str:
    # The crossing an event is about: "crossing" (corrected, inspected) or "id" (recorded).
    if dialect == "postgresql":
        return (
            "CAST(COALESCE(o.payload->>'crossing', o.payload->>'id') AS uuid) = c.id"
            " AND o.payload->>'erased' IS NULL"
        )
    return (
        "replace(COALESCE(json_extract(o.payload, '$.crossing'), json_extract(o.payload, '$.id')),"
        " '-', '') = c.id AND json_extract(o.payload, '$.erased') IS NULL"
    )


def outbox_to_redact(session: Session, after: uuid.UUID | None, limit: int) -> list[Any]:
    """The next outbox events (by id, after ``after``) about an erased crossing whose payload
    still holds its personal fields."""
    dialect = session.get_bind().dialect.name
    topics = ", ".join(f"'{t}'" for t in _CROSSING_TOPICS)
    start = "AND o.id > :after" if after is not None else ""
    query = text(
        f"SELECT o.id, o.payload FROM outbox o JOIN crossings c ON {_outbox_crossing_key(dialect)}"  # noqa: S608 - constants only
        f" WHERE o.topic IN ({topics}) AND c.erased_at IS NOT NULL {start}"
        " ORDER BY o.id LIMIT :limit"
    ).columns(_OUTBOX.c.id, _OUTBOX.c.payload)
    if after is not None:
        query = query.bindparams(bindparam("after", type_=_OUTBOX.c.id.type))
    params: dict[str, Any] = {"limit": limit}
    if after is not None:
        params["after"] = after
    return list(session.connection().execute(query, params))


def redact_outbox(session: Session, rows: Sequence[Any]) -> int:
    """Rewrite these events' payloads: public facts stay, personal fields become ERASED, and
    ``erased`` marks the event. One still unsent (a node offline since the crossing) reaches
    headquarters without the personal data, which then parks it with the reason."""
    if not rows:
        return 0
    session.connection().execute(
        update(_OUTBOX).where(_OUTBOX.c.id == bindparam("event")).values(payload=bindparam("p")),
        [{"event": r.id, "p": {**redact(r.payload), "erased": True}} for r in rows],
    )
    return len(rows)
