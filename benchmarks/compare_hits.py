"""Compare two ``bench_watchlist --hits`` files: are the planted queries' hits identical?

    .venv/bin/python -m benchmarks.compare_hits BEFORE.json AFTER.json

Prints, per backend, how many of the queries have the same top 10 (entry ids in the same
order, scores equal) in both files, and each query that differs; exit 1 if any differs.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    args = parser.parse_args()
    before = json.loads(args.before.read_text())
    after = json.loads(args.after.read_text())
    differ = 0
    for backend in sorted(set(before) | set(after)):
        a, b = before.get(backend, []), after.get(backend, [])
        same = sum(x == y for x, y in zip(a, b, strict=False))
        print(f"{backend}: {same} of {max(len(a), len(b))} queries with identical top 10")
        for n, (x, y) in enumerate(zip(a, b, strict=False)):
            if x != y:
                print(f"  query {n}: {x} != {y}")
        differ += max(len(a), len(b)) - same
    return 1 if differ else 0


if __name__ == "__main__":
    raise SystemExit(main())
