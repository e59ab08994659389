"""Reading and resolving: the lists, searches over them, hits and alerts, resolutions."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from borderpost import clock
from borderpost.errors import Conflict, NotFound, invalid
from borderpost.messages import Message
from borderpost.posts import repository as posts_repository
from borderpost.screening import screener as screeners
from borderpost.screening import shipping
from borderpost.screening.model import (
    EntryKind,
    HitOrigin,
    HitState,
    ScreeningHit,
    Watchlist,
    WatchlistVersion,
)
from borderpost.unit_of_work import UnitOfWork

MAX_REASON = 500


@dataclass(frozen=True)
class ListSummary:
    name: str
    kind: str
    version: str | None
    source: str | None
    imported_at: dt.datetime | None
    imported_by: str | None
    entries: int


@dataclass(frozen=True)
class SearchResult:
    """A match of a search over the active lists, as the CLI and the API show it."""

    list: str
    entry: str
    subject: str
    score: float
    matched: str
    explanation: tuple[str, ...]


def list_watchlists(uow: UnitOfWork) -> list[ListSummary]:
    rows = uow.session.execute(
        select(Watchlist, WatchlistVersion)
        .outerjoin(WatchlistVersion, WatchlistVersion.id == Watchlist.active_version_id)
        .order_by(Watchlist.name)
    ).all()
    return [
        ListSummary(
            w.name,
            w.kind,
            v.label if v else None,
            v.source if v else None,
            v.imported_at if v else None,
            v.imported_by if v else None,
            v.entry_count if v else 0,
        )
        for w, v in rows
    ]


def search(
    uow: UnitOfWork,
    name: str,
    *,
    birth_date: str | None = None,
    nationality: str | None = None,
    list_name: str | None = None,
    limit: int = 10,
) -> list[SearchResult]:
    """The best person entries of the active lists for ``name``, with explanations."""
    if not name.strip():
        raise invalid("name", "is required")
    screener = screeners.for_session(uow.session)
    if list_name is not None and all(li.name != list_name for li in screener.lists):
        raise NotFound("list", Message("no active list {list_name!r}", list_name=list_name))
    found = screener.person(
        name,
        birth_date=birth_date,
        nationality=nationality,
        limit=limit,
        min_score=0.0,
        only=list_name,
    )
    return [
        SearchResult(
            f.list.name,
            f.match.entry_id,
            f.subject.value,
            round(f.match.score, 4),
            f.match.matched_name,
            f.match.explanation,
        )
        for f in found
    ]


@dataclass(frozen=True)
class HitView:
    """A hit as the pages, the booth and the API show it: the stored hit with the names of its
    list and its post (the row keeps only their ids). What the pages read of the hit is read
    through, so a resolution made since shows at once."""

    hit: ScreeningHit
    list: str
    post: str

    @property
    def remembered(self) -> bool:
        """Whether it carries an earlier false-match resolution of the same entry."""
        return self.hit.prior_hit_id is not None

    def __getattr__(self, name: str) -> Any:
        # Everything else (id, score, state, explanation, resolved_by, ...) is the stored hit's;
        # never a private name, nor ``hit`` itself (an instance being copied has none yet).
        if name.startswith("_") or name == "hit":
            raise AttributeError(name)
        return getattr(self.hit, name)


def views(uow: UnitOfWork, hits: list[ScreeningHit]) -> list[HitView]:
    """The hits as pages show them, in the order given (two queries, whatever the number)."""
    names = {row.id: row.name for row in uow.session.execute(select(Watchlist.id, Watchlist.name))}
    codes = {p.id: p.code for p in posts_repository.all_posts(uow.session)}
    return [HitView(h, names.get(h.watchlist_id, "?"), codes.get(h.post_id, "?")) for h in hits]


def hits_of_crossing(uow: UnitOfWork, crossing_id: uuid.UUID) -> list[HitView]:
    hits = uow.session.scalars(
        select(ScreeningHit)
        .where(ScreeningHit.crossing_id == crossing_id)
        .order_by(ScreeningHit.score.desc())
    ).all()
    return views(uow, list(hits))


def hit_view(uow: UnitOfWork, hit_id: uuid.UUID) -> HitView:
    hit = uow.session.get(ScreeningHit, hit_id)
    if hit is None:
        raise NotFound("hit", Message("no hit {hit_id}", hit_id=hit_id))
    return views(uow, [hit])[0]


def hits_at_post(
    uow: UnitOfWork,
    post_code: str,
    *,
    state: HitState | None = None,
    origin: HitOrigin | None = None,
    limit: int = 100,
) -> list[HitView]:
    """Newest first: the hits (or, with ``origin=rescreen``, the alerts) of a post."""
    post = posts_repository.post_by_code(uow.session, post_code)
    if post is None:
        raise NotFound("post", Message("no post with code {code!r}", code=post_code))
    query = select(ScreeningHit).where(ScreeningHit.post_id == post.id)
    if state is not None:
        query = query.where(ScreeningHit.state == state.value)
    if origin is not None:
        query = query.where(ScreeningHit.origin == origin.value)
    hits = uow.session.scalars(query.order_by(ScreeningHit.created_at.desc()).limit(limit)).all()
    return views(uow, list(hits))


def resolve_hit(
    uow: UnitOfWork, post_code: str, hit_id: uuid.UUID, verdict: HitState, reason: str
) -> ScreeningHit:
    """Resolve an open hit of ``post_code`` as a true or false match, with a reason.

    A remembered false match (carried over from an earlier resolution) may be resolved as a
    true match; from then on the same entry refers the same traveller again.

    The other open hits of the same traveller, document or vehicle on the same entry at this
    post are the same question (one person, listed or not) and take the same answer: the
    alerts page shows them as one.
    """
    if verdict is HitState.OPEN:
        raise invalid("verdict", "must be true_match or false_match")
    reason = " ".join(reason.split())
    if not reason:
        raise invalid("reason", "is required")
    if len(reason) > MAX_REASON:
        raise invalid(
            "reason", Message("must be at most {max_length} characters", max_length=MAX_REASON)
        )
    hit = uow.session.get(ScreeningHit, hit_id)
    post = posts_repository.post_by_code(uow.session, post_code)
    if hit is None or post is None or hit.post_id != post.id:
        raise NotFound(
            "hit",
            Message("no hit {hit_id} at post {post_code}", hit_id=hit_id, post_code=post_code),
        )
    # A remembered false match may be overturned: the earlier resolution was someone else's.
    overturn = hit.prior_hit_id is not None and verdict is HitState.TRUE_MATCH
    if hit.state != HitState.OPEN.value and not overturn:
        raise Conflict(
            "verdict",
            Message("the hit is already resolved as {state}", state=Message.of(hit.state)),
        )
    same = [hit]
    if hit.state == HitState.OPEN.value:
        same += [h for h in open_hits_like(uow, hit) if h.id != hit.id]
    now = clock.now()
    for each in same:
        each.state = verdict.value
        each.resolved_by = uow.actor
        each.resolved_at = now
        each.resolution_reason = reason
        each.prior_hit_id = None  # resolved here and now, no longer carried over
    uow.session.flush()  # the audit hook records each change
    for each in same:
        shipping.queue_hit_record(uow.session, each)
    return hit


def same_subject(hit: ScreeningHit) -> tuple[object, ...]:
    """What makes two hits one question: the entry, and who or what matched it."""
    return (hit.watchlist_id, hit.entry_key, hit.subject, _subject_id(hit) or hit.id)


# The column that names who or what matched, by the kind of entry hit.
_SUBJECT_COLUMN = {
    EntryKind.PERSON.value: "traveller_id",
    EntryKind.DOCUMENT.value: "document_id",
    EntryKind.VEHICLE.value: "vehicle_id",
}


def _subject_id(hit: ScreeningHit) -> uuid.UUID | None:
    column = _SUBJECT_COLUMN.get(hit.subject)
    return getattr(hit, column) if column is not None else None


def open_hits_like(uow: UnitOfWork, hit: ScreeningHit) -> list[ScreeningHit]:
    """Open hits at ``hit``'s post on the same entry by the same traveller, document, plate."""
    subject_id = _subject_id(hit)
    if subject_id is None:
        return [hit]
    column = getattr(ScreeningHit, _SUBJECT_COLUMN[hit.subject])
    return list(
        uow.session.scalars(
            select(ScreeningHit).where(
                ScreeningHit.post_id == hit.post_id,
                ScreeningHit.state == HitState.OPEN.value,
                ScreeningHit.watchlist_id == hit.watchlist_id,
                ScreeningHit.entry_key == hit.entry_key,
                ScreeningHit.subject == hit.subject,
                column == subject_id,
            )
        )
    )
