"""Analysts' exports: time and peak memory of exporting every crossing, at growing sizes.

    .venv/bin/python -m benchmarks.bench_export [--sizes 50000,150000,500000] [--backend sqlite]
        [--loader transits|scale]
    .venv/bin/python -m benchmarks.bench_export --database NAME [--formats parquet:public]

One database grows through the sizes (``--loader transits``: bench_transits' crossings over
one year, 40% vehicles, Core bulk inserts; ``--loader scale``: bench_scale's network of 20
posts written with ``COPY`` on PostgreSQL, every crossing in 2025, no travellers or
documents, so the personal export's joins find none); at each size the whole year is
exported to a file, Parquet and CSV, public facts and with personal data, each in a fresh
process that prints its wall time and
its peak resident memory (``ru_maxrss``). Memory flat in the size is the aim: the export
holds one batch of rows (``exports.services.BATCH``) at a time.

``--database NAME`` exports an existing PostgreSQL database instead (for example the history
``bench_scale --database NAME`` keeps: 10,000,000 crossings over ten years), nothing written:
for each of ``--years`` (default 1,5), the calendar years up to its latest one, as one
export (an export spans at most ``exports.services.MAX_DAYS``, 1,830 days: five years).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Engine, Table, func, insert, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from benchmarks import bench_scale, bench_transits
from benchmarks.common import PG_BASE, machine, scratch_engine
from borderpost.crossings.model import Crossing
from borderpost.db import make_engine, make_session_factory
from borderpost.exports import services
from borderpost.exports.services import Format
from borderpost.ids import new_id

FIRST, LAST = dt.date(2025, 1, 1), dt.date(2025, 12, 31)


def child(
    url: str, fmt: str, personal: bool, out: str, first: dt.date = FIRST, last: dt.date = LAST
) -> None:
    """One export in this process; prints its figures as JSON."""
    engine = make_engine(url)
    began = time.perf_counter()
    written = 0
    with Session(engine) as session, open(out, "wb") as sink:
        chunks = services.chunks(session.connection(), Format(fmt), first, last, None, personal)
        for chunk in chunks:
            sink.write(chunk)
            written += len(chunk)
    seconds = time.perf_counter() - began
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": seconds, "peak_mib": peak_kib / 1024, "bytes": written}))


def grow(factory: sessionmaker[Session], n: int) -> None:
    """Add crossings until there are ``n``: posts and plates made once."""
    with factory() as session:
        have = session.scalar(select(func.count()).select_from(Crossing.__table__)) or 0
    if have == 0:
        bench_transits.load(factory, n)  # also makes the posts, vehicles and a corridor
        return
    # More of the same shape: the rows already there again under new ids, a second later.
    table = cast(Table, Crossing.__table__)
    while have < n:
        with factory() as session:
            query = select(table).order_by(table.c.time).limit(min(20_000, n - have))
            rows = [dict(r) for r in session.execute(query).mappings()]
            for row in rows:
                row["id"] = new_id()
                row["time"] = row["time"] + dt.timedelta(seconds=1)
            session.execute(insert(table), rows)
            session.commit()
        have += len(rows)


_NETWORK: list[bench_scale.Network] = []  # made once, with the first rows


def grow_scale(engine: Engine, factory: sessionmaker[Session], n: int) -> None:
    """bench_scale's crossings until there are ``n``, all in 2025 (the period exported)."""
    with engine.connect() as conn:
        have = conn.scalar(select(func.count()).select_from(Crossing.__table__)) or 0
    if have == 0:
        _NETWORK.append(bench_scale.setup(factory))
    net = _NETWORK[0]
    began = time.perf_counter()
    rng = random.Random(have)
    batch: list[dict[str, Any]] = []
    for row in bench_scale._crossings(rng, net, bench_scale.LATEST, n - have):
        batch.append(row)
        if len(batch) == bench_scale.BATCH:
            bench_scale._write(engine, batch)
            batch = []
    if batch:
        bench_scale._write(engine, batch)
    print(f"  written to {n:,}: {time.perf_counter() - began:.0f} s", flush=True)
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE crossings")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="50000,150000,500000")
    parser.add_argument("--backend", default="sqlite")
    parser.add_argument("--loader", choices=("transits", "scale"), default="transits")
    parser.add_argument(
        "--formats",
        default="parquet:public,parquet:personal,csv:public,csv:personal",
        help="the exports measured at each size, FORMAT:public|personal",
    )
    parser.add_argument("--database", default="", help="export this PostgreSQL database")
    parser.add_argument("--years", default="1,5", help="with --database: the last N years")
    parser.add_argument(
        "--child", nargs=6, metavar=("URL", "FMT", "PERSONAL", "OUT", "FIRST", "LAST")
    )
    args = parser.parse_args()
    if args.child:
        url, fmt, personal, out, first, last = args.child
        child(
            url,
            fmt,
            personal == "1",
            out,
            dt.date.fromisoformat(first),
            dt.date.fromisoformat(last),
        )
        return
    print(f"bench_export: {args.database or args.backend}; {machine()}", flush=True)
    if args.database:
        existing(args.database, args.formats, [int(y) for y in args.years.split(",")])
        return
    with scratch_engine(args.backend) as engine, tempfile.TemporaryDirectory() as folder:
        factory = make_session_factory(engine)
        url = engine.url.render_as_string(hide_password=False)
        for n in (int(s) for s in args.sizes.split(",")):
            if args.loader == "scale":
                grow_scale(engine, factory, n)
            else:
                grow(factory, n)
            # The loader's connections closed: on SQLite the last one writes the write-ahead
            # log back, which every reader would otherwise map (its index grows with it).
            engine.dispose()
            run_exports(url, n, args.formats, Path(folder), FIRST, LAST)


