"""Queries of what headquarters holds of the posts' logs: the followed logs and the alerts."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from borderpost.db import SessionFactory
from borderpost.ledger.follow.model import FollowAlert, FollowedLog


def open_alerts(session: Session, post: str | None = None, limit: int = 100) -> list[FollowAlert]:
    """The latest alerts (of one post, or all), newest first."""
    query = select(FollowAlert).order_by(FollowAlert.raised_at.desc()).limit(limit)
    if post is not None:
        query = query.where(FollowAlert.post == post)
    return list(session.execute(query).scalars())


def followed(session: Session) -> list[FollowedLog]:
    """Every followed log as last checked."""
    return list(session.execute(select(FollowedLog).order_by(FollowedLog.post)).scalars())


def status(session_factory: SessionFactory) -> list[dict[str, object]]:
    """Per followed post: size checked, state, when, and how many alerts (for ``sync status``)."""
    with session_factory() as session:
        counts: dict[str, int] = {
            post: int(n)
            for post, n in session.execute(
                select(FollowAlert.post, func.count()).group_by(FollowAlert.post)
            )
        }
        return [
            {
                "post": f.post,
                "checked_size": f.size,
                "state": f.state,
                "checked_at": f.checked_at.isoformat() if f.checked_at else None,
                "problem": f.problem,
                "alerts": counts.get(f.post, 0),
            }
            for f in followed(session)
        ]
