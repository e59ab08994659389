"""Ledger benchmark: the borderpost tile log against pymerkle and a plain hashlib RFC 6962 tree.

For N entries of 200 bytes (default one million), appended in batches of 256:

- borderpost ``TileLog``: durable, on disk, as C2SP tiles. Two modes: the default, where each
  batch's entries are fdatasync'ed before ``append`` returns and the hash tiles are written
  in the same call and made durable before each checkpoint is signed; and ``sync_hashes``,
  where every file the batch touched is fdatasync'ed before ``append`` returns.
- pymerkle 7 ``InmemoryTree`` (PyPI), in memory.
- a plain hashlib RFC 6962 tree, in memory: a list of levels, proofs by the RFC's recursion.

It prints append throughput, inclusion and consistency proof times at size N, bytes of
hashes stored, checkpoint signing time and peak memory (each implementation runs in its own
process, so peak RSS is its own), with the machine and the date. Run it on an idle machine:
fsync latency and CPU contention move the figures.

    python benchmarks/bench_ledger.py [--entries 1000000]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

BATCH = 256
PROOF_SAMPLES = 5000
ORIGIN = "bench.borderpost.example/post-1"


def batches(n: int) -> Iterator[list[bytes]]:
    """Deterministic ~200-byte entries: an 8-byte index and 192 fixed random bytes."""
    filler = random.Random(1).randbytes(192)
    for start in range(0, n, BATCH):
        yield [i.to_bytes(8, "big") + filler for i in range(start, min(n, start + BATCH))]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def time_each(fn: Callable[..., object], args: Sequence[tuple[object, ...]]) -> list[float]:
    """Mean wall-clock and CPU microseconds per call: on a shared machine they differ."""
    wall, cpu = time.perf_counter(), time.process_time()
    for a in args:
        fn(*a)
    n = len(args)
    return [(time.perf_counter() - wall) / n * 1e6, (time.process_time() - cpu) / n * 1e6]


def per_call(fn: Callable[..., object], args: Sequence[tuple[object, ...]]) -> list[float]:
    """Fastest and median wall-clock microseconds of single calls.

    On a shared machine the mean includes the time the process waited for a core; the
    fastest call is close to the uncontended cost, the median shows the typical one.
    """
    times = []
    for a in args:
        start = time.perf_counter()
        fn(*a)
        times.append((time.perf_counter() - start) * 1e6)
    times.sort()
    return [times[0], times[len(times) // 2]]


class Stopwatch:
    """Accumulates wall-clock and CPU time over the timed sections only."""

    def __init__(self) -> None:
        self.wall = self.cpu = 0.0

    def __enter__(self) -> None:
        self._w, self._c = time.perf_counter(), time.process_time()

    def __exit__(self, *exc: object) -> None:
        self.wall += time.perf_counter() - self._w
        self.cpu += time.process_time() - self._c

    def rate(self, n: int) -> list[float]:
        return [n / self.wall, n / self.cpu]


def bench_borderpost(n: int, sync_hashes: bool) -> dict[str, object]:
    from borderpost.ledger.storage.log import TileLog
    from borderpost.ledger.tlog.note import Ed25519Signer

    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMPDIR")) as tmp:
        log = TileLog(Path(tmp) / "log", ORIGIN, sync_hashes=sync_hashes)
        watch = Stopwatch()
        for batch in batches(n):
            with watch:
                log.append(batch)
        key = Ed25519Signer.generate(ORIGIN)
        start = time.perf_counter()
        log.sign_checkpoint(key)  # the first one also makes the unsynced hash tiles durable
        first_sign = time.perf_counter() - start
        sign_note_us = time_each(log.checkpoint_note, [(key,)] * 500)
        sign_calls_us = per_call(log.checkpoint_note, [(key,)] * 2000)
        body = log.checkpoint().body().encode()
        ed25519_us = per_call(key.sign, [(body,)] * 2000)
        sign_durable_us = time_each(log.sign_checkpoint, [(key,)] * 50)
        rng = random.Random(2)
        incl = [(rng.randrange(n), n) for _ in range(PROOF_SAMPLES)]
        cons = [(rng.randint(1, n - 1), n) for _ in range(PROOF_SAMPLES)]
        incl_us = time_each(log.inclusion_proof, incl)
        cons_us = time_each(log.consistency_proof, cons)
        result = {
            "append_per_s": watch.rate(n),
            "incl_us": incl_us,
            "cons_us": cons_us,
            "hash_bytes": log.hash_bytes(),
            "sign_us": sign_note_us,
            "sign_calls_us": sign_calls_us,
            "ed25519_us": ed25519_us,
            "sign_durable_us": sign_durable_us,
            "first_sign_ms": first_sign * 1e3,
            "root": log.root_hash().hex(),
        }
        log.close()
    result["peak_mb"] = peak_rss_mb()
    return result


class PlainTree:
    """RFC 6962 in memory with hashlib: every level kept, proofs by the RFC's recursion."""

    def __init__(self) -> None:
        self.levels: list[list[bytes]] = [[]]

    def append(self, entry: bytes) -> None:
        h = hashlib.sha256(b"\x00" + entry).digest()
        self.levels[0].append(h)
        level = 0
        while len(self.levels[level]) % 2 == 0:
            row = self.levels[level]
            h = hashlib.sha256(b"\x01" + row[-2] + row[-1]).digest()
            if level + 1 == len(self.levels):
                self.levels.append([])
            self.levels[level + 1].append(h)
            level += 1

    def mth(self, lo: int, hi: int) -> bytes:
        n = hi - lo
        if n & (n - 1) == 0:
            return self.levels[n.bit_length() - 1][lo // n]
        k = 1 << ((n - 1).bit_length() - 1)
        return hashlib.sha256(b"\x01" + self.mth(lo, lo + k) + self.mth(lo + k, hi)).digest()

    def path(self, m: int, lo: int, hi: int) -> list[bytes]:
        if hi - lo == 1:
            return []
        k = 1 << ((hi - lo - 1).bit_length() - 1)
        if m < lo + k:
            return [*self.path(m, lo, lo + k), self.mth(lo + k, hi)]
        return [*self.path(m, lo + k, hi), self.mth(lo, lo + k)]

    def subproof(self, m: int, lo: int, hi: int, complete: bool) -> list[bytes]:
        if m == hi:
            return [] if complete else [self.mth(lo, hi)]
        k = 1 << ((hi - lo - 1).bit_length() - 1)
        if m <= lo + k:
            return [*self.subproof(m, lo, lo + k, complete), self.mth(lo + k, hi)]
        return [*self.subproof(m, lo + k, hi, False), self.mth(lo, lo + k)]


def bench_plain(n: int) -> dict[str, object]:
    tree = PlainTree()
    watch = Stopwatch()
    for batch in batches(n):
        with watch:
            for e in batch:
                tree.append(e)
    rng = random.Random(2)
    incl = [(rng.randrange(n), 0, n) for _ in range(PROOF_SAMPLES)]
    cons = [(rng.randint(1, n - 1), 0, n, True) for _ in range(PROOF_SAMPLES)]
    return {
        "append_per_s": watch.rate(n),
        "incl_us": time_each(tree.path, incl),
        "cons_us": time_each(tree.subproof, cons),
        "hash_bytes": 32 * sum(len(level) for level in tree.levels),
        "root": tree.mth(0, n).hex(),
        "peak_mb": peak_rss_mb(),
    }


def bench_pymerkle(n: int) -> dict[str, object]:
    import pymerkle

    tree = pymerkle.InmemoryTree(algorithm="sha256")
    watch = Stopwatch()
    for batch in batches(n):
        with watch:
            for e in batch:
                tree.append_entry(e)
    rng = random.Random(2)
    samples = 500  # pymerkle's proofs take about half a millisecond each
    incl = [(rng.randrange(n) + 1, n) for _ in range(samples)]
    cons = [(rng.randint(1, n - 1), n) for _ in range(samples)]
    return {
        "append_per_s": watch.rate(n),
        "incl_us": time_each(tree.prove_inclusion, incl),
        "cons_us": time_each(tree.prove_consistency, cons),
        "hash_bytes": None,
        "root": tree.get_root(n).hex(),
        "version": pymerkle.__version__,
        "peak_mb": peak_rss_mb(),
    }


IMPLS = {
    "borderpost": lambda n: bench_borderpost(n, sync_hashes=False),
    "borderpost-sync-all": lambda n: bench_borderpost(n, sync_hashes=True),
    "plain": bench_plain,
    "pymerkle": bench_pymerkle,
}
TITLES = {
    "borderpost": "borderpost TileLog (disk)",
    "borderpost-sync-all": "TileLog, fsync all files",
    "plain": "plain hashlib (memory)",
    "pymerkle": "pymerkle (memory)",
}


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    load = os.getloadavg()[0]
    return (
        f"{cpu}, {os.cpu_count()} cores, {mem:.0f} GiB RAM, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}, load average {load:.1f}"
    )


def fmt(value: object, kind: str) -> str:
    if value is None:
        return "n/a (memory)"
    if isinstance(value, list) and kind == "pair":
        return f"{value[0]:,.0f} / {value[1]:,.0f} µs"
    if isinstance(value, list):
        wall, cpu = value
        return f"{fmt(wall, kind)} (CPU {fmt(cpu, kind)})"
    assert isinstance(value, int | float)
    if kind == "rate":
        return f"{value / 1000:,.0f}k/s"
    if kind == "us":
        return f"{value:,.0f} µs"
    if kind == "bytes":
        return f"{value:,.0f} B"
    if kind == "ms":
        return f"{value:,.1f} ms"
    return f"{value:,.0f} MB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--impl", choices=sorted(IMPLS), help=argparse.SUPPRESS)
    parser.add_argument("--only", nargs="*", choices=sorted(IMPLS), default=list(IMPLS))
    args = parser.parse_args()
    if args.impl:
        print(json.dumps(IMPLS[args.impl](args.entries)))
        return
    n = args.entries
    print(f"Ledger benchmark, {n:,} entries of 200 bytes in batches of {BATCH}")
    print(f"Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print(f"Machine: {machine()}")
    results: dict[str, dict[str, object]] = {}
    for impl in args.only:
        done = subprocess.run(
            [sys.executable, __file__, "--impl", impl, "--entries", str(n)],
            check=True,
            capture_output=True,
            text=True,
        )
        results[impl] = json.loads(done.stdout.strip().splitlines()[-1])
    per_million = 1_000_000 / n
    rows = [
        ("durable appends (aim ≥ 100,000/s)", "append_per_s", "rate"),
        (f"inclusion proof at {n:,} (aim < 40 µs)", "incl_us", "us"),
        (f"consistency proof to {n:,} (aim < 40 µs)", "cons_us", "us"),
        ("hash bytes per million entries (aim ≤ 64 MB)", "hash_bytes", "bytes"),
        ("checkpoint signing, note only (aim < 100 µs)", "sign_us", "us"),
        ("checkpoint signing, fastest / median call", "sign_calls_us", "pair"),
        ("Ed25519 signature alone, fastest / median", "ed25519_us", "pair"),
        ("checkpoint signing, persisted (fsync)", "sign_durable_us", "us"),
        ("peak memory (RSS)", "peak_mb", "mb"),
    ]
    names = list(results)
    width = 48
    print()
    cell = 30
    print(f"| {'metric':<{width}} | " + " | ".join(f"{TITLES[i]:<{cell}}" for i in names) + " |")
    print(f"|{'-' * (width + 2)}|" + "|".join("-" * (cell + 2) for _ in names) + "|")
    for label, key, kind in rows:
        cells = []
        for impl in names:
            value = results[impl].get(key)
            if key == "hash_bytes" and value is not None:
                assert isinstance(value, int)
                value = value * per_million
            cells.append(fmt(value, kind) if key in results[impl] else "—")
        print(f"| {label:<{width}} | " + " | ".join(f"{c:<{cell}}" for c in cells) + " |")
    print("Figures are wall-clock, with the process's own CPU time in brackets.")
    roots = {str(r["root"]) for r in results.values()}
    print()
    print(f"Root hashes agree across implementations: {'yes' if len(roots) == 1 else 'NO'}")
    print(f"Root: {next(iter(roots))}")
    if "pymerkle" in results:
        print(f"pymerkle version: {results['pymerkle'].get('version')}")
    for impl in ("borderpost", "borderpost-sync-all"):
        if impl in results:
            first = results[impl]["first_sign_ms"]
            print(f"{TITLES[impl]}: first checkpoint (syncs the hash tiles) took {first:.1f} ms")


if __name__ == "__main__":
    main()
