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

from sqlalchemy import (
    BindParameter,
    Column,
    MetaData,
    String,
    Table,
    Uuid,
    bindparam,
    delete,
    exists,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy import cast as cast_
from sqlalchemy.orm import Session
from sqlalchemy.schema import CreateTable

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


# The batch being erased, and the crossings held: temporary tables of the connection, so
# that every statement of a batch is one set-based statement over them (no million ids
# through Python). Not part of the schema (their own metadata): made when first needed.
_SCRATCH = MetaData()
_ERASING = Table(
    "retention_erasing",
    _SCRATCH,
    Column("id", Uuid, primary_key=True),
    Column("post_id", Uuid),
    Column("traveller_id", Uuid),
    Column("document_id", Uuid),
    Column("vehicle_id", Uuid),
    prefixes=["TEMPORARY"],
)
_HELD = Table(
    "retention_held", _SCRATCH, Column("id", Uuid, primary_key=True), prefixes=["TEMPORARY"]
)
_MARKED = (
    _CROSSINGS.c.id,
    _CROSSINGS.c.post_id,
    _CROSSINGS.c.traveller_id,
    _CROSSINGS.c.document_id,
    _CROSSINGS.c.vehicle_id,
)


def _scratch(conn: Any) -> None:
    for table in (_ERASING, _HELD):
        conn.execute(CreateTable(table, if_not_exists=True))
        conn.execute(delete(table))


def _dashed(conn: Any, column: Any) -> Any:
    """A UUID column as the text ``str(uuid)`` gives (how the trail and events name records)."""
    if conn.dialect.name == "postgresql":
        return cast_(column, String)
    parts = [func.substr(column, start, length, type_=String) for start, length in _UUID_PARTS]
    return func.lower(parts[0] + "-" + parts[1] + "-" + parts[2] + "-" + parts[3] + "-" + parts[4])


_UUID_PARTS = ((1, 8), (9, 4), (13, 4), (17, 4), (21, 12))


@dataclass
class Batch:
    """What one batch erased, and the crossings' ids by post (for headquarters' event)."""

    counts: Counts
    by_post: dict[str, list[str]]


def erase_crossings(session: Session, ids: Sequence[uuid.UUID]) -> Counts:
    """Erase the personal data of these crossings (those not erased yet) in the session's
    transaction; the caller commits, then removes ``Counts.files``."""
    conn = session.connection()
    _scratch(conn)
    if ids:
        chosen = select(*_MARKED).where(
            _CROSSINGS.c.id.in_(list(ids)), _CROSSINGS.c.erased_at.is_(None)
        )
        conn.execute(insert(_ERASING).from_select([c.name for c in _MARKED], chosen))
    _analysed(conn)
    return _erase_marked(conn).counts


def erase_expired(
    session: Session, where: Sequence[Any], held: Iterable[uuid.UUID], limit: int
) -> Batch:
    """Erase the oldest ``limit`` crossings matching ``where`` that are not held."""
    conn = session.connection()
    _scratch(conn)
    held_rows = [{"id": i} for i in held]
    if held_rows:
        conn.execute(insert(_HELD), held_rows)
    chosen = (
        select(*_MARKED)
        .where(*where, _CROSSINGS.c.id.not_in(select(_HELD.c.id)))
        .order_by(_CROSSINGS.c.time, _CROSSINGS.c.id)
        .limit(limit)
    )
    conn.execute(insert(_ERASING).from_select([c.name for c in _MARKED], chosen))
    _analysed(conn)
    return _erase_marked(conn)


def _analysed(conn: Any) -> None:
    # PostgreSQL keeps no statistics of a temporary table: without them it plans the batch's
    # statements for a large one and scans whole tables, once per batch.
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"ANALYZE {_ERASING.name}")


def _in_batch(column: Any) -> Any:
    return column.in_(select(_ERASING.c.id))


