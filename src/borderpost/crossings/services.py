"""Reading crossings; recording them is in ``recording`` (re-exported here)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from typing import Any

from borderpost.crossings import repository
from borderpost.crossings.model import Crossing
from borderpost.crossings.recording import (
    FLAG_CLOSURE_EXEMPT,
    FLAG_DOCUMENT_EXPIRED,
    FLAG_POST_CLOSED,
    Recorded,
    prefetch,
    record_crossing,
)
from borderpost.crossings.schemas import CrossingRead, DocumentIn, TravellerIn, VehicleIn
from borderpost.errors import NotFound, invalid
from borderpost.messages import Message
from borderpost.posts import repository as posts_repository
from borderpost.unit_of_work import UnitOfWork
from borderpost.vocab import Category, Decision, Kind, VehicleType

__all__ = [
    "FLAG_CLOSURE_EXEMPT",
    "FLAG_DOCUMENT_EXPIRED",
    "FLAG_POST_CLOSED",
    "Recorded",
    "prefetch",
    "record_crossing",
]


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
        arrived_at=crossing.arrived_at.astimezone(dt.UTC) if crossing.arrived_at else None,
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
        raise NotFound("crossing", Message("no crossing {id}", id=crossing_id))
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
            raise NotFound("post", Message("no post with code {code!r}", code=post_code))
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


def post_of_crossing(uow: UnitOfWork, path: Mapping[str, Any]) -> str | None:
    """The code of the post the crossing ``crossing_id`` in ``path`` (a route's path
    parameters) was recorded at: the post a route's rule checks."""
    try:
        crossing_id = uuid.UUID(str(path.get("crossing_id")))
    except ValueError:
        return None
    return repository.post_code_of(uow.session, crossing_id)


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
