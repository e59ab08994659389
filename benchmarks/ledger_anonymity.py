"""How many ledger leaves stand alone in their time slot: the re-identification risk of time.

A leaf publishes a crossing's post, time, category, direction, kind, vehicle type,
organisation type and decision. At a quiet post, the only medical evacuation of the night is
one leaf in its hour (or day): a neighbour who saw the ambulance learns that its passenger
was evacuated, and when. This script counts, per kind and category, the leaves that share
their slot (same post, kind and category) with no other leaf, at the minute, the hour and the
local day, and again with every other public fact of the leaf (direction, vehicle type,
organisation type, decision) in the group.

Two data sets:

- the demo (``borderpost demo``: two posts, six weeks), built into a scratch SQLite home, or
  read from ``--home`` if one is given;
- the shape ``benchmarks/bench_report.py`` loads (uniform over 2025, two posts, five
  categories, a fifth with an organisation), generated in memory at ``--bench-n`` crossings.

Run: ``python -m benchmarks.ledger_anonymity [--home DIR] [--bench-n 1000000]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select

from benchmarks.common import machine
from borderpost.crossings.model import Crossing
from borderpost.db import make_engine, make_session_factory
from borderpost.ledger.leaves import minute
from borderpost.posts.model import Post

PINNED = "2026-11-28T08:00:00Z"  # the demo's "today", as the test suite pins it


@dataclass(frozen=True, slots=True)
class Fact:
    """The public facts of one crossing, as its leaf would carry them."""

    post: str
    zone: str
    time: dt.datetime
    kind: str
    category: str
    direction: str
    vehicle_type: str | None
    organisation_type: str | None
    decision: str


def demo_facts(home: Path) -> list[Fact]:
    """The crossings of a demo home's database (every one has a leaf)."""
    engine = make_engine(f"sqlite:///{home / 'borderpost.db'}")
    query = select(Crossing, Post.code, Post.timezone).join(Post, Post.id == Crossing.post_id)
    with make_session_factory(engine)() as session:
        rows = session.execute(query).all()
    engine.dispose()
    return [
        Fact(code, zone, c.time, c.kind, c.category, c.direction, c.vehicle_type,
             c.organisation_type, c.decision)
        for c, code, zone in rows
    ]  # fmt: skip


def build_demo(home: Path) -> None:
    env = {**os.environ, "BORDERPOST_HOME": str(home), "BORDERPOST_NOW": PINNED}
    subprocess.run(
        [sys.executable, "-m", "borderpost.cli", "demo"], env=env, check=True, capture_output=True
    )


def bench_facts(n: int) -> Iterator[Fact]:
    """Crossings shaped as ``bench_report.load`` writes them (its seed and distributions)."""
    categories = ["civilian", "commercial", "humanitarian", "medical_evacuation", "official"]
    posts = (("W", "Asia/Yerevan"), ("E", "Asia/Baku"))
    rng = random.Random(5)
    start = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    span = 365 * 24 * 3600
    for _ in range(n):
        kind = rng.choice(["person", "vehicle"])
        with_org = rng.random() < 0.2
        code, zone = rng.choice(posts)
        yield Fact(
            post=code,
            zone=zone,
            direction=rng.choice(["in", "out"]),
            time=start + dt.timedelta(seconds=rng.randrange(span)),
            kind=kind,
            category=rng.choice(categories),
            organisation_type="international_force" if with_org else None,
            vehicle_type="truck" if kind == "vehicle" else None,
            decision=rng.choice(["admitted", "admitted", "admitted", "referred", "refused"]),
        )


Key = Callable[[Fact], tuple[object, ...]]


def _hour(f: Fact) -> str:
    return minute(f.time)[:13]


def _local_day(f: Fact) -> str:
    return f.time.astimezone(ZoneInfo(f.zone)).date().isoformat()


def _facts(f: Fact) -> tuple[object, ...]:
    return (f.direction, f.vehicle_type, f.organisation_type, f.decision)


# Each slot: what a reader groups a leaf with (post, kind and category always).
SLOTS: dict[str, Key] = {
    "minute": lambda f: (minute(f.time),),
    "hour": lambda f: (_hour(f),),
    "local day": lambda f: (_local_day(f),),
    "hour, all facts": lambda f: (_hour(f), *_facts(f)),
    "local day, all facts": lambda f: (_local_day(f), *_facts(f)),
}


def _night(f: Fact) -> bool:
    hour = f.time.astimezone(ZoneInfo(f.zone)).hour
    return hour >= 22 or hour < 6


def table(facts: Iterable[Fact]) -> list[str]:
    """One row per (kind, category): leaves, and those alone in their slot, per slot."""
    facts = list(facts)
    counts = {name: Counter((f.post, f.kind, f.category, *slot(f)) for f in facts)
              for name, slot in SLOTS.items()}  # fmt: skip
    groups: dict[tuple[str, str], list[Fact]] = {}
    for f in facts:
        groups.setdefault((f.kind, f.category), []).append(f)
    names = list(SLOTS)
    heads = " | ".join(f"alone: {n}" for n in names)
    lines = [
        f"| kind | category | leaves | at night | {heads} |",
        "|---|---|---|---|" + "---|" * len(names),
    ]
    for (kind, category), members in sorted(groups.items()):
        alone = []
        for name in names:
            slot = SLOTS[name]
            single = sum(
                1 for f in members if counts[name][(f.post, f.kind, f.category, *slot(f))] == 1
            )
            alone.append(f"{single:,} ({single / len(members):.0%})")
        night = sum(1 for f in members if _night(f))
        lines.append(
            f"| {kind} | {category} | {len(members):,} | {night:,} | " + " | ".join(alone) + " |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, help="a demo home already built")
    parser.add_argument("--bench-n", type=int, default=1_000_000)
    args = parser.parse_args()
    print(f"Ledger leaves alone in their slot (same post, kind and category); {machine()}")
    print("Slots: UTC minute, UTC hour, the post's local day; 'all facts' adds direction,")
    print("vehicle type, organisation type and decision to what the leaf is grouped with.")
    with tempfile.TemporaryDirectory() as scratch:
        home = args.home
        if home is None:
            home = Path(scratch) / "home"
            home.mkdir()
            print("building the demo in a scratch home ...", file=sys.stderr)
            build_demo(home)
        print("\nDemo (two posts, six weeks):\n")
        print("\n".join(table(demo_facts(home))))
    print(f"\nbench_report's shape ({args.bench_n:,} crossings over 2025, two posts):\n")
    print("\n".join(table(bench_facts(args.bench_n))))


if __name__ == "__main__":
    main()
