"""Headquarters following a post's log: one round's time as the log grows.

    .venv/bin/python -m benchmarks.bench_ledger_follow [--sizes 10000,100000] [--step 1000]
        [--backends sqlite,postgres]

A post's log of synthetic crossing leaves (public facts and a random commitment) is built
with the tile store and signed with a fresh log key; headquarters follows it through
``follow_log`` reading the served paths straight from the files (``LogReader``: no network,
so HTTP costs are not in the figures). For each size: the round that catches up from the
previous size, then a round after ``step`` more leaves (the steady state), timed. The
replica is empty and the grace long, so every round also recounts all leaves held.
"""

from __future__ import annotations

import argparse
import datetime as dt
import secrets
import tempfile
import time
from pathlib import Path

from benchmarks.common import machine, scratch_engine
from borderpost.config import FollowedLogSetting
from borderpost.db import make_session_factory
from borderpost.ledger import leaves
from borderpost.ledger.follow.services import follow_log
from borderpost.ledger.keys import generate_log_key, load_log_signer
from borderpost.ledger.storage.log import TileLog
from borderpost.ledger.storage.reader import LogReader
from borderpost.posts.schemas import PostCreate
from borderpost.posts.services import save_post
from borderpost.unit_of_work import UnitOfWork

ORIGIN = "borderpost/B1"
START = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)


def _leaves(first: int, n: int) -> list[bytes]:
    return [
        leaves.crossing_leaf(
            post="B1",
            zone="UTC",
            time=START + dt.timedelta(minutes=i),
            direction="in" if i % 2 else "out",
            kind="person",
            category="civilian",
            organisation_type=None,
            vehicle_type=None,
            decision="admitted" if i % 7 else "refused",
            commitment_hex=secrets.token_hex(32),
        )
        for i in range(first, first + n)
    ]


def _grow(tlog: TileLog, signer: object, to: int) -> None:
    while tlog.size < to:
        n = min(10_000, to - tlog.size)
        tlog.append(_leaves(tlog.size, n))
    tlog.sign_checkpoint(signer)  # type: ignore[arg-type]


def run(backend: str, sizes: list[int], step: int) -> None:
    with scratch_engine(backend) as engine, tempfile.TemporaryDirectory() as folder:
        factory = make_session_factory(engine)
        with UnitOfWork(factory) as uow:
            save_post(uow, PostCreate(code="B1", name="Bench", timezone="UTC"))
            uow.commit()
        keys = generate_log_key(Path(folder) / "keys", ORIGIN)
        signer = load_log_signer(keys.private_path)
        directory = Path(folder) / "log"
        setting = FollowedLogSetting(post="B1", url="http://b1.invalid", vkey=keys.vkey)
        grace = dt.timedelta(days=1)
        with TileLog(directory, ORIGIN) as tlog:
            fetch = LogReader(directory).read_path
            for size in sizes:
                before = tlog.size
                _grow(tlog, signer, size)
                started = time.perf_counter()
                result = follow_log(factory, setting, fetch, grace)
                catch_up = time.perf_counter() - started
                assert result.size == size, result
                _grow(tlog, signer, size + step)
                started = time.perf_counter()
                result = follow_log(factory, setting, fetch, grace)
                steady = time.perf_counter() - started
                assert result.size == size + step, result
                print(
                    f"{backend:8} size {size:>9,}: catch-up from {before:,} {catch_up:7.2f} s; "
                    f"round after +{step:,} leaves {steady:6.2f} s"
                )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--step", type=int, default=1000)
    parser.add_argument("--backends", default="sqlite,postgres")
    args = parser.parse_args()
    print(machine())
    for backend in args.backends.split(","):
        run(backend, [int(s) for s in args.sizes.split(",")], args.step)


if __name__ == "__main__":
    main()
