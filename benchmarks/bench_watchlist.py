"""Watchlist import and screening in the crossing flow, on generated FollowTheMoney data.

    .venv/bin/python -m benchmarks.bench_watchlist [--entries 1000000] [--backends sqlite,postgres]

The list: persons from ``screening_data`` (names in seven languages, several scripts; one in
ten with a passport number), plus 5% vehicles and 2% lost passports, as FtM JSON Lines.
Measured per backend: the import (parse, Core executemany in batches, commit), the
re-import of the same file as a new version (replacing the old one), the index build from
the database, and recording crossings at the booth (one unit of work each) with the list
active: p50 and p99.
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

from benchmarks.common import machine, scratch_engine
from benchmarks.screening_data import watchlist
from borderpost.crossings.schemas import CrossingCreate
from borderpost.crossings.services import record_crossing
from borderpost.db import UnitOfWork, make_session_factory
from borderpost.posts.schemas import PostCreate
from borderpost.posts.services import save_post
from borderpost.screening import screener
from borderpost.screening.importing import ListFormat, import_version


def write_ftm(path: Path, n: int, seed: int) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        for i, entry in enumerate(watchlist(seed, n)):
            roll = rng.random()
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


def run(backend: str, path: Path, entries: int, n_crossings: int) -> None:
    with scratch_engine(backend) as engine:
        factory = make_session_factory(engine)
        with UnitOfWork(factory, actor="bench") as uow:
            save_post(
                uow, PostCreate.model_validate({"code": "B1", "name": "Bench", "timezone": "UTC"})
            )
            uow.commit()
        times = []
        for label in ("v1", "v2"):
            start = time.perf_counter()
            with UnitOfWork(factory, actor="bench") as uow, path.open("rb") as handle:
                report = import_version(
                    uow, "bench", handle, ListFormat.FTM, source="bench", label=label
                )
                uow.commit()
            times.append(time.perf_counter() - start)
        start = time.perf_counter()
        with engine.connect() as conn:
            built = screener.current(conn)
        build = time.perf_counter() - start
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
            f"({report.written / times[0]:,.0f}/s); re-import (replace) {times[1]:6.1f} s; "
            f"index build {build:5.1f} s ({built.lists[0].size:,} entries); "
            f"record crossing p50 {statistics.median(latencies):.2f} ms p99 {p99:.2f} ms "
            f"({n_crossings} crossings)"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--crossings", type=int, default=300)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    print(f"bench_watchlist: {args.entries:,} FtM entities; {machine()}; load {os.getloadavg()}")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "list.jsonl"
        start = time.perf_counter()
        write_ftm(path, args.entries, args.seed)
        size = path.stat().st_size / 2**20
        print(f"generated {size:,.0f} MB in {time.perf_counter() - start:.1f} s (not counted)")
        for backend in args.backends.split(","):
            run(backend, path, args.entries, args.crossings)


if __name__ == "__main__":
    main()
