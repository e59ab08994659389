"""Recording crossings through the service layer, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from tests.factories import (
    command,
    make_organisation,
    make_post,
    person_crossing,
    traveller,
    vehicle_crossing,
)

from borderpost.crossings.model import Crossing
from borderpost.crossings.services import record_crossing
from borderpost.errors import ClosureOverlap, NotFound
from borderpost.outbox import OutboxEvent
from borderpost.people.model import Traveller
from borderpost.posts.schemas import ClosureCreate, ClosureEnd
from borderpost.posts.services import close_post, reopen_post
from borderpost.unit_of_work import UnitOfWork

Factory = sessionmaker[Session]
UTC = dt.UTC


def _count(factory: Factory, model: type) -> int:
    with factory() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


@pytest.fixture
def post(session_factory: Factory) -> None:
    with UnitOfWork(session_factory, actor="test") as uow:
        make_post(uow)
        make_organisation(uow, "AID", "humanitarian")
        uow.commit()


@pytest.mark.usefixtures("post")
def test_a_crossing_is_recorded_with_its_outbox_event(session_factory: Factory) -> None:
    with UnitOfWork(session_factory, actor="officer1") as uow:
        recorded = record_crossing(uow, command(person_crossing()))
        uow.commit()
    with session_factory() as session:
        crossing = session.get(Crossing, recorded.crossing.id)
        assert crossing is not None
        assert crossing.decision == "admitted"
        assert crossing.officer == "officer1"
        assert crossing.time == dt.datetime(2026, 3, 10, 5, 30, tzinfo=UTC)
        # The crossing's event, and its audit entry for headquarters' copy of the trail.
        event, trail = session.scalars(select(OutboxEvent).order_by(OutboxEvent.id)).all()
        assert event.topic == "crossing.recorded"
        assert trail.topic == "audit.recorded"
        assert trail.payload["entity_id"] == str(crossing.id)
        assert event.payload["id"] == str(crossing.id)
        assert event.post_id == crossing.post_id
    assert recorded.crossing.id.version == 7


@pytest.mark.usefixtures("post")
def test_the_same_id_twice_writes_nothing_new(session_factory: Factory) -> None:
    data = person_crossing(id="01900000-0000-7000-8000-000000000001")
    with UnitOfWork(session_factory) as uow:
        assert record_crossing(uow, command(data)).created
        uow.commit()
    with UnitOfWork(session_factory) as uow:
        assert not record_crossing(uow, command(data)).created
        uow.commit()
    assert _count(session_factory, Crossing) == 1
    with session_factory() as session:
        topics = session.scalars(select(OutboxEvent.topic).order_by(OutboxEvent.id)).all()
    assert topics == ["crossing.recorded", "audit.recorded"]


@pytest.mark.usefixtures("post")
def test_a_traveller_is_known_again_by_document(session_factory: Factory) -> None:
    person = traveller()
    with UnitOfWork(session_factory) as uow:
        first = record_crossing(uow, command(person_crossing(traveller=person)))
        second = record_crossing(uow, command(person_crossing(traveller=person, direction="out")))
        uow.commit()
    assert first.crossing.traveller_id == second.crossing.traveller_id
    assert _count(session_factory, Traveller) == 1


@pytest.mark.usefixtures("post")
def test_closed_post_refuses_except_medical_evacuation(session_factory: Factory) -> None:
    start = dt.datetime(2026, 3, 10, 0, 0, tzinfo=UTC)
    with UnitOfWork(session_factory, actor="supervisor") as uow:
        close_post(
            uow,
            "P-A",
            ClosureCreate(starts_at=start, reason="bridge repairs", authority="road authority"),
        )
        uow.commit()
    with UnitOfWork(session_factory) as uow:
        civilian = record_crossing(uow, command(person_crossing())).crossing
        medevac = record_crossing(
            uow, command(person_crossing(category="medical_evacuation", organisation="AID"))
        ).crossing
        uow.commit()
    assert civilian.decision == "refused"
    assert civilian.reasons[0] == "post P-A closed: bridge repairs (ordered by road authority)"
    assert "post_closed" in civilian.flags
    assert "closure_exempt" not in civilian.flags
    assert medevac.decision == "admitted"
    # It passed the closure: the record says so, for the officer and whoever reads it later.
    assert "closure_exempt" in medevac.flags


@pytest.mark.usefixtures("post")
def test_reopened_post_admits_again(session_factory: Factory) -> None:
    start = dt.datetime(2026, 3, 10, 0, 0, tzinfo=UTC)
    with UnitOfWork(session_factory) as uow:
        closure = close_post(
            uow, "P-A", ClosureCreate(starts_at=start, reason="storm", authority="post commander")
        )
        reopen_post(
            uow,
            "P-A",
            closure.id,
            ClosureEnd(ends_at=start + dt.timedelta(hours=2), reason="open again", authority="gov"),
        )
        uow.commit()
    with UnitOfWork(session_factory) as uow:
        crossing = record_crossing(uow, command(person_crossing())).crossing
        uow.commit()
    assert crossing.decision == "admitted"


@pytest.mark.usefixtures("post")
def test_closures_cannot_overlap(session_factory: Factory) -> None:
    start = dt.datetime(2026, 3, 10, 0, 0, tzinfo=UTC)
    with UnitOfWork(session_factory) as uow:
        close_post(
            uow,
            "P-A",
            ClosureCreate(
                starts_at=start,
                ends_at=start.replace(hour=6),
                reason="storm",
                authority="post commander",
            ),
        )
        uow.commit()
    with UnitOfWork(session_factory) as uow, pytest.raises(ClosureOverlap):
        close_post(
            uow,
            "P-A",
            ClosureCreate(
                starts_at=start.replace(hour=5), reason="flood", authority="post commander"
            ),
        )


@pytest.mark.usefixtures("post")
def test_expired_document_is_flagged(session_factory: Factory) -> None:
    person = traveller()
    person["document"]["expiry"] = "2026-03-09"
    with UnitOfWork(session_factory) as uow:
        crossing = record_crossing(uow, command(person_crossing(traveller=person))).crossing
        uow.commit()
    assert crossing.flags == ["document_expired"]
    assert crossing.decision == "admitted"  # the officer decides; the flag informs


@pytest.mark.usefixtures("post")
def test_passengers_are_linked_to_their_vehicle(session_factory: Factory) -> None:
    truck = vehicle_crossing(id="01900000-0000-7000-8000-0000000000aa")
    with UnitOfWork(session_factory) as uow:
        record_crossing(uow, command(truck))
        driver = record_crossing(
            uow, command(person_crossing(category="commercial", carried_by=truck["id"]))
        ).crossing
        uow.commit()
    assert str(driver.carried_by_id) == truck["id"]


@pytest.mark.usefixtures("post")
def test_unknown_references_write_nothing(session_factory: Factory) -> None:
    with UnitOfWork(session_factory) as uow:
        with pytest.raises(NotFound) as info:
            record_crossing(uow, command(person_crossing(post="NOPE")))
        assert info.value.problems[0].field == "post"
        with pytest.raises(NotFound):
            record_crossing(uow, command(person_crossing(organisation="NOPE")))
        with pytest.raises(NotFound):
            record_crossing(uow, command(person_crossing(lane="NOPE")))
        uow.commit()
    assert _count(session_factory, Crossing) == 0
    assert _count(session_factory, Traveller) == 0
