"""Queries on crossings, convoys, travellers and vehicles."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from borderpost.crossings.model import Convoy, Crossing
from borderpost.people.model import TravelDocument
from borderpost.vehicles.model import Vehicle


def _cache(session: Session, name: str) -> dict[object, object]:
    cache: dict[object, object] = session.info.setdefault(name, {})
    return cache


def document_by_number(
    session: Session, issuer: str, number: str, doc_type: str
) -> TravelDocument | None:
    key = (issuer, number, doc_type)
    cache = _cache(session, "documents")
    if key in cache:
        return cache[key]  # type: ignore[return-value]
    found = session.scalars(
        select(TravelDocument)
        .where(
            TravelDocument.issuer == issuer,
            TravelDocument.number == number,
            TravelDocument.type == doc_type,
        )
        .limit(1)
    ).one_or_none()
    if found is not None:
        cache[key] = found
    return found


def remember_document(session: Session, document: TravelDocument) -> None:
    _cache(session, "documents")[(document.issuer, document.number, document.type)] = document


def vehicle_by_plate(session: Session, country: str, plate_key: str) -> Vehicle | None:
    key = (country, plate_key)
    cache = _cache(session, "vehicles")
    if key in cache:
        return cache[key]  # type: ignore[return-value]
    found = session.scalars(
        select(Vehicle).where(Vehicle.country == country, Vehicle.plate_key == plate_key).limit(1)
    ).one_or_none()
    if found is not None:
        cache[key] = found
    return found


def remember_vehicle(session: Session, vehicle: Vehicle) -> None:
    _cache(session, "vehicles")[(vehicle.country, vehicle.plate_key)] = vehicle


def convoy_by_reference(session: Session, reference: str) -> Convoy | None:
    cache = _cache(session, "convoys")
    if reference in cache:
        return cache[reference]  # type: ignore[return-value]
    found = session.scalars(select(Convoy).where(Convoy.reference == reference)).one_or_none()
    if found is not None:
        cache[reference] = found
    return found


def remember_convoy(session: Session, convoy: Convoy) -> None:
    _cache(session, "convoys")[convoy.reference] = convoy


def crossing_by_id(session: Session, crossing_id: uuid.UUID) -> Crossing | None:
    # Crossings recorded earlier in this session (a vehicle, then its passengers) may not be
    # flushed yet; the cache finds them without forcing a flush per line.
    cached = _cache(session, "crossings").get(crossing_id)
    if cached is not None:
        return cached  # type: ignore[return-value]
    return session.get(Crossing, crossing_id)


def remember_crossing(session: Session, crossing: Crossing) -> None:
    _cache(session, "crossings")[crossing.id] = crossing


def forget_records(session: Session) -> None:
    """Drop the per-session caches of people, vehicles and crossings (after a batch commit)."""
    for name in ("documents", "vehicles", "convoys", "crossings"):
        session.info.pop(name, None)


def recent_crossings(
    session: Session,
    post_id: uuid.UUID | None,
    *,
    before: tuple[dt.datetime, uuid.UUID] | None = None,
    limit: int = 50,
    kind: str | None = None,
    decision: str | None = None,
    category: str | None = None,
) -> list[Crossing]:
    """Newest first; keyset paging on (time, id) so page N costs what page 1 costs."""
    query = select(Crossing)
    if post_id is not None:
        query = query.where(Crossing.post_id == post_id)
    if before is not None:
        at, last_id = before
        query = query.where(
            or_(Crossing.time < at, and_(Crossing.time == at, Crossing.id < last_id))
        )
    if kind is not None:
        query = query.where(Crossing.kind == kind)
    if decision is not None:
        query = query.where(Crossing.decision == decision)
    if category is not None:
        query = query.where(Crossing.category == category)
    return list(
        session.scalars(query.order_by(Crossing.time.desc(), Crossing.id.desc()).limit(limit))
    )
