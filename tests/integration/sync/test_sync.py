"""The outbox ships to a real NATS JetStream server and headquarters ingests it once.

NATS must answer at BORDERPOST_TEST_NATS_URL (default nats://127.0.0.1:4222, started with
JetStream on these machines); each test makes its own stream and deletes it afterwards.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nats
import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker
from tests.factories import command, make_organisation, make_post, person_crossing, vehicle_crossing
from tests.integration.sync.conftest import trail_events

from borderpost.audit.model import AuditEntry
from borderpost.crossings.corrections import correct_crossing
from borderpost.crossings.model import Crossing
from borderpost.crossings.recording import record_crossing
from borderpost.crossings.schemas import CrossingCorrection
from borderpost.db import make_engine
from borderpost.outbox import OutboxEvent
from borderpost.posts.model import Closure
from borderpost.posts.schemas import ClosureCreate, ClosureEnd
from borderpost.posts.services import close_post, reopen_post
from borderpost.reports.access.services import access
from borderpost.reports.services import summary
from borderpost.sync import link
from borderpost.sync.inbox import parked, replay
from borderpost.sync.ingest import ingest_once
from borderpost.sync.shipper import LINK_ERRORS, Shipper, backlog, ship_once
from borderpost.unit_of_work import UnitOfWork

Factory = sessionmaker[Session]
NATS_URL = os.environ.get("BORDERPOST_TEST_NATS_URL", "nats://127.0.0.1:4222")
NOBODY = "nats://127.0.0.1:1"  # a link that is down: nothing listens there
NOW = dt.datetime(2026, 3, 12, tzinfo=dt.UTC)


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
        asyncio.run(_delete_stream(name))  # also proves the server answers
    except Exception as exc:  # pragma: no cover - the message is the point
        pytest.fail(f"NATS JetStream is required at {NATS_URL} and does not answer: {exc}")
    yield name
    asyncio.run(_delete_stream(name))


@pytest.fixture
def headquarters(tmp_path: Path, sqlite_template: Path) -> Iterator[Factory]:
    path = tmp_path / "hq.db"
    shutil.copy(sqlite_template, path)
    engine = make_engine(f"sqlite:///{path}")
    yield sessionmaker(bind=engine, expire_on_commit=False)
    engine.dispose()


def _reference(factory: Factory) -> None:
    with UnitOfWork(factory) as uow:
        make_post(uow, "P-A")
        make_organisation(uow, "AID")
        uow.commit()


def _record_day(factory: Factory) -> list[uuid.UUID]:
    """A truck with its driver, an aid worker, a refusal: what a post ships."""
    with UnitOfWork(factory, actor="officer.a") as uow:
        truck = record_crossing(uow, command(vehicle_crossing()))
        driver = record_crossing(uow, command(person_crossing(carried_by=str(truck.crossing.id))))
        aid = record_crossing(
            uow,
            command(person_crossing(category="humanitarian", organisation="AID", direction="out")),
        )
        refused = record_crossing(
            uow, command(person_crossing(decision="refused", reasons=["no visa"]))
        )
        uow.commit()
    return [r.crossing.id for r in (truck, driver, aid, refused)]


def _facts(factory: Factory) -> dict[uuid.UUID, tuple[Any, ...]]:
    with factory() as session:
        return {
            c.id: (c.decision, c.reasons, c.officer, c.category, c.carried_by_id, c.time)
            for c in session.scalars(select(Crossing))
        }


def test_a_post_with_its_link_down_keeps_every_event(session_factory: Factory, stream: str) -> None:
    _reference(session_factory)
    ids = _record_day(session_factory)
    with pytest.raises(LINK_ERRORS):
        asyncio.run(ship_once(session_factory, NOBODY, stream))
    events = len(ids) + trail_events(session_factory)  # each crossing's, and the trail's
    assert backlog(session_factory).unsent == events

    report = asyncio.run(ship_once(session_factory, NATS_URL, stream))
    assert (report.sent, report.duplicates) == (events, 0)
    assert backlog(session_factory).unsent == 0
    again = asyncio.run(ship_once(session_factory, NATS_URL, stream))
    assert (again.sent, again.duplicates) == (0, 0)


def test_headquarters_stores_each_crossing_once_with_the_posts_decision(
    session_factory: Factory, headquarters: Factory, stream: str
) -> None:
    _reference(session_factory)
    _reference(headquarters)
    _record_day(session_factory)
    asyncio.run(ship_once(session_factory, NATS_URL, stream))
    report = asyncio.run(ingest_once(headquarters, NATS_URL, stream, wait=0.5))
    trail = trail_events(session_factory)  # the post's audit entries, stored as given
    assert report.outcomes == {"created": 4 + trail}
    assert _facts(headquarters) == _facts(session_factory)
    with headquarters() as session:  # ingest is a write: audited, as the sync actor
        actors = set(session.scalars(select(AuditEntry.actor)))
    assert "sync" in actors

    # The acknowledgements were lost: the post sends everything again. JetStream keeps one
    # copy (same Nats-Msg-Id), and headquarters has nothing new to apply.
    with session_factory() as session, session.begin():
        session.execute(update(OutboxEvent).values(sent_at=None, resend_at=None, shipments=0))
    resend = asyncio.run(ship_once(session_factory, NATS_URL, stream))
    assert (resend.sent, resend.duplicates) == (0, 4 + trail)
    # Headquarters' confirmations, published when it committed them, mark them done now.
    assert resend.confirmed == 4 + trail
    assert asyncio.run(ingest_once(headquarters, NATS_URL, stream, wait=0.5)).outcomes == {}
    assert len(_facts(headquarters)) == 4


def test_an_event_headquarters_cannot_apply_yet_is_parked_and_replayed_after_the_fix(
    session_factory: Factory, headquarters: Factory, stream: str
) -> None:
    _reference(session_factory)
    with UnitOfWork(headquarters) as uow:  # headquarters knows the post, not the organisation
        make_post(uow, "P-A")
        uow.commit()
    _record_day(session_factory)
    asyncio.run(ship_once(session_factory, NATS_URL, stream))

    async def first_pass() -> Any:
        nc = await link.connect(NATS_URL)
        try:
            from borderpost.sync.ingest import ingest

            return await ingest(headquarters, nc.jetstream(), stream, wait=0.5, retry_delay=1.0)
        finally:
            await nc.close()

    report = asyncio.run(first_pass())
    assert report.outcomes == {"created": 3 + trail_events(session_factory), "parked": 1}
    assert report.problems == [
        f"{link.subject(stream, 'P-A', 'crossing.recorded')}: "
        "organisation: no organisation with code 'AID'"
    ]
    assert "ERIKSSON" not in json.dumps(report.problems)  # no personal data in the reason
    (held,) = parked(headquarters)
    assert (held.post, held.topic) == ("P-A", "crossing.recorded")
    # Acknowledged: the stream does not deliver it again, the inbox holds it.
    assert asyncio.run(ingest_once(headquarters, NATS_URL, stream, wait=0.5)).outcomes == {}
    assert replay(headquarters).get("parked") == 1  # the cause is not fixed yet
    with UnitOfWork(headquarters) as uow:
        make_organisation(uow, "AID")
        uow.commit()
    assert replay(headquarters, [held.event_id]) == {"created": 1}
    assert parked(headquarters) == []
    assert _facts(headquarters) == _facts(session_factory)


def test_the_servers_shipper_retries_until_the_link_is_back(
    tmp_path: Path, sqlite_template: Path, stream: str
) -> None:
    path = tmp_path / "post.db"
    shutil.copy(sqlite_template, path)
    factory: Factory = sessionmaker(bind=make_engine(f"sqlite:///{path}"))
    _reference(factory)
    _record_day(factory)
    down = Shipper(factory, NOBODY, stream, interval=0.05, max_backoff=0.1)
    down.start()
    try:
        for _ in range(200):
            if down.last_error:
                break
            asyncio.run(asyncio.sleep(0.05))
    finally:
        down.stop()
    assert down.last_error is not None
    assert backlog(factory).unsent == 4 + trail_events(factory)

    up = Shipper(factory, NATS_URL, stream, interval=0.05)
    up.start()
    try:
        for _ in range(200):
            if backlog(factory).unsent == 0:
                break
            asyncio.run(asyncio.sleep(0.05))
    finally:
        up.stop()
    assert backlog(factory).unsent == 0
    assert up.last_error is None


def test_corrections_reach_headquarters_after_the_crossing(
    session_factory: Factory, headquarters: Factory, stream: str
) -> None:
    _reference(session_factory)
    _reference(headquarters)
    truck, _driver, aid, _refused = _record_day(session_factory)
    with UnitOfWork(session_factory, actor="supervisor.a") as uow:
        correct_crossing(
            uow, aid, CrossingCorrection(category="official", reason="wrong category chosen")
        )
        correct_crossing(
            uow,
            truck,
            CrossingCorrection(decision="refused", reasons=["overweight"], reason="scale ticket"),
        )
        uow.commit()
    asyncio.run(ship_once(session_factory, NATS_URL, stream))
    report = asyncio.run(ingest_once(headquarters, NATS_URL, stream, wait=0.5))
    assert report.outcomes == {"created": 4 + trail_events(session_factory), "updated": 2}
    assert _facts(headquarters) == _facts(session_factory)
    with UnitOfWork(headquarters) as uow:  # the counts follow the corrected facts
        day = summary(uow, dt.date(2026, 3, 10), dt.date(2026, 3, 10), "P-A")
    assert day["persons"]["by_category"]["official"] == 1
    assert day["vehicles"]["by_decision"]["refused"] == 1


def _close_and_reopen(factory: Factory) -> None:
    """A closure over local midnight, ended early; crossings refused while it held."""
    with UnitOfWork(factory, actor="supervisor.a") as uow:
        closure = close_post(
            uow,
            "P-A",
            ClosureCreate(
                starts_at=dt.datetime.fromisoformat("2026-03-10T22:00:00+04:00"),
                reason="bridge inspection",
                authority="Roads agency",
            ),
        )
        record_crossing(uow, command(person_crossing(time="2026-03-10T23:00:00+04:00")))
        uow.commit()
    with UnitOfWork(factory, actor="supervisor.a") as uow:
        reopen_post(
            uow,
            "P-A",
            closure.id,
            ClosureEnd(
                ends_at=dt.datetime.fromisoformat("2026-03-11T03:00+04:00"),
                reason="open again",
                authority="gov",
            ),
        )
        uow.commit()


def _access(factory: Factory) -> dict[str, Any]:
    with UnitOfWork(factory) as uow:
        return access(uow, dt.date(2026, 3, 10), dt.date(2026, 3, 11), "P-A")


def test_closures_reach_headquarters_once_and_its_access_report_equals_the_posts(
    session_factory: Factory, headquarters: Factory, stream: str
) -> None:
    _reference(session_factory)
    _reference(headquarters)
    _record_day(session_factory)
    _close_and_reopen(session_factory)
    with session_factory() as session:  # written with the closure, in its transaction
        topics = [e.topic for e in session.scalars(select(OutboxEvent).order_by(OutboxEvent.id))]
    shown = [t for t in topics if t != "audit.recorded"]  # the trail's entries besides
    assert shown[-3:] == ["closure.opened", "crossing.recorded", "closure.ended"]

    asyncio.run(ship_once(session_factory, NATS_URL, stream))
    report = asyncio.run(ingest_once(headquarters, NATS_URL, stream, wait=0.5))
    trail = trail_events(session_factory)
    assert report.outcomes == {"created": 6 + trail, "updated": 1}
    assert _access(headquarters) == _access(session_factory)
    assert _access(headquarters)["network"]["closure_hours"] == 5
    with headquarters() as session:  # audited at headquarters, as the sync actor
        audited = session.scalars(
            select(AuditEntry.actor).where(AuditEntry.entity == "closures")
        ).all()
    # Created, then ended: by the sync actor here, and in the post's trail as it wrote it.
    assert sorted(audited) == ["supervisor.a", "supervisor.a", "sync", "sync"]
    ending = ("end_reason", "end_authority", "ended_by")
    with session_factory() as post, headquarters() as hq:
        at_post = [getattr(c, f) for c in post.scalars(select(Closure)) for f in ending]
        at_hq = [getattr(c, f) for c in hq.scalars(select(Closure)) for f in ending]
    assert at_hq == at_post == ["open again", "gov", "supervisor.a"]

    # Everything delivered again, past JetStream's duplicate window (here: through a second
    # stream, which has never seen these ids): headquarters applies nothing twice.
    with session_factory() as session, session.begin():
        session.execute(update(OutboxEvent).values(sent_at=None))
    again_stream = f"{stream}_AGAIN"
    try:
        asyncio.run(ship_once(session_factory, NATS_URL, again_stream))
        again = asyncio.run(ingest_once(headquarters, NATS_URL, again_stream, wait=0.5))
    finally:
        asyncio.run(_delete_stream(again_stream))
    assert again.outcomes == {"duplicate": 7 + trail}
    assert _access(headquarters) == _access(session_factory)


def test_an_ending_before_its_closure_waits_for_it_and_follows_it(
    session_factory: Factory, headquarters: Factory, stream: str
) -> None:
    _reference(session_factory)
    _reference(headquarters)
    _close_and_reopen(session_factory)
    with session_factory() as session, session.begin():  # ship only the ending, first
        session.execute(
            update(OutboxEvent).where(OutboxEvent.topic != "closure.ended").values(sent_at=NOW)
        )
    trail = trail_events(session_factory)
    asyncio.run(ship_once(session_factory, NATS_URL, stream))

    async def first_pass() -> Any:
        nc = await link.connect(NATS_URL)
        try:
            from borderpost.sync.ingest import ingest

            return await ingest(headquarters, nc.jetstream(), stream, wait=0.5, retry_delay=1.0)
        finally:
            await nc.close()

    early = asyncio.run(first_pass())
    assert early.outcomes == {"parked": 1}
    assert "closure: headquarters has no closure" in early.problems[0]
    assert parked(headquarters)[0].waiting_for is not None
    with session_factory() as session, session.begin():
        session.execute(update(OutboxEvent).values(sent_at=None))
        session.execute(
            update(OutboxEvent).where(OutboxEvent.topic == "closure.ended").values(sent_at=NOW)
        )
    asyncio.run(ship_once(session_factory, NATS_URL, stream))
    later = asyncio.run(ingest_once(headquarters, NATS_URL, stream, wait=0.5))
    # The parked ending followed its closure (and the post's trail arrived).
    assert later.outcomes == {"created": 2 + trail}
    assert parked(headquarters) == []
    assert _access(headquarters) == _access(session_factory)
