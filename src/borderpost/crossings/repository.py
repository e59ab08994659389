"""Queries on crossings, convoys, travellers and vehicles."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session, joinedload

from borderpost.crossings.model import Crossing
from borderpost.posts.model import Post


def crossing_by_id(session: Session, crossing_id: uuid.UUID) -> Crossing | None:
    return session.get(Crossing, crossing_id)


def post_code_of(session: Session, crossing_id: uuid.UUID) -> str | None:
    return session.scalar(
        select(Post.code)
        .join(Crossing, Crossing.post_id == Post.id)
        .where(Crossing.id == crossing_id)
    )


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
    # Many-to-one neighbours in the same query: a page of 50 is one round trip, not 300.
    query = select(Crossing).options(
        joinedload(Crossing.post),
        joinedload(Crossing.organisation),
        joinedload(Crossing.traveller),
        joinedload(Crossing.document),
        joinedload(Crossing.vehicle),
        joinedload(Crossing.convoy),
        joinedload(Crossing.lane),
    )
    if post_id is not None:
        query = query.where(Crossing.post_id == post_id)
    if before is not None:
        at, last_id = before
        # A row-value comparison lets the index seek straight to the cursor (an OR does not).
        query = query.where(tuple_(Crossing.time, Crossing.id) < tuple_(at, last_id))
    if kind is not None:
        query = query.where(Crossing.kind == kind)
    if decision is not None:
        query = query.where(Crossing.decision == decision)
    if category is not None:
        query = query.where(Crossing.category == category)
    return list(
        session.scalars(query.order_by(Crossing.time.desc(), Crossing.id.desc()).limit(limit))
    )
