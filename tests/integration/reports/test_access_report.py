"""The access report on both databases: hours open, closures, refusals, waiting times.

The post is in Asia/Baku (+04:00, no change of clocks), so local midnight is 20:00 UTC.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from tests.factories import command, make_post, person_crossing, traveller
from tests.web_support import add_user, bearer, sign_in
from tests.web_support import make_app as _app

from borderpost import clock
from borderpost.crossings.model import Crossing
from borderpost.crossings.recording import record_crossing
from borderpost.errors import InvalidInput
from borderpost.posts.schemas import ClosureCreate
from borderpost.posts.services import close_post
from borderpost.reports.access.services import access
from borderpost.unit_of_work import UnitOfWork

Factory = sessionmaker[Session]
DAY1, DAY2 = dt.date(2026, 3, 10), dt.date(2026, 3, 11)
# Waits in minutes on 10 March, by hand: sorted 1 2 3 5 7 9 12 15 20 30; n = 10, so the
# median is rank ceil(5) = 5 -> 7 and the 90th percentile rank ceil(9) = 9 -> 20.
WAITS = [3, 7, 1, 12, 30, 5, 9, 2, 20, 15]


def _report(factory: Factory, first: dt.date = DAY1, last: dt.date = DAY2) -> dict[str, Any]:
    with UnitOfWork(factory) as uow:
        return access(uow, first, last, "P-A")["by_post"][0]


def _cross(uow: UnitOfWork, time: str, waited: int | None = None, **extra: Any) -> None:
    data = person_crossing(time=time, **extra)
    if waited is not None:
        at = dt.datetime.fromisoformat(time) - dt.timedelta(minutes=waited)
        data["arrived_at"] = at.isoformat()
    record_crossing(uow, command(data))


def test_a_closure_over_local_midnight_is_split_between_the_two_days(
    session_factory: Factory,
) -> None:
    with UnitOfWork(session_factory, actor="sup") as uow:
        make_post(uow, "P-A")  # round the clock
        close_post(
            uow,
            "P-A",
            ClosureCreate(
                starts_at=dt.datetime.fromisoformat("2026-03-10T22:00:00+04:00"),
                ends_at=dt.datetime.fromisoformat("2026-03-11T03:00:00+04:00"),
                reason="bridge inspection",
                authority="Roads agency",
            ),
        )
        uow.commit()
    post = _report(session_factory)
    day1, day2 = post["days"]
    assert (day1["hours_scheduled"], day1["hours_closed"], day1["hours_open"]) == (24, 2, 22)
    assert (day2["hours_scheduled"], day2["hours_closed"], day2["hours_open"]) == (24, 3, 21)
    assert (post["hours_open"], post["closures_count"], post["closure_hours"]) == (43, 1, 5)
    [closure] = post["closures"]
    assert (closure["reason"], closure["authority"]) == ("bridge inspection", "Roads agency")
    assert "recorded_by" not in closure  # who recorded it is not an aggregate

    # Only the second day in the period: the closure counts for its part inside it.
    only_day2 = _report(session_factory, DAY2, DAY2)
    assert (only_day2["closure_hours"], only_day2["closures"][0]["hours_in_period"]) == (3, 3)


def test_opening_hours_bound_the_hours_a_closure_takes(session_factory: Factory) -> None:
    with UnitOfWork(session_factory, actor="sup") as uow:
        # Open 08:00-20:00 on Tuesday 10 March; Wednesday is not listed: closed all day.
        make_post(uow, "P-A", opening_hours={"tue": ["08:00", "20:00"]})
        close_post(
            uow,
            "P-A",
            ClosureCreate(
                starts_at=dt.datetime.fromisoformat("2026-03-10T18:00:00+04:00"),
                reason="weather",
                authority="Regional governor",
            ),
        )
        uow.commit()
    post = _report(session_factory)
    day1, day2 = post["days"]
    assert (day1["hours_scheduled"], day1["hours_closed"], day1["hours_open"]) == (12, 2, 10)
    assert (day2["hours_scheduled"], day2["hours_open"]) == (0, 0)
    # Open-ended: it counts up to the end of the period, in or out of opening hours.
    assert post["closure_hours"] == 30
    assert post["closures"][0]["ends_at"] is None


def test_waiting_percentiles_match_a_hand_count_and_unknown_is_not_zero(
    session_factory: Factory,
) -> None:
    with UnitOfWork(session_factory, actor="officer") as uow:
        make_post(uow, "P-A")
        for n, waited in enumerate(WAITS):
            _cross(uow, f"2026-03-10T10:{n:02d}:00+04:00", waited)
        _cross(uow, "2026-03-10T11:00:00+04:00")  # no queue ticket
        _cross(uow, "2026-03-10T23:30:00+04:00")  # 19:30 UTC, still 10 March at the post
        _cross(uow, "2026-03-11T09:00:00+04:00")  # the second day: no arrival time at all
        uow.commit()
    post = _report(session_factory)
    day1, day2 = post["days"]
    assert day1["crossings"] == 12
    assert day1["waiting"] == {
        "known": 10,
        "unknown": 2,
        "median_seconds": 7 * 60,
        "p90_seconds": 20 * 60,
    }
    assert day2["waiting"] == {
        "known": 0,
        "unknown": 1,
        "median_seconds": None,
        "p90_seconds": None,
    }
    assert post["waiting"] == {"known": 10, "unknown": 3}


def _nearest_rank(waits: list[int], tenths: int) -> int:
    """The value at rank ceil(tenths / 10 * n) of the sorted waits, in integer arithmetic."""
    ordered = sorted(waits)
    return ordered[-(-len(ordered) * tenths // 10) - 1]


@pytest.mark.parametrize(("sizes", "repeat"), [((1, 2, 3, 69), True), ((70, 10, 71, 7), False)])
def test_the_databases_percentiles_are_the_waits_ranked_here(
    session_factory: Factory, sizes: tuple[int, ...], repeat: bool
) -> None:
    """Days of varied sizes, with waits that repeat or all differ, refusals and crossings
    without an arrival time: the report's figures are those counted and ranked in Python
    from the same crossings (PostgreSQL's percentile_disc, SQLite's count by value)."""
    rng = random.Random(sum(sizes))
    days: dict[str, list[int]] = {}
    refused: dict[str, int] = {}
    unknown: dict[str, int] = {}
    with UnitOfWork(session_factory, actor="officer") as uow:
        make_post(uow, "P-A")
        for offset, n in enumerate(sizes):
            day = dt.date(2026, 3, 10) + dt.timedelta(days=offset)
            key = day.isoformat()
            days[key], refused[key], unknown[key] = [], 0, 0
            for i in range(n):
                time = f"{key}T{1 + i // 60:02d}:{i % 60:02d}:00+04:00"
                waited = rng.choice([None, *range(0, 40, 3)]) if repeat else (i * 37) % 500
                decision = rng.choice(["admitted", "admitted", "refused"])
                extra: dict[str, Any] = {}
                if decision == "refused":
                    extra = {"decision": "refused", "reasons": ["documents"]}
                    refused[key] += 1
                _cross(uow, time, waited, **extra)
                if waited is None:
                    unknown[key] += 1
                else:
                    days[key].append(waited * 60)
        uow.commit()
    last = dt.date(2026, 3, 10) + dt.timedelta(days=len(sizes) - 1)
    post = _report(session_factory, dt.date(2026, 3, 10), last)
    for day in post["days"]:
        waits = days[day["day"]]
        assert day["crossings"] == len(waits) + unknown[day["day"]]
        assert day["refused"] == refused[day["day"]]
        assert day["waiting"] == {
            "known": len(waits),
            "unknown": unknown[day["day"]],
            "median_seconds": _nearest_rank(waits, 5) if waits else None,
            "p90_seconds": _nearest_rank(waits, 9) if waits else None,
        }


def test_refusals_are_counted_by_class_from_the_stored_flags(session_factory: Factory) -> None:
    with UnitOfWork(session_factory, actor="officer") as uow:
        make_post(uow, "P-A")
        close_post(
            uow,
            "P-A",
            ClosureCreate(
                starts_at=dt.datetime.fromisoformat("2026-03-10T12:00:00+04:00"),
                ends_at=dt.datetime.fromisoformat("2026-03-10T13:00:00+04:00"),
                reason="security incident",
                authority="Border service",
            ),
        )
        _cross(uow, "2026-03-10T12:30:00+04:00")  # refused: the post is closed
        expired = traveller()
        expired["document"]["expiry"] = "2025-01-01"
        _cross(
            uow,
            "2026-03-10T14:00:00+04:00",
            traveller=expired,
            decision="refused",
            reasons=["document expired"],
        )
        _cross(uow, "2026-03-10T15:00:00+04:00", decision="refused", reasons=["no visa"])
        _cross(uow, "2026-03-10T16:00:00+04:00")
        uow.commit()
    post = _report(session_factory, DAY1, DAY1)
    assert (post["crossings"], post["refused"], post["refusal_share"]) == (4, 3, 0.75)
    assert post["refusals_by_class"] == {
        "closed_post": 1,
        "cargo_prohibited": 0,
        "documents": 1,
        "screening_or_other": 1,
    }


def test_an_arrival_after_the_crossing_is_refused_and_nothing_is_written(
    session_factory: Factory,
) -> None:
    with UnitOfWork(session_factory) as uow:
        make_post(uow, "P-A")
        uow.commit()
    data = person_crossing(arrived_at="2026-03-10T09:45:00+04:00")  # the crossing is at 09:30
    with pytest.raises(ValueError, match="arrived_at is after the crossing time"):
        command(data)
    token = add_user(session_factory, "off", "officer", ["P-A"])
    with TestClient(_app(session_factory)) as client:
        response = client.post("/api/v1/crossings", json=data, headers=bearer(token))
    assert response.status_code == 422
    assert any(p["field"] == "arrived_at" for p in response.json()["problems"])
    with session_factory() as session:
        assert session.scalar(select(func.count()).select_from(Crossing)) == 0


def test_the_booth_takes_a_queue_ticket_time_in_the_posts_time(session_factory: Factory) -> None:
    from borderpost.crossings.booth import record_from_booth

    # The booth records the crossing now; the ticket says 40 minutes ago, in Baku's time.
    ticket = (clock.now() - dt.timedelta(minutes=40)).replace(second=0, microsecond=0)
    typed = ticket.astimezone(ZoneInfo("Asia/Baku")).strftime("%Y-%m-%dT%H:%M")
    with UnitOfWork(session_factory, actor="officer") as uow:
        make_post(uow, "P-A")
        form = {"kind": "person", "surname": "ERIKSSON", "arrived_at": typed}
        form |= {"doc_number": "L1234567", "doc_issuer": "UTO"}
        result = record_from_booth(uow, "P-A", form)
        stored = uow.session.get(Crossing, result.vehicle_or_person.crossing.id)
        assert stored is not None
        assert stored.arrived_at == ticket
        with pytest.raises(InvalidInput) as bad:
            record_from_booth(uow, "P-A", {**form, "arrived_at": "yesterday"})
        assert bad.value.problems[0].field == "arrived_at"


def test_who_may_read_it_and_the_csv_shows_unknown_as_empty(session_factory: Factory) -> None:
    with UnitOfWork(session_factory, actor="officer") as uow:
        make_post(uow, "P-A")
        make_post(uow, "P-B")
        _cross(uow, "2026-03-10T10:00:00+04:00", 12)
        _cross(uow, "2026-03-11T10:00:00+04:00")
        uow.commit()
    observer = add_user(session_factory, "obs", "observer")
    other = add_user(session_factory, "analyst.b", "analyst", ["P-B"])
    params = {"from": "2026-03-10", "to": "2026-03-11", "post": "P-A"}
    with TestClient(_app(session_factory)) as client:
        seen = client.get("/api/v1/reports/access", params=params, headers=bearer(observer))
        assert seen.status_code == 200
        assert seen.json()["by_post"][0]["waiting"] == {"known": 1, "unknown": 1}
        assert "ERIKSSON" not in seen.text
        out = client.get("/api/v1/reports/access", params=params, headers=bearer(other))
        assert out.status_code == 403
        backwards = {**params, "from": "2026-03-12"}
        bad = client.get("/api/v1/reports/access", params=backwards, headers=bearer(observer))
        assert bad.status_code == 422
        assert bad.json()["problems"][0]["field"] == "to"

        add_user(session_factory, "sup", "supervisor", ["P-A"])
        sign_in(client, "sup")
        page = client.get("/reports/access", params=params)
        assert page.status_code == 200
        assert page.text.count("<svg") == 2
        assert "P-B" not in page.text  # not in the supervisor's scope
        csv = client.get("/reports/access.csv", params=params).text.splitlines()
        assert csv[0].startswith("post,day,hours_scheduled")
        assert csv[1] == "P-A,2026-03-10,24.0,24.0,0.0,1,0,1,0,720,720"
        assert csv[2] == "P-A,2026-03-11,24.0,24.0,0.0,1,0,0,1,,"
