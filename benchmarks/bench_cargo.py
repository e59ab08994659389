"""Cargo rule engine benchmark: generated 500-rule set, generated consignments.

Prints two figures, with the machine and the date:

1. one consignment of 50 goods items evaluated against a 500-rule set (warm; target < 1 ms);
2. a day's traffic, 5,000 consignments parsed from JSON and evaluated, in a fresh Python
   process, counting its start, the imports and the loading of HS and of the rules
   (target < 5 s).

Run: ``python -m benchmarks.bench_cargo [--seed N] [--rules 500] [--consignments 5000]``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from benchmarks.common import machine
from borderpost.cargo.rules import evaluate, load_ruleset, parse_consignment
from borderpost.cargo.rules.hs import dotted, nomenclature

CATEGORIES = ["civilian", "commercial", "humanitarian", "medical_evacuation", "official"]
ORIGINS = ["ARM", "AZE", "GEO", "TUR", "IRN", "RUS", "CHN", "DEU", "USA", "ARE"]
ON = date(2025, 6, 1)


def _vocabulary(rng: random.Random, size: int) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    words = {"".join(rng.choice(letters) for _ in range(rng.randint(4, 9))) for _ in range(size)}
    return sorted(words)


def make_rules(rng: random.Random, count: int, keywords: list[str]) -> str:
    """TOML text of a network rule set with ``count`` varied rules."""
    codes = list(nomenclature().subheadings())
    lines = [
        "[ruleset]",
        'id = "bench"',
        'version = "1"',
        "effective_from = 2025-01-01",
        'network = "bench"',
        "",
    ]
    for n in range(count):
        code = rng.choice(codes)
        kind = rng.random()
        fields: dict[str, str] = {}
        if kind < 0.45:
            shape = rng.random()
            end = f"{int(code[:4]) + 5:04d}"
            if shape < 0.05:
                spec = code[:2]
            elif shape < 0.6:
                spec = dotted(code[:4])
            elif shape < 0.8 and nomenclature().has(end) and end[:2] == code[:2]:
                spec = f"{dotted(code[:4])}-{dotted(end)}"
            else:
                spec = dotted(code)
            fields["hs"] = json.dumps([spec])
        if 0.3 < kind < 0.95:
            fields["keywords"] = json.dumps(rng.sample(keywords, rng.randint(1, 4)))
        if kind >= 0.95:
            fields["origins"] = json.dumps(rng.sample(ORIGINS, 1))
            fields["min_gross_kg"] = str(rng.choice([1000, 5000, 10000]))
        if rng.random() < 0.3:
            fields["categories"] = json.dumps(rng.sample(CATEGORIES, 2))
        if rng.random() < 0.2:
            fields["direction"] = json.dumps(rng.choice(["in", "out"]))
        effect = rng.choices(
            ["inspect", "require_permit", "prohibit", "allow"], weights=[50, 25, 10, 15]
        )[0]
        fields["effect"] = json.dumps(effect)
        if effect == "require_permit":
            fields["permit"] = json.dumps(rng.choice(["export_licence", "import_permit"]))
        if effect == "allow" and n > 10 and rng.random() < 0.5:
            fields["exempts"] = json.dumps([f"B-{rng.randrange(n)}"])
        lines += ["[[rule]]", f'id = "B-{n}"', f'legal_basis = "Bench rule set, section {n}"']
        lines += [f"{k} = {v}" for k, v in fields.items()]
        lines.append("")
    return "\n".join(lines)


def _description(rng: random.Random, words: list[str], keywords: list[str]) -> str:
    # Most words of a description are plain; about one in fifty is a word some rule looks for.
    return " ".join(
        rng.choice(keywords) if rng.random() < 0.02 else rng.choice(words)
        for _ in range(rng.randint(2, 8))
    )


def make_consignment(
    rng: random.Random, n: int, items: int, words: tuple[list[str], list[str]], codes: list[str]
) -> dict[str, Any]:
    """One declared consignment as the documented JSON; ``words`` is (plain, keywords)."""
    party = {"name": f"Party {n}", "country": rng.choice(ORIGINS)}
    goods = []
    for _ in range(items):
        net = round(10 ** rng.uniform(0, 4.3))  # 1 kg to 20 t, most of it small
        goods.append(
            {
                "hs_code": dotted(rng.choice(codes)),
                "description": _description(rng, *words),
                "quantity": rng.randint(1, 1000),
                "unit": "pcs",
                "gross_kg": net + rng.randint(0, 500),
                "net_kg": net,
                "value": rng.randint(10, 1_000_000),
                "currency": rng.choice(["USD", "EUR", "AMD", "GEL"]),
                "origin": rng.choice(ORIGINS),
            }
        )
    return {
        "id": f"C-{n:06d}",
        "carrier": party,
        "consignor": party,
        "consignee": party,
        "seals": [f"S-{n}-1"],
        "permits": [
            {
                "type": "export_licence",
                "number": f"E-{n}",
                "issuer": "Ministry",
                "valid_until": "2025-12-31",
            }
        ]
        if rng.random() < 0.3
        else [],
        "items": goods,
    }


COLD = """
import json, sys, time
from datetime import date
t0 = time.perf_counter()
from pathlib import Path
from borderpost.cargo.rules import evaluate, load_ruleset, parse_consignment
rules = load_ruleset(Path(sys.argv[1]))
t1 = time.perf_counter()
data = json.loads(Path(sys.argv[2]).read_text())
cats = ["civilian", "commercial", "humanitarian", "medical_evacuation", "official"]
lanes = {"green": 0, "yellow": 0, "red": 0}
for n, raw in enumerate(data):
    c = parse_consignment(raw)
    a = evaluate(c, rules, category=cats[n % 5], direction="in" if n % 2 else "out",
                 on=date(2025, 6, 1), random_share=0.05, seed=b"bench-seed")
    lanes[a.lane.value] += 1
