"""The supervisor's alerts page: open hits at a post, one card per question, with a count.

Each crossing of a listed traveller (or document, or plate) makes a hit of its own; shown one
by one, the same person and entry fill the page. Grouped by entry and subject, the newest hit
stands for the group, with every crossing it concerns listed by who, when and where; resolving
it resolves the group (``review.resolve_hit``).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from borderpost.crossings.model import Crossing
from borderpost.errors import NotFound
from borderpost.messages import Message
from borderpost.posts import repository as posts_repository
from borderpost.screening.model import HitOrigin, HitState, ScreeningHit
from borderpost.screening.review import HitView, same_subject, views
from borderpost.unit_of_work import UnitOfWork

MAX_HITS = 2000  # open hits read for one page: far above a post's day, bounded all the same


@dataclass(frozen=True)
class CrossingLine:
    """Who crossed, when, where: what a supervisor needs to place a hit."""

    id: uuid.UUID
    time: dt.datetime
    direction: str
    who: str
    lane: str | None


@dataclass(frozen=True)
class HitGroup:
    """Open hits on one entry by one traveller, document or vehicle; the newest first."""

    hit: HitView
    crossings: list[CrossingLine]


@dataclass(frozen=True)
class Alerts:
    groups: list[HitGroup]
    open_hits: int


def _who(crossing: Crossing) -> str:
    if crossing.traveller is not None:
        return f"{crossing.traveller.surname} {crossing.traveller.given_names}".strip()
    if crossing.vehicle is not None:
        return f"{crossing.vehicle.plate} ({crossing.vehicle.country})"
    return ""


def open_alerts(uow: UnitOfWork, post_code: str, origin: HitOrigin) -> Alerts:
    """The open hits of ``origin`` at the post, grouped, the group with the newest hit first."""
    post = posts_repository.post_by_code(uow.session, post_code)
    if post is None:
        raise NotFound("post", Message("no post with code {code!r}", code=post_code))
    where = (
        ScreeningHit.post_id == post.id,
        ScreeningHit.state == HitState.OPEN.value,
        ScreeningHit.origin == origin.value,
    )
    total = uow.session.scalar(select(func.count()).select_from(ScreeningHit).where(*where)) or 0
    hits = uow.session.scalars(
        select(ScreeningHit).where(*where).order_by(ScreeningHit.created_at.desc()).limit(MAX_HITS)
    ).all()
    crossings = {
        c.id: c
        for c in uow.session.scalars(
            select(Crossing)
            .where(Crossing.id.in_({h.crossing_id for h in hits}))
            .options(
                selectinload(Crossing.traveller),
                selectinload(Crossing.vehicle),
                selectinload(Crossing.lane),
            )
        )
    }
    groups: dict[tuple[object, ...], tuple[ScreeningHit, list[CrossingLine]]] = {}
    for hit in hits:
        crossing = crossings[hit.crossing_id]
        line = CrossingLine(
            crossing.id,
            crossing.time,
            crossing.direction,
            _who(crossing),
            crossing.lane.code if crossing.lane is not None else None,
        )
        found = groups.setdefault(same_subject(hit), (hit, []))
        if all(known.id != line.id for known in found[1]):
            found[1].append(line)
    shown = views(uow, [first for first, _ in groups.values()])
    return Alerts(
        [HitGroup(view, lines) for view, (_, lines) in zip(shown, groups.values(), strict=True)],
        total,
    )
