"""Nothing stops the line: what cannot be applied is parked and acknowledged, the shipper lives
through every error. Against a real NATS JetStream server (BORDERPOST_TEST_NATS_URL: start a
nats-server of your own for these).
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import sqlite3
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nats
import pytest
from nats.js.api import ConsumerConfig
from sqlalchemy import event, select
from sqlalchemy.orm import Session, sessionmaker
from tests.factories import command, make_post, person_crossing, vehicle_crossing
from tests.integration.sync.conftest import add_reference, records, trail_events
from typer.testing import CliRunner

from borderpost.crossings.recording import record_crossing
from borderpost.db import make_engine
from borderpost.ids import new_id
from borderpost.outbox import OutboxEvent
from borderpost.sync import link
from borderpost.sync.ingest import CONSUMER, ingest_once
from borderpost.sync.shipper import Shipper, backlog, ship_once
from borderpost.unit_of_work import UnitOfWork

Factory = sessionmaker[Session]
NATS_URL = os.environ.get("BORDERPOST_TEST_NATS_URL", "nats://127.0.0.1:4222")


async def _delete_stream(name: str) -> None:
    nc = await nats.connect(NATS_URL)
    try:
        await nc.jetstream().delete_stream(name)
    except nats.js.errors.NotFoundError:
        pass
    finally:
        await nc.close()


@pytest.fixture
def stream() -> Iterator[str]:
    name = f"BPTEST_{uuid.uuid4().hex[:10].upper()}"
    try:
        asyncio.run(_delete_stream(name))
    except Exception as exc:  # pragma: no cover - the message is the point
        pytest.fail(f"NATS JetStream is required at {NATS_URL} and does not answer: {exc}")
    yield name
    asyncio.run(_delete_stream(name))


def _sqlite(path: Path, template: Path) -> Factory:
    shutil.copy(template, path)
    return sessionmaker(bind=make_engine(f"sqlite:///{path}"), expire_on_commit=False)


def _record_some(factory: Factory, post: str = "P-A", n: int = 2) -> None:
    with UnitOfWork(factory, actor="officer.a") as uow:
        truck = record_crossing(uow, command(vehicle_crossing(post=post)))
        for _ in range(n - 1):
            record_crossing(
                uow, command(person_crossing(post=post, carried_by=str(truck.crossing.id)))
            )
        uow.commit()


async def _publish_raw(stream: str, messages: list[tuple[str, bytes]]) -> None:
    """Messages as a faulty post (or a hand) might put them in the stream."""
    nc = await link.connect(NATS_URL)
    try:
        js = nc.jetstream()
        await link.ensure_stream(js, stream)
        for topic, data in messages:
            await js.publish(
                link.subject(stream, "P-A", topic),
                data,
                headers={"Nats-Msg-Id": str(new_id()), link.TOPIC_HEADER: topic},
            )
    finally:
        await nc.close()


def test_malformed_events_are_parked_and_the_good_ones_behind_them_applied(
    post: Factory, session_factory: Factory, stream: str
) -> None:
    hq = session_factory
    add_reference(hq)
    _record_some(post)
    with post() as session:
        good: dict[str, Any] = session.scalars(  # type: ignore[assignment]
            select(OutboxEvent.payload).where(OutboxEvent.topic == "crossing.recorded")
        ).first()
    asyncio.run(
        _publish_raw(
            stream,
            [
                ("crossing.recorded", b"[]"),
                ("crossing.recorded", b"null"),
                ("crossing.recorded", b"{not json"),
                (
                    "crossing.recorded",
                    json.dumps({**good, "id": str(new_id()), "recorded_at": 12345}).encode(),
                ),
                ("crossing.corrected", json.dumps({"crossing": 5}).encode()),
                ("crossing.teleported", b"{}"),
            ],
        )
    )
    asyncio.run(ship_once(post, NATS_URL, stream))  # the good events, behind the bad ones

    report = asyncio.run(ingest_once(hq, NATS_URL, stream, wait=0.5))
    assert report.stopped is None
    assert report.outcomes == {"parked": 6, "created": 2 + trail_events(post)}
    assert records(hq)["crossings"] == records(post)["crossings"]

    from borderpost.sync.inbox import parked

    reasons = sorted(p.reason for p in parked(hq))
    assert reasons == sorted(
        [
            "payload: is a JSON list, not an object",
            "payload: is a JSON NoneType, not an object",
            "payload: is not JSON",
            "recorded_at: Value error, must be an ISO 8601 date and time",
            "crossing: UUID input should be a string, bytes or UUID object",
            "topic: headquarters does not know the event 'crossing.teleported'",
        ]
    )
    assert "ERIKSSON" not in json.dumps(reasons)  # reasons never carry the payload's data
    # Acknowledged, all of them: nothing comes back, the run ends cleanly again.
    assert asyncio.run(ingest_once(hq, NATS_URL, stream, wait=0.5)).outcomes == {}


async def _hold(stream: str, post: str, limit: int) -> None:
    """A post's consumer whose limit is full: ``limit`` messages delivered, none acknowledged
    (as if each waited for something for a long time)."""
    nc = await link.connect(NATS_URL)
    try:
        js = nc.jetstream()
        name = link.consumer_name(CONSUMER, link.post_token(post))
        subject = f"{link.subject_root(stream)}.{link.post_token(post)}.>"
        sub = await js.pull_subscribe(
            subject,
            durable=name,
            stream=stream,
            config=ConsumerConfig(
                durable_name=name,
                ack_policy="explicit",
                ack_wait=600,
                max_ack_pending=limit,
                filter_subject=subject,
            ),
        )
        assert len(await sub.fetch(limit, timeout=2)) == limit
    finally:
        await nc.close()


async def _consumer_pending(stream: str, post: str) -> tuple[int, int]:
    nc = await link.connect(NATS_URL)
    try:
        name = link.consumer_name(CONSUMER, link.post_token(post))
        info = await nc.jetstream().consumer_info(stream, name)
        return info.num_ack_pending, info.num_pending
    finally:
        await nc.close()


def _two_posts(post: Factory, tmp_path: Path, sqlite_template: Path) -> Factory:
    """P-Q, a post headquarters has not heard of, with 8 events; P-A with 3."""
    unknown = _sqlite(tmp_path / "p-q.db", sqlite_template)
    with UnitOfWork(unknown) as uow:
        make_post(uow, "P-Q")
        uow.commit()
    _record_some(unknown, "P-Q", n=8)
    _record_some(post, "P-A", n=3)
    return unknown


def test_a_post_whose_consumer_is_full_holds_back_no_other_post(
    post: Factory, session_factory: Factory, tmp_path: Path, sqlite_template: Path, stream: str
) -> None:
    hq = session_factory
    add_reference(hq)
    unknown = _two_posts(post, tmp_path, sqlite_template)
    asyncio.run(ship_once(unknown, NATS_URL, stream))
    asyncio.run(ship_once(post, NATS_URL, stream))
    asyncio.run(_hold(stream, "P-Q", 5))  # P-Q's limit is full: its other events cannot come
    p_q, p_a = 8 + trail_events(unknown), 3 + trail_events(post)  # with their trails

    report = asyncio.run(ingest_once(hq, NATS_URL, stream, wait=0.5))
    assert report.outcomes == {"created": p_a}  # P-A's, all of them
    assert records(hq)["crossings"] == records(post)["crossings"]
    assert asyncio.run(_consumer_pending(stream, "P-Q")) == (5, p_q - 5)
    # Headquarters confirmed P-A's events: P-A counts them done.
    assert asyncio.run(ship_once(post, NATS_URL, stream)).confirmed == p_a
    assert backlog(post).unconfirmed == 0
    assert backlog(unknown).unconfirmed == p_q


def test_a_new_post_before_headquarters_knows_it_holds_back_no_other_post(
    post: Factory, session_factory: Factory, tmp_path: Path, sqlite_template: Path, stream: str
) -> None:
    hq = session_factory
    add_reference(hq)  # P-A only: headquarters has not heard of P-Q yet
    unknown = _two_posts(post, tmp_path, sqlite_template)
    asyncio.run(ship_once(unknown, NATS_URL, stream))
    asyncio.run(ship_once(post, NATS_URL, stream))

    report = asyncio.run(ingest_once(hq, NATS_URL, stream, wait=0.5))
    p_q, p_a = 8 + trail_events(unknown), 3 + trail_events(post)  # with their trails
    assert report.outcomes == {"parked": p_q, "created": p_a}
    # Nothing held against either post's limit.
    assert asyncio.run(_consumer_pending(stream, "P-Q")) == (0, 0)
    assert asyncio.run(_consumer_pending(stream, "P-A")) == (0, 0)
    assert records(hq)["crossings"] == records(post)["crossings"]
    # Parked is held at headquarters: P-Q's events are confirmed as well.
    asyncio.run(ship_once(unknown, NATS_URL, stream))
    assert backlog(unknown).unconfirmed == 0

    from borderpost.sync.inbox import parked, replay

    assert {(p.post, p.reason) for p in parked(hq)} == {("P-Q", "post: no post with code 'P-Q'")}
    with UnitOfWork(hq) as uow:  # the cause fixed: headquarters learns the post
        make_post(uow, "P-Q")
        uow.commit()
    assert replay(hq) == {"created": p_q}
    assert parked(hq) == []


def _wait_for(condition: Any, ceiling: float = 30.0) -> None:
    deadline = time.monotonic() + ceiling  # a ceiling only: the loop ends when it holds
    while not condition():
        assert time.monotonic() < deadline, "not reached within the ceiling"
        time.sleep(0.02)


def test_the_shipper_survives_a_locked_database_says_so_and_ships_once_it_is_free(
    tmp_path: Path, sqlite_template: Path, stream: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "post.db"
    shutil.copy(sqlite_template, path)
    engine = make_engine(f"sqlite:///{path}")
    # A post's database busy for longer than the shipper waits for it ("database is locked").
    event.listen(engine, "connect", lambda conn, _: conn.execute("PRAGMA busy_timeout=1"))
    factory: Factory = sessionmaker(bind=engine, expire_on_commit=False)
    add_reference(factory)
    _record_some(factory, n=3)

    home = tmp_path / "home"
    from borderpost.sync.shipper import read_state, state_path

    locker = sqlite3.connect(path)
    locker.execute("BEGIN IMMEDIATE")  # another writer holds the database
    shipper = Shipper(
        factory, NATS_URL, stream, interval=0.02, max_backoff=0.05, state_file=state_path(home)
    )
    shipper.start()
    try:
        _wait_for(lambda: shipper.state.failures >= 2)
        assert shipper.alive()
        assert "database is locked" in (shipper.last_error or "")
        # Published, but not marked sent: sent again later.
        assert backlog(factory).unsent == 3 + trail_events(factory)
        stored = read_state(state_path(home))
        assert stored is not None
        assert stored.state == "backing_off"

        monkeypatch.setenv("BORDERPOST_HOME", str(home))
        monkeypatch.setenv("BORDERPOST_DATABASE_URL", f"sqlite:///{path}")
        from borderpost.cli import app

        shown = CliRunner().invoke(app, ["sync", "status"])
        assert shown.exit_code == 0, shown.output
        assert "shipper: backing_off" in shown.output
        assert "database is locked" in shown.output

        locker.rollback()
        _wait_for(lambda: backlog(factory).unsent == 0)
        _wait_for(lambda: shipper.state.state == "shipping")
    finally:
        locker.close()
        shipper.stop()
        engine.dispose()
    assert shipper.last_error is None
    assert read_state(state_path(home)).state == "stopped"  # type: ignore[union-attr]