t2 = time.perf_counter()
print(json.dumps({"load_s": t1 - t0, "traffic_s": t2 - t1, "cpu_s": time.process_time(),
                  "lanes": lanes}))
"""


def calibration() -> float:
    """CPU seconds of a fixed pure-Python loop, to compare runs across machines and loads.

    On a shared machine the same loop takes several times longer when the other hardware
    thread of the core is busy; the figures below grow in proportion.
    """
    started = time.process_time()
    total = 0
    for n in range(5_000_000):
        total += n
    return time.process_time() - started


def main() -> None:
    """Generate the data, run both measurements, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--rules", type=int, default=500)
    parser.add_argument("--consignments", type=int, default=5000)
    parser.add_argument("--items", type=int, default=50, help="items in the single consignment")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    vocabulary = _vocabulary(rng, 3300)
    keywords, plain = vocabulary[:300], vocabulary[300:]
    codes = list(nomenclature().subheadings())

    print(f"# cargo benchmark; machine: {machine()}")
    print(
        f"# load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores;"
        f" reference loop (5M additions) {calibration():.2f} s CPU"
    )
    with tempfile.TemporaryDirectory() as tmp:
        rules_path = Path(tmp) / "rules.toml"
        rules_path.write_text(make_rules(rng, args.rules, keywords), encoding="utf-8")
        started = time.perf_counter()
        ruleset = load_ruleset(rules_path)
        print(
            f"load {len(ruleset)} rules (HS already loaded): "
            f"{(time.perf_counter() - started) * 1000:.1f} ms"
        )

        single = parse_consignment(make_consignment(rng, 0, args.items, (plain, keywords), codes))
        timings = []
        reasons = 0
        for n in range(400):
            started = time.process_time()
            result = evaluate(
                single,
                ruleset,
                category=CATEGORIES[n % 5],
                direction="in" if n % 2 else "out",
                on=ON,
            )
            timings.append(time.process_time() - started)
            reasons += sum(len(i.reasons) for i in result.items)
        timings.sort()
        print(
            f"one consignment, {args.items} items, {len(ruleset)} rules (CPU time):"
            f" min {timings[0] * 1000:.3f} ms,"
            f" median {statistics.median(timings) * 1000:.3f} ms,"
            f" p95 {timings[int(len(timings) * 0.95)] * 1000:.3f} ms"
            f" ({reasons / 400 / args.items:.2f} matched rules per item on average)"
        )

        day = [
            make_consignment(rng, n, rng.randint(1, 20), (plain, keywords), codes)
            for n in range(args.consignments)
        ]
        items = sum(len(c["items"]) for c in day)
        traffic_path = Path(tmp) / "traffic.json"
        traffic_path.write_text(json.dumps(day), encoding="utf-8")
        started = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-c", COLD, str(rules_path), str(traffic_path)],
            check=True,
            capture_output=True,
            text=True,
        )
        wall = time.perf_counter() - started
        figures = json.loads(out.stdout)
        print(
            f"day's traffic from cold start: {args.consignments} consignments, {items} items:"
            f" {wall:.2f} s wall, {figures['cpu_s']:.2f} s CPU (imports, HS and rules"
            f" {figures['load_s']:.2f} s, parse and evaluate {figures['traffic_s']:.2f} s);"
            f" lanes {figures['lanes']}"
        )


if __name__ == "__main__":
    main()
