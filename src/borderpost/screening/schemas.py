"""Pydantic shapes of the screening API: lists, search results, hits and resolutions."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from borderpost.schemas import Code
from borderpost.screening.model import HitState
from borderpost.screening.review import HitView, ListSummary, SearchResult


class WatchlistRead(BaseModel):
    name: str
    kind: str
    version: str | None
    source: str | None
    imported_at: dt.datetime | None
    imported_by: str | None
    entries: int

    @classmethod
    def of(cls, w: ListSummary) -> WatchlistRead:
        return cls(**w.__dict__)


class ScreeningSearch(BaseModel):
    """A search of the active lists. Sent as a body, never in the address: a name and a birth
    date in a query string end up in server and proxy logs."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    birth_date: (
        Annotated[str, StringConstraints(max_length=10, pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")]
        | None
    ) = None
    nationality: (
        Annotated[str, StringConstraints(max_length=3, pattern=r"^[A-Za-z]{2,3}$")] | None
    ) = None
    list_name: Annotated[str, StringConstraints(max_length=64)] | None = Field(None, alias="list")
    limit: int = Field(10, ge=1, le=50)


class SearchHitRead(BaseModel):
    watchlist: str
    entry: str
    score: float
    match: bool
    matched: str
    explanation: list[str]

    @classmethod
    def of(cls, r: SearchResult, threshold: float) -> SearchHitRead:
        return cls(
            watchlist=r.list,
            entry=r.entry,
            score=r.score,
            match=r.score >= threshold,
            matched=r.matched,
            explanation=list(r.explanation),
        )


class PriorRead(BaseModel):
    hit: uuid.UUID
    by: str | None
    at: dt.datetime | None
    reason: str | None


class HitRead(BaseModel):
    id: uuid.UUID
    crossing: uuid.UUID
    post: str
    watchlist: str
    entry: str
    subject: str
    score: float
    matched: str
    explanation: list[str]
    origin: str
    state: str
    refers: bool
    previously_resolved: PriorRead | None
    resolved_by: str | None
    resolved_at: dt.datetime | None
    resolution_reason: str | None

    @classmethod
    def of(cls, view: HitView) -> HitRead:
        h = view.hit
        prior = None
        if h.prior_hit_id is not None:
            prior = PriorRead(
                hit=h.prior_hit_id, by=h.resolved_by, at=h.resolved_at, reason=h.resolution_reason
            )
        return cls(
            id=h.id,
            crossing=h.crossing_id,
            post=view.post,
            watchlist=view.list,
            entry=h.entry_key,
            subject=h.subject,
            score=h.score,
            matched=h.matched,
            explanation=list(h.explanation),
            origin=h.origin,
            state=h.state,
            refers=h.refers,
            previously_resolved=prior,
            resolved_by=h.resolved_by,
            resolved_at=h.resolved_at,
            resolution_reason=h.resolution_reason,
        )


class HitResolve(BaseModel):
    model_config = ConfigDict(extra="forbid")

    post: Code
    verdict: HitState
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
