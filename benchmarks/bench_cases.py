"""Cases: the public figures over 100,000 cases, the person's status look-up, the recount.

    .venv/bin/python -m benchmarks.bench_cases [--n 100000] [--backends sqlite,postgres]

Two posts, ``n`` cases received through 2025 (kinds at random), four in five decided 0 to 40
days after receipt. Figures:

- the access report's case figures (``case_facts`` + ``case_figures``) for one month and for
  the whole year, every post: median and worst of 5 runs after a warm-up;
- the person's status look-up (``services.public_status``: reference, SHA-256 of the secret,
  constant-time compare): median and p99 of 1,000 look-ups of random cases;
- the observer's arithmetic (``facts_from_leaves`` + ``case_figures``) over ``n`` case leaves,
  no database: median of 3 runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import time
from typing import Any, cast

from sqlalchemy import Table, insert, select

from benchmarks.common import machine, scratch_engine
from borderpost.cases import services
from borderpost.cases.figures import case_figures
from borderpost.cases.model import DEADLINE_DAYS, Case, CaseKind, CaseStatus, Outcome
from borderpost.db import make_session_factory
from borderpost.ids import new_id
from borderpost.ledger.caseleaf import case_leaf, facts_from_leaves
from borderpost.posts.model import Post
from borderpost.posts.schemas import PostCreate
from borderpost.posts.services import save_post
from borderpost.unit_of_work import UnitOfWork

YEAR = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
# One secret for all: the look-up's cost does not depend on it.
SECRET = "AAAA-BBBB-CCCC-DDDD"  # noqa: S105 - a benchmark's made-up secret


def _load(factory: Any, n: int, rng: random.Random) -> list[str]:
    with UnitOfWork(factory, actor="bench") as uow:
        posts = []
        for code in ("P-A", "P-B"):
            data = {"code": code, "name": code, "timezone": "Asia/Baku"}
            posts.append(save_post(uow, PostCreate.model_validate(data))[0].id)
        uow.commit()
    table = cast(Table, Case.__table__)
    references, rows = [], []
    secret_hash = services.hash_secret(SECRET)
    kinds, outcomes = list(CaseKind), list(Outcome)
    for number in range(n):
        kind = rng.choice(kinds)
        received = YEAR + dt.timedelta(seconds=rng.randrange(365 * 86400))
        decided = (
            received + dt.timedelta(days=rng.randrange(41), hours=rng.randrange(24))
            if rng.random() < 0.8
            else None
        )
        reference = f"C-{number:010d}"
        references.append(reference)
        rows.append(
            {
                "id": new_id(),
                "reference": reference,
                "secret_hash": secret_hash,
                "kind": kind.value,
                "channel": "hotline",
                "status": (CaseStatus.DECIDED if decided else CaseStatus.UNDER_REVIEW).value,
                "post_id": rng.choice(posts),
                "language": "en",
                "contact_name": "bench",
                "summary": "bench",
                "received_at": received,
                "received_by": "bench",
                "due_at": received + dt.timedelta(days=DEADLINE_DAYS[kind]),
                "outcome": rng.choice(outcomes).value if decided else None,
                "decided_at": decided,
            }
        )
    with factory() as session:
        for start in range(0, n, 5000):
            session.execute(insert(table), rows[start : start + 5000])
        session.commit()
    return references


def _timed(run: Any, times: int) -> tuple[float, float]:
    spent = []
    for attempt in range(times + 1):
        began = time.perf_counter()
        run()
        if attempt:
            spent.append(time.perf_counter() - began)
    return statistics.median(spent), max(spent)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--backends", default="sqlite,postgres")
    args = parser.parse_args()
    print(f"bench_cases: {args.n:,} cases; {machine()}")
    rng = random.Random(20261205)
    for backend in args.backends.split(","):
        with scratch_engine(backend) as engine:
            factory = make_session_factory(engine)
            references = _load(factory, args.n, rng)
            with factory() as session:
                posts = list(session.scalars(select(Post)))
                for label, first, last in (
                    ("one month", dt.date(2025, 6, 1), dt.date(2025, 6, 30)),
                    ("the year", dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
                ):

                    def figures(
                        first: dt.date = first, last: dt.date = last, posts: list[Post] = posts
                    ) -> None:
                        facts = services.case_facts(session, posts, first, last)
                        case_figures(facts, first, last)

                    median, worst = _timed(figures, 5)
                    print(
                        f"{backend:8} access report case figures, {label}: "
                        f"median {median * 1000:.0f} ms, worst {worst * 1000:.0f} ms"
                    )
            lookups = []
            with UnitOfWork(factory) as uow:
                services.public_status(uow, references[0], SECRET)  # warm
                for _ in range(1000):
                    began = time.perf_counter()
                    services.public_status(uow, rng.choice(references), SECRET)
                    lookups.append(time.perf_counter() - began)
            lookups.sort()
            print(
                f"{backend:8} status look-up: median {statistics.median(lookups) * 1000:.2f} ms, "
                f"p99 {lookups[int(len(lookups) * 0.99)] * 1000:.2f} ms"
            )
    leaves = []
    for _ in range(args.n):
        received = dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(365))
        decided = received + dt.timedelta(days=rng.randrange(41)) if rng.random() < 0.8 else None
        leaves.append(
            case_leaf(
                post=rng.choice(["P-A", "P-B"]),
                zone="Asia/Baku",
                kind=rng.choice(list(CaseKind)).value,
                received=received,
                due=received + dt.timedelta(days=30),
                decided=decided,
                outcome="answered" if decided else None,
                commitment_hex="00" * 32,
            )
        )

    def recount() -> None:
        case_figures(facts_from_leaves(leaves), dt.date(2025, 1, 1), dt.date(2025, 12, 31))

    median, _worst = _timed(recount, 3)
    print(f"observer  recount arithmetic over {args.n:,} case leaves: median {median:.2f} s")


if __name__ == "__main__":
    main()
