"""Reference data every crossing reads: posts with their lanes and closures, organisations,
corridors (a vehicle crossing at a corridor's end is paired into its transits).

They change rarely and are read on every crossing, so each process keeps a snapshot of them.
A random token in ``reference_state``, replaced in the same transaction as any change to
posts, lanes, closures, organisations or corridors, says whether a snapshot is still
current: one tiny query per crossing instead of five, and correct across processes and rolled-back
transactions (a token is never reused, and equal tokens mean equal data).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import OrderedDict
from dataclasses import dataclass

from sqlalchemy import Connection, String, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from borderpost.db import READS_QUEUE, Base
from borderpost.organisations.model import Organisation
from borderpost.posts.model import Closure, Lane, Post
from borderpost.transit.model import Corridor


class ReferenceState(Base):
    __tablename__ = "reference_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(36), comment="Replaced on every reference change")


@dataclass(frozen=True)
class Reference:
    """Detached copies: plain objects carrying the domain rules, never attached to a session."""

    token: str
    posts: dict[str, Post]
    closures: dict[uuid.UUID, list[Closure]]
    organisations: dict[str, Organisation]
    corridors: dict[uuid.UUID, list[Corridor]]  # by the id of either end's post

    def closure_at(self, post: Post, moment: dt.datetime) -> Closure | None:
        return next((c for c in self.closures.get(post.id, []) if c.covers(moment)), None)


_SNAPSHOTS: OrderedDict[str, Reference] = OrderedDict()
_KEEP = 8


def touch(session: Session) -> None:
    """Mark reference data as changed, in the caller's transaction."""
    session.execute(update(ReferenceState).values(token=str(uuid.uuid4())))
    session.info.pop("reference", None)


def for_session(session: Session) -> Reference:
    """The snapshot, checked once per unit of work: a batch sees the data as it began.

    The booth opens one unit of work per crossing, so each crossing sees the current state.
    """
    snapshot: Reference | None = session.info.get("reference")
    if snapshot is None:
        snapshot = current(session.connection())
        session.info["reference"] = snapshot
    return snapshot


# Reads no row a crossing queues: the queue need not be written first.
_TOKEN = select(ReferenceState.__table__.c.token).execution_options(**{READS_QUEUE: True})


def current(conn: Connection) -> Reference:
    """The snapshot for the state this connection sees (its own uncommitted changes included)."""
    token = conn.execute(_TOKEN).scalar_one()
    snapshot = _SNAPSHOTS.get(token)
    if snapshot is None:
        snapshot = _load(conn, token)
        _SNAPSHOTS[token] = snapshot
        while len(_SNAPSHOTS) > _KEEP:
            _SNAPSHOTS.popitem(last=False)
    return snapshot


def _load(session: Connection, token: str) -> Reference:
    # Core rows copied into transient objects, so the session's own objects stay untouched.
    posts: dict[str, Post] = {}
    by_id: dict[uuid.UUID, Post] = {}
    for row in session.execute(select(Post.__table__)).mappings():
        post = Post(**dict(row))
        post.lanes = []
        posts[post.code] = post
        by_id[post.id] = post
    for row in session.execute(select(Lane.__table__)).mappings():
        lane = Lane(**dict(row))
        by_id[lane.post_id].lanes.append(lane)
    closures: dict[uuid.UUID, list[Closure]] = {}
    for row in session.execute(select(Closure.__table__)).mappings():
        closure = Closure(**dict(row))
        closures.setdefault(closure.post_id, []).append(closure)
    rows = session.execute(select(Organisation.__table__)).mappings()
    organisations = {org.code: org for org in (Organisation(**dict(r)) for r in rows)}
    corridors: dict[uuid.UUID, list[Corridor]] = {}
    for row in session.execute(select(Corridor.__table__)).mappings():
        corridor = Corridor(**dict(row))
        for end in {corridor.post_a_id, corridor.post_b_id}:
            corridors.setdefault(end, []).append(corridor)
    return Reference(token, posts, closures, organisations, corridors)
