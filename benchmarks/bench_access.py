"""The access report over a million crossings, on SQLite and PostgreSQL.

    .venv/bin/python -m benchmarks.bench_access [--n 1000000] [--backends sqlite,postgres]

The crossings of bench_report (two posts, all of 2025), four in five with an arrival time
(a wait of 0 to 3 hours), opening hours 06:00-22:00 and one closure a fortnight per post.
Figures: wall time of reports.access.services.access for one post over 31 days, and for every post
over the whole year (366 days is the longest range allowed); median and worst of 5 runs
after one warm-up. The report keeps each ended day it reads (``access_days``): each is
measured warm (the warm-up kept the days) and as a first read (the table emptied before each
run, the emptying not timed).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm import Session, sessionmaker

from benchmarks.bench_report import load
from benchmarks.common import machine, scratch_engine
from borderpost.db import make_session_factory
from borderpost.posts.model import Post
from borderpost.posts.schemas import ClosureCreate
from borderpost.posts.services import close_post
from borderpost.reports.access.services import access
from borderpost.reports.model import AccessDay
from borderpost.unit_of_work import UnitOfWork

HOURS = {day: ["06:00", "22:00"] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


def _arrival(rng: random.Random, row: dict[str, Any]) -> None:
    if rng.random() < 0.8:
        row["arrived_at"] = row["time"] - dt.timedelta(seconds=rng.randrange(3 * 3600))
    if row["decision"] == "refused":
        row["reasons"] = ["bench"]
        row["flags"] = [rng.choice(["post_closed", "document_expired", "watchlist_hit"])]


def _closures(factory: sessionmaker[Session]) -> None:
    with UnitOfWork(factory, actor="bench") as uow:
        for post in uow.session.query(Post).all():
            post.opening_hours = HOURS
            for week in range(0, 52, 2):
                starts = dt.datetime(2025, 1, 3, 20, tzinfo=dt.UTC) + dt.timedelta(weeks=week)
                close_post(
                    uow,
                    post.code,
                    ClosureCreate(
                        starts_at=starts,
                        ends_at=starts + dt.timedelta(hours=7),
                        reason="bench",
                        authority="bench",
                    ),
                )
        uow.commit()


def _time(
    run: Callable[[], dict[str, Any]], before: Callable[[], None] | None = None
) -> tuple[float, float, dict[str, Any]]:
    times, result = [], {}
    for attempt in range(6):
        if before is not None:
            before()
        began = time.perf_counter()
        result = run()
        if attempt:
            times.append(time.perf_counter() - began)
    return statistics.median(times), max(times), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--backends", default="sqlite,postgres")
    args = parser.parse_args()
    print(f"bench_access: access report over {args.n:,} crossings; {machine()}")
    for backend in args.backends.split(","):
        with scratch_engine(backend) as engine:
            factory = make_session_factory(engine)
            first, last = load(factory, args.n, more=_arrival)
            _closures(factory)
            if backend == "postgres":
                with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                    conn.exec_driver_sql("VACUUM ANALYZE crossings")
            else:
                with engine.begin() as conn:
                    conn.exec_driver_sql("ANALYZE")

            def month(factory: sessionmaker[Session] = factory) -> dict[str, Any]:
                with UnitOfWork(factory) as uow:
                    return access(uow, dt.date(2025, 6, 1), dt.date(2025, 7, 1), "W")

            def year(
                factory: sessionmaker[Session] = factory,
                first: dt.date = first,
                last: dt.date = last,
            ) -> dict[str, Any]:
                with UnitOfWork(factory) as uow:
                    return access(uow, first, last)

            def forget(factory: sessionmaker[Session] = factory) -> None:
                with factory() as session:
                    session.execute(delete(AccessDay))
                    session.commit()

            for label, run, before in (
                ("one post, 31 days", month, None),
                ("every post, 365 days", year, None),
                ("one post, first read", month, forget),
                ("every post, first read", year, forget),
            ):
                median, worst, result = _time(run, before)
                net = result["network"]
                print(
                    f"{backend:10} {label:22} crossings {net['crossings']:>9,}"
                    f"  waits known {net['waiting']['known']:>9,}"
                    f"  median {median * 1000:7.1f} ms  worst {worst * 1000:7.1f} ms"
                )


if __name__ == "__main__":
    main()
