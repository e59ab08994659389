"""Daily counts by category, for the reports page chart and the observer's overview."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select

from borderpost.crossings.model import Crossing
from borderpost.errors import invalid
from borderpost.messages import Message
from borderpost.posts.services import get_post
from borderpost.unit_of_work import UnitOfWork
from borderpost.vocab import Category

MAX_DAYS = 366


@dataclass(frozen=True)
class DailyCounts:
    days: list[dt.date]
    # counts[day][category] for every day and category, zeros included
    counts: dict[dt.date, dict[str, int]]

    def total(self, day: dt.date) -> int:
        return sum(self.counts[day].values())


def daily_by_category(
    uow: UnitOfWork, first: dt.date, last: dt.date, post_codes: list[str]
) -> DailyCounts:
    """Crossings a day by category over ``first``..``last``, days in each post's time zone."""
    if last < first:
        raise invalid("to", "must not be before from")
    if (last - first).days >= MAX_DAYS:
        raise invalid("from", Message("the range is limited to {days} days", days=MAX_DAYS))
    days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    counts = {day: dict.fromkeys((c.value for c in Category), 0) for day in days}
    for code in post_codes:
        post = get_post(uow, code)
        for day in days:
            start, end = post.local_day_bounds(day, day)
            rows = uow.session.execute(
                select(Crossing.category, func.count())
                .where(Crossing.post_id == post.id, Crossing.time >= start, Crossing.time < end)
                .group_by(Crossing.category)
            )
            for category, n in rows:
                counts[day][category] = counts[day].get(category, 0) + n
    return DailyCounts(days, counts)
