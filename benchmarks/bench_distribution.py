"""Headquarters to posts on a real NATS JetStream server: a watchlist, a delta, a disabled user.

    .venv/bin/python -m benchmarks.bench_distribution [--entries 1000000] [--posts 2]
        [--delta 1000] [--url nats://127.0.0.1:PORT] [--files DIR]

Without ``--url`` it starts a nats-server of its own (on a free port, in a temporary store);
with it, the run's buckets are named after its process id. ``--files DIR`` keeps the two
generated versions there and reuses them on the next run with the same folder.
Headquarters is a SQLite database in this process; each post is a process of its own with its
own SQLite database and home, as a post node runs, following headquarters every 0.2 s
(``borderpost.network.following.follow_once``). After each list version a post applies, it
builds its screening index (as its server's warm-up does) and searches a name planted in that
version; the time it finds it is when the post "screens against it". Posts report the wall
clock (``time.time``) of each event; the machine's cores are shared by every post.

Measured:
1. the whole list: from the start of the import at headquarters to the last post screening it
   (import, publication of the whole file, each post's download, apply, checksum and build);
2. a delta of ``--delta`` entries (a third removed, a third changed, a third added) against the
   list: from the publication at headquarters (after its import of the new version, timed
   apart) to the last post screening the new version; and the bytes sent to a post for it
   (the delta file and the signed manifest);
3. a user disabled at headquarters: from the commit to the last post refusing their token.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import multiprocessing as mp
import os
import random
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from nats.errors import Error as NatsError
from sqlalchemy import select

from benchmarks.bench_watchlist import write_ftm
from benchmarks.common import machine
from borderpost import migrate
from borderpost.accounts.model import Role
from borderpost.accounts.schemas import UserCreate
from borderpost.accounts.services import add_user, disable_user, issue_token, principal_for_token
from borderpost.db import make_engine, make_session_factory
from borderpost.network import buckets
from borderpost.network.enrolment import Enrolment
from borderpost.network.following import follow_once
from borderpost.network.model import NetworkVersion
from borderpost.network.running import publish_all
from borderpost.network.signing import network_signer
from borderpost.posts.schemas import PostCreate
from borderpost.posts.services import save_post
from borderpost.screening import screener
from borderpost.screening.importing import ListFormat, import_version
from borderpost.sync import link
from borderpost.unit_of_work import UnitOfWork

PLANTED = {1: ("Quillon Marwickstone", "1961-03-03"), 2: ("Zebulon Quartermaine", "1972-07-07")}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def nats_server() -> Iterator[str]:
    port = _free_port()
    with tempfile.TemporaryDirectory() as store:
        proc = subprocess.Popen(
            ["nats-server", "-a", "127.0.0.1", "-p", str(port), "-js", "-sd", store],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port)):
                    break
                time.sleep(0.05)
            yield f"nats://127.0.0.1:{port}"
        finally:
            proc.terminate()
            proc.wait(10)


def _planted(version: int) -> str:
    name, born = PLANTED[version]
    entity = {"id": f"planted-{version}", "schema": "Person",
              "properties": {"name": [name], "birthDate": [born]}}  # fmt: skip
    return json.dumps(entity) + "\n"


def write_versions(folder: Path, entries: int, delta: int) -> tuple[Path, Path]:
    """Version 1 (with planted person 1) and version 2: a third of ``delta`` removed, a third
    changed (an alias added), a third added (planted person 2 among them)."""
    first = folder / "v1.jsonl"
    write_ftm(first, entries - 1, seed=2026)
    with first.open("a", encoding="utf-8") as out:
        out.write(_planted(1))
    lines = first.read_text(encoding="utf-8").splitlines(keepends=True)
    rng = random.Random(7)
    picked = rng.sample(range(len(lines) - 1), 2 * (delta // 3))
    removed, changed = set(picked[: delta // 3]), set(picked[delta // 3 :])
    second = folder / "v2.jsonl"
    with second.open("w", encoding="utf-8") as out:
        for i, line in enumerate(lines):
            if i in removed:
                continue
            if i in changed:
                entity = json.loads(line)
                entity["properties"].setdefault("alias", []).append(f"Alias Number{i}")
                line = json.dumps(entity, ensure_ascii=False) + "\n"
            out.write(line)
        added = delta - 2 * (delta // 3)
        for i in range(added - 1):
            entity = {"id": f"added-{i}", "schema": "Person",
                      "properties": {"name": [f"Added Person{i} Newname"]}}  # fmt: skip
            out.write(json.dumps(entity) + "\n")
        out.write(_planted(2))
    return first, second


def _migrated(path: Path) -> str:
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    return url


def post_worker(code: str, url: str, home: str, enrolment: dict[str, str], token: str,
                events: Any) -> None:  # fmt: skip
    """A post node: follow headquarters, build the index of each new list version, search the
    name planted in it; report each version screened and the token refused."""
    factory = make_session_factory(make_engine(url))
    joined = Enrolment(**enrolment)
    refused = False
    screened: set[int] = set()

    async def loop() -> None:
        nonlocal refused
        async with link.jetstream(joined.url, joined.stream) as js:
            carried = 0.0  # CPU of rounds cut short since the last version screened
            while True:
                cpu = time.process_time() - carried  # this post's CPU time for the round
                try:
                    report = await follow_once(factory, Path(home), joined, js)
                except (NatsError, TimeoutError) as exc:
                    # A request timed out on a starved machine: the next round goes on (as
                    # a post's follower loop does), and its CPU counts this round's.
                    events.put((code, "round-failed", repr(exc), time.time(), 0.0))
                    carried = time.process_time() - cpu
                    await asyncio.sleep(0.2)
                    continue
                carried = 0.0
                if report.refused:
                    events.put((code, "refused-version", str(report.refused), time.time(), 0.0))
                with factory() as session:
                    row = session.get(NetworkVersion, "list:bench")
                    version = row.version if row else 0
                if version and version not in screened:
                    with factory() as session:
                        built = screener.current(session.connection(), wait=True)
                    name, born = PLANTED[min(version, 2)]
                    found = built.person(name, birth_date=born, limit=3, min_score=0.9)
                    if any(f.match.entry_id == f"planted-{min(version, 2)}" for f in found):
                        screened.add(version)
                        cpu = time.process_time() - cpu
                        events.put((code, "screened", version, time.time(), cpu))
                if not refused:
                    with UnitOfWork(factory) as uow:
                        if principal_for_token(uow, token) is None and version >= 0:
                            with factory() as session:
                                users = session.get(NetworkVersion, "users")
                            if users is not None:
                                refused = True
                                events.put((code, "token-refused", 0, time.time(), 0.0))
                await asyncio.sleep(0.2)

    asyncio.run(loop())


CPU: dict[str, float] = {}  # each post's CPU time for the round that screened the last version


def _wait(events: Any, kind: str, value: object, codes: list[str]) -> dict[str, float]:
    got: dict[str, float] = {}
    while len(got) < len(codes):
        code, what, number, at, cpu = events.get(timeout=3000)
        if what == "refused-version":
            raise SystemExit(f"post {code} refused a version: {number}")
        if what == "round-failed":
            print(f"post {code}: a round cut short, retried: {number}")
        if what == kind and number == value:
            got[code], CPU[code] = at, cpu
    return got


def _per_post(got: dict[str, float], since: float) -> str:
    listed = ", ".join(
        f"{c} {t - since:.1f} s (CPU of its round {CPU.get(c, 0):.1f} s)"
        for c, t in sorted(got.items())
    )
    total = sum(CPU.get(c, 0.0) for c in got)
    return f"{listed}; posts' CPU together {total:.1f} s"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--posts", type=int, default=2)
    parser.add_argument("--delta", type=int, default=1000)
    parser.add_argument("--url", default="")
    parser.add_argument(
        "--files", default="", help="a folder keeping the generated versions for the next run"
    )
    args = parser.parse_args()
    print(f"bench_distribution: {args.entries:,} entries, {args.posts} posts, delta "
          f"{args.delta:,}; {machine()}; load {os.getloadavg()}")  # fmt: skip
    with (
        tempfile.TemporaryDirectory() as folder,
        contextlib.nullcontext(args.url) if args.url else nats_server() as url,
    ):
        root = Path(folder)
        start = time.perf_counter()
        files = Path(args.files) if args.files else root
        files.mkdir(parents=True, exist_ok=True)
        v1, v2 = files / "v1.jsonl", files / "v2.jsonl"
        if not (args.files and v1.is_file() and v2.is_file()):
            v1, v2 = write_versions(files, args.entries, args.delta)
        print(f"generated both versions in {time.perf_counter() - start:.1f} s (not counted)")
        # A stream of its own per run: with --url, an earlier run's versions (signed by its own
        # headquarters key) would be refused by this run's posts.
        stream = f"BENCHNET{os.getpid()}"
        hq_home = root / "hq"
        hq_home.mkdir()
        hq = make_session_factory(make_engine(_migrated(hq_home / "borderpost.db")))
        codes = [f"B{i + 1}" for i in range(args.posts)]
        with UnitOfWork(hq, actor="bench") as uow:
            for code in codes:
                save_post(uow, PostCreate(code=code, name=code, timezone="UTC"))
            add_user(uow, UserCreate(name="officer", role=Role.OFFICER, network=True))
            token = issue_token(uow, "officer")
            uow.commit()
        signer = network_signer(hq_home)

        def publish() -> list[str]:
            async def run() -> list[str]:
                async with link.jetstream(url, stream) as js:
                    return await publish_all(hq, hq_home, js, stream, signer)

            return asyncio.run(run())

        publish()
        events: Any = mp.get_context("spawn").Queue()
        workers = []
        for code in codes:
            home = root / code
            home.mkdir()
            enrolment = {"post": code, "url": url, "stream": stream, "vkey": signer.vkey()}
            proc = mp.get_context("spawn").Process(
                target=post_worker,
                args=(code, _migrated(home / "borderpost.db"), str(home), enrolment, token, events),
                daemon=True,
            )
            proc.start()
            workers.append(proc)
        try:
            time.sleep(3)  # the posts take their reference data (not timed)
            t0, cpu0 = time.time(), time.process_time()
            with UnitOfWork(hq, actor="bench") as uow, v1.open("rb") as handle:
                import_version(uow, "bench", handle, ListFormat.FTM, source="b", label="v1")
                uow.commit()
            imported, cpu1 = time.time(), time.process_time()
            publish()
            published, cpu2 = time.time(), time.process_time()
            got = _wait(events, "screened", 1, codes)
            last = max(got.values())
            print(f"whole list: import {imported - t0:.1f} s (CPU {cpu1 - cpu0:.1f} s), "
                  f"publication {published - imported:.1f} s (CPU {cpu2 - cpu1:.1f} s), "
                  f"until every post screens it {last - t0:.1f} s "
                  f"(per post from publication: {_per_post(got, published)})")  # fmt: skip

            t0 = time.time()
            with UnitOfWork(hq, actor="bench") as uow:
                disable_user(uow, "officer")
                uow.commit()
            publish()
            got = _wait(events, "token-refused", 0, codes)
            print(
                f"user disabled until every post refuses the token: {max(got.values()) - t0:.2f} s"
            )

            t0 = time.time()
            with UnitOfWork(hq, actor="bench") as uow, v2.open("rb") as handle:
                import_version(uow, "bench", handle, ListFormat.FTM, source="b", label="v2")
                uow.commit()
            imported = time.time()
            done = publish()
            published = time.time()
            got = _wait(events, "screened", 2, codes)
            last = max(got.values())
            print(f"delta ({done}): import of the new version at headquarters "
                  f"{imported - t0:.1f} s (not counted), "
                  f"publication {published - imported:.1f} s, from the import's "
                  f"commit until every post screens it {last - imported:.1f} s "
                  f"(per post from publication: {_per_post(got, published)})")  # fmt: skip

            async def sizes() -> tuple[int, int, int]:
                async with link.jetstream(url, stream) as js:
                    kv = await buckets.versions(js, stream)
                    entry = await kv.get(buckets.list_key("bench"))
                    manifest = json.loads(entry.value or b"{}")["payload"]
                    return (
                        len(entry.value or b""),
                        manifest["deltas"][-1]["size"],
                        manifest["full"]["size"],
                    )

            manifest, delta, full = asyncio.run(sizes())
            print(f"bytes to a post for the delta: {delta + manifest:,} (delta file {delta:,}, "
                  f"signed manifest {manifest:,}); the whole file: {full:,}")  # fmt: skip
        finally:
            for proc in workers:
                proc.terminate()
                proc.join(10)
        with hq() as session:
            assert session.scalars(select(NetworkVersion)).first() is None  # HQ applies nothing
        shutil.rmtree(root / "hq", ignore_errors=True)


if __name__ == "__main__":
    main()
