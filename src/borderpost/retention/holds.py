"""Legal holds: what stops erasure, asked of every provider before each run.

A *hold provider* is a callable ``(session) -> iterable of (record type, record id)``: the
records it holds now. The providers here are the inspections (an open inspection, or a
seizure still held, holds its crossing) and the supervisors' holds (``legal_holds``). Another
feature adds its own with ``register_provider`` when the application is wired (an open case
holds the records it concerns); a hold on a crossing covers its hits, inspection, evidence and
audit entries, and its traveller, document and vehicle.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import Any, cast

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from borderpost import clock
from borderpost.crossings.model import Crossing
from borderpost.errors import Conflict, NotFound
from borderpost.inspections.model import Inspection, InspectionStatus, Seizure, SeizureStatus
from borderpost.posts.model import Post
from borderpost.retention.model import LegalHold
from borderpost.unit_of_work import UnitOfWork

CROSSING = "crossing"
HoldProvider = Callable[[Session], Iterable[tuple[str, uuid.UUID]]]
Held = dict[str, set[uuid.UUID]]

_HOLDS = cast(Table, LegalHold.__table__)


def inspection_holds(session: Session) -> Iterable[tuple[str, uuid.UUID]]:
    """An inspection still open, or one whose seizure is still held, holds its crossing."""
    opened = select(Inspection.crossing_id).where(Inspection.status == InspectionStatus.OPEN)
    seized = (
        select(Inspection.crossing_id)
        .join(Seizure, Seizure.inspection_id == Inspection.id)
        .where(Seizure.status == SeizureStatus.HELD)
    )
    for (crossing_id,) in session.execute(opened.union(seized)):
        yield CROSSING, crossing_id


def manual_holds(session: Session) -> Iterable[tuple[str, uuid.UUID]]:
    """The supervisors' holds not yet released."""
    rows = session.execute(
        select(_HOLDS.c.record_type, _HOLDS.c.record_id).where(_HOLDS.c.released_at.is_(None))
    )
    for record_type, record_id in rows:
        yield str(record_type), record_id


_PROVIDERS: list[HoldProvider] = [inspection_holds, manual_holds]


def register_provider(provider: HoldProvider) -> None:
    """Add a feature's holds (idempotent): asked before every erasure from then on."""
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def held(session: Session) -> Held:
    """Every record held now, by record type."""
    found: Held = {}
    for provider in _PROVIDERS:
        for record_type, record_id in provider(session):
            found.setdefault(record_type, set()).add(record_id)
    return found


def place(
    uow: UnitOfWork, crossing_id: uuid.UUID, reason: str, post_id: uuid.UUID | None = None
) -> LegalHold:
    """A supervisor's hold on a crossing, for an investigation; audited by the flush hook.
    ``post_id``: the post the supervisor named; a crossing of another post is not found."""
    crossing = uow.session.get(Crossing, crossing_id)
    if crossing is None or (post_id is not None and crossing.post_id != post_id):
        raise NotFound("crossing", "no such crossing at this post")
    if crossing.erased_at is not None:
        raise Conflict("crossing", "its personal data are already erased; nothing to hold")
    hold = LegalHold(
        post_id=crossing.post_id,
        record_type=CROSSING,
        record_id=crossing.id,
        reason=reason,
        placed_by=uow.actor,
        placed_at=clock.now(),
    )
    uow.session.add(hold)
    uow.session.flush()
    return hold


def post_of_hold(uow: UnitOfWork, path: Mapping[str, Any]) -> str | None:
    """The code of the post of the hold ``hold_id`` in ``path``: the post a route checks."""
    try:
        hold_id = uuid.UUID(str(path.get("hold_id")))
    except ValueError:
        return None
    return uow.session.scalar(
        select(Post.code)
        .join(LegalHold, LegalHold.post_id == Post.id)
        .where(LegalHold.id == hold_id)
    )


def get(uow: UnitOfWork, hold_id: uuid.UUID) -> LegalHold:
    hold = uow.session.get(LegalHold, hold_id)
    if hold is None:
        raise NotFound("hold", "no such legal hold")
    return hold


def release(uow: UnitOfWork, hold_id: uuid.UUID, reason: str) -> LegalHold:
    """Release a hold with the reason; the record is erased by the next run if it expired."""
    hold = get(uow, hold_id)
    if hold.released_at is not None:
        raise Conflict("hold", "this hold is already released")
    hold.released_at = clock.now()
    hold.released_by = uow.actor
    hold.release_reason = reason
    uow.session.flush()
    return hold


def standing(uow: UnitOfWork, post_ids: Iterable[uuid.UUID] | None = None) -> list[LegalHold]:
    """The holds not released, oldest first; only those of ``post_ids`` when given."""
    query = select(LegalHold).where(LegalHold.released_at.is_(None))
    if post_ids is not None:
        query = query.where(LegalHold.post_id.in_(list(post_ids)))
    return list(uow.session.scalars(query.order_by(LegalHold.placed_at)))
