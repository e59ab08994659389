"""A corridor's transits and repeated movements over a million crossings, SQLite and PostgreSQL.

    .venv/bin/python -m benchmarks.bench_transits [--n 1000000] [--backends sqlite,postgres]

Transits are stored as their crossings are recorded (transit/stored.py): the figures are the
wall time of the corridor page's reading (the period counted by state and charted by the
database, and the first page of rows) for the last 30 days (the default period) and for the
whole year, of every transit of 30 days read in batches (the CSV), of the overdue list (30
days, read the same way), and of repeated_movements at one post for 30 days; median and worst
of 5 runs after a warm-up. The crossings are loaded with Core bulk inserts over one
year at two posts (40% vehicles from a pool of 20,000 plates, directions and decisions at
random), which bypass recording; the corridor is then made, which pairs that history (timed).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any, cast

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session, sessionmaker

from benchmarks.common import machine, scratch_engine
from borderpost.crossings.model import Crossing
from borderpost.db import make_session_factory
from borderpost.ids import new_id
from borderpost.posts.schemas import PostCreate
from borderpost.posts.services import save_post
from borderpost.transit import services
from borderpost.transit.pairing import TransitState
from borderpost.transit.schemas import CorridorCreate
from borderpost.transit.web import PAGE
from borderpost.unit_of_work import UnitOfWork
from borderpost.vehicles.model import Vehicle

START = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
LAST = dt.date(2025, 12, 31)


def load(factory: sessionmaker[Session], n: int) -> None:
    rng = random.Random(11)
    with UnitOfWork(factory) as uow:
        posts = [save_post(uow, PostCreate(code=c, name=c, timezone="UTC"))[0] for c in "WE"]
        uow.commit()
        post_ids = [p.id for p in posts]
    now = dt.datetime.now(dt.UTC)
    vehicles = [
        {"id": new_id(), "post_id": post_ids[0], "plate": f"B-{i:05d}", "plate_key": f"B{i:05d}",
         "country": "GEO", "type": "truck", "created_at": now}
        for i in range(20_000)
    ]  # fmt: skip
    with UnitOfWork(factory) as uow:
        uow.session.execute(insert(cast(Table, Vehicle.__table__)), vehicles)
        uow.commit()
    table = cast(Table, Crossing.__table__)
    span = 365 * 24 * 3600
    done = 0
    while done < n:
        rows = []
        for _ in range(min(20_000, n - done)):
            vehicle = rng.random() < 0.4
            rows.append(
                {"id": new_id(), "post_id": rng.choice(post_ids),
                 "direction": rng.choice(["in", "out"]),
                 "time": START + dt.timedelta(seconds=rng.randrange(span)),
                 "kind": "vehicle" if vehicle else "person", "category": "commercial",
                 "organisation_id": None, "organisation_type": None, "traveller_id": None,
                 "document_id": None,
                 "vehicle_id": rng.choice(vehicles)["id"] if vehicle else None,
                 "vehicle_type": "truck" if vehicle else None, "carried_by_id": None,
                 "convoy_id": None, "lane_id": None, "officer": "bench",
                 "decision": rng.choice(["admitted"] * 8 + ["referred", "refused"]),
                 "reasons": [], "flags": [], "recorded_at": now}
            )  # fmt: skip
        with UnitOfWork(factory) as uow:
            uow.session.execute(insert(table), rows)
            uow.commit()
        done += len(rows)
        print(f"\r  loaded {done:,}/{n:,}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    began = time.perf_counter()
    with UnitOfWork(factory) as uow:
        services.add_corridor(
            uow,
            CorridorCreate(code="WE", name="WE", post_a="W", post_b="E", deadline_hours=48),
        )
        uow.commit()
    print(f"  corridor made, history paired: {time.perf_counter() - began:.1f} s", flush=True)


def timed(label: str, run: Callable[[], int]) -> None:
    times = []
    found = 0
    for attempt in range(6):
        began = time.perf_counter()
        found = run()
        if attempt:
            times.append(time.perf_counter() - began)
    print(
        f"  {label:34} {found:>8,} found  median {statistics.median(times) * 1000:7.0f} ms"
        f"  worst {max(times) * 1000:7.0f} ms",
        flush=True,
    )


NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def transits(
    factory: sessionmaker[Session], first: dt.date, state: TransitState | None = None
) -> Callable[[], int]:
    """What the corridor page reads: the period counted by state and charted by the database,
    and the first page of rows (``transit.web.PAGE``). Answers the total counted."""

    def run() -> int:
        with UnitOfWork(factory) as uow:
            corridor = services.get_corridor(uow, "WE")
            period = services.Period(first, LAST)
            tally = services.tally(uow, corridor, period, now=NOW)
            services.page(
                uow, corridor, period, state=state, now=NOW, limit=PAGE, counts=tally.counts
            )
            return tally.total(state)

    return run


def overdue(factory: sessionmaker[Session], first: dt.date) -> Callable[[], int]:
    return transits(factory, first, TransitState.OVERDUE)


def every_transit(factory: sessionmaker[Session], first: dt.date) -> Callable[[], int]:
    """Every transit of the period, as the CLI lists them and the CSV streams them."""

    def run() -> int:
        with UnitOfWork(factory) as uow:
            corridor = services.get_corridor(uow, "WE")
            period = services.Period(first, LAST)
            return sum(
                len(batch)
                for batch in services.transit_batches(uow.session, corridor, period, now=NOW)
            )

    return run


def repeated(factory: sessionmaker[Session]) -> Callable[[], int]:
    def run() -> int:
        with UnitOfWork(factory) as uow:
            period = services.Period(LAST - dt.timedelta(days=29), LAST)
            found: list[Any] = services.repeated_movements(uow, period, post="W")
            return len(found)

    return run


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--backends", default="sqlite,postgres")
    args = parser.parse_args()
    print(f"bench_transits: {args.n:,} crossings; {machine()}", flush=True)
    for backend in args.backends.split(","):
        print(backend, flush=True)
        with scratch_engine(backend) as engine:
            factory = make_session_factory(engine)
            load(factory, args.n)
            if backend == "postgres":
                with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                    conn.exec_driver_sql("VACUUM ANALYZE")
            else:
                with engine.begin() as conn:
                    conn.exec_driver_sql("ANALYZE")

            thirty = LAST - dt.timedelta(days=29)
            timed("transits, last 30 days", transits(factory, thirty))
            timed("transits, whole year", transits(factory, dt.date(2025, 1, 1)))
            timed("every transit, 30 days (CSV)", every_transit(factory, thirty))
            timed("overdue list, last 30 days", overdue(factory, LAST - dt.timedelta(days=29)))
            timed("repeated movements at W, 30 days", repeated(factory))


if __name__ == "__main__":
    main()
