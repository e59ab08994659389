"""Crossings recorded per second through the service layer (record_crossing), one process.

    .venv/bin/python benchmarks/bench_record.py [--n 5000] [--backends sqlite,postgres]

Two shapes: the booth (one transaction per crossing, as an officer records them) and the
import (one transaction per 2,000 crossings). The mix: 60% people with a new document,
15% people seen before, 25% vehicles, a quarter of them new.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time

from benchmarks.common import machine, scratch_engine
from borderpost.crossings.schemas import CrossingCreate
from borderpost.crossings.services import record_crossing
from borderpost.db import make_session_factory
from borderpost.organisations.schemas import OrganisationCreate
from borderpost.organisations.services import save_organisation
from borderpost.posts.schemas import PostCreate
from borderpost.posts.services import save_post
from borderpost.unit_of_work import UnitOfWork

# Ordinary trade, with some ore and medicines so that rules match (default rule set).
GOODS = [("8471.30", "laptop computers"), ("6109.10", "cotton t-shirts"),
         ("0901.21", "roasted coffee"), ("3004.90", "medicines"), ("2616.90", "gold concentrate"),
         ("8703.23", "passenger cars"), ("7208.51", "steel plates")]  # fmt: skip


def consignment(rng: random.Random, items: int) -> dict[str, object]:
    goods = []
    for _ in range(items):
        code, words = rng.choice(GOODS)
        goods.append({"hs_code": code, "description": words, "quantity": rng.randint(1, 500),
                      "unit": "pcs", "gross_kg": 120, "net_kg": 100, "value": 9000,
                      "currency": "USD", "origin": "GEO"})  # fmt: skip
    party = {"name": "Bench Trading"}
    return {"carrier": party, "consignor": party, "consignee": party, "items": goods}


def commands(n: int, seed: int, cargo: int = 0) -> list[CrossingCreate]:
    rng = random.Random(seed)
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    seen: list[dict[str, object]] = []
    plates = [f"{i:02d}-AB-{rng.randint(100, 999)}" for i in range(max(10, n // 16))]
    out = []
    for i in range(n):
        when = (start + dt.timedelta(seconds=7 * i)).isoformat()
        roll = rng.random()
        base = {"post": "B1", "direction": rng.choice(["in", "out"]), "time": when}
        if roll < 0.75:
            if roll < 0.15 and seen:
                person = rng.choice(seen)
            else:
                person = {
                    "surname": f"SURNAME{i}",
                    "given_names": "GIVEN",
                    "birth_date": "1980-01-01",
                    "nationality": "UTO",
                    "document": {"number": f"X{i:08d}", "issuer": "UTO", "expiry": "2030-01-01"},
                }
                seen.append(person)
            data = {**base, "kind": "person", "category": "civilian", "traveller": person}
        else:
            data = {
                **base,
                "kind": "vehicle",
                "category": "commercial",
                "organisation": "CARR",
                "vehicle": {"plate": rng.choice(plates), "country": "GEO", "type": "truck"},
            }
            if cargo:
                data["consignments"] = [consignment(rng, cargo)]
        out.append(CrossingCreate.model_validate(data))
    return out


def run(backend: str, n: int, batch: int, cargo: int = 0) -> float:
    with scratch_engine(backend) as engine:
        factory = make_session_factory(engine)
        with UnitOfWork(factory) as uow:
            save_post(uow, PostCreate(code="B1", name="Bench", timezone="UTC"))
            save_organisation(uow, OrganisationCreate(code="CARR", name="C", type="carrier"))
            uow.commit()
        todo = commands(n, seed=1, cargo=cargo)
        began = time.perf_counter()
        if batch == 1:
            for command in todo:
                with UnitOfWork(factory, actor="bench") as uow:
                    record_crossing(uow, command)
                    uow.commit()
        else:
            for first in range(0, n, batch):
                with UnitOfWork(factory, actor="bench") as uow:
                    for command in todo[first : first + batch]:
                        record_crossing(uow, command)
                    uow.commit()
        return n / (time.perf_counter() - began)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--cargo", type=int, default=0, help="goods items per vehicle")
    args = parser.parse_args()
    cargo = f", one consignment of {args.cargo} items per vehicle" if args.cargo else ""
    print(f"bench_record: {args.n} crossings each{cargo}; {machine()}")
    print(f"{'backend':10} {'shape':32} {'crossings/s':>12}")
    for backend in args.backends.split(","):
        for label, batch in (
            ("booth: one transaction each", 1),
            ("import: 2,000 a transaction", 2000),
        ):
            rate = run(backend, args.n, batch, args.cargo)
            print(f"{backend:10} {label:32} {rate:12,.0f}")


if __name__ == "__main__":
    main()
