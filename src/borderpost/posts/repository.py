"""Queries on posts, lanes and closures."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from borderpost.posts.model import Closure, Lane, Post


def post_by_code(session: Session, code: str) -> Post | None:
    # Posts are few and read on every crossing: keep them for the life of the session.
    cache: dict[str, Post] = session.info.setdefault("posts_by_code", {})
    post = cache.get(code)
    if post is None:
        post = session.scalars(
            select(Post).where(Post.code == code).options(selectinload(Post.lanes))
        ).one_or_none()
        if post is not None:
            cache[code] = post
    return post


def all_posts(session: Session) -> list[Post]:
    return list(session.scalars(select(Post).options(selectinload(Post.lanes)).order_by(Post.code)))


def lane_by_code(post: Post, code: str) -> Lane | None:
    return next((lane for lane in post.lanes if lane.code == code), None)


def closure_at(session: Session, post: Post, moment: dt.datetime) -> Closure | None:
    # A post has few closures and every crossing asks: read them once per session.
    cache: dict[object, list[Closure]] = session.info.setdefault("closures", {})
    closures = cache.get(post.id)
    if closures is None:
        closures = list(session.scalars(select(Closure).where(Closure.post_id == post.id)))
        cache[post.id] = closures
    return next((c for c in closures if c.covers(moment)), None)


def forget_closures(session: Session) -> None:
    """Closures changed in this session: read them again on the next question."""
    session.info.pop("closures", None)


def closures_overlapping(
    session: Session, post: Post, starts_at: dt.datetime, ends_at: dt.datetime | None
) -> list[Closure]:
    query = select(Closure).where(
        Closure.post_id == post.id, or_(Closure.ends_at.is_(None), Closure.ends_at > starts_at)
    )
    if ends_at is not None:
        query = query.where(Closure.starts_at < ends_at)
    return list(session.scalars(query))


def closures_of(session: Session, post: Post, limit: int = 100, offset: int = 0) -> list[Closure]:
    return list(
        session.scalars(
            select(Closure)
            .where(Closure.post_id == post.id)
            .order_by(Closure.starts_at.desc())
            .limit(limit)
            .offset(offset)
        )
    )


def closure_by_id(session: Session, post: Post, closure_id: object) -> Closure | None:
    closure = session.get(Closure, closure_id)
    return closure if closure is not None and closure.post_id == post.id else None