def _erase_marked(conn: Any) -> Batch:
    counts = Counts()
    by_post: dict[str, list[str]] = {}
    marked = conn.execute(
        select(_dashed(conn, _ERASING.c.post_id), _dashed(conn, _ERASING.c.id))
    ).all()
    if not marked:
        return Batch(counts, by_post)
    for post_id, crossing_id in marked:
        by_post.setdefault(post_id, []).append(crossing_id)
    now = clock.now()
    counts.crossings = conn.execute(
        update(_CROSSINGS)
        .where(_in_batch(_CROSSINGS.c.id))
        .values(traveller_id=None, document_id=None, vehicle_id=None, reasons=[], erased_at=now)
    ).rowcount
    records: dict[str, list[Any]] = {}
    counts.hits = conn.execute(
        update(_HITS)
        .where(_in_batch(_HITS.c.crossing_id))
        .values(
            traveller_id=None,
            document_id=None,
            vehicle_id=None,
            matched=ERASED,
            explanation=[],
            resolution_reason=None,
        )
    ).rowcount
    if counts.hits:
        records["screening_hits"] = list(
            conn.scalars(select(_HITS.c.id).where(_in_batch(_HITS.c.crossing_id)))
        )
    consignments = list(
        conn.scalars(select(_CONSIGNMENTS.c.id).where(_in_batch(_CONSIGNMENTS.c.crossing_id)))
    )
    if consignments:
        conn.execute(
            update(_CONSIGNMENTS)
            .where(_CONSIGNMENTS.c.id.in_(_IDS))
            .values(carrier={}, consignor={}, consignee={}, declared_id=None),
            {"ids": consignments},
        )
        records["consignments"] = consignments
    inspections = list(
        conn.scalars(select(_INSPECTIONS.c.id).where(_in_batch(_INSPECTIONS.c.crossing_id)))
    )
    if inspections:
        records.update(_erase_inspections(conn, {"ids": inspections}, counts))
    # The salt and the opening a party is given (the committed fields in clear): without
    # them nobody can open the commitment again.
    counts.salts = conn.execute(
        update(_LEAVES)
        .where(_in_batch(_LEAVES.c.record_id), _LEAVES.c.salt.is_not(None))
        .values(salt=None, opening=None)
    ).rowcount
    counts.audit_entries = _redact_crossing_entries(conn) + _redact_audit(conn, records)
    counts.documents, counts.travellers, counts.vehicles = _unused_people(conn)
    return Batch(counts, by_post)


def _erase_inspections(conn: Any, by: dict[str, Any], counts: Counts) -> dict[str, list[Any]]:
    """Free text and evidence of these inspections; the records named, by table."""
    inspection_ids = by["ids"]
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


def _erased_if_set(dialect: str, column: str, key: str) -> str:
    """SQL: ``column`` (JSON) with ``key`` replaced by ERASED when it holds a value."""
    if dialect == "postgresql":
        return (
            f"CASE WHEN json_typeof({column}->'{key}') IN ('string', 'array', 'object')"
            f" AND {column}->>'{key}' NOT IN ('', '[]', '{{}}')"
            f" THEN ({column}::jsonb || jsonb_build_object('{key}', '{ERASED}'))::json"
            f" ELSE {column} END"
        )
    return (
        f"CASE WHEN json_type({column}, '$.{key}') IN ('text', 'array', 'object')"
        f" AND json_extract({column}, '$.{key}') NOT IN ('', '[]', '{{}}')"
        f" THEN json_set({column}, '$.{key}', '{ERASED}') ELSE {column} END"
    )


def _redact_crossing_entries(conn: Any) -> int:
    """A crossing's entries hold its facts and, as free text, its reasons: rewritten in SQL,
    as they are the bulk of any run (a million rows is no million JSON parses in Python)."""
    dialect = conn.dialect.name
    batch = select(_dashed(conn, _ERASING.c.id)).compile(
        conn, compile_kwargs={"literal_binds": True}
    )
    statement = text(
        f"UPDATE audit_entries SET before = {_erased_if_set(dialect, 'before', 'reasons')},"  # noqa: S608 - constants only
        f" after = {_erased_if_set(dialect, 'after', 'reasons')}"
        f" WHERE entity = 'crossings' AND entity_id IN ({batch})"
    )
    return int(conn.execute(statement).rowcount)


def _unused_people(conn: Any) -> tuple[int, int, int]:
    """Delete the travellers, documents and vehicles of the batch that no crossing names any
    more (a traveller seen again since keeps the row, for the later crossing)."""
    crossings = _CROSSINGS
    documents = conn.execute(
        delete(_DOCUMENTS).where(
            _DOCUMENTS.c.id.in_(select(_ERASING.c.document_id)),
            ~exists().where(crossings.c.document_id == _DOCUMENTS.c.id),
        )
    ).rowcount
    travellers = conn.execute(
        delete(_TRAVELLERS).where(
            _TRAVELLERS.c.id.in_(select(_ERASING.c.traveller_id)),
            ~exists().where(crossings.c.traveller_id == _TRAVELLERS.c.id),
            ~exists().where(_DOCUMENTS.c.traveller_id == _TRAVELLERS.c.id),
        )
    ).rowcount
    vehicles = conn.execute(
        delete(_VEHICLES).where(
            _VEHICLES.c.id.in_(select(_ERASING.c.vehicle_id)),
            ~exists().where(crossings.c.vehicle_id == _VEHICLES.c.id),
        )
    ).rowcount
    return int(documents), int(travellers), int(vehicles)


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


