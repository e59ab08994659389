"""The access report's kept days (``access_days``): filled when an ended day is first read,
forgotten by the triggers on ``crossings`` when a crossing of that day is written, changed
or deleted, so a kept day always answers what deriving it from the crossings answers.

Tests run at the pinned now (2026-11-28): the days of March have ended. They commit for real
(the report keeps days in a transaction of its own, which a session bound to the test's one
rolled-back connection does not give): on PostgreSQL a scratch database of this module's,
each test with posts of its own.
"""

from __future__ import annotations

import datetime as dt
import itertools
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, Table, delete, select, update
from sqlalchemy.orm import Session, sessionmaker
from tests.factories import command, make_post, person_crossing

from borderpost.crossings.model import Crossing
from borderpost.crossings.recording import record_crossing
from borderpost.db import make_engine
from borderpost.posts.model import Post
from borderpost.reports.access.services import access
from borderpost.reports.model import AccessDay
from borderpost.unit_of_work import UnitOfWork

Factory = sessionmaker[Session]
_codes = itertools.count(1)


@pytest.fixture(scope="module")
def pg_committing(pg_module_url: str) -> Iterator[Engine]:
    engine = make_engine(pg_module_url)
    yield engine
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def factory(
    request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path
) -> Iterator[Factory]:
    """Sessions on an engine (each commit a real one), once on SQLite, once on PostgreSQL."""
    if request.param == "postgres":
        yield sessionmaker(bind=request.getfixturevalue("pg_committing"), expire_on_commit=False)
        return
    path = tmp_path / "test.db"
    shutil.copy(sqlite_template, path)
    engine = make_engine(f"sqlite:///{path}")
    yield sessionmaker(bind=engine, expire_on_commit=False)
    engine.dispose()


CROSSINGS = cast(Table, Crossing.__table__)
FIRST, LAST = dt.date(2026, 3, 27), dt.date(2026, 3, 31)  # Europe's clocks change on the 29th


def _report(factory: Factory, code: str, first: dt.date = FIRST, last: dt.date = LAST) -> Any:
    with UnitOfWork(factory) as uow:
        return access(uow, first, last, code)["by_post"][0]


def _derived(factory: Factory, code: str) -> Any:
    """The report with no day kept: every figure derived from the crossings."""
    with factory() as session:
        session.execute(delete(AccessDay))
        session.commit()
    return _report(factory, code)


def _kept(factory: Factory, code: str) -> dict[dt.date, int]:
    with factory() as session:
        rows = session.execute(
            select(AccessDay.day, AccessDay.crossings)
            .join(Post, Post.id == AccessDay.post_id)
            .where(Post.code == code)
        )
        return {day: n for day, n in rows}


def _cross(
    uow: UnitOfWork,
    code: str,
    time: dt.datetime,
    waited: int | None = None,
    refused: str | None = None,
) -> None:
    extra: dict[str, Any] = {}
    if waited is not None:
        extra["arrived_at"] = (time - dt.timedelta(minutes=waited)).isoformat()
    if refused:
        extra |= {"decision": "refused", "reasons": [refused]}
    recorded = record_crossing(
        uow, command(person_crossing(post=code, time=time.isoformat(), **extra))
    )
    if refused == "closed":  # as recording flags it while a closure is in force
        uow.session.execute(
            update(CROSSINGS)
            .where(CROSSINGS.c.id == recorded.crossing.id)
            .values(flags=["post_closed"])
        )


