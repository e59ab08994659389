"""Headquarters ends up holding what the post holds, whatever the order, repetition or delay
of the events it receives. Applied directly through the inbox, without NATS; headquarters on
SQLite and on PostgreSQL, the post on its own SQLite file.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from tests.factories import command, person_crossing, traveller, vehicle_crossing
from tests.integration.sync.conftest import (
    AROUND,
    fresh_headquarters,
    inspected_cargo,
    outbox_events,
    records,
    trail,
)

from borderpost.crossings.corrections import correct_crossing
from borderpost.crossings.model import Crossing
from borderpost.crossings.recording import record_crossing
from borderpost.crossings.schemas import CrossingCorrection
from borderpost.inspections.schemas import (
    InspectionClose,
)
from borderpost.inspections.services import (
    close_inspection,
    open_inspection,
)
from borderpost.people.model import Traveller
from borderpost.posts.schemas import ClosureCreate, ClosureEnd
from borderpost.posts.services import close_post, reopen_post
from borderpost.reports.access.services import access
from borderpost.screening import review
from borderpost.screening.importing import ListFormat, import_version
from borderpost.screening.model import HitState
from borderpost.sync.events import Event
from borderpost.sync.inbox import apply_batch, parked, receive
from borderpost.sync.model import InboxEntry
from borderpost.unit_of_work import UnitOfWork

Factory = sessionmaker[Session]
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def _correct(post: Factory, crossing: uuid.UUID, **change: object) -> None:
    with UnitOfWork(post, actor="supervisor.a") as uow:
        correct_crossing(
            uow, crossing, CrossingCorrection.model_validate({**change, "reason": "fix"})
        )
        uow.commit()


def _record(post: Factory, data: dict[str, object]) -> uuid.UUID:
    with UnitOfWork(post, actor="officer.a") as uow:
        recorded = record_crossing(uow, command(data))
        uow.commit()
    return recorded.crossing.id


def _deliver(hq: Factory, events: list[Event]) -> list[str]:
    return [receive(hq, e) for e in events]


def _decision(factory: Factory, crossing: uuid.UUID) -> str:
    with factory() as session:
        found = session.get(Crossing, crossing)
        assert found is not None
        return found.decision


@pytest.mark.parametrize("backend", BACKENDS)
def test_an_older_correction_delivered_after_a_newer_one_changes_nothing(
    request: pytest.FixtureRequest, post: Factory, tmp_path: Path, backend: str
) -> None:
    z = _record(post, person_crossing())
    _correct(post, z, decision="referred", reasons=["papers to check"])  # C1
    _correct(post, z, decision="refused", reasons=["forged visa"])  # C2
    recorded, c1, c2 = outbox_events(post)
    with fresh_headquarters(request, backend, tmp_path) as hq:
        # C1 applied with its acknowledgement lost, C2 applied, then C1 delivered again...
        assert _deliver(hq, [recorded, c1, c2, c1]) == [
            "created",
            "updated",
            "updated",
            "duplicate",
        ]
        assert _decision(hq, z) == "refused"
    with fresh_headquarters(request, backend, tmp_path) as hq:
        # ...or C1 delivered for the first time after C2: seen, and changes nothing.
        assert _deliver(hq, [recorded, c2, c1]) == ["created", "updated", "stale"]
        assert _decision(hq, z) == "refused"
        with hq() as session:
            assert session.get(InboxEntry, c1.id).outcome == "stale"  # type: ignore[union-attr]
        assert records(hq)["crossings"] == records(post)["crossings"]


def _referred_truck(post: Factory) -> uuid.UUID:
    return _record(post, vehicle_crossing(decision="referred", reasons=["scanner image"]))


@pytest.mark.parametrize("backend", BACKENDS)
def test_an_inspection_outcome_older_than_a_correction_changes_nothing(
    request: pytest.FixtureRequest, post: Factory, tmp_path: Path, backend: str
) -> None:
    truck = _referred_truck(post)
    with UnitOfWork(post, actor="inspector.a") as uow:
        open_inspection(uow, truck)
        close_inspection(uow, truck, InspectionClose(outcome="admitted", reason="as declared"))
        uow.commit()
    _correct(post, truck, decision="refused", reasons=["permit withdrawn"])
    recorded, _opened, inspected, _closed, corrected = outbox_events(post)
    assert inspected.topic == "crossing.inspected"
    with fresh_headquarters(request, backend, tmp_path) as hq:
        assert _deliver(hq, [recorded, corrected, inspected]) == ["created", "updated", "stale"]
        assert _decision(hq, truck) == "refused"
        assert records(hq)["crossings"] == records(post)["crossings"]


def _closure_shortened(post: Factory) -> None:
    """Closed at 22:00, ended at +5 h, then the ending corrected to +2 h."""
    start = dt.datetime.fromisoformat("2026-03-10T22:00:00+04:00")
    with UnitOfWork(post, actor="supervisor.a") as uow:
        closure = close_post(
            uow, "P-A", ClosureCreate(starts_at=start, reason="flood", authority="Roads agency")
        )
        uow.commit()
    for hours in (5, 2):
        with UnitOfWork(post, actor="supervisor.a") as uow:
            ends = ClosureEnd(
                ends_at=start + dt.timedelta(hours=hours), reason="road open", authority="gov"
            )
            reopen_post(uow, "P-A", closure.id, ends)
            uow.commit()


def _closure_hours(factory: Factory) -> float:
    with UnitOfWork(factory) as uow:
        report = access(uow, dt.date(2026, 3, 10), dt.date(2026, 3, 11), "P-A")
    hours: float = report["network"]["closure_hours"]
    return hours


@pytest.mark.parametrize("backend", BACKENDS)
def test_closure_endings_apply_in_the_posts_order_not_in_arrival_order(
    request: pytest.FixtureRequest, post: Factory, tmp_path: Path, backend: str
) -> None:
    _closure_shortened(post)
    opened, five, two = outbox_events(post)
    assert _closure_hours(post) == 2
    with fresh_headquarters(request, backend, tmp_path) as hq:
        assert _deliver(hq, [opened, two, five]) == ["created", "updated", "stale"]
        assert _closure_hours(hq) == 2
        assert records(hq)["closures"] == records(post)["closures"]
    with fresh_headquarters(request, backend, tmp_path) as hq:
        # Both endings before the closure itself: they wait, then follow it in the post's order.
        assert _deliver(hq, [two, five, opened]) == ["parked", "parked", "created"]
        assert parked(hq) == []
        assert _closure_hours(hq) == 2


@pytest.mark.parametrize("backend", BACKENDS)
def test_passengers_before_their_vehicle_wait_for_it(
    request: pytest.FixtureRequest, post: Factory, tmp_path: Path, backend: str
) -> None:
    truck = _record(post, vehicle_crossing())
    for _ in range(2):
        _record(post, person_crossing(carried_by=str(truck)))
    vehicle, *passengers = outbox_events(post)
    with fresh_headquarters(request, backend, tmp_path) as hq:
        assert _deliver(hq, [*passengers, vehicle]) == ["parked", "parked", "created"]
        (waiting,) = {p.waiting_for for p in parked(hq)} or {None}
        assert waiting is None  # nothing left parked: both followed the vehicle
        assert records(hq) == records(post)


@pytest.mark.parametrize("backend", BACKENDS)
def test_travellers_documents_and_vehicles_are_stored_as_the_post_recorded_them(
    request: pytest.FixtureRequest, post: Factory, tmp_path: Path, backend: str
) -> None:
    """Headquarters holds the travellers, documents and vehicles the post recorded, whatever
    order their crossings arrive in: a later crossing on the same document with another
    spelling is another traveller at the post (a document is found again only with the same
    holder), and arriving first at headquarters changes neither."""
    first = traveller()
    document = first["document"]
    _record(post, person_crossing(traveller=first))
    renewed = {**document, "expiry": "2034-01-31"}
    _record(post, person_crossing(traveller=traveller(surname="ERIKSON", document=renewed)))
    plate = {"plate": "10-AB-777", "country": "AZE", "type": "truck"}
    _record(post, vehicle_crossing(vehicle=plate))
    _record(post, vehicle_crossing(vehicle={**plate, "plate": "10 AB 777", "type": "bus"}))
    events = outbox_events(post)
    with fresh_headquarters(request, backend, tmp_path) as hq:
        assert _deliver(hq, list(reversed(events))) == ["created"] * 4
        assert records(hq) == records(post)
        with hq() as session:
            surnames = sorted(t.surname for t in session.scalars(select(Traveller)))
        assert surnames == ["ERIKSON", "ERIKSSON"]


def _listed_and_resolved(post: Factory) -> None:
    """A listed person (a hit) resolved as a false match; the same person again (a hit
    carrying that resolution), then resolved as a true match after all."""
    with UnitOfWork(post, actor="admin") as uow:
        text = json.dumps(
            {"id": "os-1", "schema": "Person", "properties": {"name": ["Rashad Aliyev"]}}
        )
        import_version(
            uow, "wanted", io.BytesIO(text.encode()), ListFormat.FTM, source="t", label="1"
        )
        uow.commit()
    person = traveller(surname="ALIYEV", given_names="RASHAD")
    for verdict in (HitState.FALSE_MATCH, HitState.TRUE_MATCH):
        listed = _record(post, person_crossing(traveller=person))
        with UnitOfWork(post, actor="supervisor.a") as uow:
            (hit,) = review.hits_of_crossing(uow, listed)
            review.resolve_hit(uow, "P-A", hit.id, verdict, "checked with the list")
            uow.commit()


def _post_story(post: Factory, home: Path) -> list[Event]:
    """A post's day with every kind of change sync carries, some of them to the same record,
    and the post's audit trail of it."""
    inspected_cargo(post, home)
    _listed_and_resolved(post)
    truck = _referred_truck(post)
    _record(post, person_crossing(carried_by=str(truck)))
    first = traveller()
    walker = _record(post, person_crossing(traveller=first))
    renewed = {**first["document"], "expiry": "2035-05-05"}
    _record(post, person_crossing(traveller=traveller(surname="ERIKSON", document=renewed)))
    plate = {"plate": "77-XY-001", "country": "AZE", "type": "car"}
    _record(post, vehicle_crossing(category="civilian", vehicle=plate))
    _record(post, vehicle_crossing(category="civilian", vehicle={**plate, "type": "bus"}))
    _correct(post, walker, category="official")
    _correct(post, walker, decision="refused", reasons=["no visa"])
    _correct(post, walker, decision="admitted")
    with UnitOfWork(post, actor="inspector.a") as uow:
        open_inspection(uow, truck)
        close_inspection(uow, truck, InspectionClose(outcome="admitted", reason="as declared"))
        uow.commit()
    _correct(post, truck, decision="refused", reasons=["permit withdrawn"])
    _closure_shortened(post)
    return outbox_events(post, trail=True)


