"""Headquarters at scale: a network's history, and the reports an analyst reads, as it grows.

    .venv/bin/python -m benchmarks.bench_scale [--sizes 1000000,3000000] [--backend postgres]
        [--per-year 1000000] [--runs 5] [--profile] [--unpartitioned | --compare]
        [--database NAME] [--only TEXT]

One database grows through the sizes. The network is 20 posts (four time zones, opening hours
06:00-22:00, a closure a fortnight in the latest year) and 10 corridors between pairs of posts
(P01-P02, P03-P04, ...). The history is made at a fixed rate (``--per-year`` crossings a year),
the latest year 2025 first and earlier years as it grows, so that the periods asked hold the
same crossings at every size and only the history around them grows. Crossings: 60% persons
(categories, decisions and waits of bench_report and bench_access) and 40% vehicles, as
journeys through a corridor (entry at one end, exit at the other 2 to 40 hours later; some
late, some never leaving, some returning, some refused), from a pool of 2,500 plates a
corridor. They are written with ``COPY`` on PostgreSQL (multi-row inserts on SQLite), which
bypasses recording; the corridors' transits are then stored as a new corridor and migration
0230 store them (``transit.stored.pair_corridor``, timed).

Figures: wall time, median of ``--runs`` after one warm-up, of the summary report, the
access report, a corridor's transits and its overdue list, for one post and one month
(P01, June 2025) and for every post and the whole of 2025 (every corridor, one after another,
for transits and the overdue list); then the growth of each from the smallest size to the
largest, against the aims (300 ms, 2 s, 1.5x). A corridor's transits and its overdue list are
read as the page reads them: the period counted by state and charted by the database, and the
first page of rows. The access report keeps each ended day it reads (``access_days``): its
rows are read warm (the warm-up filled them) and again as a first read (the table emptied
before each run). ``--only TEXT`` measures the pages whose label holds TEXT. ``--profile``
profiles (cProfile) the pages that miss their aim at the
largest size.

The database is a scratch one, dropped at the end; ``--database NAME`` (PostgreSQL) keeps it
under that name, and a later run with the same name reads it again (growing it only if a
size asked is larger), to read the same history with other code.

On PostgreSQL crossings are partitioned by month (migration 0250), the months of each year
made before it is written; ``--unpartitioned`` measures the plain table instead (the
database taken back one revision); ``--compare`` measures both at every size, the same rows
(taken back one revision after the partitioned figures, timed, then forward again, timed:
the migration's cost at that size). Each size prints which partitions a month's query reads
(EXPLAIN).
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import datetime as dt
import json
import os
import pstats
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, cast

import psycopg
from sqlalchemy import Engine, Table, delete, func, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from benchmarks.bench_access import _arrival, _closures
from benchmarks.bench_report import CATEGORIES
from benchmarks.common import PG_BASE, machine, scratch_engine
from borderpost import migrate
from borderpost.crossings import partitions
from borderpost.crossings.model import Crossing
from borderpost.db import make_engine, make_session_factory
from borderpost.ids import new_id
from borderpost.organisations.model import Organisation
from borderpost.organisations.schemas import OrganisationCreate
from borderpost.organisations.services import save_organisation
from borderpost.posts.model import Post
from borderpost.posts.schemas import PostCreate
from borderpost.posts.services import save_post
from borderpost.reports.access.services import access
from borderpost.reports.model import AccessDay
from borderpost.reports.services import summary
from borderpost.transit import services as transit
from borderpost.transit import stored
from borderpost.transit.model import Corridor, StoredTransit
from borderpost.transit.pairing import TransitState
from borderpost.transit.schemas import CorridorCreate
from borderpost.transit.web import PAGE
from borderpost.unit_of_work import UnitOfWork
from borderpost.vehicles.model import Vehicle

POSTS = [f"P{i:02d}" for i in range(1, 21)]
ZONES = ["Asia/Yerevan", "Asia/Baku", "Asia/Tbilisi", "UTC"]
PLATES = 2_500  # a corridor's
LATEST = 2025
MONTH = (dt.date(2025, 6, 1), dt.date(2025, 6, 30))
YEAR = (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
BATCH = 50_000
AIM_MONTH, AIM_YEAR, AIM_GROWTH = 0.3, 2.0, 1.5
_TABLE = cast(Table, Crossing.__table__)


@dataclass
class Network:
    post_ids: list[Any]
    org_id: Any
    corridors: list[tuple[Any, Any, list[Any]]]  # (post a, post b, plates)


def _existing(factory: sessionmaker[Session]) -> Network | None:
    """The network of a kept database (``--database``), or None when it has none yet."""
    with factory() as session:
        found = {p.code: p.id for p in session.scalars(select(Post))}
        if not found:
            return None
        org_id = session.scalars(select(Organisation.id).where(Organisation.code == "F")).one()
        post_ids = [found[code] for code in POSTS]
        corridors = []
        for k in range(0, len(post_ids), 2):
            plates = session.scalars(
                select(Vehicle.id).where(Vehicle.post_id == post_ids[k]).order_by(Vehicle.plate)
            ).all()
            corridors.append((post_ids[k], post_ids[k + 1], list(plates)))
    return Network(post_ids, org_id, corridors)


def setup(factory: sessionmaker[Session]) -> Network:
    """The posts, an organisation, the corridors (no history yet) and their plates."""
    kept = _existing(factory)
    if kept is not None:
        return kept
    with UnitOfWork(factory, actor="bench") as uow:
        posts = [
            save_post(uow, PostCreate(code=c, name=c, timezone=ZONES[i % len(ZONES)]))[0]
            for i, c in enumerate(POSTS)
        ]
        org = save_organisation(
            uow, OrganisationCreate(code="F", name="F", type="international_force")
        )[0]
        for a, b in zip(POSTS[::2], POSTS[1::2], strict=True):
            transit.add_corridor(
                uow, CorridorCreate(code=f"{a}-{b}", name=f"{a}-{b}", post_a=a, post_b=b,
                                    deadline_hours=48),
            )  # fmt: skip
        uow.commit()
        post_ids, org_id = [p.id for p in posts], org.id
    _closures(factory)  # opening hours, and a closure a fortnight in 2025 at every post
    now = dt.datetime.now(dt.UTC)
    corridors, vehicles = [], []
    for k in range(0, len(post_ids), 2):
        plates = []
        for i in range(PLATES):
            plate = f"{k:02d}-{i:05d}"
            vehicles.append(
                {"id": new_id(), "post_id": post_ids[k], "plate": plate,
                 "plate_key": plate.replace("-", ""), "country": "GEO", "type": "truck",
                 "created_at": now}
            )  # fmt: skip
            plates.append(vehicles[-1]["id"])
        corridors.append((post_ids[k], post_ids[k + 1], plates))
    with UnitOfWork(factory) as uow:
        uow.session.execute(insert(cast(Table, Vehicle.__table__)), vehicles)
        uow.commit()
    return Network(post_ids, org_id, corridors)


def _row(post: Any, direction: str, moment: dt.datetime) -> dict[str, Any]:
    return {
        "id": new_id(), "post_id": post, "direction": direction, "time": moment,
        "kind": "person", "category": "civilian", "organisation_id": None,
        "organisation_type": None, "traveller_id": None, "document_id": None,
        "vehicle_id": None, "vehicle_type": None, "carried_by_id": None, "convoy_id": None,
        "lane_id": None, "officer": "bench", "decision": "admitted", "reasons": [],
        "flags": [], "recorded_at": NOW, "arrived_at": None,
    }  # fmt: skip


def _person(rng: random.Random, net: Network, moment: dt.datetime) -> list[dict[str, Any]]:
    row = _row(rng.choice(net.post_ids), rng.choice(["in", "out"]), moment)
    row["category"] = rng.choice(CATEGORIES)
    row["decision"] = rng.choice(["admitted", "admitted", "admitted", "referred", "refused"])
    if rng.random() < 0.2:
        row["organisation_id"], row["organisation_type"] = net.org_id, "international_force"
    _arrival(rng, row)
    return [row]


def _journey(rng: random.Random, net: Network, moment: dt.datetime) -> list[dict[str, Any]]:
    """A vehicle through a corridor: entry at one end, exit at the other (mostly)."""
    a, b, plates = rng.choice(net.corridors)
    if rng.random() < 0.5:
        a, b = b, a
    vehicle, category = rng.choice(plates), rng.choice(["commercial", "commercial", "civilian"])
    entry = _row(a, "in", moment)
    roll = rng.random()
    hours = rng.uniform(2, 40) if roll < 0.9 else rng.uniform(49, 96)  # one in ten late
    leave = _row(a if roll > 0.97 else b, "out", moment + dt.timedelta(hours=hours))
    rows = [entry] if 0.95 < roll <= 0.97 else [entry, leave]  # some never leave
    for row in rows:
        row.update(kind="vehicle", vehicle_id=vehicle, vehicle_type="truck", category=category)
        _arrival(rng, row)
        row["decision"] = "admitted" if rng.random() < 0.97 else "refused"
    return rows


def _crossings(rng: random.Random, net: Network, year: int, n: int) -> Iterator[dict[str, Any]]:
    start = dt.datetime(year, 1, 1, tzinfo=dt.UTC)
    span = int((dt.datetime(year + 1, 1, 1, tzinfo=dt.UTC) - start).total_seconds())
    made = 0
    while made < n:
        moment = start + dt.timedelta(seconds=rng.randrange(span))
        make = _journey if rng.random() < 0.4 else _person
        for row in make(rng, net, moment)[: n - made]:
            made += 1
            yield row


def _write(engine: Engine, rows: list[dict[str, Any]]) -> None:
    if engine.dialect.name != "postgresql":
        with engine.begin() as conn:
            conn.execute(insert(_TABLE), rows)
        return
    columns = list(rows[0])
    with engine.connect() as conn:
        raw = cast(psycopg.Connection[Any], conn.connection.driver_connection)
        command = f"COPY crossings ({', '.join(columns)}) FROM STDIN"
        with raw.cursor() as cur, cur.copy(command) as copy:
            for row in rows:
                row["reasons"], row["flags"] = json.dumps(row["reasons"]), json.dumps(row["flags"])
                copy.write_row([row[c] for c in columns])
        raw.commit()


def grow(
    engine: Engine, factory: sessionmaker[Session], net: Network, n: int, per_year: int
) -> None:
    """Crossings until there are ``n``, year by year back from 2025; then the transits stored."""
    with engine.connect() as conn:
        have = conn.scalar(select(func.count()).select_from(_TABLE)) or 0
        stored_already = conn.scalar(select(func.count()).select_from(StoredTransit)) or 0
    if have >= n and stored_already:  # a kept database (--database) already this size
        print(f"  {have:,} crossings and {stored_already:,} transits there already", flush=True)
        return
    began = time.perf_counter()
    while have < n:
        year = LATEST - have // per_year
        count = min(per_year - have % per_year, n - have)
        with engine.begin() as conn:  # the year's months (nothing when not partitioned)
            partitions.ensure_partitions(conn, dt.date(year, 1, 1), dt.date(year + 1, 1, 1))
        rng = random.Random(year)
        batch: list[dict[str, Any]] = []
        for row in _crossings(rng, net, year, count):
            batch.append(row)
            if len(batch) == BATCH:
                _write(engine, batch)
                have += len(batch)
                batch = []
                print(f"\r  written {have:,}/{n:,}", end="", file=sys.stderr, flush=True)
        if batch:
            _write(engine, batch)
            have += len(batch)
    print(file=sys.stderr)
    print(f"  crossings written to {n:,}: {time.perf_counter() - began:.0f} s", flush=True)
    began = time.perf_counter()
    paired = 0
    with factory() as session:
        conn = session.connection()
        for corridor in session.scalars(select(Corridor)).all():
            paired += stored.pair_corridor(conn, corridor)  # what migration 0230 does
        session.commit()
    print(f"  {paired:,} transits stored: {time.perf_counter() - began:.0f} s", flush=True)
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    else:
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")


def _transits(
    factory: sessionmaker[Session], period: tuple[dt.date, dt.date], post: str | None,
    state: TransitState | None,
) -> Callable[[], int]:  # fmt: skip
    """What the corridor page reads: the period counted by state and charted, one page of
    rows (``transit.web.PAGE``); for every corridor, one after another. Answers the total."""

    def run() -> int:
        with UnitOfWork(factory) as uow:
            found = 0
            for corridor in transit.corridors(uow):
                if post is None or post in corridor.ends:
                    chosen = transit.Period(*period)
                    tally = transit.tally(uow, corridor, chosen, post=post, now=NOW)
                    transit.page(
                        uow, corridor, chosen, post=post, state=state, now=NOW, limit=PAGE,
                        counts=tally.counts,
                    )  # fmt: skip
                    found += tally.total(state)
            return found

    return run


def pages(factory: sessionmaker[Session]) -> dict[str, Callable[[], int]]:
    """What an analyst reads, each answering how many things it counted or listed."""

    def report(
        make: Callable[..., dict[str, Any]], total: Callable[[dict[str, Any]], int],
        period: tuple[dt.date, dt.date], post: str | None,
    ) -> Callable[[], int]:  # fmt: skip
        def run() -> int:
            with UnitOfWork(factory) as uow:
                return total(make(uow, *period, post))

        return run

    def first_read(run: Callable[[], int]) -> Callable[[], int]:
        """``run`` with no day of the access report kept (access_days emptied first)."""

        def again() -> int:
            with factory() as session:
                session.execute(delete(AccessDay))
                session.commit()
            return run()

        return again

    def summed(r: dict[str, Any]) -> int:
        return int(r["persons"]["total"] + r["vehicles"]["total"])

    def crossed(r: dict[str, Any]) -> int:
        return int(r["network"]["crossings"])

    overdue = TransitState.OVERDUE
    return {
        "summary, P01, June": report(summary, summed, MONTH, "P01"),
        "summary, every post, 2025": report(summary, summed, YEAR, None),
        "access, P01, June": report(access, crossed, MONTH, "P01"),
        "access, every post, 2025": report(access, crossed, YEAR, None),
        "access, P01, June, first read": first_read(report(access, crossed, MONTH, "P01")),
        "access, every post, 2025, first read": first_read(report(access, crossed, YEAR, None)),
        "transits, P01, June": _transits(factory, MONTH, "P01", None),
        "transits, every corridor, 2025": _transits(factory, YEAR, None, None),
        "overdue, P01, June": _transits(factory, MONTH, "P01", overdue),
        "overdue, every corridor, 2025": _transits(factory, YEAR, None, overdue),
    }


def explain(engine: Engine, post_id: Any) -> str:
    """The partitions (or the table) a month's query on one post reads, from EXPLAIN."""
    query = (
        "EXPLAIN SELECT count(*) FROM crossings WHERE post_id = :post "
        "AND time >= '2025-06-01 00:00+00' AND time < '2025-07-01 00:00+00'"
    )
    with engine.connect() as conn:
        plan = [line for (line,) in conn.execute(text(query), {"post": post_id})]
    words = {w for line in plan for w in line.split()}
    read = sorted(w for w in words if partitions.is_partition(w))
    return ", ".join(read) or "crossings (one table)"


