"""Building the demo: its places, watchlist and traffic, recorded through the use cases."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from borderpost import clock
from borderpost.crossings.services import record_crossing
from borderpost.db import SessionFactory
from borderpost.demo import watchlists
from borderpost.demo.corridor import CLOSURES, CORRIDOR, LANES, ORGANISATIONS, POSTS, time_zone
from borderpost.demo.traffic import Traffic, day_of_traffic, transit_schedule
from borderpost.organisations.schemas import OrganisationCreate
from borderpost.organisations.services import save_organisation
from borderpost.posts.schemas import ClosureCreate, PostCreate
from borderpost.posts.services import close_post, save_post
from borderpost.transit.schemas import CorridorCreate
from borderpost.transit.services import add_corridor
from borderpost.unit_of_work import UnitOfWork


def build_demo(
    session_factory: SessionFactory,
    *,
    days: int = 42,
    seed: int = 7,
    progress: Callable[[int], None] | None = None,
) -> dict[str, int]:
    """Create the demo's posts, organisations, closures and ``days`` days of crossings."""
    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    today = clock.now().date()
    first_day = today - dt.timedelta(days=days)
    traffic = Traffic(rng, today)
    counts = {
        "posts": 0,
        "organisations": 0,
        "crossings": 0,
        "closures": 0,
        "corridors": 0,
        "listed": 0,
    }
    # Its own random sequence, so the rest of the demo's traffic stays as it was.
    transits = transit_schedule(random.Random(seed + 1), first_day, days)  # noqa: S311

    with UnitOfWork(session_factory, actor="system:demo") as uow:
        for post in POSTS:
            save_post(uow, PostCreate.model_validate({**post, "lanes": LANES}))
            counts["posts"] += 1
        for code, name, kind in ORGANISATIONS:
            save_organisation(uow, OrganisationCreate(code=code, name=name, type=kind))
            counts["organisations"] += 1
        add_corridor(uow, CorridorCreate.model_validate(CORRIDOR))
        counts["corridors"] += 1
        for offset, hour, hours, post_code, reason, authority in CLOSURES:
            if offset >= days:
                continue
            start = dt.datetime.combine(
                first_day + dt.timedelta(days=offset), dt.time(6), tzinfo=time_zone(post_code)
            ) + dt.timedelta(hours=hour)
            close_post(
                uow,
                post_code,
                ClosureCreate(
                    starts_at=start,
                    ends_at=start + dt.timedelta(hours=hours),
                    reason=reason,
                    authority=authority,
                ),
            )
            counts["closures"] += 1
        counts["listed"] = watchlists.import_watchlist(uow, traffic.cars[7]["plate"])
        uow.commit()

    for index in range(days):
        day = first_day + dt.timedelta(days=index)
        with UnitOfWork(session_factory, actor="system:demo") as uow:
            for post in POSTS:
                planned = transits.get((post["code"], day), [])
                commands = day_of_traffic(rng, traffic, post["code"], day) + planned
                # Stable: a vehicle stays before the passengers recorded at its time.
                for command in sorted(commands, key=lambda c: c.time):
                    record_crossing(uow, command)
                    counts["crossings"] += 1
            uow.commit()
        if progress is not None:
            progress(index + 1)
    return counts
