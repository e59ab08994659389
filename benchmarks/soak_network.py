"""Ten posts and headquarters through random faults, then the comparison; and the lag.

    .venv/bin/python benchmarks/soak_network.py [--minutes 2] [--posts 10] [--rate 200]
        [--hq postgres|sqlite]
    .venv/bin/python benchmarks/soak_network.py --lag [--minutes 1] [--rate 200]

A nats-server of its own (free port, own store, ``sync_interval: always`` when the server
takes it), ``--posts`` posts on SQLite files, each recording its share of ``--rate``
crossings per second (one transaction each, as at a booth) and shipping through a relay of
its own, and headquarters on PostgreSQL ingesting all the time (``borderpost sync ingest
--follow``, a process of its own).

Soak: every few seconds one fault, drawn at random: the broker killed with -9 and started
again, a post's link cut and mended, a post's shipper stopped and started again,
headquarters' ingest killed with -9 and started again, every unconfirmed event of a post sent again,
the confirmations lost. Then recording stops, everything is let to be confirmed, and every
record of every post is compared with headquarters': lost (at a post, not at headquarters),
duplicated (an event applied twice, or a record headquarters holds that no post has) and
different (field by field).

Lag (``--lag``, no faults): for every crossing, from when its post wrote it to when
headquarters applied it (``sync_inbox.applied_at``, in the transaction that commits it);
p50 and p99.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import shutil
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker
from tests.integration.sync.conftest import records
from tests.network.support import STREAM, Broker, Link, Process, purge, wait_for

from benchmarks.bench_record import commands
from benchmarks.common import machine, scratch_engine
from borderpost import migrate
from borderpost.crossings.services import record_crossing
from borderpost.db import make_engine, make_session_factory
from borderpost.organisations.schemas import OrganisationCreate
from borderpost.organisations.services import save_organisation
from borderpost.outbox import OutboxEvent
from borderpost.posts.schemas import PostCreate
from borderpost.posts.services import save_post
from borderpost.sync import follow, link, shipper
from borderpost.sync.model import InboxEntry
from borderpost.unit_of_work import UnitOfWork

Factory = sessionmaker[Session]


def _reference(factory: Factory, codes: list[str]) -> None:
    with UnitOfWork(factory) as uow:
        for code in codes:
            save_post(uow, PostCreate(code=code, name=code, timezone="UTC"))
        save_organisation(uow, OrganisationCreate(code="CARR", name="C", type="carrier"))
        uow.commit()


class Post:
    def __init__(self, code: str, folder: Path, template: Path, codes: list[str], n: int):
        path = folder / f"{code}.db"
        shutil.copy(template, path)
        self.code = code
        self.factory = make_session_factory(make_engine(f"sqlite:///{path}"))
        _reference(self.factory, codes)
        self.link: Link | None = None
        self.shipper: shipper.Shipper | None = None
        self.url = ""
        made = commands(n, seed=codes.index(code))
        self.pending = [c.model_copy(update={"post": code}) for c in made]

    def start_shipper(self) -> None:
        self.shipper = shipper.Shipper(
            self.factory, self.url, STREAM, interval=0.05, max_backoff=2.0, resend_after=20.0
        )
        self.shipper.start()

    def stop_shipper(self) -> None:
        if self.shipper is not None:
            self.shipper.stop()
            self.shipper = None

    def record_one(self) -> None:
        with UnitOfWork(self.factory, actor="officer.a") as uow:
            record_crossing(uow, self.pending.pop())
            uow.commit()

    def done(self) -> bool:
        with self.factory() as session:
            return not session.scalar(
                select(func.count()).where(OutboxEvent.confirmed_at.is_(None))
            )


class Ingest:
    """Headquarters' ingest as a process of its own (``borderpost sync ingest --follow``)."""

    def __init__(self, database_url: str, home: Path, url: str) -> None:
        self.database_url, self.home, self.url = database_url, home, url
        self.process: Process | None = None

    def start(self) -> None:
        args = ["sync", "ingest", "--follow", "--wait", "0.05", "--ack-wait", "5"]
        self.process = Process(args, self.database_url, self.home, self.url)

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop()

    def ready(self) -> bool:
        state = follow.read_state(follow.state_path(self.home))
        return state is not None and state.state == "ingesting"


def _record(posts: list[Post], rate: float, stop: threading.Event) -> None:
    """``rate`` crossings per second over all posts, one transaction each."""
    started, n = time.monotonic(), 0
    while not stop.is_set():
        due = started + n / rate
        if (ahead := due - time.monotonic()) > 0:
            stop.wait(ahead)
        post = posts[n % len(posts)]
        if not post.pending:
            return
        try:
            post.record_one()
        except OperationalError:  # the post's database busy: the officer tries again
            continue
        n += 1


def _fault(rng: random.Random, broker: Broker, posts: list[Post], hq: Ingest) -> str:
    kind = rng.choice(["broker", "link", "shipper", "ingest", "resend", "confirmations"])
    post = rng.choice(posts)
    if kind == "broker":
        broker.kill9()
        time.sleep(rng.uniform(0.2, 2.0))  # the fault's length, not a wait for a result
        broker.start()
    elif kind == "link":
        assert post.link is not None
        post.link.cut()
        time.sleep(rng.uniform(0.2, 3.0))
        post.link.mend()
    elif kind == "shipper":
        post.stop_shipper()
        post.start_shipper()
    elif kind == "ingest":  # killed with -9: what it had taken comes back after the wait
        assert hq.process is not None
        hq.process.kill9()
        hq.start()
    elif kind == "resend":  # every unconfirmed event due again at once, under a new msg id
        with post.factory() as session, session.begin():
            session.execute(
                update(OutboxEvent)
                .where(OutboxEvent.confirmed_at.is_(None), OutboxEvent.shipments > 0)
                .values(resend_at=OutboxEvent.created_at)
            )
    else:
        try:
            asyncio.run(purge(broker.url, link.confirm_stream(STREAM)))
        except Exception as exc:  # the broker may be restarting: the fault is then another
            kind = f"confirmations ({type(exc).__name__})"
    return kind