def _unpartition(engine: Engine, back: bool = True) -> None:
    """The database one revision back (crossings as one table), or forward again."""
    from alembic import command

    config = migrate.alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        if back:
            command.downgrade(config, "0250-1")
        else:
            command.upgrade(config, "0250")
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE crossings")


def _measure_all(
    engine: Engine, factory: sessionmaker[Session], net: Network, n: int, runs: int,
    profiling: bool, tag: str = "", only: str | None = None,
) -> dict[str, tuple[float, int]]:  # fmt: skip
    if engine.dialect.name == "postgresql":
        print(f"  P01, June reads: {explain(engine, net.post_ids[0])}", flush=True)
    figures = {}
    for label, run in pages(factory).items():
        if only and only not in label:
            continue
        seconds, found = measure(run, runs)
        figures[label + tag] = (seconds, found)
        print(f"  {n:>11,}  {label + tag:44} {found:>9,} found  median {seconds * 1000:8.0f} ms"
              f"  aim {_aim(label, seconds)}", flush=True)  # fmt: skip
        if profiling and "missed" in _aim(label, seconds):
            profile(label, run)
    return figures


def measure(run: Callable[[], int], runs: int) -> tuple[float, int]:
    found, times = run(), []  # the warm-up
    for _ in range(runs):
        began = time.perf_counter()
        found = run()
        times.append(time.perf_counter() - began)
    return statistics.median(times), found


