"""Recording a crossing: the one use case behind the booth, the API, the CLI and the importer."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from borderpost import clock
from borderpost.crossings import repository
from borderpost.crossings.model import Convoy, Crossing
from borderpost.crossings.schemas import (
    CrossingCreate,
    CrossingRead,
    DocumentIn,
    TravellerIn,
    VehicleIn,
)
from borderpost.db import UnitOfWork
from borderpost.errors import NotFound, invalid
from borderpost.ids import new_id
from borderpost.organisations.model import Organisation
from borderpost.organisations.services import organisation_by_code
from borderpost.people.model import TravelDocument, Traveller
from borderpost.posts import repository as posts_repository
from borderpost.posts.model import Lane, Post
from borderpost.sync.model import OutboxEvent
from borderpost.vehicles.model import Vehicle, normalise_plate
from borderpost.vocab import Category, Decision, Kind, VehicleType

FLAG_DOCUMENT_EXPIRED = "document_expired"
FLAG_POST_CLOSED = "post_closed"


@dataclass
class Recorded:
    crossing: Crossing
    created: bool  # False when the id was already recorded (idempotent re-import)


@dataclass
class _Resolved:
    """Everything a crossing refers to, looked up before anything is written."""

    post: Post
    organisation: Organisation | None
    carrier: Crossing | None
    convoy: Convoy | None
    lane: Lane | None


def _resolve(uow: UnitOfWork, command: CrossingCreate) -> _Resolved:
    session = uow.session
    post = posts_repository.post_by_code(session, command.post)
    if post is None:
        raise NotFound("post", f"no post with code {command.post!r}")
    organisation = None
    if command.organisation is not None:
        organisation = organisation_by_code(session, command.organisation)
        if organisation is None:
            raise NotFound("organisation", f"no organisation with code {command.organisation!r}")
    carrier = None
    if command.carried_by is not None:
        carrier = repository.crossing_by_id(session, command.carried_by)
        if carrier is None:
            raise NotFound("carried_by", f"no crossing {command.carried_by}")
        if carrier.kind != Kind.VEHICLE or carrier.post.code != post.code:
            raise invalid("carried_by", "must be a vehicle crossing at the same post")
        if carrier.direction != command.direction.value:
            raise invalid("carried_by", "the vehicle crossed in the other direction")
    lane = None
    if command.lane is not None:
        lane = posts_repository.lane_by_code(post, command.lane)
        if lane is None:
            raise NotFound("lane", f"post {post.code} has no lane {command.lane!r}")
        if not lane.serves(command.category):
            raise invalid("lane", f"lane {lane.code} does not serve {command.category.value}")
    convoy = None
    if command.convoy:
        convoy = repository.convoy_by_reference(session, command.convoy)
    return _Resolved(post, organisation, carrier, convoy, lane)


def _traveller_and_document(
    uow: UnitOfWork, post: Post, data: TravellerIn
) -> tuple[Traveller, TravelDocument | None]:
    session = uow.session
    now = clock.now()
    document = None
    if data.document is not None:
        doc = data.document
        document = repository.document_by_number(session, doc.issuer, doc.number, doc.type)
    if document is not None:
        traveller = document.traveller
        if data.document is not None and data.document.expiry != document.expiry:
            document.expiry = data.document.expiry
        return traveller, document
    traveller = Traveller(
        id=new_id(),
        post_id=post.id,
        surname=data.surname,
        given_names=data.given_names,
        birth_date=data.birth_date,
        nationality=data.nationality,
        created_at=now,
    )
    session.add(traveller)
    if data.document is not None:
        doc = data.document
        document = TravelDocument(
            id=new_id(),
            post_id=post.id,
            traveller=traveller,
            type=doc.type,
            number=doc.number,
            issuer=doc.issuer,
            expiry=doc.expiry,
            created_at=now,
        )
        session.add(document)
        repository.remember_document(session, document)
    return traveller, document


def _vehicle(uow: UnitOfWork, post: Post, data: VehicleIn) -> Vehicle:
    key = normalise_plate(data.plate)
    vehicle = repository.vehicle_by_plate(uow.session, data.country, key)
    if vehicle is None:
        vehicle = Vehicle(
            id=new_id(),
            post_id=post.id,
            plate=data.plate,
            plate_key=key,
            country=data.country,
            type=data.type.value,
            created_at=clock.now(),
        )
        uow.session.add(vehicle)
        repository.remember_vehicle(uow.session, vehicle)
    elif vehicle.type != data.type.value:
        vehicle.type = data.type.value
    return vehicle


def record_crossing(uow: UnitOfWork, command: CrossingCreate) -> Recorded:
    """Check and record one crossing, with its outbox event, in the caller's transaction.

    A crossing at a closed post is refused with the closure's reason unless the post exempts
    its category. An expired document is flagged for the officer. Recording the same id again
    returns the crossing already recorded and writes nothing.
    """
    session = uow.session
    # Lookups below must not flush the crossings added before them one by one: the per-session
    # caches already know every pending record, and one flush at commit batches the inserts.
    with session.no_autoflush:
        return _record(uow, command)


def _record(uow: UnitOfWork, command: CrossingCreate) -> Recorded:
    session = uow.session
    if command.id is not None:
        existing = repository.crossing_by_id(session, command.id)
        if existing is not None:
            return Recorded(existing, created=False)

    resolved = _resolve(uow, command)  # raises before anything is added
    post = resolved.post
    decision = command.decision
    reasons = list(command.reasons)
    flags: list[str] = []

    closure = posts_repository.closure_at(session, post, command.time)
    refusal = post.refusal_when_closed(command.category, closure)
    if refusal is not None:
        flags.append(FLAG_POST_CLOSED)
        if decision is not Decision.REFUSED or refusal not in reasons:
            reasons.insert(0, refusal)
        decision = Decision.REFUSED

    traveller = document = vehicle = None
    if command.kind is Kind.PERSON:
        assert command.traveller is not None  # the schema guarantees it
        traveller, document = _traveller_and_document(uow, post, command.traveller)
        local_day = command.time.astimezone(post.zone).date()
        if document is not None and document.expired_on(local_day):
            flags.append(FLAG_DOCUMENT_EXPIRED)
    else:
        assert command.vehicle is not None
        vehicle = _vehicle(uow, post, command.vehicle)

    convoy = resolved.convoy
    if command.convoy and convoy is None:
        convoy = Convoy(
            id=new_id(),
            post_id=post.id,
            reference=command.convoy,
            organisation_id=resolved.organisation.id if resolved.organisation else None,
            created_at=clock.now(),
        )
        session.add(convoy)
        repository.remember_convoy(session, convoy)

    crossing = Crossing(
        id=command.id or new_id(),
        post=post,
        direction=command.direction.value,
        time=command.time,
        kind=command.kind.value,
        category=command.category.value,
        organisation=resolved.organisation,
        organisation_type=resolved.organisation.type if resolved.organisation else None,
        traveller=traveller,
        document=document,
        vehicle=vehicle,
        vehicle_type=vehicle.type if vehicle else None,
        carried_by_id=resolved.carrier.id if resolved.carrier else None,
        convoy=convoy,
        lane=resolved.lane,
        officer=uow.actor,
        decision=decision.value,
        reasons=reasons,
        flags=flags,
        recorded_at=clock.now(),
    )
    session.add(crossing)
    if crossing.kind == Kind.VEHICLE:
        repository.remember_crossing(session, crossing)
    session.add(
        OutboxEvent(
            id=new_id(),
            post_id=post.id,
            topic="crossing.recorded",
            payload=to_read(crossing).model_dump(mode="json"),
            created_at=crossing.recorded_at,
        )
    )
    return Recorded(crossing, created=True)


def to_read(crossing: Crossing) -> CrossingRead:
    """The crossing as the API shows it (with personal data: not for observers)."""
    traveller = vehicle = None
    if crossing.traveller is not None:
        person, doc = crossing.traveller, crossing.document
        traveller = TravellerIn(
            surname=person.surname,
            given_names=person.given_names,
            birth_date=person.birth_date,
            nationality=person.nationality,
            document=DocumentIn(
                type=doc.type, number=doc.number, issuer=doc.issuer, expiry=doc.expiry
            )
            if doc is not None
            else None,
        )
    if crossing.vehicle is not None:
        car = crossing.vehicle
        vehicle = VehicleIn(plate=car.plate, country=car.country, type=VehicleType(car.type))
    return CrossingRead(
        id=crossing.id,
        post=crossing.post.code,
        direction=crossing.direction,
        time=crossing.time.astimezone(dt.UTC),
        kind=crossing.kind,
        category=crossing.category,
        organisation=crossing.organisation.code if crossing.organisation else None,
        organisation_type=crossing.organisation_type,
        traveller=traveller,
        vehicle=vehicle,
        carried_by=crossing.carried_by_id,
        convoy=crossing.convoy.reference if crossing.convoy else None,
        lane=crossing.lane.code if crossing.lane else None,
        officer=crossing.officer,
        decision=crossing.decision,
        reasons=list(crossing.reasons),
        flags=list(crossing.flags),
        recorded_at=crossing.recorded_at,
    )


def get_crossing(uow: UnitOfWork, crossing_id: uuid.UUID) -> Crossing:
    crossing = repository.crossing_by_id(uow.session, crossing_id)
    if crossing is None:
        raise NotFound("crossing", f"no crossing {crossing_id}")
    return crossing


def recent_crossings(
    uow: UnitOfWork,
    post_code: str | None,
    *,
    before: tuple[dt.datetime, uuid.UUID] | None = None,
    limit: int = 50,
    kind: Kind | None = None,
    decision: Decision | None = None,
    category: Category | None = None,
) -> list[Crossing]:
    """Newest first, ``limit`` at most; ``before`` is the last (time, id) of the previous page."""
    post_id = None
    if post_code is not None:
        post = posts_repository.post_by_code(uow.session, post_code)
        if post is None:
            raise NotFound("post", f"no post with code {post_code!r}")
        post_id = post.id
    return repository.recent_crossings(
        uow.session,
        post_id,
        before=before,
        limit=limit,
        kind=kind.value if kind else None,
        decision=decision.value if decision else None,
        category=category.value if category else None,
    )


def page_cursor(crossing: Crossing) -> str:
    """An opaque cursor for the page after ``crossing``."""
    return f"{crossing.time.isoformat()}_{crossing.id}"


def parse_cursor(cursor: str) -> tuple[dt.datetime, uuid.UUID]:
    try:
        at, _, ident = cursor.rpartition("_")
        moment = dt.datetime.fromisoformat(at)
        if moment.tzinfo is None:
            raise ValueError("no time zone")
        return moment, uuid.UUID(ident)
    except ValueError as exc:
        raise invalid("cursor", "is not a cursor this server gave out") from exc
