"""What the network looks like from this node: ``borderpost sync status``, the admin page and
/metrics read the same figures from here.

At a post: the outbox's backlog (never published, not yet confirmed by headquarters, the
oldest of them, the last confirmation) and the shipper's state. At headquarters: per post,
the events taken in, when the last was committed, the lag of the last batch (written at the
post to committed here), how many are parked, and the ingest's state. A node may be both.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from borderpost.sync import follow, shipper
from borderpost.sync.model import ParkedEvent, PostIngest


@dataclass(frozen=True)
class PostLine:
    """Headquarters' ingest of one post."""

    post: str
    events: int  # taken in: applied, duplicates, older changes, parked
    last_applied_at: dt.datetime | None  # the last batch committed here
    last_recorded_at: dt.datetime | None  # the newest event committed, as written at the post
    lag_seconds: float | None  # of the last batch: written at the post to committed here
    parked: int


@dataclass(frozen=True)
class NodeStatus:
    outbox: shipper.Backlog
    shipper: shipper.ShipperState | None
    ingest: follow.IngestState | None
    posts: list[PostLine]


def node_status(session_factory: sessionmaker[Session], home: Path) -> NodeStatus:
    with session_factory() as session:
        parked: dict[str, int] = {
            post: n
            for post, n in session.execute(
                select(ParkedEvent.post, func.count()).group_by(ParkedEvent.post)
            )
        }
        ingested = {r.post: r for r in session.scalars(select(PostIngest))}
    lines = [
        PostLine(
            post,
            ingested[post].events if post in ingested else 0,
            ingested[post].last_applied_at if post in ingested else None,
            ingested[post].last_recorded_at if post in ingested else None,
            ingested[post].lag_seconds if post in ingested else None,
            int(parked.get(post, 0)),
        )
        for post in sorted(set(parked) | set(ingested))
    ]
    return NodeStatus(
        shipper.backlog(session_factory),
        shipper.read_state(shipper.state_path(home)),
        follow.read_state(follow.state_path(home)),
        lines,
    )
