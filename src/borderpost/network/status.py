"""What a post runs of headquarters' versions, how old each is, what it refused: for
``borderpost sync status``, the post's sync page and the booth's stale-list notice."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from borderpost import clock
from borderpost.network.model import NetworkVersion


@dataclass(frozen=True)
class VersionLine:
    kind: str
    version: int
    published_at: dt.datetime | None
    applied_at: dt.datetime | None
    age_hours: float | None  # since headquarters published it
    stale: bool  # a watchlist older than the configured age
    refused_version: int | None
    refused_reason: str | None
    refused_at: dt.datetime | None

    def as_dict(self) -> dict[str, object]:
        return {
            k: (v.isoformat() if isinstance(v, dt.datetime) else v)
            for k, v in self.__dict__.items()
        }


def versions(session: Session, stale_hours: float) -> list[VersionLine]:
    now = clock.now()
    out = []
    for row in session.scalars(select(NetworkVersion).order_by(NetworkVersion.kind)):
        age = (now - row.published_at).total_seconds() / 3600 if row.published_at else None
        stale = row.kind.startswith("list:") and (age is None or age > stale_hours)
        out.append(
            VersionLine(
                row.kind,
                row.version,
                row.published_at,
                row.applied_at,
                None if age is None else round(age, 2),
                stale,
                row.refused_version,
                row.refused_reason,
                row.refused_at,
            )
        )
    return out


def stale_lists(session: Session, stale_hours: float) -> list[VersionLine]:
    """The watchlists this post runs that are older than ``stale_hours`` (the booth's notice)."""
    return [v for v in versions(session, stale_hours) if v.stale]
