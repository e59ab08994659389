"""Events and crossings ingested per second at headquarters, from a real NATS JetStream server.

    .venv/bin/python benchmarks/bench_sync.py --url nats://127.0.0.1:PORT [--n 3000]
        [--backends sqlite,postgres]

A post (SQLite) records ``n`` crossings with the mix of bench_record.py (people new and seen
before, vehicles), ships them, and headquarters ingests them through the inbox: each batch
of a post's messages (500) in one transaction, confirmed to the post, acknowledged. The
shipping is not timed; ingest is, from the first fetch to an empty stream. A second figure
applies the same events to a second headquarters without the broker (``inbox.apply_batch``,
batches of 500): the database's share of the work.
"""

from __future__ import annotations

import argparse
import asyncio
import time
import uuid

from sqlalchemy.orm import Session, sessionmaker
from tests.integration.sync.conftest import outbox_events

from benchmarks.bench_record import commands
from benchmarks.common import machine, scratch_engine
from borderpost.crossings.services import record_crossing
from borderpost.db import make_session_factory
from borderpost.organisations.schemas import OrganisationCreate
from borderpost.organisations.services import save_organisation
from borderpost.posts.schemas import PostCreate
from borderpost.posts.services import save_post
from borderpost.sync.inbox import apply_batch
from borderpost.sync.ingest import BATCH, ingest_once
from borderpost.sync.shipper import ship_once
from borderpost.unit_of_work import UnitOfWork


def _reference(factory: sessionmaker[Session]) -> None:
    with UnitOfWork(factory) as uow:
        save_post(uow, PostCreate(code="B1", name="Bench", timezone="UTC"))
        save_organisation(uow, OrganisationCreate(code="CARR", name="C", type="carrier"))
        uow.commit()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--n", type=int, default=3000)
    parser.add_argument("--backends", default="sqlite,postgres")
    args = parser.parse_args()
    print(machine())
    with scratch_engine("sqlite") as post_engine:
        post = make_session_factory(post_engine)
        _reference(post)
        with UnitOfWork(post, actor="bench") as uow:
            for cmd in commands(args.n, seed=7):
                record_crossing(uow, cmd)
            uow.commit()
        for backend in args.backends.split(","):
            stream = f"BENCH_{uuid.uuid4().hex[:8].upper()}"
            with post_engine.begin() as conn:
                conn.exec_driver_sql("UPDATE outbox SET sent_at = NULL")
            asyncio.run(ship_once(post, args.url, stream))
            with scratch_engine(backend) as hq_engine:
                hq = make_session_factory(hq_engine)
                _reference(hq)
                started, cpu = time.perf_counter(), time.process_time()
                report = asyncio.run(ingest_once(hq, args.url, stream, wait=0.5))
                seconds = time.perf_counter() - started - 0.5  # the final empty wait
                cpu = time.process_time() - cpu
            # A crossing ships as its event and its audit entry's (and consignments' and
            # hits', with theirs): crossings/s is what a post's rate is compared with.
            events = sum(report.outcomes.values())
            print(f"{backend}: {dict(report.outcomes)} in {seconds:.2f} s, "
                  f"{events / seconds:,.0f} events/s, "
                  f"{args.n / seconds:,.0f} crossings/s through JetStream; this process's "
                  f"CPU {1000 * cpu / args.n:.2f} ms per crossing")  # fmt: skip
            shipped = outbox_events(post, trail=True)  # as shipped: with the audit entries
            with scratch_engine(backend) as hq_engine:
                hq = make_session_factory(hq_engine)
                _reference(hq)
                started, cpu = time.perf_counter(), time.process_time()
                for i in range(0, len(shipped), BATCH):
                    apply_batch(hq, shipped[i : i + BATCH])
                seconds = time.perf_counter() - started
                cpu = time.process_time() - cpu
            print(f"{backend}: {len(shipped) / seconds:,.0f} events/s, "
                  f"{args.n / seconds:,.0f} crossings/s applied in batches of {BATCH}, broker "
                  f"aside; CPU {1000 * cpu / args.n:.2f} ms per crossing")  # fmt: skip


if __name__ == "__main__":
    main()
