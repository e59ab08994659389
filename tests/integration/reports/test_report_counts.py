"""The daily counts kept by triggers give the same report as counting the crossings.

Posts at quarter- and half-hour offsets and at UTC make the partial days at a period's ends count.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections import Counter
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from borderpost.crossings.model import Crossing
from borderpost.imports.services import import_file
from borderpost.reports.model import CrossingCount
from borderpost.reports.services import summary
from borderpost.reports.summary import NO_ORGANISATION
from borderpost.unit_of_work import UnitOfWork

Factory = sessionmaker[Session]
ZONES = {"KOL": "Asia/Kolkata", "KAT": "Asia/Kathmandu", "UTC": "UTC"}


def _jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    return path


def _setup(factory: Factory, tmp_path: Path, n: int) -> list[dict[str, Any]]:
    posts = [{"code": c, "name": c, "timezone": z} for c, z in ZONES.items()]
    assert not import_file(factory, "posts", _jsonl(tmp_path / "p.jsonl", posts)).problems
    orgs = [{"code": "HO", "name": "Aid", "type": "humanitarian"}]
    assert not import_file(factory, "organisations", _jsonl(tmp_path / "o.jsonl", orgs)).problems
    rng = random.Random(11)
    start = dt.datetime(2026, 3, 1, tzinfo=dt.UTC) - dt.timedelta(hours=12)
    rows = []
    for i in range(n):
        when = start + dt.timedelta(minutes=rng.randrange(4 * 24 * 60))
        decision = rng.choice(["admitted", "admitted", "referred", "refused"])
        row: dict[str, Any] = {
            "id": f"01900000-0000-7000-8000-{i:012d}",
            "post": rng.choice(list(ZONES)),
            "direction": rng.choice(["in", "out"]),
            "time": when.isoformat(),
            "kind": "person",
            "category": rng.choice(["civilian", "humanitarian", "official"]),
            "decision": decision,
            "reasons": [] if decision == "admitted" else ["documents incomplete"],
            "traveller": {"surname": f"N{i}", "document": {"number": f"D{i}", "issuer": "UTO"}},
        }
        if rng.random() < 0.4:
            row["organisation"] = "HO"
        rows.append(row)
    report = import_file(factory, "crossings", _jsonl(tmp_path / "c.jsonl", rows))
    assert report.problems == []
    return rows


def _expected(rows: list[dict[str, Any]], post: str, first: dt.date, last: dt.date) -> Counter[str]:
    counts: Counter[str] = Counter()
    for row in rows:
        if row["post"] != post:
            continue
        local = dt.datetime.fromisoformat(row["time"]).astimezone(ZoneInfo(ZONES[post])).date()
        if first <= local <= last:
            counts["total"] += 1
            counts[row["category"]] += 1
            counts[row["decision"]] += 1
            counts["org:" + ("humanitarian" if "organisation" in row else NO_ORGANISATION)] += 1
    return counts


def test_summary_from_daily_counts_equals_counting_crossings(
    session_factory: Factory, tmp_path: Path
) -> None:
    rows = _setup(session_factory, tmp_path, 600)
    periods = [
        (dt.date(2026, 3, 1), dt.date(2026, 3, 1)),
        (dt.date(2026, 2, 28), dt.date(2026, 3, 2)),
        (dt.date(2026, 3, 2), dt.date(2026, 3, 3)),
    ]
    for post in ZONES:
        for first, last in periods:
            with UnitOfWork(session_factory) as uow:
                persons = summary(uow, first, last, post)["persons"]
            expected = _expected(rows, post, first, last)
            assert persons["total"] == expected["total"], (post, first, last)
            for key in ("civilian", "humanitarian", "official"):
                assert persons["by_category"][key] == expected[key], (post, key)
            for key in ("admitted", "referred", "refused"):
                assert persons["by_decision"][key] == expected[key], (post, key)
            for key in ("humanitarian", NO_ORGANISATION):
                assert persons["by_organisation_type"][key] == expected["org:" + key]
    assert expected["total"] > 0


def _table_counts(session: Session) -> Counter[tuple[Any, ...]]:
    counts: Counter[tuple[Any, ...]] = Counter()
    for row in session.execute(
        select(CrossingCount.post_id, CrossingCount.decision, CrossingCount.n)
    ):
        counts[(row.post_id, row.decision)] += row.n
    return +counts


def _recount(session: Session) -> Counter[tuple[Any, ...]]:
    rows = session.execute(
        select(Crossing.post_id, Crossing.decision, func.count()).group_by(
            Crossing.post_id, Crossing.decision
        )
    )
    return Counter({(post_id, decision): n for post_id, decision, n in rows})


def test_changed_and_removed_crossings_move_the_counts(
    session_factory: Factory, tmp_path: Path
) -> None:
    _setup(session_factory, tmp_path, 120)
    with session_factory() as session:
        assert _table_counts(session) == _recount(session)
        session.execute(
            update(Crossing).where(Crossing.decision == "referred").values(decision="admitted")
        )
        first = session.scalars(select(Crossing).order_by(Crossing.time).limit(1)).one()
        first.time = first.time + dt.timedelta(days=2)  # another day
        session.flush()
        session.execute(Crossing.__table__.delete().where(Crossing.decision == "refused"))
        assert _table_counts(session) == _recount(session)
        assert all(decision == "admitted" for _post, decision in _recount(session))
        session.rollback()
