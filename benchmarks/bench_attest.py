"""Attestations: a party attesting 10,000 crossings, and the recount with attestations.

    .venv/bin/python -m benchmarks.bench_attest [--crossings 10000] [--leaves 1000000]

1. **A party attests** ``--crossings`` crossings of its organisation at one post (among the
   post's other traffic, about 850 of every 980 vehicles the party's), recorded through the
   use case on SQLite and appended to the post's log. Timed, as the party's tool runs them
   (``ledger.attestations.tool``): fetch the receipts from the app (in-process HTTP: the
   post's side, 10,000 inclusion proofs and openings, is in the figure), verify the checkpoint
   and every inclusion proof and opening, compare with the party's logbook CSV (one movement
   two hours off, one with no leaf), sign the statement. Median and worst of 3 runs.
2. **The recount with attestations** over a log of ``--leaves`` crossing leaves written
   straight into a tile log (30 days, 10% of them international-force vehicles), with one
   statement a day by the force's party: ``ledger.client.recount`` (verify every tile and
   entry, count, then the attested figures), the served log read from disk without HTTP.
   Timed with and without ``--attested``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.common import machine, scratch_engine
from borderpost.ledger import leaves as leaf_format

DAY = dt.date(2026, 3, 10)
ZONE = "Asia/Baku"


def _timed(fn: Callable[[], Any], runs: int) -> tuple[list[float], list[float], Any]:
    """Wall-clock and CPU seconds of each run: on a shared machine they differ."""
    times, cpu, result = [], [], None
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = fn()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return times, cpu, result


def party_attests(n: int, runs: int) -> None:
    from fastapi.testclient import TestClient
    from tests.web_support import add_user

    from borderpost.app import create_app
    from borderpost.config import Settings
    from borderpost.crossings.schemas import CrossingCreate
    from borderpost.crossings.services import record_crossing
    from borderpost.db import make_session_factory
    from borderpost.ledger import appending, services
    from borderpost.ledger.attestations import tool
    from borderpost.ledger.attestations.logbook import read_logbook
    from borderpost.ledger.keys import load_verifiers
    from borderpost.ledger.tlog.note import Ed25519Signer
    from borderpost.organisations.schemas import OrganisationCreate
    from borderpost.organisations.services import save_organisation
    from borderpost.parties.services import add_party
    from borderpost.posts.schemas import PostCreate
    from borderpost.posts.services import save_post

    rng = random.Random(21)
    with scratch_engine("sqlite") as engine, tempfile.TemporaryDirectory() as folder:
        factory = make_session_factory(engine)
        home = Path(folder)
        from borderpost.unit_of_work import UnitOfWork

        with UnitOfWork(factory, actor="bench") as uow:
            save_post(uow, PostCreate.model_validate({"code": "P-A", "name": "P-A",
                                                      "timezone": ZONE}))  # fmt: skip
            save_organisation(uow, OrganisationCreate(code="IFOR", name="IFOR",
                                                      type="international_force"))  # fmt: skip
            uow.commit()
        token = add_user(factory, "ifor-liaison", "party", ["P-A"])
        signer = Ed25519Signer.generate("IFOR")
        with UnitOfWork(factory, actor="bench") as uow:
            add_party(uow, "IFOR", "IFOR", signer.vkey(), "ifor-liaison")
            uow.commit()
        start = dt.datetime.combine(DAY, dt.time(), dt.UTC)
        lines = ["ref,time,direction,kind,plate"]
        recorded = mine = 0
        loading = time.perf_counter()
        with UnitOfWork(factory, actor="bench") as uow:
            while mine < n:
                at = start + dt.timedelta(seconds=20 * recorded)
                ours = rng.random() < 850 / 980
                plate = f"IF-{mine:05d}" if ours else f"10-XY-{recorded:05d}"
                data: dict[str, Any] = {
                    "post": "P-A", "direction": rng.choice(["in", "out"]), "time": at,
                    "kind": "vehicle", "category": "international_force" if ours else "civilian",
                    "vehicle": {"plate": plate, "country": "AZE", "type": "car"},
                }  # fmt: skip
                if ours:
                    data["organisation"] = "IFOR"
                    logged = at + dt.timedelta(hours=2) if mine == n // 2 else at
                    lines.append(
                        f"M{mine},{logged.isoformat()},{data['direction']},vehicle,{plate}"
                    )
                    mine += 1
                record_crossing(uow, CrossingCreate.model_validate(data))
                recorded += 1
                if recorded % 2000 == 0:
                    uow.commit()
            uow.commit()
        lines.append(f"M-X,{(start + dt.timedelta(hours=3)).isoformat()},in,vehicle,IF-NONE")
        appending.append_pending(factory, home)
        print(f"loaded {recorded} crossings ({mine} the party's) in "
              f"{time.perf_counter() - loading:.0f} s", file=sys.stderr)  # fmt: skip
        settings = Settings(home=home, database_url="sqlite://", secret_key="bench-attest")  # noqa: S106
        client = TestClient(create_app(settings, session_factory=factory))
        keys = load_verifiers(services.vkeys(home, "P-A"))
        logbook_text = "\n".join(lines) + "\n"
        last_day = (start + dt.timedelta(seconds=20 * recorded)).date()
        target = tool.Target("http://testserver", "P-A")

        def once() -> tuple[dict[str, float], Any]:
            marks = {}
            cpu = time.process_time()
            t0 = time.perf_counter()
            body = tool.fetch_receipts(client, target, token, DAY, last_day)
            marks["fetch"] = time.perf_counter() - t0
            t1 = time.perf_counter()
            checked = tool.check_receipts(body, keys)
            marks["verify"] = time.perf_counter() - t1
            t2 = time.perf_counter()
            logbook = read_logbook(logbook_text)
            compared = tool.compare(checked.leaves, logbook, (DAY, last_day), checked.zone)
            marks["compare"] = time.perf_counter() - t2
            t3 = time.perf_counter()
            statement = tool.statement_of(checked, compared, DAY, last_day)
            note = tool.sign_note(statement.encode(), [signer])
            marks["sign"] = time.perf_counter() - t3
            marks["cpu"] = time.process_time() - cpu  # the party's and the post's, one process
            return marks, (statement, note)

        results = [once() for _ in range(runs)]
        statement, note = results[-1][1]
        totals = [sum(v for k, v in m.items() if k != "cpu") for m, _ in results]
        print(f"\n1. A party attests {n:,} crossings ({recorded:,} at the post), {runs} runs")
        print("| stage | median s | worst s |\n|---|---|---|")
        for stage in ("fetch", "verify", "compare", "sign"):
            values = [m[stage] for m, _ in results]
            print(f"| {stage} | {statistics.median(values):.2f} | {max(values):.2f} |")
        print(f"| **total** (aim < 5 s) | **{statistics.median(totals):.2f}** | "
              f"{max(totals):.2f} |")  # fmt: skip
        cpu = statistics.median(m["cpu"] for m, _ in results)
        print(f"| CPU, post and party together | {cpu:.2f} | |")
        print(f"statement: {len(statement.confirmed)} confirmed, {len(statement.disputed)} "
              f"disputed, {len(statement.missing)} missing, {len(note):,} bytes")  # fmt: skip
        services.close_logs(home)


def recount_attested(n: int, runs: int) -> None:
    from borderpost.ledger.attestations.leaf import attestation_leaf
    from borderpost.ledger.attestations.statement import Statement
    from borderpost.ledger.client import recount as recounting

    recount = recounting.recount
    from borderpost.ledger.storage.log import TileLog
    from borderpost.ledger.tlog.note import Ed25519Signer, sign_note

    rng = random.Random(1_000_000)
    days = 30
    log_signer = Ed25519Signer.generate("borderpost/P-A")
    party = Ed25519Signer.generate("IFOR")
    with tempfile.TemporaryDirectory() as folder:
        tlog = TileLog(Path(folder) / "P-A", "borderpost/P-A")
        start = dt.datetime.combine(DAY, dt.time(), dt.UTC)
        step = days * 86400 / n
        per_day: dict[dt.date, list[int]] = {}
        batch: list[bytes] = []
        building = time.perf_counter()
        for i in range(n):
            at = start + dt.timedelta(seconds=i * step)
            force = rng.random() < 0.10
            vehicle = force or rng.random() < 0.3
            batch.append(leaf_format.crossing_leaf(
                post="P-A", zone="UTC", time=at, direction=rng.choice(["in", "out"]),
                kind="vehicle" if vehicle else "person",
                category="international_force" if force else "civilian",
                organisation_type="international_force" if force else None,
                vehicle_type="car" if vehicle else None, decision="admitted",
                commitment_hex=rng.randbytes(32).hex(),
            ))  # fmt: skip
            if force and vehicle:
                per_day.setdefault(at.date(), []).append(i)
            if len(batch) == 10_000:
                tlog.append(batch)
                batch = []
        if batch:
            tlog.append(batch)
        size, root = tlog.size, tlog.root_hash()
        statements = []
        for day, indexes in sorted(per_day.items()):
            disputed = {indexes[0]: "time"}
            s = Statement("borderpost/P-A", size, root, "IFOR", "international_force", day, day,
                          frozenset(indexes[1:]), disputed, ())  # fmt: skip
            note = sign_note(s.encode(), [party])
            statements.append(attestation_leaf("P-A", "UTC", "IFOR", party.vkey(), note))
        tlog.append(statements)
        tlog.sign_checkpoint(log_signer)
        print(f"built a log of {tlog.size:,} leaves ({len(statements)} statements) in "
              f"{time.perf_counter() - building:.0f} s", file=sys.stderr)  # fmt: skip
        logs = [(tlog.read_path, [log_signer.vkey()])]
        last = DAY + dt.timedelta(days=days)
        plain, plain_cpu, _ = _timed(lambda: recount(logs, DAY, last), runs)
        attested, attested_cpu, result = _timed(
            lambda: recount(logs, DAY, last, attested=True), runs
        )
        force = next(f for f in result["attestations"] if f["kind"] == "vehicle")
        print(f"\n2. The recount over {tlog.size:,} leaves, {runs} runs")
        print("| recount | median s | worst s | CPU s, median |\n|---|---|---|---|")
        print(f"| without attestations | {statistics.median(plain):.2f} | {max(plain):.2f} | "
              f"{statistics.median(plain_cpu):.2f} |")  # fmt: skip
        print(f"| **with attestations** (aim < 10 s) | **{statistics.median(attested):.2f}** | "
              f"{max(attested):.2f} | {statistics.median(attested_cpu):.2f} |")  # fmt: skip
        print(f"figure: {force['total']:,} international_force vehicles, "
              f"{force['parties'][0]['confirmed']:,} confirmed, "
              f"{force['parties'][0]['disputed']} disputed")  # fmt: skip
        tlog.close()


def main() -> None:
    import os

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--crossings", type=int, default=10_000)
    parser.add_argument("--leaves", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", choices=["party", "recount"])
    args = parser.parse_args()
    print(machine(), f"load average {os.getloadavg()[0]:.1f}")
    if args.only != "recount":
        party_attests(args.crossings, args.runs)
    if args.only != "party":
        recount_attested(args.leaves, args.runs)


if __name__ == "__main__":
    main()
