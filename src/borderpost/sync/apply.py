"""Applying one event at headquarters, so that the order events arrive in does not matter.

Every change carries its ordering key, the id of its outbox event at the post (UUID v7).
Headquarters keeps per record and field the last key applied (``sync_applied_keys``): a
change whose key is older than that arrives late, is recorded as seen (``stale``) and
changes nothing. A crossing is stored with the post's decision (``recording.Replica``) and
with the traveller, travel document and vehicle exactly as the post recorded them, under the
post's ids, never found again here by document or plate.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any, cast

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
)
from sqlalchemy import Table, bindparam, select, update

from borderpost import reference
from borderpost.crossings.model import Crossing
from borderpost.crossings.recording import Replica, record_crossing
from borderpost.crossings.schemas import CrossingCreate
from borderpost.db import insert_at_commit
from borderpost.errors import NotFound, invalid
from borderpost.network import outcomes
from borderpost.outbox import Topic
from borderpost.schemas import LONG_TEXT, MAX_LIST, Code, CountryCode
from borderpost.sync import batch, closures, retention, shipped
from borderpost.sync.events import Event, Waiting, as_object
from borderpost.sync.ordering import ROW, claim
from borderpost.unit_of_work import UnitOfWork
from borderpost.vocab import Category, Decision, Direction, VehicleType

_CREATE_FIELDS = set(CrossingCreate.model_fields)
_TOPICS = frozenset(Topic)  # "x" in Topic raises TypeError on 3.11 for a non-member
# The sizes of the columns they go in: a longer value is refused, not cut.
Str2 = Annotated[str, StringConstraints(max_length=2)]
Str32 = Annotated[str, StringConstraints(max_length=32)]
Str100 = Annotated[str, StringConstraints(max_length=100)]
Str200 = Annotated[str, StringConstraints(max_length=200)]
# The post's reasons as decided: the typed ones (20 at most) and those the closure (its reason
# and authority), cargo rules and screening added; bounded generously, as a post's decision is
# not typed input.
_PostReason = Annotated[str, StringConstraints(max_length=4 * LONG_TEXT)]
PostReasons = Annotated[list[_PostReason], Field(max_length=10 * MAX_LIST)]


class _Changes(BaseModel):
    """What a correction or an inspection changed in a crossing; anything else is refused."""

    model_config = ConfigDict(extra="forbid")

    category: Category | None = None
    decision: Decision | None = None
    direction: Direction | None = None
    reasons: PostReasons | None = None


class _Corrected(BaseModel):
    model_config = ConfigDict(extra="forbid")

    crossing: uuid.UUID
    # A field's new value: a word (category, decision, direction) or the reasons; each is
    # checked by _Changes.
    changes: Annotated[dict[Str32, Str32 | PostReasons | None], Field(max_length=8)]


class _Inspected(BaseModel):
    model_config = ConfigDict(extra="ignore")  # the outcome, seizures, inspector: post-side

    crossing: uuid.UUID
    decision: Decision
    reasons: PostReasons | None = None


class _TravellerRow(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: uuid.UUID
    surname: Str200
    given_names: Str200 = ""
    birth_date: dt.date | None = None
    nationality: CountryCode | None = None


class _DocumentRow(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: uuid.UUID
    type: Str2
    number: Str32
    issuer: CountryCode
    expiry: dt.date | None = None


class _VehicleRow(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: uuid.UUID
    plate: Str32
    plate_key: Str32
    country: CountryCode
    type: VehicleType


class _Stored(BaseModel):
    """The rows the post stored for this crossing, as they stood after it."""

    model_config = ConfigDict(extra="forbid")

    traveller: _TravellerRow | None = None
    document: _DocumentRow | None = None
    vehicle: _VehicleRow | None = None
    # The hits screening found for it (its consignments come in events of their own).
    hits: Annotated[list[shipped.HitRow], Field(max_length=MAX_LIST)] = []


class _Recorded(BaseModel):
    model_config = ConfigDict(extra="ignore")  # the rest is the CrossingCreate, checked there

    id: uuid.UUID
    post: Code
    officer: Str100
    decision: Decision
    reasons: PostReasons = []
    flags: Annotated[list[Str32], Field(max_length=MAX_LIST)] = []
    recorded_at: AwareDatetime
    carried_by: uuid.UUID | None = None
    stored: _Stored | None = None

    @field_validator("recorded_at", mode="before")
    @classmethod
    def _iso_text(cls, value: object) -> object:
        # A post writes ISO 8601; pydantic would read a bare number as Unix seconds.
        if not isinstance(value, str):
            raise ValueError("must be an ISO 8601 date and time")
        return value


def apply_event(uow: UnitOfWork, event: Event) -> tuple[str, uuid.UUID | None]:
    """Apply one event; returns the outcome (``created``, ``updated``, ``stale``, ``duplicate``)
    and the id of the record it created, if any (events waiting for it can follow)."""
    if event.id.version != 7:  # the post's outbox id: the change's ordering key
        raise invalid("event id", "is not a UUID v7 made at a post")
    payload = as_object(event.data)
    topic = Topic(event.topic) if event.topic in _TOPICS else None
    if topic not in (Topic.CROSSING_RECORDED, Topic.AUDIT_RECORDED):
        # It may read back a record the batch queued. An audit entry refers to nothing and is
        # itself queued for the commit, so the batch goes on past the entry every crossing has.
        batch.barrier(uow.session)
    if topic is Topic.CROSSING_RECORDED:
        return _record_replica(uow, event.id, payload)
    if topic is Topic.CROSSING_CORRECTED:
        corrected = _Corrected.model_validate(payload)
        return _update_crossing(uow, event.id, corrected.crossing, corrected.changes), None
    if topic is Topic.CROSSING_INSPECTED:
        inspected = _Inspected.model_validate(payload)
        changes: dict[str, Any] = {"decision": inspected.decision, "reasons": inspected.reasons}
        return _update_crossing(uow, event.id, inspected.crossing, changes), None
    if topic is Topic.CLOSURE_OPENED:
        return closures.apply_opened(uow, payload)
    if topic is Topic.CLOSURE_ENDED:
        return closures.apply_ended(uow, event.id, payload), None
    if topic is Topic.CONSIGNMENT_RECORDED:
        return shipped.apply_consignment(uow, event.id, payload)
    if topic is Topic.INSPECTION_RECORDED:
        return shipped.apply_inspection(uow, event.id, payload)
    if topic is Topic.FINDING_RECORDED:
        return shipped.apply_finding(uow, event.id, payload)
    if topic is Topic.SEIZURE_RECORDED:
        return shipped.apply_seizure(uow, event.id, payload)
    if topic is Topic.EVIDENCE_RECORDED:
        return shipped.apply_evidence(uow, event.id, payload)
    if topic is Topic.HIT_RECORDED:
        return shipped.apply_hit(uow, event.id, payload)
    if topic is Topic.AUDIT_RECORDED:
        return shipped.apply_audit(uow, event.post, payload), None
    if topic is Topic.RECORDS_ERASED:
        return retention.apply_erased(uow, payload), None
    if topic is Topic.COMMAND_ANSWERED:
        return outcomes.apply_answer(uow, event.post, payload), None
    raise invalid("topic", f"headquarters does not know the event {event.topic[:64]!r}")


def _update_crossing(
    uow: UnitOfWork, key: uuid.UUID, crossing_id: uuid.UUID, changes: dict[str, Any]
) -> str:
    checked = _Changes.model_validate(changes).model_dump(mode="json", exclude_none=True)
    crossing = uow.session.get(Crossing, crossing_id)
    if crossing is None:
        raise Waiting(crossing_id, "crossing")
    changed = stale = 0
    for name, value in checked.items():
        if not claim(uow.session, crossing.id, name, key):
            stale += 1  # a later change of this field is already applied
        elif getattr(crossing, name) != value:
            setattr(crossing, name, value)
            changed += 1
    uow.session.flush()  # audited by the hook, as the sync actor
    if changed:
        return "updated"
    return "stale" if stale else "duplicate"


_TRAVELLERS, _DOCUMENTS, _VEHICLES = batch.STORED
_CROSSINGS = cast(Table, Crossing.__table__)
_CROSSING_EXISTS = select(_CROSSINGS.c.id).where(_CROSSINGS.c.id == bindparam("id"))
# Statements built once (building one per row costs more than running it).
_STORED = batch.STORED
_ROW_MODELS: tuple[type[BaseModel], ...] = (_TravellerRow, _DocumentRow, _VehicleRow)
_EXISTS = {t.name: select(t.c.id).where(t.c.id == bindparam("id")) for t in _STORED}
_INSERT_ROW = batch.INSERT_ROW
_UPDATE_ROW = {
    t.name: update(t)
    .where(t.c.id == bindparam("row_id"))
    .values({name: bindparam(name) for name in model.model_fields if name != "id"})
    for t, model in zip(_STORED, _ROW_MODELS, strict=True)
}


def _store_row(
    uow: UnitOfWork,
    table: Table,
    key: uuid.UUID,
    row: BaseModel,
    extra: dict[str, Any],
) -> uuid.UUID:
    """Insert the post's row under its id, or bring it to this event's version when that is
    the latest seen (a renewed document's expiry, a vehicle's type)."""
    values = row.model_dump(mode="python")
    record_id: uuid.UUID = values.pop("id")
    conn = uow.session.connection()
    held = batch.rows(uow.session)
    if held is not None:  # one of a batch: what is stored was read for all of it
        present = held.present[table.name]
        stored = present.get(record_id)
        if stored is None:
            queued = {"id": record_id, **values, **extra}
            insert_at_commit(uow.session, _INSERT_ROW[table.name], queued)
            present[record_id] = queued
            held.queued.add(record_id)
            claim(uow.session, record_id, ROW, key, new=True)
        elif claim(uow.session, record_id, ROW, key) and any(
            stored.get(k) != v for k, v in values.items()
        ):
            if record_id not in held.queued:  # queued: the queue's row is brought up to date
                conn.execute(_UPDATE_ROW[table.name], {"row_id": record_id, **values})
            stored.update(values)
        return record_id
    exists = conn.execute(_EXISTS[table.name], {"id": record_id}).first()
    if exists is None:
        conn.execute(_INSERT_ROW[table.name], {"id": record_id, **values, **extra})
        claim(uow.session, record_id, ROW, key, new=True)
    elif claim(uow.session, record_id, ROW, key):
        conn.execute(_UPDATE_ROW[table.name], {"row_id": record_id, **values})
    return record_id


def _record_replica(
    uow: UnitOfWork, key: uuid.UUID, payload: dict[str, Any]
) -> tuple[str, uuid.UUID | None]:
    """A crossing as the post recorded it, with the post's own decision and rows."""
    event = _Recorded.model_validate(payload)
    # The decision and its reasons are the post's (the replica's), not typed input: the rules
    # and screening may have added reasons past what a typed command may carry.
    command = CrossingCreate.model_validate(
        {k: v for k, v in payload.items() if k in _CREATE_FIELDS - {"decision", "reasons"}}
    )
    session = uow.session
    conn = session.connection()
    post = reference.for_session(session).posts.get(event.post)
    if post is None:
        raise NotFound("post", f"no post with code {event.post!r}")
    if (
        event.carried_by is not None
        and not batch.has_crossing(session, event.carried_by)
        and conn.execute(_CROSSING_EXISTS, {"id": event.carried_by}).first() is None
    ):
        raise Waiting(event.carried_by, "vehicle crossing")
    traveller_id = document_id = vehicle_id = None
    stored = event.stored
    if stored is not None:
        # Created at headquarters when the crossing that first named it arrives here.
        extra = {"post_id": post.id, "created_at": event.recorded_at}
        if stored.traveller is not None:
            traveller_id = _store_row(uow, _TRAVELLERS, key, stored.traveller, extra)
        if stored.document is not None:
            document_id = _store_row(
                uow, _DOCUMENTS, key, stored.document, {**extra, "traveller_id": traveller_id}
            )
        if stored.vehicle is not None:
            vehicle_id = _store_row(uow, _VEHICLES, key, stored.vehicle, extra)
    replica = Replica(
        officer=event.officer,
        decision=event.decision,
        reasons=list(event.reasons),
        flags=list(event.flags),
        recorded_at=event.recorded_at,
        stored=stored is not None,
        traveller_id=traveller_id,
        document_id=document_id,
        vehicle_id=vehicle_id,
    )
    recorded = record_crossing(uow, command, replica)
    if not recorded.created:
        return "duplicate", None
    crossing_id = recorded.crossing.id
    if stored is not None and stored.hits:
        batch.barrier(uow.session)  # the hits refer to the crossing the batch queued
        shipped.store_hits(uow, key, crossing_id, post.id, stored.hits)
    return "created", crossing_id
