"""Crossings recorded per second through the service layer (record_crossing), one process.

    .venv/bin/python -m benchmarks.bench_record [--n 5000] [--backends sqlite,postgres]
        [--clients 1,4] [--processes 2]

Two shapes: the booth (one transaction per crossing, as an officer records them) and the
import (one transaction per 2,000 crossings, their documents and vehicles read ahead with
``prefetch`` as the importer does). The mix: 60% people with a new document, 15% people seen
before, 25% vehicles, a quarter of them new. ``--clients N``: N threads record at once, each
its own share of the crossings through its own connection (booths of a busy post, or
headquarters' ingest), in one process: the rate is of all of them together. ``--processes N``
(PostgreSQL): N processes instead, each recording at a post of its own (posts B1..BN, as an
import split by post, or the booths of N posts behind one database), started together; the
CPU is that of the N processes (the server's not counted). Besides the rate,
the process's CPU time per crossing (all threads), which the load of other programs on the
machine moves less than the wall clock. The heap is settled (``borderpost.heap``) before the
timed part, as the server and the importer do once started.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import multiprocessing
import os
import pstats
import random
import threading
import time
from typing import Any

from sqlalchemy import event

from benchmarks.common import machine, scratch_engine
from borderpost.crossings.schemas import CrossingCreate
from borderpost.crossings.services import record_crossing
from borderpost.db import make_engine, make_session_factory
from borderpost.organisations.schemas import OrganisationCreate
from borderpost.organisations.services import save_organisation
from borderpost.posts.schemas import PostCreate
from borderpost.posts.services import save_post
from borderpost.unit_of_work import UnitOfWork

try:  # the code before read-ahead (an older checkout on PYTHONPATH) records without it
    from borderpost.crossings.services import prefetch
except ImportError:  # pragma: no cover
    prefetch = None
try:  # as ``borderpost serve`` and ``import crossings`` do once started (not in older code)
    from borderpost.heap import settle
except ImportError:  # pragma: no cover
    settle = None

# Ordinary trade, with some ore and medicines so that rules match (default rule set).
GOODS = [("8471.30", "laptop computers"), ("6109.10", "cotton t-shirts"),
         ("0901.21", "roasted coffee"), ("3004.90", "medicines"), ("2616.90", "gold concentrate"),
         ("8703.23", "passenger cars"), ("7208.51", "steel plates")]  # fmt: skip


def consignment(rng: random.Random, items: int) -> dict[str, object]:
    goods = []
    for _ in range(items):
        code, words = rng.choice(GOODS)
        goods.append({"hs_code": code, "description": words, "quantity": rng.randint(1, 500),
                      "unit": "pcs", "gross_kg": 120, "net_kg": 100, "value": 9000,
                      "currency": "USD", "origin": "GEO"})  # fmt: skip
    party = {"name": "Bench Trading"}
    return {"carrier": party, "consignor": party, "consignee": party, "items": goods}


def commands(n: int, seed: int, cargo: int = 0, post: str = "B1") -> list[CrossingCreate]:
    rng = random.Random(seed)
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    seen: list[dict[str, object]] = []
    plates = [f"{i:02d}-AB-{rng.randint(100, 999)}" for i in range(max(10, n // 16))]
    out = []
    for i in range(n):
        when = (start + dt.timedelta(seconds=7 * i)).isoformat()
        roll = rng.random()
        base = {"post": post, "direction": rng.choice(["in", "out"]), "time": when}
        if roll < 0.75:
            if roll < 0.15 and seen:
                person = rng.choice(seen)
            else:
                person = {
                    "surname": f"SURNAME{i}",
                    "given_names": "GIVEN",
                    "birth_date": "1980-01-01",
                    "nationality": "UTO",
                    "document": {"number": f"X{i:08d}", "issuer": "UTO", "expiry": "2030-01-01"},
                }
                seen.append(person)
            data = {**base, "kind": "person", "category": "civilian", "traveller": person}
        else:
            data = {
                **base,
                "kind": "vehicle",
                "category": "commercial",
                "organisation": "CARR",
                "vehicle": {"plate": rng.choice(plates), "country": "GEO", "type": "truck"},
            }
            if cargo:
                data["consignments"] = [consignment(rng, cargo)]
        out.append(CrossingCreate.model_validate(data))
    return out


def _record(factory: Any, todo: list[CrossingCreate], batch: int) -> None:
    if batch == 1:
        for command in todo:
            with UnitOfWork(factory, actor="bench") as uow:
                record_crossing(uow, command)
                uow.commit()
        return
    for first in range(0, len(todo), batch):
        with UnitOfWork(factory, actor="bench") as uow:
            chunk = todo[first : first + batch]
            if prefetch is not None:
                prefetch(uow, chunk)
            for command in chunk:
                record_crossing(uow, command)
            uow.commit()


class RoundTrips:
    """Waits for PostgreSQL: statements outside a pipeline, pipelines, BEGINs and COMMITs (as
    ``tests/integration/crossings/test_round_trips.py`` counts them; the pool's ping is not)."""

    def __init__(self, engine: Any) -> None:
        self.count = 0
        self._piping: dict[int, bool] = {}
        event.listen(engine, "before_cursor_execute", self._statement)
        event.listen(engine, "begin", self._end)
        event.listen(engine, "commit", self._end)

    def _statement(self, conn: Any, *_args: Any) -> None:
        pgconn = conn.connection.driver_connection.pgconn
        piped = pgconn.pipeline_status != 0
        if not piped or not self._piping.get(id(conn)):
            self.count += 1
        self._piping[id(conn)] = piped

    def _end(self, conn: Any) -> None:
        self._piping[id(conn)] = False
        self.count += 1


TRIPS: list[int] = []  # round trips of the last run (PostgreSQL)


def run(backend: str, n: int, batch: int, cargo: int = 0, clients: int = 1) -> tuple[float, float]:
    """Crossings per second, and CPU milliseconds per crossing."""
    with scratch_engine(backend) as engine:
        factory = make_session_factory(engine)
        with UnitOfWork(factory) as uow:
            save_post(uow, PostCreate(code="B1", name="Bench", timezone="UTC"))
            save_organisation(uow, OrganisationCreate(code="CARR", name="C", type="carrier"))
            uow.commit()
        todo = commands(n, seed=1, cargo=cargo)
        # Each client its own share: a traveller seen again is seen by the same client.
        shares = [todo[i::clients] for i in range(clients)]
        errors: list[BaseException] = []

        def client(share: list[CrossingCreate]) -> None:
            try:
                _record(factory, share, batch)
            except BaseException as exc:  # reported after the run
                errors.append(exc)

        trips = RoundTrips(engine) if backend == "postgres" else None
        if settle is not None:
            settle()
        began, cpu = time.perf_counter(), time.process_time()
        if clients == 1:
            _record(factory, todo, batch)
        else:
            threads = [threading.Thread(target=client, args=(s,)) for s in shares]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        wall, cpu = time.perf_counter() - began, time.process_time() - cpu
        if errors:
            raise errors[0]
        TRIPS[:] = [trips.count] if trips is not None else []
        return n / wall, cpu / n * 1000


def _process(
    url: str, post: str, n: int, batch: int, cargo: int, ready: Any, go: Any, out: Any
) -> None:
    """One recording process: its own engine and commands, started with the others."""
    engine = make_engine(url)
    factory = make_session_factory(engine)
    todo = commands(n, seed=ord(post[-1]), cargo=cargo, post=post)
    if settle is not None:
        settle()
    ready.put(post)
    go.wait()
    cpu = time.process_time()
    _record(factory, todo, batch)
    out.put(time.process_time() - cpu)
    engine.dispose()


def run_processes(n: int, batch: int, cargo: int, processes: int) -> tuple[float, float]:
    """Crossings per second of ``processes`` processes together, and their CPU ms a crossing."""
    context = multiprocessing.get_context("spawn")
    with scratch_engine("postgres") as engine:
        factory = make_session_factory(engine)
        posts = [f"B{i + 1}" for i in range(processes)]
        with UnitOfWork(factory) as uow:
            for code in posts:
                save_post(uow, PostCreate(code=code, name=f"Bench {code}", timezone="UTC"))
            save_organisation(uow, OrganisationCreate(code="CARR", name="C", type="carrier"))
            uow.commit()
        url = engine.url.render_as_string(hide_password=False)
        ready, out, go = context.Queue(), context.Queue(), context.Event()
        share = n // processes
        workers = [
            context.Process(target=_process, args=(url, p, share, batch, cargo, ready, go, out))
            for p in posts
        ]
        for worker in workers:
            worker.start()
        for _ in workers:  # every process has made its commands and its engine
            ready.get(timeout=600)
        began = time.perf_counter()
        go.set()
        cpu = sum(out.get(timeout=3600) for _ in workers)
        wall = time.perf_counter() - began
        for worker in workers:
            worker.join(timeout=60)
        if any(worker.exitcode != 0 for worker in workers):
            raise RuntimeError("a recording process failed")
        done = share * processes
        return done / wall, cpu / done * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--cargo", type=int, default=0, help="goods items per vehicle")
    parser.add_argument("--clients", default="1", help="e.g. 1,4: one run for each")
    parser.add_argument("--shapes", default="booth,import")
    parser.add_argument("--profile", action="store_true", help="cProfile each run, top 30")
    parser.add_argument("--processes", type=int, default=0, help="PostgreSQL: N processes")
    args = parser.parse_args()
    cargo = f", one consignment of {args.cargo} items per vehicle" if args.cargo else ""
    print(f"bench_record: {args.n} crossings each{cargo}; {machine()}", flush=True)
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{'backend':10} {'shape':32} {'clients':>7} {'crossings/s':>12} {'CPU ms/crossing':>16}")
    shapes = {"booth": ("booth: one transaction each", 1),
              "import": ("import: 2,000 a transaction", 2000)}  # fmt: skip
    if args.processes:
        for shape in args.shapes.split(","):
            label, batch = shapes[shape]
            rate, cpu = run_processes(args.n, batch, args.cargo, args.processes)
            print(f"{'postgres':10} {label:32} {args.processes:4} pr {rate:12,.0f} {cpu:16.2f}")
        print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        return
    for backend in args.backends.split(","):
        for shape in args.shapes.split(","):
            label, batch = shapes[shape]
            for clients in (int(c) for c in args.clients.split(",")):
                if backend == "sqlite" and batch > 1 and clients > 1:
                    # One writer at a time: the others wait out the busy timeout.
                    print(f"{backend:10} {label:32} {clients:7} {'one writer':>12}")
                    continue
                profile = cProfile.Profile() if args.profile else None
                if profile is not None:
                    profile.enable()
                rate, cpu = run(backend, args.n, batch, args.cargo, clients)
                if profile is not None:
                    profile.disable()
                    pstats.Stats(profile).sort_stats("cumulative").print_stats(30)
                per = f" {TRIPS[0] / args.n:10.3f} round trips/crossing" if TRIPS else ""
                print(
                    f"{backend:10} {label:32} {clients:7} {rate:12,.0f} {cpu:16.2f}{per}",
                    flush=True,
                )
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