def profile(label: str, run: Callable[[], int]) -> None:
    """Where the time of one run goes: the functions that spent most of it themselves."""
    profiler = cProfile.Profile()
    profiler.runcall(run)
    print(f"  profile of {label}:", flush=True)
    pstats.Stats(profiler, stream=sys.stdout).sort_stats("tottime").print_stats(10)


def _aim(label: str, seconds: float) -> str:
    aim = AIM_MONTH if "June" in label else AIM_YEAR
    return "met" if seconds < aim else "**missed**"


@contextlib.contextmanager
def _database(backend: str, name: str | None) -> Iterator[Engine]:
    """A scratch database, removed afterwards; or, named, one kept to read again."""
    if name is None:
        with scratch_engine(backend) as engine:
            yield engine
        return
    if backend != "postgres":
        raise SystemExit("--database is for PostgreSQL")
    base = make_url(PG_BASE)
    admin = base.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            conn.execute(f'CREATE DATABASE "{name}"')
    engine = make_engine(base.set(database=name).render_as_string(hide_password=False))
    try:
        migrate.upgrade(engine)
        yield engine
    finally:
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000000,3000000")
    parser.add_argument("--backend", default="postgres")
    parser.add_argument("--per-year", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="profile the pages that miss")
    parser.add_argument("--unpartitioned", action="store_true", help="crossings as one table")
    parser.add_argument("--compare", action="store_true", help="partitioned and not, each size")
    parser.add_argument("--only", help="only the pages whose label holds this")
    parser.add_argument(
        "--database",
        help="PostgreSQL: a database of this name, kept (made if absent, else grown on)",
    )
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    print(f"bench_scale on {args.backend}: sizes {sizes}; {machine()}", flush=True)
    print(f"  load average {os.getloadavg()}", flush=True)
    figures: dict[int, dict[str, tuple[float, int]]] = {}
    with _database(args.backend, args.database) as engine:
        if args.unpartitioned and engine.dialect.name == "postgresql":
            _unpartition(engine)
        factory = make_session_factory(engine)
        net = setup(factory)
        for n in sizes:
            grow(engine, factory, net, n, args.per_year)
            print(f"  load average {os.getloadavg()}", flush=True)
            profiling = args.profile and n == sizes[-1]
            figures[n] = _measure_all(engine, factory, net, n, args.runs, profiling, only=args.only)
            if args.compare and engine.dialect.name == "postgresql":
                for back, tag in ((True, ", one table"), (False, "")):
                    began = time.perf_counter()
                    _unpartition(engine, back)
                    way = "back to one table" if back else "partitioned again (0250)"
                    print(f"  {n:,} crossings {way}: {time.perf_counter() - began:.0f} s"
                          f"; load average {os.getloadavg()}", flush=True)  # fmt: skip
                    if back:
                        figures[n] |= _measure_all(engine, factory, net, n, args.runs, False, tag)
    first, last = sizes[0], sizes[-1]
    print(f"\n| page | found | {' | '.join(f'{n:,}' for n in sizes)} | growth | aims |")
    print(f"|---|---:|{'---:|' * len(sizes)}---:|---|")
    for label in figures[first]:
        cells = " | ".join(f"{figures[n][label][0] * 1000:,.0f} ms" for n in sizes)
        growth = figures[last][label][0] / figures[first][label][0]
        aims = _aim(label, figures[last][label][0])
        if len(sizes) > 1:
            aims += f", growth {'met' if growth < AIM_GROWTH else '**missed**'}"
        print(f"| {label} | {figures[last][label][1]:,} | {cells} | {growth:.2f}x | {aims} |")


if __name__ == "__main__":
    main()
