"""What a post runs of headquarters' versions, how old each is, what it refused: for
``borderpost sync status``, the post's sync page and the booth's stale-list notice."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from borderpost import clock
from borderpost.config import Settings
from borderpost.network.enrolment import joined
from borderpost.network.model import NetworkVersion
from borderpost.network.state import read_state


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


def versions(
    session: Session, stale_hours: float, confirmed_at: dt.datetime | None = None
) -> list[VersionLine]:
    """Every kind the post runs. A watchlist is stale when it was published more than
    ``stale_hours`` ago and the post has not confirmed since (``confirmed_at``, its follower's
    last round that read headquarters) that it is still the latest: a list headquarters did not
    change is not stale while the link works."""
    now = clock.now()
    heard = confirmed_at is not None and (now - confirmed_at).total_seconds() / 3600 <= stale_hours
    out = []
    for row in session.scalars(select(NetworkVersion).order_by(NetworkVersion.kind)):
        age = (now - row.published_at).total_seconds() / 3600 if row.published_at else None
        old = age is None or age > stale_hours
        stale = row.kind.startswith("list:") and old and not heard
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


def confirmed_at(home: Path) -> dt.datetime | None:
    """When the post's follower last read headquarters (None: never, or not a post)."""
    state = read_state(home, "follower")
    if state is None or state.last_round_at is None:
        return None
    try:
        return dt.datetime.fromisoformat(state.last_round_at)
    except ValueError:
        return None


def sends_commands(settings: Settings) -> bool:
    """Whether this node is headquarters, which sends commands to the posts (it has no post of
    its own and has joined no network)."""
    return settings.node_post is None and joined(settings.home) is None


def for_node(session: Session, settings: Settings) -> list[VersionLine]:
    """What the node runs, for its pages and ``borderpost sync status``."""
    return versions(session, settings.watchlist_stale_hours, confirmed_at(settings.home))
