"""Bulk import and the summary report agree to the unit; a failed strict import writes nothing."""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
from collections import Counter
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from borderpost.crossings.model import Crossing
from borderpost.imports.services import import_file
from borderpost.reports.services import summary
from borderpost.unit_of_work import UnitOfWork

Factory = sessionmaker[Session]

POSTS = [
    {
        "code": "W",
        "name": "West",
        "names": {"en": "West", "hy": "Արևմուտք"},
        "timezone": "Asia/Yerevan",
    },
    {"code": "E", "name": "East", "names": {"en": "East", "az": "Şərq"}, "timezone": "Asia/Baku"},
]
ORGS = [
    {"code": "IF", "name": "Force", "type": "international_force"},
    {"code": "HO", "name": "Aid", "type": "humanitarian"},
    {"code": "CA", "name": "Carrier", "type": "carrier"},
]


def _write_jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), "utf-8")
    return path


def _random_crossings(n: int, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        kind = rng.choice(["person", "vehicle"])
        category = rng.choice(
            [
                "civilian",
                "commercial",
                "humanitarian",
                "medical_evacuation",
                "international_force",
                "official",
            ]
        )
        decision = rng.choice(["admitted", "admitted", "referred", "refused"])
        # Times around the local midnights at the period's edges test the time zone bounds.
        day = rng.choice(
            [dt.date(2026, 2, 28), dt.date(2026, 3, 1), dt.date(2026, 3, 2), dt.date(2026, 3, 3)]
        )
        when = dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC) + dt.timedelta(
            minutes=rng.randint(-300, 300)
        )
        row: dict[str, Any] = {
            "id": f"01900000-0000-7000-8000-{i:012d}",
            "post": rng.choice(["W", "E"]),
            "direction": rng.choice(["in", "out"]),
            "time": when.isoformat(),
            "kind": kind,
            "category": category,
            "decision": decision,
            "reasons": [] if decision == "admitted" else ["documents incomplete"],
        }
        if rng.random() < 0.5:
            row["organisation"] = rng.choice(["IF", "HO", "CA"])
        if kind == "person":
            row["traveller"] = {
                "surname": f"NAME{i}",
                "given_names": "X",
                "document": {"number": f"D{i}", "issuer": "UTO", "expiry": "2031-01-01"},
            }
        else:
            row["vehicle"] = {"plate": f"AB {i}", "country": "GEO", "type": "truck"}
        rows.append(row)
    return rows


def _expected(rows: list[dict[str, Any]], first: dt.date, last: dt.date) -> Counter[str]:
    zones = {"W": dt.timezone(dt.timedelta(hours=4)), "E": dt.timezone(dt.timedelta(hours=4))}
    counts: Counter[str] = Counter()
    for row in rows:
        local = dt.datetime.fromisoformat(row["time"]).astimezone(zones[row["post"]]).date()
        if first <= local <= last:
            block = "persons" if row["kind"] == "person" else "vehicles"
            counts[f"{block}.total"] += 1
            counts[f"{block}.{row['category']}"] += 1
            counts[f"{block}.{row['decision']}"] += 1
            counts[f"{block}.{row['direction']}"] += 1
    return counts


def _setup(factory: Factory, tmp_path: Path) -> None:
    assert not import_file(factory, "posts", _write_jsonl(tmp_path / "p.jsonl", POSTS)).problems
    orgs = _write_jsonl(tmp_path / "o.jsonl", ORGS)
    assert not import_file(factory, "organisations", orgs).problems


def _count(factory: Factory) -> int:
    with factory() as session:
        return int(session.scalar(select(func.count()).select_from(Crossing)) or 0)


def test_import_and_report_agree_to_the_unit(session_factory: Factory, tmp_path: Path) -> None:
    _setup(session_factory, tmp_path)
    rows = _random_crossings(400, seed=3)
    report = import_file(session_factory, "crossings", _write_jsonl(tmp_path / "c.jsonl", rows))
    assert report.problems == []
    assert report.outcomes["created"] == 400
    first, last = dt.date(2026, 3, 1), dt.date(2026, 3, 2)
    with UnitOfWork(session_factory) as uow:
        result = summary(uow, first, last)
    expected = _expected(rows, first, last)
    for block in ("persons", "vehicles"):
        assert result[block]["total"] == expected[f"{block}.total"]
        for key, n in result[block]["by_category"].items():
            assert n == expected[f"{block}.{key}"], (block, key)
        for key, n in result[block]["by_decision"].items():
            assert n == expected[f"{block}.{key}"], (block, key)
        for key, n in result[block]["by_direction"].items():
            assert n == expected[f"{block}.{key}"], (block, key)
    assert result["persons"]["total"] + result["vehicles"]["total"] < 400  # the edges are cut


def test_reimport_changes_nothing(session_factory: Factory, tmp_path: Path) -> None:
    _setup(session_factory, tmp_path)
    path = _write_jsonl(tmp_path / "c.jsonl", _random_crossings(50, seed=4))
    import_file(session_factory, "crossings", path)
    again = import_file(session_factory, "crossings", path)
    assert again.outcomes == Counter({"unchanged": 50})
    assert _count(session_factory) == 50
    posts_again = import_file(session_factory, "posts", tmp_path / "p.jsonl")
    assert posts_again.outcomes == Counter({"unchanged": 2})


def test_bad_lines_are_reported_with_line_field_and_reason(
    session_factory: Factory, tmp_path: Path
) -> None:
    _setup(session_factory, tmp_path)
    rows = _random_crossings(5, seed=5)
    rows[1]["direction"] = "up"
    rows[3]["post"] = "NOWHERE"
    path = _write_jsonl(tmp_path / "c.jsonl", rows)
    with path.open("a") as handle:
        handle.write("{not json\n")
    report = import_file(session_factory, "crossings", path, strict=True)
    assert [(p.line, p.field) for p in report.problems] == [
        (2, "direction"),
        (4, "post"),
        (6, "line"),
    ]
    assert "not valid JSON" in report.problems[2].reason
    assert _count(session_factory) == 0  # strict: nothing of the file is written
    lenient = import_file(session_factory, "crossings", path)
    assert lenient.outcomes["created"] == 3
    assert _count(session_factory) == 3


def test_csv_with_the_same_columns(session_factory: Factory, tmp_path: Path) -> None:
    _setup(session_factory, tmp_path)
    path = tmp_path / "c.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "post",
                "direction",
                "time",
                "kind",
                "category",
                "organisation",
                "traveller.surname",
                "traveller.document.number",
                "traveller.document.issuer",
                "vehicle.plate",
                "vehicle.country",
                "vehicle.type",
                "decision",
                "reasons",
            ]
        )
        writer.writerow(
            [
                "W",
                "in",
                "2026-03-01T10:00:00+04:00",
                "person",
                "civilian",
                "",
                "ƏLIYEVA",
                "C123",
                "AZE",
                "",
                "",
                "",
                "referred",
                "check;visa",
            ]
        )
        writer.writerow(
            [
                "W",
                "out",
                "2026-03-01T11:00:00+04:00",
                "vehicle",
                "humanitarian",
                "HO",
                "",
                "",
                "",
                "77 XY 001",
                "ARM",
                "truck",
                "admitted",
                "",
            ]
        )
    report = import_file(session_factory, "crossings", path)
    assert report.problems == []
    with UnitOfWork(session_factory) as uow:
        result = summary(uow, dt.date(2026, 3, 1), dt.date(2026, 3, 1), "W")
    assert result["persons"]["by_decision"]["referred"] == 1
    assert result["vehicles"]["by_organisation_type"]["humanitarian"] == 1