def _compare(hq: Factory, posts: list[Post]) -> dict[str, int]:
    at_hq = records(hq)
    lost = duplicated = different = 0
    expected: dict[str, dict[Any, Any]] = {kind: {} for kind in at_hq}
    for post in posts:
        for kind, rows in records(post.factory).items():
            expected[kind].update(rows)
    for kind, rows in expected.items():
        for key, value in rows.items():
            if key not in at_hq[kind]:
                lost += 1
            elif at_hq[kind][key] != value:
                different += 1
        duplicated += len(set(at_hq[kind]) - set(rows))
    with hq() as session:  # an event applied twice would have two inbox rows: it cannot
        inbox = session.scalar(select(func.count()).select_from(InboxEntry)) or 0
    shipped = 0
    for post in posts:
        with post.factory() as session:
            shipped += session.scalar(select(func.count()).select_from(OutboxEvent)) or 0
    duplicated += max(0, inbox - shipped)
    return {"lost": lost, "duplicated": duplicated, "different": different}


def _lags(hq: Factory, posts: list[Post]) -> list[float]:
    with hq() as session:
        applied = dict(session.execute(select(InboxEntry.event_id, InboxEntry.applied_at)).all())
    lags: list[float] = []
    for post in posts:
        with post.factory() as session:
            for event_id, created in session.execute(
                select(OutboxEvent.id, OutboxEvent.created_at)
            ):
                if event_id in applied:
                    lags.append((applied[event_id] - created).total_seconds())
    return lags


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=2.0)
    parser.add_argument("--posts", type=int, default=10)
    parser.add_argument("--rate", type=float, default=200.0, help="Crossings/s, all posts")
    parser.add_argument("--hq", default="postgres", choices=["postgres", "sqlite"])
    parser.add_argument("--lag", action="store_true", help="No faults: measure the lag")
    parser.add_argument("--seed", type=int, default=17)
    args = parser.parse_args()
    print(machine())
    rng = random.Random(args.seed)
    codes = [f"S{i:02d}" for i in range(args.posts)]
    with tempfile.TemporaryDirectory() as folder_name, scratch_engine(args.hq) as hq_engine:
        folder = Path(folder_name)
        template = folder / "template.db"
        engine = make_engine(f"sqlite:///{template}")
        migrate.upgrade(engine)
        engine.dispose()
        broker = Broker(folder)
        broker.start()
        hq_factory = make_session_factory(hq_engine)
        _reference(hq_factory, codes)
        each = int(args.rate * args.minutes * 60 * 1.2 / args.posts) + 100
        posts = [Post(code, folder, template, codes, each) for code in codes]
        for post in posts:
            post.link = Link(broker.port)
            post.url = post.link.url
            post.start_shipper()
        hq = Ingest(hq_engine.url.render_as_string(hide_password=False), folder / "hq", broker.url)
        hq.start()
        # The lag is the network's, not the time a process takes to start.
        wait_for(lambda: hq.ready(), 120, "headquarters' ingest running")
        stop = threading.Event()
        recorder = threading.Thread(target=_record, args=(posts, args.rate, stop), daemon=True)
        recorder.start()
        faults: list[str] = []
        end = time.monotonic() + args.minutes * 60
        while time.monotonic() < end:
            time.sleep(min(rng.uniform(2.0, 6.0), max(0.0, end - time.monotonic())))
            if not args.lag and time.monotonic() < end:
                faults.append(_fault(rng, broker, posts, hq))
        stop.set()
        recorder.join(30)
        wait_for(lambda: all(p.done() for p in posts), 600, "every event confirmed")
        for post in posts:
            post.stop_shipper()
        hq.stop()
        recorded = sum(len(records(p.factory)["crossings"]) for p in posts)
        print(f"{args.posts} posts, {recorded} crossings recorded at {args.rate:g}/s for "
              f"{args.minutes:g} min, headquarters on {args.hq}, broker sync always: "
              f"{broker.sync_always}")  # fmt: skip
        if args.lag:
            lags = sorted(_lags(hq_factory, posts))
            p99 = lags[min(len(lags) - 1, int(len(lags) * 0.99))]
            print(f"lag, written at the post to applied at headquarters: "
                  f"p50 {statistics.median(lags):.3f} s, p99 {p99:.3f} s, "
                  f"max {lags[-1]:.3f} s over {len(lags)} events")  # fmt: skip
        else:
            counts = {k: faults.count(k) for k in sorted(set(faults))}
            print(f"faults injected: {len(faults)} {counts}")
            result = _compare(hq_factory, posts)
            print(f"lost {result['lost']}, duplicated {result['duplicated']}, "
                  f"different {result['different']}")  # fmt: skip
        for post in posts:
            assert post.link is not None
            post.link.close()
        broker.stop()


if __name__ == "__main__":
    main()
