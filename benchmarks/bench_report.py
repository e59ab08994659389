"""The summary report over a million crossings, on SQLite and PostgreSQL.

    .venv/bin/python -m benchmarks.bench_report [--n 1000000] [--backends sqlite,postgres]

The crossings are loaded with Core bulk inserts (the service layer's own speed is
bench_record's business); the figure is the wall time of reports.services.summary over the
whole period, every post, median and worst of 5 runs after one warm-up.
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
from borderpost.organisations.schemas import OrganisationCreate
from borderpost.organisations.services import save_organisation
from borderpost.posts.schemas import PostCreate
from borderpost.posts.services import save_post
from borderpost.reports.services import summary
from borderpost.unit_of_work import UnitOfWork

CATEGORIES = [
    "civilian",
    "commercial",
    "humanitarian",
    "medical_evacuation",
    "international_force",
    "official",
]


def load(
    session_factory: sessionmaker[Session],
    n: int,
    more: Callable[[random.Random, dict[str, Any]], None] | None = None,
) -> tuple[dt.date, dt.date]:
    """``n`` crossings over 2025 at two posts; ``more`` may add to each row (bench_access)."""
    rng = random.Random(5)
    with UnitOfWork(session_factory) as uow:
        posts = [
            save_post(uow, PostCreate(code=c, name=c, timezone=z))[0]
            for c, z in (("W", "Asia/Yerevan"), ("E", "Asia/Baku"))
        ]
        org = save_organisation(
            uow, OrganisationCreate(code="F", name="F", type="international_force")
        )[0]
        uow.commit()
        post_ids = [p.id for p in posts]
        org_id = org.id
    table = cast(Table, Crossing.__table__)
    start = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    span = 365 * 24 * 3600
    batch = 20000
    now = dt.datetime.now(dt.UTC)
    done = 0
    while done < n:
        rows = []
        for _ in range(min(batch, n - done)):
            kind = rng.choice(["person", "vehicle"])
            with_org = rng.random() < 0.2
            rows.append(
                {
                    "id": new_id(),
                    "post_id": rng.choice(post_ids),
                    "direction": rng.choice(["in", "out"]),
                    "time": start + dt.timedelta(seconds=rng.randrange(span)),
                    "kind": kind,
                    "category": rng.choice(CATEGORIES),
                    "organisation_id": org_id if with_org else None,
                    "organisation_type": "international_force" if with_org else None,
                    "traveller_id": None,
                    "document_id": None,
                    "vehicle_id": None,
                    "vehicle_type": "truck" if kind == "vehicle" else None,
                    "carried_by_id": None,
                    "convoy_id": None,
                    "lane_id": None,
                    "officer": "bench",
                    "decision": rng.choice(
                        ["admitted", "admitted", "admitted", "referred", "refused"]
                    ),
                    "reasons": [],
                    "flags": [],
                    "recorded_at": now,
                    "arrived_at": None,
                }
            )
            if more is not None:
                more(rng, rows[-1])
        with UnitOfWork(session_factory) as uow:
            uow.session.execute(insert(table), rows)
            uow.commit()
        done += len(rows)
        print(f"\r  loaded {done:,}/{n:,}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    return dt.date(2025, 1, 1), dt.date(2025, 12, 31)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--backends", default="sqlite,postgres")
    args = parser.parse_args()
    print(f"bench_report: summary over {args.n:,} crossings; {machine()}")
    for backend in args.backends.split(","):
        with scratch_engine(backend) as engine:
            factory = make_session_factory(engine)
            first, last = load(factory, args.n)
            if backend == "postgres":
                with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                    conn.exec_driver_sql("VACUUM ANALYZE crossings")
            else:
                with engine.begin() as conn:
                    conn.exec_driver_sql("ANALYZE")
            times = []
            for attempt in range(6):
                began = time.perf_counter()
                with UnitOfWork(factory) as uow:
                    result = summary(uow, first, last)
                elapsed = time.perf_counter() - began
                if attempt:
                    times.append(elapsed)
            total = result["persons"]["total"] + result["vehicles"]["total"]
            print(
                f"{backend:10} counted {total:,}  median {statistics.median(times) * 1000:7.1f} ms"
                f"  worst {max(times) * 1000:7.1f} ms"
            )


if __name__ == "__main__":
    main()