def _at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def test_a_late_crossing_changes_the_kept_days_figures(factory: Factory) -> None:
    code = f"L{next(_codes)}"
    with UnitOfWork(factory, actor="officer") as uow:
        make_post(uow, code)  # Asia/Baku, +04:00
        for n, waited in enumerate([5, 10, 15]):
            _cross(uow, code, _at(f"2026-03-28T10:0{n}:00+04:00"), waited)
        _cross(uow, code, _at("2026-03-29T10:00:00+04:00"), 30)
        uow.commit()
    before = _report(factory, code)
    kept = _kept(factory, code)
    assert kept == {FIRST + dt.timedelta(days=n): [0, 3, 1, 0, 0][n] for n in range(5)}
    assert _report(factory, code) == before
    # Read from the kept rows, not derived again: a row changed by hand shows.
    post_id = select(Post.id).where(Post.code == code).scalar_subquery()
    last_day = (AccessDay.post_id == post_id) & (AccessDay.day == LAST)
    with factory() as session:
        session.execute(update(AccessDay).where(last_day).values(crossings=7))
        session.commit()
    assert _report(factory, code)["days"][4]["crossings"] == 7
    with factory() as session:
        session.execute(update(AccessDay).where(last_day).values(crossings=0))
        session.commit()

    # A crossing of the 28th arrives late (from a post, through the network): that day is
    # forgotten, the others stay; the report counts it.
    with UnitOfWork(factory, actor="officer") as uow:
        _cross(uow, code, _at("2026-03-28T23:30:00+04:00"), 60, refused="closed")
        uow.commit()
    assert dt.date(2026, 3, 28) not in _kept(factory, code)
    assert len(_kept(factory, code)) == 4
    after = _report(factory, code)
    day = after["days"][1]
    assert (day["crossings"], day["refused"]) == (4, 1)
    assert (day["waiting"]["median_seconds"], day["waiting"]["p90_seconds"]) == (600, 3600)
    assert after["refusals_by_class"]["closed_post"] == 1
    assert _kept(factory, code)[dt.date(2026, 3, 28)] == 4  # kept again
    assert after == _derived(factory, code)

    # A correction of an arrival time, and a deleted crossing, forget their days too.
    with factory() as session:
        first = session.scalars(
            select(Crossing.id).where(Crossing.time == _at("2026-03-29T10:00:00+04:00"))
        ).one()
        session.execute(
            update(CROSSINGS)
            .where(CROSSINGS.c.id == first)
            .values(arrived_at=_at("2026-03-29T09:58:00+04:00"))
        )
        session.commit()
    assert dt.date(2026, 3, 29) not in _kept(factory, code)
    assert _report(factory, code)["days"][2]["waiting"]["median_seconds"] == 120
    with factory() as session:
        session.execute(delete(CROSSINGS).where(CROSSINGS.c.id == first))
        session.commit()
    assert dt.date(2026, 3, 29) not in _kept(factory, code)
    assert _report(factory, code)["days"][2]["crossings"] == 0


def test_days_not_ended_are_derived_and_not_kept(factory: Factory) -> None:
    code = f"N{next(_codes)}"
    with UnitOfWork(factory, actor="officer") as uow:
        make_post(uow, code)
        _cross(uow, code, _at("2026-11-28T09:00:00+04:00"), 5)  # today, at the pinned now
        uow.commit()
    today = dt.date(2026, 11, 28)
    report = _report(factory, code, today - dt.timedelta(days=1), today)
    assert [d["crossings"] for d in report["days"]] == [0, 1]
    assert set(_kept(factory, code)) == {today - dt.timedelta(days=1)}


def test_a_day_is_not_kept_while_a_crossing_of_the_post_is_being_written(
    factory: Factory,
) -> None:
    """A report read while another transaction writes a crossing of the post answers from
    what is committed, and keeps nothing (it could miss that crossing); once it is committed,
    the next read keeps the day with it."""
    code = f"W{next(_codes)}"
    with UnitOfWork(factory, actor="officer") as uow:
        make_post(uow, code)
        _cross(uow, code, _at("2026-03-28T10:00:00+04:00"), 5)
        uow.commit()
    with factory() as writing:  # a correction of the arrival time, not yet committed
        post_id = select(Post.id).where(Post.code == code).scalar_subquery()
        writing.execute(
            update(CROSSINGS)
            .where(CROSSINGS.c.post_id == post_id)
            .values(arrived_at=_at("2026-03-28T09:00:00+04:00"))
        )
        day = _report(factory, code)["days"][1]
        assert (day["crossings"], day["waiting"]["median_seconds"]) == (1, 300)
        assert _kept(factory, code) == {}
        writing.commit()
    assert _report(factory, code)["days"][1]["waiting"]["median_seconds"] == 3600
    assert _kept(factory, code)[dt.date(2026, 3, 28)] == 1


