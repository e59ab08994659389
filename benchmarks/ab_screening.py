"""A/B of the person index: the working tree against a git revision, in one process.

    .venv/bin/python -m benchmarks.ab_screening [--against REV] [--compile] [--entries 1000000]
        [--rounds 6]

On a machine shared with other jobs, two benchmark runs minutes apart differ by more than
most changes do. This runs both versions side by side instead: the revision's five pure
matcher modules (``index``, ``scoring``, ``names``, ``types``, ``countries``; they import
nothing else from the project; ``types`` was ``model`` before the matcher had a package of
its own) are loaded from ``git show`` as a separate package, both versions build an index of
the same generated entries, and the 100 planted queries run in alternating rounds with every
cache emptied before each round (the cold case, as for a name never seen before). Reported
per version: CPU time (``time.process_time``) p50 / p99 / max of each query's fastest round,
the planted persons found in the top ten, and how many result lists (entry, score, matched
name, explanation) differ between the versions.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from benchmarks.bench_screening import generate, machine_line

OPTIONAL = ("kernels",)  # not in every revision; never compiled with mypyc (numba's own)
ROOT = Path(__file__).resolve().parent.parent
# Where a revision keeps the five modules: the matcher's package, or (earlier revisions) the
# screening package itself, where the types module was called ``model``.
LAYOUTS = (
    ("src/borderpost/screening/matcher", ("index", "scoring", "names", "types", "countries")),
    ("src/borderpost/screening", ("index", "scoring", "names", "model", "countries")),
)


def layout(rev: str) -> tuple[str, tuple[str, ...]]:
    """The folder of the matcher's modules at ``rev`` and their names."""
    for folder, modules in LAYOUTS:
        probe = ["git", "cat-file", "-e", f"{rev}:{folder}/index.py"]
        if subprocess.run(probe, cwd=ROOT, capture_output=True).returncode == 0:
            return folder, modules
    raise SystemExit(f"{rev}: no screening matcher found")


def types_module(index: ModuleType) -> ModuleType:
    """The module with ``PersonEntry`` and ``Query`` next to a loaded ``index``."""
    package = index.__name__.rsplit(".", 1)[0]
    return sys.modules.get(f"{package}.types") or sys.modules[f"{package}.model"]


def load_revision(rev: str, into: Path, *, compile: bool = False) -> ModuleType:
    """The revision's matcher modules as package ``screening_at_<rev>``; returns its index.

    With ``compile``, the five modules are compiled with mypyc first (with the project's
    ``mypyc.ini``, as ``setup.py`` does; a minute or two), so that a compiled working tree
    is compared with a compiled revision."""
    name = "screening_at_" + "".join(c if c.isalnum() else "_" for c in rev)
    package = into / name
    package.mkdir()
    (package / "__init__.py").write_text("")
    folder, modules = layout(rev)
    for module in modules:
        source = subprocess.run(
            ["git", "show", f"{rev}:{folder}/{module}.py"],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        (package / f"{module}.py").write_text(source)
    for module in OPTIONAL:
        shown = subprocess.run(
            ["git", "show", f"{rev}:{folder}/{module}.py"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        if shown.returncode == 0:
            (package / f"{module}.py").write_text(shown.stdout)
    if compile:
        sources = [f"{name}/{m}.py" for m in modules]
        subprocess.run(
            [sys.executable, "-m", "mypyc", "--config-file", str(ROOT / "mypyc.ini"), *sources],
            cwd=into,
            check=True,
            capture_output=True,
        )
    sys.path.insert(0, str(into))
    return importlib.import_module(f"{name}.index")


def clear_caches(idx: Any) -> None:
    """Empty the index's token cache and every lru_cache of its version's modules."""
    idx._tok_cache.clear()
    package = type(idx).__module__.rsplit(".", 1)[0]
    for module in ("names", "scoring"):
        for value in vars(sys.modules[f"{package}.{module}"]).values():
            if hasattr(value, "cache_clear"):
                value.cache_clear()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--against", default="HEAD", help="git revision to compare with")
    ap.add_argument("--entries", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--rounds", type=int, default=6)
    ap.add_argument(
        "--compile", action="store_true", help="compile the revision with mypyc as well"
    )
    args = ap.parse_args(argv)
    print(machine_line())
    from borderpost.screening.matcher import index as ours

    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        theirs = load_revision(args.against, Path(tmp), compile=args.compile)
        compiled = "compiled" if args.compile else "pure Python"
        print(f"{args.against}: loaded ({compiled}) in {time.perf_counter() - t:.0f} s", flush=True)
        entries, queries = generate(args.entries, args.seed)
        versions: dict[str, tuple[Any, Any]] = {}
        for label, module in (("working tree", ours), (args.against, theirs)):
            types = types_module(module)
            t = time.perf_counter()
            idx = module.PersonIndex().build(
                types.PersonEntry(e.entry_id, e.names, e.birth_dates, e.nationalities)
                for e in entries
            )
            print(f"{label}: built in {time.perf_counter() - t:.1f} s", flush=True)
            versions[label] = (idx, types.Query)
        del entries
        gc.collect()
        gc.freeze()
        times: dict[str, list[list[float]]] = {label: [] for label in versions}
        results: dict[str, list[Any]] = {}
        order = list(versions)
        for r in range(args.rounds):
            for label in order if r % 2 == 0 else order[::-1]:
                idx, query = versions[label]
                clear_caches(idx)
                cpu, out = [], []
                for q in queries:
                    c = time.process_time()
                    hits = idx.search(query(q.name, q.birth_date, q.nationality), limit=10)
                    cpu.append((time.process_time() - c) * 1000)
                    out.append([(h.entry_id, h.score, h.matched_name, h.explanation) for h in hits])
                times[label].append(cpu)
                results[label] = out
    print(f"\n{len(queries)} planted queries, {args.rounds} alternating rounds, cold caches")
    for label in versions:
        best = np.min(np.array(times[label]), axis=0)
        found = sum(
            q.person.pid in {h[0] for h in hits}
            for q, hits in zip(queries, results[label], strict=True)
        )
        print(
            f"{label:>14}: CPU per query (fastest round) p50 {np.percentile(best, 50):.2f} ms, "
            f"p99 {np.percentile(best, 99):.2f} ms, max {best.max():.2f} ms; top-10 {found}"
        )
    pairs = list(zip(*(results[label] for label in versions), strict=True))

    def scored(hits: list[Any]) -> list[Any]:
        return [h[:2] for h in hits]

    print(
        f"result lists differing: {sum(x != y for x, y in pairs)} in all, "
        f"{sum(scored(x) != scored(y) for x, y in pairs)} by entry or score, "
        f"{sum(scored(x[:1]) != scored(y[:1]) for x, y in pairs)} in the top hit"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