@st.composite
def _deliveries(draw: st.DrawFn, count: int) -> list[int]:
    """Every event at least once, in any order; some again later (an acknowledgement lost,
    a redelivery after a crash) or only late (a first delivery dropped)."""
    order = draw(st.permutations(range(count)))
    again = draw(st.lists(st.integers(0, count - 1), max_size=count))
    deliveries = list(order)
    for index in again:
        position = draw(st.integers(0, len(deliveries)))
        deliveries.insert(position, index)
    return deliveries


@pytest.mark.parametrize("backend", BACKENDS)
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_any_order_of_a_posts_events_gives_headquarters_exactly_the_posts_records(
    request: pytest.FixtureRequest,
    post: Factory,
    tmp_path: Path,
    backend: str,
    data: st.DataObject,
) -> None:
    events = _story_cache(post, tmp_path)
    expected = records(post)
    assert all(expected[kind] for kind in AROUND)  # every kind is in the story
    deliveries = data.draw(_deliveries(len(events)))
    # Delivered one by one, or in fetched batches applied in one transaction each.
    batch = data.draw(st.integers(1, 6))
    with fresh_headquarters(request, backend, tmp_path) as hq:
        outcomes = []
        for start in range(0, len(deliveries), batch):
            chunk = [events[i] for i in deliveries[start : start + batch]]
            outcomes += apply_batch(hq, chunk) if batch > 1 else [receive(hq, chunk[0])]
        assert parked(hq) == [], outcomes
        assert records(hq) == expected
        at_hq = trail(hq)
        assert all(at_hq.get(i) == entry for i, entry in trail(post, "P-A").items())
        with hq() as session:
            assert session.scalar(select(InboxEntry).limit(1)) is not None
            seen = set(session.scalars(select(InboxEntry.event_id)))
        assert seen == {e.id for e in events}


_STORIES: dict[int, list[Event]] = {}


def _story_cache(post: Factory, home: Path) -> list[Event]:
    # The post is the same across a test's examples: its day is recorded once.
    key = id(post)
    if key not in _STORIES:
        _STORIES.clear()
        _STORIES[key] = _post_story(post, home)
    return _STORIES[key]


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_crossing_from_a_post_that_does_not_ship_its_rows_yet_is_still_stored(
    request: pytest.FixtureRequest, post: Factory, tmp_path: Path, backend: str
) -> None:
    """A post still on the previous version ships the crossing without ``stored``:
    headquarters finds the traveller again by document, as it did before."""
    _record(post, person_crossing())
    (event,) = outbox_events(post)
    payload = json.loads(event.data)
    del payload["stored"]
    older = Event(event.id, event.post, event.topic, json.dumps(payload))
    with fresh_headquarters(request, backend, tmp_path) as hq:
        assert receive(hq, older) == "created"
        with hq() as session:
            (person,) = session.scalars(select(Traveller)).all()
        assert person.surname == "ERIKSSON"
