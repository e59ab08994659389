"""Headquarters' copy of what a post records around its crossings: cargo, inspections,
findings, seizures, evidence metadata, screening hits, and the post's audit trail.

Each arrives as the post holds it, under the post's ids, and is stored as given (never
worked out again here). A record that changes later at the post (an inspection closed, a
seizure released or confiscated, a hit resolved) arrives again whole: its ordering key (the
event's id at the post) is kept per record, and an older version arriving after a newer one
changes nothing (``stale``). A record whose parent is not here yet (the crossing an
inspection inspects, the inspection a seizure belongs to) raises ``Waiting`` and follows the
parent by itself. A consignment comes with its goods items, in an event of its own queued
right after its crossing's; the hits found when the crossing was recorded come with the
crossing's own event (``apply._record_replica``). The post of a record is taken from its
parent here: each node gives its posts ids of its own.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Annotated, Any, cast

from pydantic import AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints
from sqlalchemy import Select, Table, bindparam, func, insert, select, update

from borderpost import reference
from borderpost.audit.model import AuditEntry
from borderpost.cargo.model import Consignment, GoodsItem
from borderpost.cargo.rules.declaration import MAX_GOODS_ITEMS, MAX_PERMITS, MAX_SEALS
from borderpost.cargo.rules.enums import LaneColour
from borderpost.crossings.model import Crossing
from borderpost.db import insert_at_commit
from borderpost.errors import NotFound, invalid
from borderpost.inspections.model import (
    Evidence,
    Finding,
    FindingKind,
    Inspection,
    InspectionStatus,
    Seizure,
    SeizureStatus,
)
from borderpost.inspections.schemas import InspectionOutcome
from borderpost.messages import Message
from borderpost.posts.model import Post
from borderpost.schemas import LONG_TEXT, MAX_LIST
from borderpost.screening.model import (
    HitOrigin,
    HitState,
    ScreeningHit,
    Watchlist,
    WatchlistVersion,
)
from borderpost.sync.events import Waiting
from borderpost.sync.ordering import ROW, claim
from borderpost.unit_of_work import UnitOfWork


def _iso_text(value: object) -> object:
    # A post writes ISO 8601; pydantic would read a bare number as Unix seconds.
    if value is not None and not isinstance(value, str | dt.datetime):
        raise ValueError("must be an ISO 8601 date and time")
    return value


Moment = Annotated[AwareDatetime, BeforeValidator(_iso_text)]
Str3 = Annotated[str, StringConstraints(max_length=3)]
Str6 = Annotated[str, StringConstraints(max_length=6)]
Str8 = Annotated[str, StringConstraints(max_length=8)]
Str16 = Annotated[str, StringConstraints(max_length=16)]
Str64 = Annotated[str, StringConstraints(max_length=64)]
Str100 = Annotated[str, StringConstraints(max_length=100)]
Str200 = Annotated[str, StringConstraints(max_length=200)]
Str300 = Annotated[str, StringConstraints(max_length=300)]
Str500 = Annotated[str, StringConstraints(max_length=500)]
Text = Annotated[str, StringConstraints(max_length=4 * LONG_TEXT)]
Quantity = Annotated[Decimal, Field(max_digits=18, decimal_places=3)]
Money = Annotated[Decimal, Field(max_digits=18, decimal_places=2)]
# What the post wrote as JSON (parties, permits, rules that matched, an audit entry's before
# and after): bounded in size there, by the cargo rules' reader and the post's own schemas.
Json = Annotated[dict[Str100, Any], Field(max_length=MAX_LIST)]
JsonList = Annotated[list[Json], Field(max_length=MAX_LIST)]


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: uuid.UUID


class GoodsItemRow(_Row):
    consignment_id: uuid.UUID
    position: Annotated[int, Field(ge=0, le=MAX_GOODS_ITEMS)]
    hs_code: Str6
    description: Text
    quantity: Quantity
    unit: Str16
    gross_kg: Quantity
    net_kg: Quantity
    value: Money
    currency: Str3
    origin: Str3
    outcome: Str16
    reasons: JsonList = []


class ConsignmentRow(_Row):
    crossing_id: uuid.UUID
    position: Annotated[int, Field(ge=0, le=MAX_LIST)]
    declared_id: Str100 | None = None
    carrier: Json
    consignor: Json
    consignee: Json
    seals: Annotated[list[Str100], Field(max_length=MAX_SEALS)] = []
    permits: Annotated[list[Json], Field(max_length=MAX_PERMITS)] = []
    humanitarian: bool = False
    sending_organisation: Json | None = None
    lane_colour: LaneColour
    refused: bool
    rules: JsonList
    random_draw: float | None = None
    random: Json
    ruleset_id: Str100
    ruleset_version: Str100
    created_at: Moment
    items: Annotated[list[GoodsItemRow], Field(max_length=MAX_GOODS_ITEMS)]


class _ListRow(_Row):
    name: Str64
    kind: Str16
    created_at: Moment


class _VersionRow(_Row):
    source: Str200
    label: Str100
    imported_at: Moment
    imported_by: Str100
    entry_count: Annotated[int, Field(ge=0)]


class HitRow(_Row):
    crossing_id: uuid.UUID
    traveller_id: uuid.UUID | None = None
    document_id: uuid.UUID | None = None
    vehicle_id: uuid.UUID | None = None
    watchlist_id: uuid.UUID
    version_id: uuid.UUID
    entry_key: Str200
    subject: Str8
    score: float
    matched: Str300
    explanation: Annotated[list[Str500], Field(max_length=MAX_LIST)] = []
    origin: HitOrigin
    state: HitState
    refers: bool
    prior_hit_id: uuid.UUID | None = None
    resolved_by: Str100 | None = None
    resolved_at: Moment | None = None
    resolution_reason: Str500 | None = None
    created_at: Moment
    watchlist: _ListRow
    version: _VersionRow


class _InspectionRow(_Row):
    crossing_id: uuid.UUID
    inspector: Str100
    status: InspectionStatus
    opened_at: Moment
    closed_at: Moment | None = None
    closed_by: Str100 | None = None
    outcome: InspectionOutcome | None = None
    reason: Text | None = None


class _FindingRow(_Row):
    inspection_id: uuid.UUID
    goods_item_id: uuid.UUID | None = None
    kind: FindingKind
    hs_code: Str6 | None = None
    description: Text | None = None
    quantity: Quantity | None = None
    unit: Str16 | None = None
    note: Text | None = None
    recorded_by: Str100
    recorded_at: Moment


class _SeizureRow(_Row):
    inspection_id: uuid.UUID
    finding_id: uuid.UUID | None = None
    goods_item_id: uuid.UUID | None = None
    hs_code: Str6
    description: Text
    quantity: Quantity
    unit: Str16
    legal_basis: Text
    seals: Annotated[list[Str100], Field(max_length=MAX_LIST)] = []
    status: SeizureStatus
    recorded_by: Str100
    recorded_at: Moment
    disposed_by: Str100 | None = None
    disposed_at: Moment | None = None
    disposed_reason: Text | None = None


class _EvidenceRow(_Row):
    inspection_id: uuid.UUID
    sha256: Annotated[str, StringConstraints(max_length=64, pattern=r"^[0-9a-f]{64}$")]
    filename: Str200
    media_type: Str100
    size: Annotated[int, Field(ge=0)]
    added_by: Str100
    added_at: Moment


class _AuditRow(_Row):
    at: Moment
    actor: Str100
    client: Str100 | None = None
    action: Str16
    entity: Str64
    entity_id: Str64
    before: Json | None = None
    after: Json | None = None


_CROSSINGS = cast(Table, Crossing.__table__)
_POSTS = cast(Table, Post.__table__)
_CONSIGNMENTS = cast(Table, Consignment.__table__)
_ITEMS = cast(Table, GoodsItem.__table__)
_HITS = cast(Table, ScreeningHit.__table__)
_LISTS = cast(Table, Watchlist.__table__)
_VERSIONS = cast(Table, WatchlistVersion.__table__)
_INSPECTIONS = cast(Table, Inspection.__table__)
_FINDINGS = cast(Table, Finding.__table__)
_SEIZURES = cast(Table, Seizure.__table__)
_EVIDENCE = cast(Table, Evidence.__table__)
_AUDIT = cast(Table, AuditEntry.__table__)


# Statements built once (building one per event costs more than running it).
_SELECTS: dict[tuple[str, str], Select[Any]] = {}
_INSERT_AUDIT = insert(_AUDIT)


def _get(uow: UnitOfWork, table: Table, record_id: uuid.UUID, column: str = "id") -> Any:
    """The value of ``column`` of the record, or None when headquarters does not hold it."""
    query = _SELECTS.get((table.name, column))
    if query is None:
        query = select(table.c[column]).where(table.c.id == bindparam("id"))
        _SELECTS[(table.name, column)] = query
    row = uow.session.connection().execute(query, {"id": record_id}).first()
    return None if row is None else (row[0] if column != "id" else record_id)


def _put(
    uow: UnitOfWork, table: Table, key: uuid.UUID, values: dict[str, Any]
) -> tuple[str, uuid.UUID | None]:
    """Insert the post's record under its id, or bring it to this version when this is the
    latest the post made of it; the id when it is new (what waits for it follows)."""
    conn = uow.session.connection()
    record_id: uuid.UUID = values["id"]
    if _get(uow, table, record_id) is None:
        conn.execute(insert(table), values)
        claim(uow.session, record_id, ROW, key, new=True)
        return "created", record_id
    if not claim(uow.session, record_id, ROW, key):
        return "stale", None
    changes = {k: v for k, v in values.items() if k != "id"}
    conn.execute(update(table).where(table.c.id == record_id).values(changes))
    return "updated", None


def _crossing_post(uow: UnitOfWork, crossing_id: uuid.UUID) -> uuid.UUID:
    post_id = _get(uow, _CROSSINGS, crossing_id, "post_id")
    if post_id is None:
        raise Waiting(crossing_id, "crossing")
    return cast(uuid.UUID, post_id)


def _inspection_post(uow: UnitOfWork, inspection_id: uuid.UUID) -> uuid.UUID:
    post_id = _get(uow, _INSPECTIONS, inspection_id, "post_id")
    if post_id is None:
        raise Waiting(inspection_id, "inspection")
    return cast(uuid.UUID, post_id)


def apply_consignment(
    uow: UnitOfWork, key: uuid.UUID, payload: dict[str, Any]
) -> tuple[str, uuid.UUID | None]:
    """A consignment and its goods items as the post assessed them (lane colour, rules that
    matched, each item's outcome and reasons). Never changed after: a copy is a duplicate."""
    consignment = ConsignmentRow.model_validate(payload)
    post_id = _crossing_post(uow, consignment.crossing_id)
    if _get(uow, _CONSIGNMENTS, consignment.id) is not None:
        return "duplicate", None
    items = [i.model_dump(mode="python") for i in consignment.items]
    if any(i["consignment_id"] != consignment.id for i in items):
        raise invalid("items.consignment_id", "is not the consignment of the event")
    conn = uow.session.connection()
    row = consignment.model_dump(mode="python", exclude={"items"})
    conn.execute(insert(_CONSIGNMENTS), {**row, "post_id": post_id})
    if items:
        conn.execute(insert(_ITEMS), items)
    return "created", consignment.id


def _list_of(uow: UnitOfWork, hit: HitRow, post_id: uuid.UUID) -> None:
    """The list and version a hit names, kept as the post's when headquarters lacks them: by
    the post's ids, without entries, screening nothing (no active version). A name that
    headquarters already gives another list is followed by the post's code."""
    conn = uow.session.connection()
    if _get(uow, _VERSIONS, hit.version_id) is not None:
        return
    if hit.watchlist.id != hit.watchlist_id or hit.version.id != hit.version_id:
        raise invalid("watchlist", "is not the list the hit names")
    if _get(uow, _LISTS, hit.watchlist_id) is None:
        code = _get(uow, _POSTS, post_id, "code")
        given = hit.watchlist.name
        for name in (given, f"{given[:30]} ({code})", f"{given[:28]} ({hit.watchlist_id.hex})"):
            if conn.execute(select(_LISTS.c.id).where(_LISTS.c.name == name)).first() is None:
                break
        values = hit.watchlist.model_dump(mode="python")
        conn.execute(insert(_LISTS), {**values, "name": name, "active_version_id": None})
    version = hit.version.model_dump(mode="python")
    # Numbered after the list's own versions; it holds no entries here (no since or until).
    top = conn.execute(
        select(func.max(_VERSIONS.c.number)).where(_VERSIONS.c.watchlist_id == hit.watchlist_id)
    ).scalar_one_or_none()
    conn.execute(
        insert(_VERSIONS),
        {
            **version,
            "watchlist_id": hit.watchlist_id,
            "caught_up_at": None,
            "number": int(top or 0) + 1,
        },
    )


def _hit_values(hit: HitRow, post_id: uuid.UUID) -> dict[str, Any]:
    return {**hit.model_dump(mode="python", exclude={"watchlist", "version"}), "post_id": post_id}


def store_hits(
    uow: UnitOfWork, key: uuid.UUID, crossing_id: uuid.UUID, post_id: uuid.UUID, hits: list[HitRow]
) -> None:
    """The hits screening found when the post recorded the crossing just stored here."""
    for hit in hits:
        if hit.crossing_id != crossing_id:
            raise invalid("stored.hits.crossing_id", "is not the crossing of the event")
        _list_of(uow, hit, post_id)
        _put(uow, _HITS, key, _hit_values(hit, post_id))


def apply_hit(
    uow: UnitOfWork, key: uuid.UUID, payload: dict[str, Any]
) -> tuple[str, uuid.UUID | None]:
    """A hit found by a later screening, or resolved (true or false match)."""
    hit = HitRow.model_validate(payload)
    post_id = _crossing_post(uow, hit.crossing_id)
    _list_of(uow, hit, post_id)
    return _put(uow, _HITS, key, _hit_values(hit, post_id))


def apply_inspection(
    uow: UnitOfWork, key: uuid.UUID, payload: dict[str, Any]
) -> tuple[str, uuid.UUID | None]:
    """An inspection as opened, or as closed with its outcome."""
    row = _InspectionRow.model_validate(payload)
    post_id = _crossing_post(uow, row.crossing_id)
    return _put(uow, _INSPECTIONS, key, {**row.model_dump(mode="python"), "post_id": post_id})


def apply_finding(
    uow: UnitOfWork, key: uuid.UUID, payload: dict[str, Any]
) -> tuple[str, uuid.UUID | None]:
    row = _FindingRow.model_validate(payload)
    _inspection_post(uow, row.inspection_id)
    return _put(uow, _FINDINGS, key, row.model_dump(mode="python"))


def apply_seizure(
    uow: UnitOfWork, key: uuid.UUID, payload: dict[str, Any]
) -> tuple[str, uuid.UUID | None]:
    """A seizure as recorded (held), or as released or confiscated later."""
    row = _SeizureRow.model_validate(payload)
    _inspection_post(uow, row.inspection_id)
    if row.finding_id is not None and _get(uow, _FINDINGS, row.finding_id) is None:
        raise Waiting(row.finding_id, "finding")
    return _put(uow, _SEIZURES, key, row.model_dump(mode="python"))


def apply_evidence(
    uow: UnitOfWork, key: uuid.UUID, payload: dict[str, Any]
) -> tuple[str, uuid.UUID | None]:
    """An evidence file's metadata (hash, type, size); the file stays at the post."""
    row = _EvidenceRow.model_validate(payload)
    _inspection_post(uow, row.inspection_id)
    return _put(uow, _EVIDENCE, key, row.model_dump(mode="python"))


def apply_audit(uow: UnitOfWork, post: str, payload: dict[str, Any]) -> str:
    """One entry of a post's audit trail, as the post wrote it, marked with that post.

    Entries never change: a second copy of one changes nothing.
    """
    row = _AuditRow.model_validate(payload)
    known = reference.for_session(uow.session).posts.get(post)
    if known is None:
        raise NotFound("post", Message("no post with code {code!r}", code=post[:64]))
    if _get(uow, _AUDIT, row.id) is not None:
        return "duplicate"
    # With the batch's other entries, in one statement when it commits (nothing reads it back).
    insert_at_commit(
        uow.session, _INSERT_AUDIT, {**row.model_dump(mode="python"), "post_id": known.id}
    )
    return "created"
