"""Erasure of expired crossings, with the server answering the booth meanwhile.

    .venv/bin/python -m benchmarks.bench_erasure [--n 1000000] [--backends sqlite,postgres]
        [--batch 500]

Loads ``n`` expired person crossings as the booth leaves them (traveller, travel document,
crossing, ledger leaf with its salt, audit entry, outbox event with the personal fields),
with Core bulk inserts into a node's database. Then starts the node's server
(``borderpost serve``, its own process), records crossings through its API one after another
(the booth's request), first alone, then while ``borderpost retention run`` (another process)
erases the million; prints the run's wall time and the booth's median and p99 in both phases,
and checks that the erased names are gone and the leaves unchanged.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, cast

import httpx
from sqlalchemy import Engine, Table, func, insert, select, text

from benchmarks.common import machine, scratch_engine
from borderpost.accounts.model import Role
from borderpost.accounts.schemas import UserCreate
from borderpost.accounts.services import add_user, issue_token
from borderpost.audit.model import AuditEntry
from borderpost.crossings.model import Crossing
from borderpost.db import make_session_factory
from borderpost.ids import new_id
from borderpost.ledger.model import LedgerLeaf
from borderpost.outbox import OutboxEvent
from borderpost.people.model import TravelDocument, Traveller
from borderpost.posts.schemas import PostCreate
from borderpost.posts.services import save_post
from borderpost.unit_of_work import UnitOfWork

POST = "BENCH"
_T = {m.__tablename__: cast(Table, m.__table__) for m in (Crossing, Traveller, TravelDocument)}
_LEAVES = cast(Table, LedgerLeaf.__table__)
_AUDIT = cast(Table, AuditEntry.__table__)
_OUTBOX = cast(Table, OutboxEvent.__table__)


def load(engine: Engine, n: int) -> tuple[Any, str]:
    """``n`` crossings of 2021 (past every default period); the post's id and a token."""
    factory = make_session_factory(engine)
    with UnitOfWork(factory, actor="bench") as uow:
        post = save_post(uow, PostCreate(code=POST, name=POST, timezone="Asia/Baku"))[0]
        add_user(uow, UserCreate(name="booth", role=Role.OFFICER, posts=[POST], password=None))
        token = issue_token(uow, "booth")
        uow.commit()
        post_id = post.id
    rng = random.Random(22)
    start = dt.datetime(2021, 1, 1, tzinfo=dt.UTC)
    batch = 10_000
    done = 0
    while done < n:
        rows: dict[str, list[dict[str, Any]]] = {
            "travellers": [],
            "travel_documents": [],
            "crossings": [],
            "leaves": [],
            "audit": [],
            "outbox": [],
        }
        for i in range(done, min(done + batch, n)):
            at = start + dt.timedelta(seconds=i * 30 + rng.randrange(30))
            traveller_id, document_id, crossing_id = new_id(), new_id(), new_id()
            surname, number = f"SURNAME{i:07d}", f"N{i:08d}"
            person = {"surname": surname, "given_names": "GIVEN", "birth_date": "1980-01-01"}
            rows["travellers"].append(
                {
                    "id": traveller_id,
                    "post_id": post_id,
                    **person,
                    "birth_date": dt.date(1980, 1, 1),
                    "nationality": "UTO",
                    "created_at": at,
                }
            )
            rows["travel_documents"].append(
                {
                    "id": document_id,
                    "post_id": post_id,
                    "traveller_id": traveller_id,
                    "type": "P",
                    "number": number,
                    "issuer": "UTO",
                    "expiry": dt.date(2030, 1, 1),
                    "created_at": at,
                }
            )
            facts = {
                "post": POST,
                "time": at.isoformat(),
                "kind": "person",
                "category": "civilian",
                "direction": "in",
                "decision": "admitted",
                "reasons": [],
                "flags": [],
            }
            rows["crossings"].append(
                {
                    "id": crossing_id,
                    "post_id": post_id,
                    "direction": "in",
                    "time": at,
                    "arrived_at": None,
                    "kind": "person",
                    "category": "civilian",
                    "organisation_id": None,
                    "organisation_type": None,
                    "traveller_id": traveller_id,
                    "document_id": document_id,
                    "vehicle_id": None,
                    "vehicle_type": None,
                    "carried_by_id": None,
                    "convoy_id": None,
                    "lane_id": None,
                    "officer": "booth",
                    "decision": "admitted",
                    "reasons": [],
                    "flags": [],
                    "recorded_at": at,
                    "command_digest": None,
                }
            )
            salt = rng.randbytes(16)
            rows["leaves"].append(
                {
                    "id": new_id(),
                    "post_id": post_id,
                    "record_type": "crossing",
                    "record_id": crossing_id,
                    "salt": salt,
                    "leaf": hashlib.sha256(salt + number.encode()).digest() * 6,
                    "corrects_id": None,
                    # Not in the node's log (the server appends the booth's leaves there):
                    # below zero, so the two never meet.
                    "log_index": -(i + 1),
                    "created_at": at,
                }
            )
            rows["audit"].append(
                {
                    "id": new_id(),
                    "at": at,
                    "actor": "booth",
                    "client": None,
                    "action": "create",
                    "entity": "crossings",
                    "entity_id": str(crossing_id),
                    "post_id": post_id,
                    "before": None,
                    "after": facts,
                }
            )
            document = {"type": "P", "number": number, "issuer": "UTO", "expiry": "2030-01-01"}
            rows["outbox"].append(
                {
                    "id": new_id(),
                    "post_id": post_id,
                    "topic": "crossing.recorded",
                    "payload": {
                        "id": str(crossing_id),
                        **facts,
                        "traveller": {**person, "nationality": "UTO", "document": document},
                        "stored": {
                            "traveller": {"id": str(traveller_id), **person},
                            "document": {"id": str(document_id), **document},
                        },
                    },
                    "created_at": at,
                    "sent_at": at,
                }
            )
        with engine.begin() as conn:
            conn.execute(insert(_T["travellers"]), rows["travellers"])
            conn.execute(insert(_T["travel_documents"]), rows["travel_documents"])
            conn.execute(insert(_T["crossings"]), rows["crossings"])
            conn.execute(insert(_LEAVES), rows["leaves"])
            conn.execute(insert(_AUDIT), rows["audit"])
            conn.execute(insert(_OUTBOX), rows["outbox"])
        done = min(done + batch, n)
        print(f"\r  loaded {done:,}/{n:,}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    else:
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
    return post_id, token


def _leaves_digest(engine: Engine) -> str:
    """SHA-256 over the loaded leaves' bytes, in order."""
    digest = hashlib.sha256()
    with engine.connect() as conn:
        rows = conn.execution_options(yield_per=20_000).execute(
            select(_LEAVES.c.leaf).where(_LEAVES.c.log_index < 0).order_by(_LEAVES.c.log_index)
        )
        for (leaf,) in rows:
            digest.update(leaf)
    return digest.hexdigest()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Booth(threading.Thread):
    """Records crossings through the API one after another; the time of each."""

    def __init__(self, url: str, token: str) -> None:
        super().__init__(daemon=True)
        self.client = httpx.Client(
            base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=30
        )
        self.times: list[float] = []
        self.phase = "idle"
        self.by_phase: dict[str, list[float]] = {}
        self.stop = threading.Event()
        self.count = 0

    def run(self) -> None:
        while not self.stop.is_set():
            self.count += 1
            body = {
                "post": POST,
                "direction": "out",
                "time": dt.datetime.now(dt.UTC).isoformat(),
                "kind": "person",
                "category": "civilian",
                "decision": "admitted",
                "traveller": {
                    "surname": "BOOTH",
                    "given_names": "NOW",
                    "birth_date": "1990-02-02",
                    "nationality": "UTO",
                    "document": {"type": "P", "number": f"B{self.count:08d}", "issuer": "UTO"},
                },
            }
            began = time.perf_counter()
            response = self.client.post("/api/v1/crossings", json=body)
            elapsed = time.perf_counter() - began
            if response.status_code != 201:
                raise SystemExit(f"booth: {response.status_code} {response.text[:300]}")
            self.by_phase.setdefault(self.phase, []).append(elapsed)
            time.sleep(0.05)  # an officer's pace is far slower; this keeps the line busy


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def measure(backend: str, n: int, batch: int) -> None:
    with scratch_engine(backend) as engine, tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        url = engine.url.render_as_string(hide_password=False)
        loaded = time.perf_counter()
        _post_id, token = load(engine, n)
        print(f"  {backend}: loaded {n:,} in {time.perf_counter() - loaded:.0f} s")
        leaves_before = _leaves_digest(engine)
        env = {
            **os.environ,
            "BORDERPOST_HOME": str(home),
            "BORDERPOST_DATABASE_URL": url,
            "BORDERPOST_NODE_POST": POST,
            "BORDERPOST_SECRET_KEY": "bench-erasure",
        }
        # The server's own job (a minute after start) erases nothing with these periods, but
        # its outbox pass may redact events of the crossings the command erased meanwhile.
        serving = {**env, "BORDERPOST_RETENTION_DAYS": json.dumps({"crossing": 99999})}
        port = _free_port()
        run = [sys.executable, "-m", "borderpost.cli"]
        subprocess.run([*run, "init"], env=env, check=True, capture_output=True)
        server = subprocess.Popen(
            [*run, "serve", "--port", str(port)],
            env=serving,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(600):
                try:
                    if httpx.get(f"{base}/api/v1/openapi.json", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.1)
            booth = Booth(base, token)
            booth.start()
            time.sleep(15)
            booth.phase = "erasing"
            began = time.perf_counter()
            erase = subprocess.run(
                [*run, "retention", "run", "--json", "--batch", str(batch)],
                env=env,
                capture_output=True,
                text=True,
            )
            took = time.perf_counter() - began
            booth.phase = "after"
            booth.stop.set()
            booth.join()
        finally:
            server.terminate()
            server.wait(30)
        if erase.returncode != 0:
            raise SystemExit(erase.stderr[-2000:])
        report = json.loads(erase.stdout)
        erased = report["kinds"][0]["erased"]
        leaves_after = _leaves_digest(engine)
        with engine.connect() as conn:
            left = conn.execute(
                text("SELECT count(*) FROM travellers WHERE surname LIKE 'SURNAME%'")
            ).scalar()
            events = conn.execute(
                text("SELECT count(*) FROM outbox WHERE CAST(payload AS TEXT) LIKE '%SURNAME%'")
            ).scalar()
            salts = conn.execute(
                select(func.count()).select_from(_LEAVES).where(_LEAVES.c.salt.is_not(None))
            ).scalar()
        idle, during = booth.by_phase.get("idle", []), booth.by_phase.get("erasing", [])
        print(
            f"  {backend}: erased {erased['crossings']:,} crossings in {took:.1f} s "
            f"({erased['crossings'] / took:,.0f}/s), outbox events {report['outbox_events']:,}, "
            f"audit entries {erased['audit_entries']:,}, batch {batch}"
        )
        print(
            f"  {backend}: booth alone: {len(idle)} requests, median "
            f"{statistics.median(idle) * 1000:.1f} ms, p99 {_pct(idle, 0.99):.1f} ms"
        )
        if during:
            print(
                f"  {backend}: booth during erasure: {len(during)} requests, median "
                f"{statistics.median(during) * 1000:.1f} ms, p99 {_pct(during, 0.99):.1f} ms, "
                f"max {max(during) * 1000:.1f} ms"
            )
        print(
            f"  {backend}: check: travellers left {left}, outbox events with a name left {events}, "
            f"salts left {salts} (the booth's own), "
            f"leaves unchanged {leaves_before == leaves_after}"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--batch", type=int, default=500)
    args = parser.parse_args()
    print(f"bench_erasure: {args.n:,} expired crossings; {machine()}")
    for backend in args.backends.split(","):
        measure(backend, args.n, args.batch)


if __name__ == "__main__":
    main()