def _outbox_crossing_key(dialect: str) -> tuple[str, str]:
    # The crossing an event is about: "crossing" (corrected, inspected) or "id" (recorded);
    # and whether the event is already redacted.
    if dialect == "postgresql":
        return (
            "c.id = CAST(COALESCE(o.payload->>'crossing', o.payload->>'id') AS uuid)",
            "o.payload->>'erased' IS NULL",
        )
    return (
        "c.id = replace(COALESCE(json_extract(o.payload, '$.crossing'),"
        " json_extract(o.payload, '$.id')), '-', '')",
        "json_extract(o.payload, '$.erased') IS NULL",
    )


def outbox_to_redact(
    session: Session, after: uuid.UUID | None, window: int
) -> tuple[list[Any], uuid.UUID | None]:
    """Of the next ``window`` crossing events by id (after ``after``), those about an erased
    crossing whose payload still holds its personal fields; and the last id looked at (None
    at the end). The outbox is walked once in id order, each event's crossing found by key."""
    dialect = session.get_bind().dialect.name
    topics = ", ".join(f"'{t}'" for t in _CROSSING_TOPICS)
    start = "AND id > :after" if after is not None else ""
    crossing, unredacted = _outbox_crossing_key(dialect)
    window_sql = (
        f"SELECT id FROM outbox WHERE topic IN ({topics}) {start} ORDER BY id LIMIT :window"  # noqa: S608 - constants only
    )
    scanned = text(window_sql).columns(_OUTBOX.c.id)
    query = text(
        f"SELECT o.id, o.topic FROM outbox o WHERE o.id IN ({window_sql})"  # noqa: S608 - constants only
        f" AND {unredacted} AND EXISTS (SELECT 1 FROM crossings c WHERE {crossing}"
        " AND c.erased_at IS NOT NULL) ORDER BY o.id"
    ).columns(_OUTBOX.c.id, _OUTBOX.c.topic)
    params: dict[str, Any] = {"window": window}
    if after is not None:
        kind = _OUTBOX.c.id.type
        scanned = scanned.bindparams(bindparam("after", type_=kind))
        query = query.bindparams(bindparam("after", type_=kind))
        params["after"] = after
    conn = session.connection()
    ids = list(conn.scalars(scanned, params))
    if not ids:
        return [], None
    return list(conn.execute(query, params)), ids[-1]


# The keys of a crossing.recorded payload that hold personal data (CrossingRead and the rows
# the post stored): rewritten in SQL, as they are most of a run's events.
_RECORDED_KEYS = ("traveller", "vehicle", "reasons", "cargo", "stored")


def _recorded_payload(dialect: str) -> str:
    if dialect == "postgresql":
        pairs = ", ".join(
            f"'{k}', CASE WHEN json_typeof(payload->'{k}') IN ('string', 'array', 'object')"
            f" AND payload->>'{k}' NOT IN ('[]', '{{}}') THEN to_jsonb('{ERASED}'::text)"
            f" ELSE payload::jsonb->'{k}' END"
            for k in _RECORDED_KEYS
        )
        return f"(payload::jsonb || jsonb_build_object({pairs}, 'erased', true))::json"
    pairs = ", ".join(
        f"'$.{k}', CASE WHEN json_type(payload, '$.{k}') IN ('text', 'array', 'object')"
        f" AND json_extract(payload, '$.{k}') NOT IN ('[]', '{{}}') THEN '{ERASED}'"
        f" ELSE json_extract(payload, '$.{k}') END"
        for k in _RECORDED_KEYS
    )
    return f"json_set(payload, {pairs}, '$.erased', json('true'))"


def redact_outbox(session: Session, rows: Sequence[Any]) -> int:
    """Rewrite these events' payloads: public facts stay, personal fields become ERASED, and
    ``erased`` marks the event. One still unsent (a node offline since the crossing) reaches
    headquarters without the personal data, which then parks it with the reason."""
    if not rows:
        return 0
    conn = session.connection()
    recorded = [r.id for r in rows if r.topic == Topic.CROSSING_RECORDED.value]
    if recorded:
        statement = text(
            f"UPDATE outbox SET payload = {_recorded_payload(conn.dialect.name)}"  # noqa: S608 - constants only
            " WHERE id IN :ids"
        ).bindparams(bindparam("ids", expanding=True, type_=_OUTBOX.c.id.type))
        conn.execute(statement, {"ids": recorded})
    others = [r.id for r in rows if r.topic != Topic.CROSSING_RECORDED.value]
    if others:
        payloads = conn.execute(
            select(_OUTBOX.c.id, _OUTBOX.c.payload).where(_OUTBOX.c.id.in_(_IDS)), {"ids": others}
        ).all()
        conn.execute(
            update(_OUTBOX)
            .where(_OUTBOX.c.id == bindparam("event"))
            .values(payload=bindparam("p")),
            [{"event": r.id, "p": {**redact(r.payload), "erased": True}} for r in payloads],
        )
    return len(rows)