def run_exports(
    url: str, n: int, formats: str, folder: Path, first: dt.date, last: dt.date
) -> None:
    """Each export asked, in a fresh process, with its time and peak memory printed."""
    for chosen in formats.split(","):
        fmt, personal = chosen.split(":")[0], "1" if chosen.endswith("personal") else "0"
        out = str(folder / f"export.{fmt}")
        command = [sys.executable, "-m", "benchmarks.bench_export", "--child",
                   url, fmt, personal, out, first.isoformat(), last.isoformat()]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        figures = json.loads(done.stdout.strip().splitlines()[-1])
        label = f"{fmt}, {'personal' if personal == '1' else 'public'}"
        print(
            f"  {n:>10,} crossings  {label:18} {figures['seconds']:7.1f} s"
            f"  peak {figures['peak_mib']:6.0f} MiB"
            f"  {figures['bytes'] / 2**20:8.1f} MiB written",
            flush=True,
        )


def existing(database: str, formats: str, years: list[int]) -> None:
    """Export the last ``years`` calendar years an existing PostgreSQL database holds."""
    url = make_url(PG_BASE).set(database=database).render_as_string(hide_password=False)
    engine = make_engine(url)
    table = cast(Table, Crossing.__table__)
    with engine.connect() as conn:
        latest = conn.scalar(select(func.max(table.c.time)))
        total = conn.scalar(select(func.count()).select_from(table)) or 0
    print(f"  {database}: {total:,} crossings, the latest {latest}", flush=True)
    # The last whole year: a crossing of late 31 December UTC may fall on 1 January locally.
    last = dt.date(latest.year - (1 if latest.month == 1 else 0), 12, 31)
    for n_years in years:
        first = dt.date(last.year - n_years + 1, 1, 1)
        since = dt.datetime(first.year, 1, 1, tzinfo=dt.UTC) - dt.timedelta(days=1)
        until = dt.datetime(last.year + 1, 1, 1, tzinfo=dt.UTC) + dt.timedelta(days=1)
        with engine.connect() as conn:  # about the period's crossings (local days at the edges)
            n = conn.scalar(
                select(func.count())
                .select_from(table)
                .where(table.c.time >= since, table.c.time < until)
            )
        print(f"  {first} to {last}: about {n or 0:,} crossings", flush=True)
        with tempfile.TemporaryDirectory() as folder:
            run_exports(url, n or 0, formats, Path(folder), first, last)
    engine.dispose()


if __name__ == "__main__":
    main()
