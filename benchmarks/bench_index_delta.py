"""A watchlist version's index made from the previous one and a delta, against a whole build.

    .venv/bin/python -m benchmarks.bench_index_delta [--entries 1000000] [--seed 2026]

The list: the entries of ``bench_watchlist`` (persons from ``screening_data`` in several
scripts, one in ten with a passport number, 5% vehicles, 2% lost passports), as the entry
rows ``screener.add_rows`` reads from the database, built whole (``screener.build_rows``).
The delta: 1,000 entries, 333 removed, 333 changed (another person's names, dates and
nationality under the same key) and 334 added. Measured, wall and CPU time
(``time.process_time``): ``screener.extend`` (the overlay's build, the base's exclusion set
and the first search), and a whole build of the new content, in the same run. Person search
latency (``search_persons``, limit 5 at the alert threshold, as at the booth) p50/p99 on the
base, on the extended index and on the whole build, plus document and plate searches on the
extended index; every query's answer on the extended index is compared with the whole
build's (entry ids, scores, names matched, explanations: they must be identical).

Which matcher runs is printed: compiled (mypyc) or pure Python.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
import uuid
from collections.abc import Callable
from typing import TypeVar

from tests.screening_data import planted_persons, planted_queries, watchlist

from benchmarks.common import machine
from borderpost.screening import screener
from borderpost.screening.matcher import Query, compiled
from borderpost.screening.matcher.scoring import THRESHOLD
from borderpost.screening.matcher.types import Match
from borderpost.screening.model import SEP
from borderpost.screening.screener import ListIndex, Row

LIST = uuid.UUID(int=1)
T = TypeVar("T")


def rows(
    n: int, seed: int, prefix: str = "", planted: bool = True
) -> tuple[list[Row], list[Query]]:
    """``n`` entry rows as ``bench_watchlist.write_ftm`` lists them, and a query for each
    planted person (in another script or transliteration than the entry's)."""
    rng = random.Random(seed)
    people = planted_persons(seed + 11, 100) if planted and n >= 1000 else []
    captured = {}
    out: list[Row] = []
    for i, entry in enumerate(watchlist(seed, n, people)):
        roll = rng.random()
        if entry.entry_id.startswith("PLANT"):
            captured[entry.entry_id] = entry
            roll = 1.0
        if roll < 0.05:
            out.append(
                (f"{prefix}veh-{i}", "vehicle", "", "", "", "", f"{rng.randint(10, 99)}AB{i:06d}")
            )
        elif roll < 0.07:
            out.append((f"{prefix}doc-{i}", "document", "", "", "", f"L{i:08d}|AM", ""))
        else:
            docs = f"P{i:08d}|" if roll < 0.17 else ""
            out.append(
                (
                    prefix + entry.entry_id,
                    "person",
                    SEP.join(entry.names),
                    SEP.join(entry.birth_dates),
                    SEP.join(entry.nationalities),
                    docs,
                    "",
                )
            )
    queries = [
        Query(q.name, q.birth_date, q.nationality)
        for q in (planted_queries(seed + 13, people, captured) if people else [])
    ]
    return out, queries


def timed(fn: Callable[[], T]) -> tuple[T, float, float]:
    start, cpu = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - start, time.process_time() - cpu


def latencies(index: ListIndex, queries: list[Query]) -> tuple[list[list[Match]], str]:
    """Each query's answer, and p50/p99 of the wall and the CPU time (of this thread)."""
    answers, ms, cpu = [], [], []
    for q in queries:
        start, thread = time.perf_counter(), time.thread_time()
        answers.append(index.search_persons(q, limit=5, min_score=THRESHOLD))
        ms.append((time.perf_counter() - start) * 1000)
        cpu.append((time.thread_time() - thread) * 1000)
    ms.sort()
    cpu.sort()
    at = max(0, int(len(ms) * 0.99) - 1)
    return answers, (
        f"p50 {statistics.median(ms):.2f} ms p99 {ms[at]:.2f} ms "
        f"(CPU p50 {statistics.median(cpu):.2f} ms p99 {cpu[at]:.2f} ms)"
    )


def key(found: list[Match]) -> list[tuple[str, float, str, tuple[str, ...]]]:
    return [(m.entry_id, m.score, m.matched_name, m.explanation) for m in found]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    matcher = "compiled (mypyc)" if compiled.compiled() else "pure Python"
    print(f"bench_index_delta: {args.entries:,} entries; matcher {matcher}; {machine()}")
    print(f"load {os.getloadavg()}")
    (base_rows, planted), took, _ = timed(lambda: rows(args.entries, args.seed))
    print(f"generated {len(base_rows):,} rows in {took:.1f} s (not counted)")
    rng = random.Random(args.seed + 1)
    # queries: the planted persons, and names of random entries with a letter changed
    persons = [r for r in base_rows if r[2]]
    queries = planted + [
        Query(name[:-2] + "e")
        for name in (rng.choice(r[2].split(SEP)) for r in rng.sample(persons, 200))
    ]
    base, took, cpu = timed(lambda: screener.build_rows(LIST, uuid.uuid4(), "bench", base_rows))
    print(f"whole build (base) {took:.1f} s (CPU {cpu:.1f} s); load {os.getloadavg()}")
    # the delta: 333 removed, 333 changed, 334 added
    picked = rng.sample(range(len(base_rows)), 666)
    removed = [base_rows[i][0] for i in picked[:333]]
    replacement, _ = rows(333, args.seed + 7, "r-", planted=False)
    changed = [
        (base_rows[i][0], *new[1:]) for i, new in zip(picked[333:], replacement, strict=True)
    ]
    added, _ = rows(334, args.seed + 9, "new-", planted=False)
    put = changed + added
    # the delta's own entries among the queries: a changed one by its new name, an added one
    queries += [Query(r[2].split(SEP)[0]) for r in put if r[2]][:100]
    _, before = latencies(base, queries)
    new, took, cpu = timed(lambda: screener.extend(base, uuid.uuid4(), put, removed))
    print(
        f"extend, 1,000-entry delta (333 removed, 333 changed, 334 added): "
        f"{took * 1000:.0f} ms (CPU {cpu * 1000:.0f} ms); {new.size:,} entries; "
        f"overlay {screener.overlay_size(new)}, rebuild due: {screener.should_rebuild(new)}; "
        f"load {os.getloadavg()}"
    )
    got, after = latencies(new, queries)
    gone = set(removed)
    final = [r for r in base_rows if r[0] not in gone and r[0] not in {c[0] for c in changed}]
    final += put
    whole, took, cpu = timed(lambda: screener.build_rows(LIST, uuid.uuid4(), "bench", final))
    print(f"whole build of the same content {took:.1f} s (CPU {cpu:.1f} s); load {os.getloadavg()}")
    want, rebuilt = latencies(whole, queries)
    same = sum(key(a) == key(b) for a, b in zip(got, want, strict=True))
    hits = sum(bool(a) for a in got)
    docs = [f"P{i:08d}" for i in rng.sample(range(len(base_rows)), 100)]
    plates = [r[6] for r in rng.sample([r for r in final if r[6]], 100)]
    same_docs = sum(
        key(new.search_documents(d, None)) == key(whole.search_documents(d, None)) for d in docs
    )
    same_plates = sum(key(new.search_plates(p)) == key(whole.search_plates(p)) for p in plates)
    print(
        f"person search ({len(queries)} queries, limit 5, min score {THRESHOLD}): "
        f"base {before}; extended {after}; whole build {rebuilt}"
    )
    print(
        f"answers identical to the whole build's: persons {same}/{len(queries)} "
        f"({hits} with a hit), documents {same_docs}/{len(docs)}, plates "
        f"{same_plates}/{len(plates)}; sizes {new.size:,} / {whole.size:,}; load {os.getloadavg()}"
    )


if __name__ == "__main__":
    main()
