"""Watchlist import and screening in the crossing flow, on generated FollowTheMoney data.

    .venv/bin/python -m benchmarks.bench_watchlist [--entries 1000000] [--backends sqlite,postgres]
        [--hits FILE]

The list: persons from ``screening_data`` (names in seven languages, several scripts; one in
ten with a passport number), plus 5% vehicles and 2% lost passports, as FtM JSON Lines.
Measured per backend: the import (parse, Core executemany in batches, commit), the
re-import of the same file as a new version (replacing the old one), the index build from
the database, and recording crossings at the booth (one unit of work each) with the list
active: p50 and p99. Wall and CPU time (``time.process_time``) are printed for each phase:
the machine is shared, and CPU time is what a change to the code moves.

100 planted persons (as in ``bench_screening``) are spread through the list; after the
build, each is searched for in another script or transliteration. ``--hits FILE`` writes
the top 10 (entry id, score) of every planted query per backend as JSON, so two runs (before
and after a change to the import or the build) can be compared for identical hits.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

from tests.screening_data import PlantedQuery, planted_persons, planted_queries, watchlist

from benchmarks.common import machine, scratch_engine
from borderpost.crossings.schemas import CrossingCreate
from borderpost.crossings.services import record_crossing
from borderpost.db import make_session_factory
from borderpost.posts.schemas import PostCreate
from borderpost.posts.services import save_post
from borderpost.screening import screener
from borderpost.screening.importing import ListFormat, import_version
from borderpost.unit_of_work import UnitOfWork


def write_ftm(path: Path, n: int, seed: int) -> list[PlantedQuery]:
    """Write the list; return one query for each planted person."""
    rng = random.Random(seed)
    planted = planted_persons(seed + 11, 100) if n >= 1000 else []
    captured = {}
    with path.open("w", encoding="utf-8") as out:
        for i, entry in enumerate(watchlist(seed, n, planted)):
            roll = rng.random()
            if entry.entry_id.startswith("PLANT"):
                captured[entry.entry_id] = entry
                roll = 1.0  # always a person
            if roll < 0.05:
                data = {
                    "id": f"veh-{i}",
                    "schema": "Vehicle",
                    "properties": {"registrationNumber": [f"{rng.randint(10, 99)} AB {i:06d}"]},
                }
            elif roll < 0.07:
                data = {
                    "id": f"doc-{i}",
                    "schema": "Passport",
                    "properties": {"number": [f"L{i:08d}"], "country": ["am"], "holder": ["x"]},
                }
            else:
                props: dict[str, list[str]] = {
                    "name": list(entry.names[:1]),
                    "alias": list(entry.names[1:]),
                    "birthDate": list(entry.birth_dates),
                    "nationality": [c.lower() for c in entry.nationalities],
                }
                if roll < 0.17:
                    props["passportNumber"] = [f"P{i:08d}"]
                data = {"id": entry.entry_id, "schema": "Person", "properties": props}
            out.write(json.dumps(data, ensure_ascii=False) + "\n")
    return planted_queries(seed + 13, planted, captured) if planted else []


def crossings(n: int, seed: int) -> list[CrossingCreate]:
    rng = random.Random(seed)
    now = dt.datetime.now(dt.UTC)
    out = []
    for i in range(n):
        person = {
            "surname": rng.choice(["PETROSYAN", "ALIYEV", "IVANOV", "BERIDZE", "YILMAZ"]),
            "given_names": rng.choice(["ARMEN", "RASHAD", "OLGA", "NINO", "AYSE"]),
            "birth_date": f"19{rng.randint(50, 99)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
            "nationality": "UTO",
            "document": {"number": f"B{seed}{i:07d}", "issuer": "UTO"},
        }
        out.append(
            CrossingCreate.model_validate(
                {
                    "post": "B1",
                    "direction": "in",
                    "time": now.isoformat(),
                    "kind": "person",
                    "category": "civilian",
                    "traveller": person,
                }
            )
        )
    return out


def run(
    backend: str, path: Path, entries: int, n_crossings: int, queries: list[PlantedQuery]
) -> list[list[tuple[str, float]]]:
    with scratch_engine(backend) as engine:
        factory = make_session_factory(engine)
        with UnitOfWork(factory, actor="bench") as uow:
            save_post(
                uow, PostCreate.model_validate({"code": "B1", "name": "Bench", "timezone": "UTC"})
            )
            uow.commit()
        times = []
        cpus = []
        for label in ("v1", "v2"):
            start, cpu = time.perf_counter(), time.process_time()
            with UnitOfWork(factory, actor="bench") as uow, path.open("rb") as handle:
                report = import_version(
                    uow, "bench", handle, ListFormat.FTM, source="bench", label=label
                )
                uow.commit()
            times.append(time.perf_counter() - start)
            cpus.append(time.process_time() - cpu)
        start, cpu = time.perf_counter(), time.process_time()
        with engine.connect() as conn:
            built = screener.current(conn)
        build, build_cpu = time.perf_counter() - start, time.process_time() - cpu
        hits = [
            [
                (f.hit.entry_id, f.hit.score)
                for f in built.person(
                    q.name,
                    birth_date=q.birth_date,
                    nationality=q.nationality,
                    limit=10,
                    min_score=0,
                )
            ]
            for q in queries
        ]
        found = sum(
            q.person.pid in {eid for eid, _ in h} for q, h in zip(queries, hits, strict=True)
        )
        latencies = []
        for cmd in crossings(n_crossings, 11):
            start = time.perf_counter()
            with UnitOfWork(factory, actor="bench") as uow:
                record_crossing(uow, cmd)
                uow.commit()
            latencies.append((time.perf_counter() - start) * 1000)
        latencies.sort()
        p99 = latencies[int(len(latencies) * 0.99) - 1]
        print(
            f"{backend:9} import {report.written:,} entries {times[0]:6.1f} s "
            f"({report.written / times[0]:,.0f}/s, CPU {cpus[0]:.1f} s); "
            f"re-import (replace) {times[1]:6.1f} s (CPU {cpus[1]:.1f} s); "
            f"index build {build:5.1f} s (CPU {build_cpu:.1f} s; {built.lists[0].size:,} entries); "
            f"planted in top 10: {found}/{len(queries)}; "
            f"record crossing p50 {statistics.median(latencies):.2f} ms p99 {p99:.2f} ms "
            f"({n_crossings} crossings); load {os.getloadavg()}"
        )
        return hits


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--crossings", type=int, default=300)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--hits", type=Path, help="write the planted queries' top 10 here")
    args = parser.parse_args()
    print(f"bench_watchlist: {args.entries:,} FtM entities; {machine()}; load {os.getloadavg()}")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "list.jsonl"
        start = time.perf_counter()
        queries = write_ftm(path, args.entries, args.seed)
        size = path.stat().st_size / 2**20
        print(f"generated {size:,.0f} MB in {time.perf_counter() - start:.1f} s (not counted)")
        hits = {}
        for backend in args.backends.split(","):
            hits[backend] = run(backend, path, args.entries, args.crossings, queries)
        if args.hits:
            args.hits.write_text(json.dumps(hits, indent=0) + "\n")


if __name__ == "__main__":
    main()