# The records a post ships around its crossings (``sync/shipped.py``), by topic: the table of
# the record an event carries (its ``id``), and how that record reaches its crossing.
_SHIPPED: dict[str, Table] = {
    Topic.CONSIGNMENT_RECORDED.value: _CONSIGNMENTS,
    Topic.INSPECTION_RECORDED.value: _INSPECTIONS,
    Topic.FINDING_RECORDED.value: _FINDINGS,
    Topic.SEIZURE_RECORDED.value: _SEIZURES,
    Topic.EVIDENCE_RECORDED.value: _EVIDENCE,
    Topic.HIT_RECORDED.value: _HITS,
}
_BY_TABLE: dict[str, Table] = {t.name: t for t in (_CROSSINGS, *_SHIPPED.values())}
# Values a shipped record's payload loses beyond PERSONAL_KEYS: as its row loses them.
_SHIPPED_BLANK: dict[str, Any] = {
    "carrier": {},
    "consignor": {},
    "consignee": {},
    "declared_id": None,
    "filename": ERASED,
    "matched": ERASED,
    "explanation": [],
}


def _erased_of(conn: Any, table: Table, ids: list[str]) -> set[str]:
    """Of these ids of ``table``'s records, those whose crossing is erased."""
    if table is _CROSSINGS:
        crossing_of = select(_CROSSINGS.c.id, _CROSSINGS.c.id)
    elif "crossing_id" in table.c:
        crossing_of = select(table.c.id, table.c.crossing_id)
    else:  # a finding, seizure or evidence: through its inspection
        crossing_of = select(table.c.id, _INSPECTIONS.c.crossing_id).join(
            _INSPECTIONS, _INSPECTIONS.c.id == table.c.inspection_id
        )
    found = crossing_of.subquery()
    query = (
        select(found.c[0])
        .join(_CROSSINGS, _CROSSINGS.c.id == found.c[1])
        .where(found.c[0].in_(_IDS), _CROSSINGS.c.erased_at.is_not(None))
    )
    wanted = []
    for i in ids:
        try:
            wanted.append(uuid.UUID(i))
        except ValueError:
            continue
    return {str(i) for i in conn.scalars(query, {"ids": wanted})} if wanted else set()


def _shipped_payload(payload: dict[str, Any]) -> dict[str, Any]:
    out = redact(payload)
    for key, blank in _SHIPPED_BLANK.items():
        if out.get(key) not in (None, "", [], {}):
            out[key] = blank
    return {**out, "erased": True}


def shipped_to_redact(
    session: Session, after: uuid.UUID | None, window: int
) -> tuple[list[tuple[uuid.UUID, dict[str, Any]]], uuid.UUID | None]:
    """Of the next ``window`` shipped-record and audit events by id (after ``after``), those
    about a record of an erased crossing and not yet redacted, with their redacted payloads;
    and the last id looked at (None at the end). Walked once per run, like the crossings'."""
    conn = session.connection()
    topics = [*_SHIPPED, Topic.AUDIT_RECORDED.value]
    query = select(_OUTBOX.c.id, _OUTBOX.c.topic, _OUTBOX.c.payload).where(
        _OUTBOX.c.topic.in_(topics)
    )
    if after is not None:
        query = query.where(_OUTBOX.c.id > after)
    rows = conn.execute(query.order_by(_OUTBOX.c.id).limit(window)).all()
    if not rows:
        return [], None
    # Which record each event is about, by table: its own id, or an audit entry's entity.
    about: dict[str, list[str]] = {}
    wanted: list[tuple[Any, str, str]] = []
    for row in rows:
        payload = row.payload if isinstance(row.payload, dict) else {}
        if payload.get("erased"):
            continue
        if row.topic == Topic.AUDIT_RECORDED.value:
            table, record = _BY_TABLE.get(str(payload.get("entity"))), payload.get("entity_id")
        else:
            table, record = _SHIPPED[row.topic], payload.get("id")
        if table is None or not isinstance(record, str):
            continue
        about.setdefault(table.name, []).append(record)
        wanted.append((row, table.name, record))
    erased = {name: _erased_of(conn, _BY_TABLE[name], ids) for name, ids in about.items()}
    found = [
        (row.id, _shipped_payload(row.payload))
        for row, name, record in wanted
        if record in erased[name]
    ]
    return found, rows[-1].id


def redact_shipped(session: Session, found: Sequence[tuple[uuid.UUID, dict[str, Any]]]) -> int:
    """Write the redacted payloads ``shipped_to_redact`` gave."""
    if found:
        session.connection().execute(
            update(_OUTBOX)
            .where(_OUTBOX.c.id == bindparam("event"))
            .values(payload=bindparam("p")),
            [{"event": event, "p": payload} for event, payload in found],
        )
    return len(found)
