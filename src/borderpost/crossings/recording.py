"""Recording a crossing: the one use case behind the booth, the API, the CLI and the importer.

The hot path of the system. Reference data comes from the process snapshot
(``borderpost.reference``); rows are written with Core inserts, which SQLAlchemy executes at
once, so a crossing recorded earlier in the same transaction (a vehicle, then its passengers)
is visible to the next without an ORM flush.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Connection, Table, bindparam, insert, select

from borderpost import clock, outbox, reference
from borderpost.audit import hook as audit
from borderpost.cargo.recording import assess_declared
from borderpost.crossings import counts, known
from borderpost.crossings.model import Convoy, Crossing
from borderpost.crossings.schemas import CrossingCreate, CrossingRead
from borderpost.db import (
    READS_QUEUE,
    before_writing,
    insert_at_commit,
    order_deferred,
    queued_index,
    write_deferred,
)
from borderpost.errors import Conflict, NotFound, invalid
from borderpost.ids import new_id
from borderpost.ledger import services as ledger
from borderpost.messages import Message
from borderpost.organisations.model import Organisation
from borderpost.people.model import document_expired
from borderpost.plates import normalise_plate
from borderpost.posts.model import Lane, Post
from borderpost.screening import services as screening
from borderpost.transit import stored as transits
from borderpost.unit_of_work import UnitOfWork
from borderpost.vocab import Decision, Kind

FLAG_DOCUMENT_EXPIRED = "document_expired"
FLAG_POST_CLOSED = "post_closed"
FLAG_CLOSURE_EXEMPT = "closure_exempt"  # passed a closed post: its category is exempt
FLAG_CARGO_PROHIBITED = "cargo_prohibited"  # a declared item is prohibited: refused

_CROSSINGS = cast(Table, Crossing.__table__)
_CONVOYS = cast(Table, Convoy.__table__)

# Statements built once: building them per call costs more than running them on SQLite.
# Marked READS_QUEUE: each is asked of the crossings queued in the transaction first.
_QUEUE_AWARE = {READS_QUEUE: True}
_CARRIER = (
    select(_CROSSINGS.c.kind, _CROSSINGS.c.post_id, _CROSSINGS.c.direction)
    .where(_CROSSINGS.c.id == bindparam("id"))
    .execution_options(**_QUEUE_AWARE)
)
_CONVOY_BY_REFERENCE = (
    select(_CONVOYS.c.id)
    .where(_CONVOYS.c.reference == bindparam("ref"))
    .execution_options(**_QUEUE_AWARE)  # convoys are inserted at once
)
_CROSSING_KNOWN = (
    select(_CROSSINGS.c.post_id, _CROSSINGS.c.time, _CROSSINGS.c.kind, _CROSSINGS.c.command_digest)
    .where(_CROSSINGS.c.id == bindparam("id"))
    .execution_options(**_QUEUE_AWARE)
)
# The one answer to an id already taken, whoever took it: a caller learns nothing of another
# post's crossing, not even that it is at another post.
ID_TAKEN = "is already taken by another crossing: send a new id, or this crossing again as it was"
_INSERT = {t.name: insert(t) for t in (_CROSSINGS, _CONVOYS)}


@dataclass(frozen=True)
class RecordedCrossing:
    """The row as written: a plain object (building an ORM instance costs more than the insert)."""

    id: uuid.UUID
    post_id: uuid.UUID
    direction: str
    time: dt.datetime
    arrived_at: dt.datetime | None
    kind: str
    category: str
    organisation_id: uuid.UUID | None
    organisation_type: str | None
    traveller_id: uuid.UUID | None
    document_id: uuid.UUID | None
    vehicle_id: uuid.UUID | None
    vehicle_type: str | None
    carried_by_id: uuid.UUID | None
    convoy_id: uuid.UUID | None
    lane_id: uuid.UUID | None
    officer: str
    decision: str
    reasons: list[str]
    flags: list[str]
    recorded_at: dt.datetime
    command_digest: str | None = None
    erased_at: dt.datetime | None = None  # retention: when its personal data were erased


@dataclass
class Recorded:
    crossing: RecordedCrossing
    read: CrossingRead | None  # the API's view of a new crossing; None when already recorded
    created: bool  # False when the id was already recorded (idempotent re-import)
    screened: screening.Screened | None = None  # watchlist hits, for the booth to show


@dataclass(frozen=True)
class Replica:
    """What a post decided, for headquarters storing a crossing that a post recorded.

    A replica keeps the post's decision, reasons, flags, officer and time as they were: the
    rules are not applied a second time, and neither the outbox nor the ledger is written
    (the post's own log is the record; headquarters mirrors it, it does not re-sign it).
    """

    officer: str
    decision: Decision
    reasons: list[str]
    flags: list[str]
    recorded_at: dt.datetime
    # The traveller, document and vehicle rows the post recorded, already stored by the
    # caller under the post's ids: used as they are, never found again by document or plate
    # (headquarters holds every post's rows; a first-seen match would mix them up).
    stored: bool = False
    traveller_id: uuid.UUID | None = None
    document_id: uuid.UUID | None = None
    vehicle_id: uuid.UUID | None = None


@dataclass
class Batch:
    """What headquarters already knows about the crossings of one transaction of many
    (``sync/apply.py`` fills it before applying a batch of a post's events), so that recording
    each replica asks the database nothing it was asked for the whole batch, and the crossings
    are inserted together when the transaction commits (``db.insert_at_commit``)."""

    absent: set[uuid.UUID]  # crossing ids known not to be recorded yet
    # Crossings a passenger may ride in: (kind, post id, direction), recorded or in this batch.
    carriers: dict[uuid.UUID, Any]
    # Writes the queued rows now: before rows that refer to the crossing are inserted.
    flush: Callable[[], None]


INSERT_CROSSING = _INSERT[_CROSSINGS.name]
BATCH = "crossings.batch"  # session.info: the Batch of the transaction, if any
_QUEUED = "crossings"  # db.queued_index: the crossings queued in the transaction, by id
# Rows others refer to first, when the queue is written.
_ORDER = [*known.INSERTS, INSERT_CROSSING]
# Crossings of several posts: their posts' counters locked first, in one order (counts.py).
before_writing(INSERT_CROSSING, counts.lock_posts)


@dataclass(frozen=True)
class _Carrier:
    kind: str
    post_id: uuid.UUID
    direction: str


@dataclass
class _Resolved:
    """Everything a crossing refers to, looked up before anything is written."""

    post: Post
    organisation: Organisation | None
    carrier_id: uuid.UUID | None
    convoy_id: uuid.UUID | None
    lane: Lane | None


def _resolve(
    conn: Connection,
    ref: reference.Reference,
    command: CrossingCreate,
    batch: Batch | None,
    queued: dict[uuid.UUID, _Carrier] | None,
) -> _Resolved:
    post = ref.posts.get(command.post)
    if post is None:
        raise NotFound("post", Message("no post with code {code!r}", code=command.post))
    organisation = None
    if command.organisation is not None:
        organisation = ref.organisations.get(command.organisation)
        if organisation is None:
            raise NotFound(
                "organisation",
                Message("no organisation with code {code!r}", code=command.organisation),
            )
    carrier_id = None
    if command.carried_by is not None:
        carrier = batch.carriers.get(command.carried_by) if batch is not None else None
        if carrier is None and queued is not None:
            carrier = queued.get(command.carried_by)
        if carrier is None:
            carrier = conn.execute(_CARRIER, {"id": command.carried_by}).one_or_none()
        if carrier is None:
            raise NotFound("carried_by", Message("no crossing {id}", id=command.carried_by))
        if carrier.kind != Kind.VEHICLE or carrier.post_id != post.id:
            raise invalid("carried_by", "must be a vehicle crossing at the same post")
        if carrier.direction != command.direction.value:
            raise invalid("carried_by", "the vehicle crossed in the other direction")
        carrier_id = command.carried_by
    lane = None
    if command.lane is not None:
        lane = next((x for x in post.lanes if x.code == command.lane), None)
        if lane is None:
            raise NotFound(
                "lane",
                Message("post {post} has no lane {lane!r}", post=post.code, lane=command.lane),
            )
        if not lane.serves(command.category):
            raise invalid(
                "lane",
                Message(
                    "lane {lane} does not serve {category}",
                    lane=lane.code,
                    category=Message.of(command.category.value),
                ),
            )
    convoy_id = None
    if command.convoy:
        convoy_id = conn.execute(_CONVOY_BY_REFERENCE, {"ref": command.convoy}).scalar()
    return _Resolved(post, organisation, carrier_id, convoy_id, lane)


def command_digest(command: CrossingCreate) -> str:
    """SHA-256 of the command's content: the same for the same crossing however its times are
    written (they are compared as instants)."""
    return _digest(_command_json(command))


def _command_json(command: CrossingCreate) -> dict[str, Any]:
    """The command in JSON mode, its times in UTC: what the digest covers."""
    data = command.model_dump(mode="json")
    data["time"] = command.time.astimezone(dt.UTC).isoformat()
    if command.arrived_at is not None:
        data["arrived_at"] = command.arrived_at.astimezone(dt.UTC).isoformat()
    return data


def _digest(data: dict[str, Any]) -> str:
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _repeated(
    uow: UnitOfWork, ref: reference.Reference, command: CrossingCreate, digest: str, taken: Any
) -> Recorded:
    """The crossing already recorded under ``command.id``, if the command repeats it: same
    post and same content. Otherwise Conflict on ``id``, the same for every other case."""
    post = ref.posts.get(command.post)
    if taken.command_digest is not None:
        same = taken.command_digest == digest
    else:  # recorded before digests were kept: the facts no correction changes
        same = taken.time == command.time and taken.kind == command.kind.value
    if post is None or taken.post_id != post.id or not same:
        raise Conflict("id", ID_TAKEN)
    existing = uow.session.get(Crossing, command.id)
    assert existing is not None
    facts = RecordedCrossing(**{c.key: getattr(existing, c.key) for c in _CROSSINGS.c})
    return Recorded(facts, None, created=False)


def prefetch(uow: UnitOfWork, commands: list[CrossingCreate]) -> None:
    """Read the travel documents and vehicles that the next ``commands`` (a batch to record
    in this transaction, e.g. an import's) refer to, in a few statements, so that recording
    each asks the database nothing (what it finds is dropped when the transaction commits or
    writes its queue). Optional: ``record_crossing`` looks up what was not read ahead."""
    session = uow.session
    ref = reference.for_session(session)
    documents: set[tuple[Any, ...]] = set()
    vehicles: set[tuple[str, str]] = set()
    for command in commands:
        post = ref.posts.get(command.post)
        if post is None:
            continue
        doc = command.traveller.document if command.traveller is not None else None
        if doc is not None:
            documents.add((post.id, doc.issuer, doc.number, doc.type))
        if command.vehicle is not None:
            vehicles.add((command.vehicle.country, normalise_plate(command.vehicle.plate)))
    known.prefetch(session.connection(), known.Queued(session), documents, vehicles)


def record_crossing(
    uow: UnitOfWork, command: CrossingCreate, replica: Replica | None = None
) -> Recorded:
    """Check and record one crossing, with its outbox event, in the caller's transaction.

    A crossing at a closed post is refused with the closure's reason unless the post exempts
    its category; an exempt one is flagged as having passed the closure. An expired document
    is flagged for the officer. Recording the same command with the same id again returns the
    crossing already recorded and writes nothing; any other
    command with a recorded id (another post's, or other facts) is a Conflict on ``id`` that
    tells nothing of the crossing recorded. Every reference is resolved before anything is
    written, so an error leaves the transaction as it was.
    """
    session = uow.session
    # Core on the session's connection: same transaction, none of the ORM's per-call work.
    conn = session.connection()
    ref = reference.for_session(session)
    # In JSON mode once: the digest, and the traveller and vehicle the ledger commits to.
    presented = _command_json(command)
    digest = _digest(presented)
    batch: Batch | None = session.info.get(BATCH) if replica is not None else None
    # A post's crossing and its new rows are queued for the commit (``db.insert_at_commit``):
    # the next crossings of the transaction find them in ``queued`` and ``rows``, any other
    # statement has them written first. A replica's rows are written as they are made.
    queued: dict[uuid.UUID, _Carrier] | None = None
    rows: known.Queued | None = None
    if replica is None:
        queued = queued_index(session).setdefault(_QUEUED, {})
        rows = known.Queued(session)
        order_deferred(session, _ORDER)
    if command.id is not None and (batch is None or command.id not in batch.absent):
        if queued is not None and command.id in queued:
            write_deferred(session)  # recorded earlier in this transaction: read it back
        taken = conn.execute(_CROSSING_KNOWN, {"id": command.id}).one_or_none()
        if taken is not None:
            return _repeated(uow, ref, command, digest, taken)

    resolved = _resolve(conn, ref, command, batch, queued)
    post = resolved.post
    decision = command.decision
    reasons = list(command.reasons)
    flags: list[str] = []
    now = clock.now()

    refusal = None
    if replica is None:
        closure = ref.closure_at(post, command.time)
        refusal = post.refusal_when_closed(command.category, closure)
        if closure is not None and refusal is None:
            flags.append(FLAG_CLOSURE_EXEMPT)  # the officer and the record say so
    if refusal is not None:
        flags.append(FLAG_POST_CLOSED)
        if decision is not Decision.REFUSED or refusal not in reasons:
            reasons.insert(0, refusal)
        decision = Decision.REFUSED

    # Cargo: assessed before anything is written (a bad declaration writes nothing); its lanes
    # may make the decision stricter. Crossings without consignments skip this entirely.
    cargo = None
    if command.consignments:
        cargo = assess_declared(
            uow,
            command.consignments,
            post_code=post.code,
            category=command.category.value,
            organisation_type=resolved.organisation.type if resolved.organisation else None,
            direction=command.direction.value,
            on=command.time.astimezone(post.zone).date(),
        )
        decision = cargo.decide(decision, reasons)
        if cargo.prohibited:
            flags.append(FLAG_CARGO_PROHIBITED)  # the access report's refusal class

    traveller_id = document_id = vehicle_id = None
    stored: dict[str, Any] = {}  # the rows as recorded here, for headquarters
    if replica is not None and replica.stored:
        traveller_id, document_id = replica.traveller_id, replica.document_id
        vehicle_id = replica.vehicle_id
    elif command.kind is Kind.PERSON:
        assert command.traveller is not None  # the schema guarantees it
        traveller_id, document_id, expiry = known.traveller_and_document(
            conn, post, command.traveller, now, stored, rows
        )
        if replica is None and document_expired(expiry, command.time.astimezone(post.zone).date()):
            flags.append(FLAG_DOCUMENT_EXPIRED)
    else:
        assert command.vehicle is not None
        vehicle_id = known.vehicle(conn, post, command.vehicle, now, stored, rows)

    convoy_id = resolved.convoy_id
    if command.convoy and convoy_id is None:
        convoy_id = new_id()
        conn.execute(
            _INSERT[_CONVOYS.name],
            {
                "id": convoy_id,
                "post_id": post.id,
                "reference": command.convoy,
                "organisation_id": resolved.organisation.id if resolved.organisation else None,
                "created_at": now,
            },
        )

    # Screening may refer the crossing: decided before the row is written. A replica was
    # screened at its post.
    screened = (
        screening.Screened()
        if replica is not None
        else screening.screen_crossing(session, command, traveller_id, document_id, vehicle_id)
    )
    decision, reasons, flags = screened.apply(decision, reasons, flags)

    org = resolved.organisation
    officer, recorded_at = uow.actor, now
    if replica is not None:
        decision, reasons, flags = replica.decision, list(replica.reasons), list(replica.flags)
        officer, recorded_at = replica.officer, replica.recorded_at
    row: dict[str, Any] = dict(
        id=command.id or new_id(),
        post_id=post.id,
        direction=command.direction.value,
        time=command.time.astimezone(dt.UTC),
        arrived_at=command.arrived_at.astimezone(dt.UTC) if command.arrived_at else None,
        kind=command.kind.value,
        category=command.category.value,
        organisation_id=org.id if org else None,
        organisation_type=org.type if org else None,
        traveller_id=traveller_id,
        document_id=document_id,
        vehicle_id=vehicle_id,
        vehicle_type=command.vehicle.type.value if command.vehicle else None,
        carried_by_id=resolved.carrier_id,
        convoy_id=convoy_id,
        lane_id=resolved.lane.id if resolved.lane else None,
        officer=officer,
        decision=decision.value,
        reasons=reasons,
        flags=flags,
        recorded_at=recorded_at,
        command_digest=digest,
    )
    if batch is not None:
        batch.absent.discard(row["id"])
        batch.carriers[row["id"]] = _Carrier(row["kind"], row["post_id"], row["direction"])
        insert_at_commit(session, _INSERT[_CROSSINGS.name], row)
    elif queued is not None:
        insert_at_commit(session, _INSERT[_CROSSINGS.name], row, read_back=True)
        queued[row["id"]] = _Carrier(row["kind"], row["post_id"], row["direction"])
    else:
        conn.execute(_INSERT[_CROSSINGS.name], row)
    crossing = RecordedCrossing(**row)
    if batch is not None and transits.pairs(session, crossing):
        # A transit refers to the crossing, and pairing reads the vehicle's other crossings:
        # the batch's queued rows go in first.
        batch.flush()
    transits.crossing_recorded(session, crossing)  # a vehicle at a corridor's end: paired now
    screened.write(session, crossing.id, post.id)
    read = CrossingRead(
        id=crossing.id,
        post=post.code,
        direction=crossing.direction,
        time=crossing.time,
        arrived_at=crossing.arrived_at,
        kind=crossing.kind,
        category=crossing.category,
        organisation=org.code if org else None,
        organisation_type=crossing.organisation_type,
        traveller=command.traveller,
        vehicle=command.vehicle,
        carried_by=crossing.carried_by_id,
        convoy=command.convoy,
        lane=command.lane,
        officer=crossing.officer,
        decision=crossing.decision,
        reasons=reasons,
        flags=flags,
        recorded_at=recorded_at,
    )
    consignments: list[dict[str, Any]] = []
    if cargo is not None:
        if batch is not None:  # the consignments refer to the crossing: it goes in first
            batch.flush()
        consignments = cargo.write(session, crossing.id, post.id, now)
        read.cargo = cargo.to_read()
    if replica is None:  # headquarters does not ship again what it received
        if screened.rows:
            stored["hits"] = screened.shipped(session)
        outbox.queue(
            session,
            outbox.Topic.CROSSING_RECORDED,
            {**read.model_dump(mode="json"), "stored": stored},
            post_id=post.id,
            at=now,
            defer=True,
        )
        # After the crossing's event, one each: the largest declaration fits no one message.
        for consignment in consignments:
            topic = outbox.Topic.CONSIGNMENT_RECORDED
            outbox.queue(session, topic, consignment, post_id=post.id, at=now, defer=True)
    # Core inserts bypass the flush hook: the crossing's audit entry is written here, with the
    # facts of the decision (the personal data stay in the crossing's own rows).
    audit.record(
        session,
        "create",
        "crossings",
        crossing.id,
        None,
        {
            "post": post.code,
            "time": read.time.isoformat(),
            "kind": crossing.kind,
            "category": crossing.category,
            "direction": crossing.direction,
            "decision": crossing.decision,
            "reasons": reasons,
            "flags": flags,
        },
        post.id,
        defer=True,
    )
    # The crossing's ledger leaf (public facts and a salted commitment), same transaction;
    # a replica's leaf is in the post's own log.
    if replica is None:
        ledger.add_crossing(
            session,
            post,
            crossing,
            command.traveller,
            command.vehicle,
            now,
            cargo=cargo.ledger_cargo() if cargo is not None else None,
            personal={"traveller": presented["traveller"], "vehicle": presented["vehicle"]},
        )
    return Recorded(crossing, read, created=True, screened=screened)
