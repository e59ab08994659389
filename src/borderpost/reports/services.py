"""The summary report: crossings counted by kind, category, direction, decision, organisation type.

Days are inclusive at both ends and read in each post's own time zone.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from sqlalchemy import func, select

from borderpost.crossings.model import Crossing
from borderpost.errors import invalid
from borderpost.posts import repository as posts_repository
from borderpost.posts.model import Post
from borderpost.posts.services import get_post
from borderpost.reports.model import CrossingCount
from borderpost.reports.summary import NO_ORGANISATION, Shape, build_summary
from borderpost.unit_of_work import UnitOfWork


def summary(
    uow: UnitOfWork, first: dt.date, last: dt.date, post_code: str | None = None
) -> dict[str, Any]:
    """Counts over ``first``..``last`` (inclusive) for one post, or for every post."""
    if last < first:
        raise invalid("to", "must not be before from")
    posts: list[Post] = (
        [get_post(uow, post_code)] if post_code else posts_repository.all_posts(uow.session)
    )
    counts: Counter[Shape] = Counter()
    for post in posts:
        start, end = post.local_day_bounds(first, last)
        whole_from, whole_to = _ceil_day(start), _floor_day(end)
        if whole_from >= whole_to:  # no whole UTC day inside the period
            _count_crossings(uow, post, start, end, counts)
            continue
        # Whole UTC days from the triggers' counts (reports/model.py); the partial days at
        # either end, between local and UTC midnight, from the crossings themselves.
        _count_days(uow, post, whole_from, whole_to, counts)
        _count_crossings(uow, post, start, whole_from, counts)
        _count_crossings(uow, post, whole_to, end, counts)
    return build_summary(counts, first, last, [p.code for p in posts])


def _floor_day(t: dt.datetime) -> dt.datetime:
    return t.replace(hour=0, minute=0, second=0, microsecond=0)


def _ceil_day(t: dt.datetime) -> dt.datetime:
    floor = _floor_day(t)
    return floor if floor == t else floor + dt.timedelta(days=1)


def _count_days(
    uow: UnitOfWork, post: Post, start: dt.datetime, end: dt.datetime, counts: Counter[Shape]
) -> None:
    rows = uow.session.execute(
        select(
            CrossingCount.kind,
            CrossingCount.category,
            CrossingCount.direction,
            CrossingCount.decision,
            CrossingCount.organisation_type,
            func.sum(CrossingCount.n),
        )
        .where(
            CrossingCount.post_id == post.id,
            CrossingCount.day >= start,
            CrossingCount.day < end,
        )
        .group_by(
            CrossingCount.kind,
            CrossingCount.category,
            CrossingCount.direction,
            CrossingCount.decision,
            CrossingCount.organisation_type,
        )
    )
    for kind, category, direction, decision, org_type, n in rows:
        if n:
            org = None if org_type == NO_ORGANISATION else org_type
            counts[(kind, category, direction, decision, org)] += int(n)


def _count_crossings(
    uow: UnitOfWork, post: Post, start: dt.datetime, end: dt.datetime, counts: Counter[Shape]
) -> None:
    if start >= end:
        return
    rows = uow.session.execute(
        select(
            Crossing.kind,
            Crossing.category,
            Crossing.direction,
            Crossing.decision,
            Crossing.organisation_type,
            func.count(),
        )
        .where(Crossing.post_id == post.id, Crossing.time >= start, Crossing.time < end)
        .group_by(
            Crossing.kind,
            Crossing.category,
            Crossing.direction,
            Crossing.decision,
            Crossing.organisation_type,
        )
    )
    for kind, category, direction, decision, org_type, n in rows:
        counts[(kind, category, direction, decision, org_type)] += n