def test_a_post_whose_time_zone_changed_reads_its_days_again(factory: Factory) -> None:
    code = f"Z{next(_codes)}"
    with UnitOfWork(factory, actor="officer") as uow:
        post = make_post(uow, code)
        _cross(uow, code, _at("2026-03-28T01:00:00+04:00"), 5)  # 27 March 21:00 UTC
        uow.commit()
    assert _report(factory, code)["days"][1]["crossings"] == 1
    with UnitOfWork(factory, actor="officer") as uow:
        stored = uow.session.get(Post, post.id)
        assert stored is not None
        stored.timezone = "UTC"
        uow.commit()
    moved = _report(factory, code)
    assert [d["crossings"] for d in moved["days"][:2]] == [1, 0]  # the 27th, in UTC
    assert moved == _derived(factory, code)


_CROSSING = st.tuples(
    st.integers(0, 5 * 24 * 60 - 1),  # minutes after 27 March 00:00 UTC (a day either side)
    st.one_of(st.none(), st.integers(0, 240)),  # minutes waited
    st.sampled_from([None, None, None, "closed", "no visa"]),
)
_CHANGE = st.one_of(
    st.tuples(st.just("add"), _CROSSING),
    st.tuples(st.just("wait"), st.integers(0, 10**6), st.integers(0, 90)),
    st.tuples(st.just("delete"), st.integers(0, 10**6)),
    st.tuples(st.just("read")),
)


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    zone=st.sampled_from(["Europe/Berlin", "Asia/Baku", "America/St_Johns"]),
    crossings=st.lists(_CROSSING, max_size=10),
    changes=st.lists(_CHANGE, max_size=5),
)
def test_kept_days_answer_as_derived_through_late_changes(
    factory: Factory,
    zone: str,
    crossings: list[tuple[int, int | None, str | None]],
    changes: list[tuple[Any, ...]],
) -> None:
    """Varied days (a change of clocks, waits or none, refusals of two classes), read and
    kept, then crossings added late, arrival times corrected, crossings deleted: after each
    change the report from the kept days is the report derived from the crossings."""
    code = f"H{next(_codes)}"
    start = dt.datetime(2026, 3, 27, tzinfo=dt.UTC)
    with UnitOfWork(factory, actor="officer") as uow:
        make_post(uow, code, timezone=zone, opening_hours={"sun": ["02:00", "04:00"]})
        for minute, waited, refused in crossings:
            _cross(uow, code, start + dt.timedelta(minutes=minute), waited, refused)
        uow.commit()
    _report(factory, code)  # the days kept
    for change in changes:
        with factory() as session:
            mine = select(Crossing.id, Crossing.time).join(Post, Post.id == Crossing.post_id)
            ids = sorted(session.execute(mine.where(Post.code == code)).all())
            if change[0] == "add":
                with UnitOfWork(factory, actor="officer") as uow:
                    minute, waited, refused = change[1]
                    _cross(uow, code, start + dt.timedelta(minutes=minute), waited, refused)
                    uow.commit()
            elif change[0] in ("wait", "delete") and ids:
                crossing_id, time = ids[change[1] % len(ids)]
                chosen = CROSSINGS.c.id == crossing_id
                if change[0] == "wait":
                    arrived = time - dt.timedelta(minutes=change[2])
                    session.execute(update(CROSSINGS).where(chosen).values(arrived_at=arrived))
                else:
                    session.execute(delete(CROSSINGS).where(chosen))
                session.commit()
        kept = _report(factory, code)
        assert kept == _derived(factory, code)
