"""A batch's crossings find the rows queued before them, and what was read ahead, as if
each had been written at once: the same travellers, documents and vehicles, linked the same."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from tests.factories import command, make_post, person_crossing, traveller, vehicle_crossing

from borderpost.crossings.model import Crossing
from borderpost.crossings.schemas import CrossingCreate
from borderpost.crossings.services import prefetch, record_crossing
from borderpost.people.model import TravelDocument
from borderpost.unit_of_work import UnitOfWork
from borderpost.vehicles.model import Vehicle

Factory = sessionmaker[Session]


@pytest.fixture
def post(session_factory: Factory) -> None:
    with UnitOfWork(session_factory, actor="test") as uow:
        make_post(uow)
        uow.commit()


@pytest.mark.usefixtures("post")
def test_a_batch_reuses_queued_and_read_ahead_rows(session_factory: Factory) -> None:
    known = traveller()
    plate = {"plate": "10-AB-777", "country": "AZE", "type": "truck"}
    with UnitOfWork(session_factory, actor="test") as uow:  # recorded before the batch
        record_crossing(uow, command(person_crossing(traveller=known)))
        record_crossing(uow, command(vehicle_crossing(vehicle=plate)))
        uow.commit()
    again = traveller()  # new in the batch, then seen again in it, its document renewed
    renewed = {**again, "document": {**again["document"], "expiry": "2031-01-01"}}
    moved = {**known, "document": {**known["document"], "expiry": "2032-02-02"}}
    batch: list[CrossingCreate] = [
        command(person_crossing(time=f"2026-03-10T10:{i:02d}:00+04:00", traveller=t))
        for i, t in enumerate([again, known, again, renewed])
    ]
    bus = {**plate, "type": "bus"}
    batch += [
        command(vehicle_crossing(time="2026-03-10T11:00:00+04:00", vehicle=plate)),
        command(vehicle_crossing(time="2026-03-10T11:01:00+04:00", vehicle=bus)),
        command(person_crossing(time="2026-03-10T11:02:00+04:00", traveller=moved)),
    ]
    with UnitOfWork(session_factory, actor="import") as uow:
        prefetch(uow, batch)
        for one in batch:
            record_crossing(uow, one)
        uow.commit()
    with session_factory() as session:
        documents = session.scalars(select(TravelDocument)).all()
        vehicles = session.scalars(select(Vehicle)).all()
        ids = {c.document_id for c in session.scalars(select(Crossing)) if c.document_id}
    # Two documents (the known one and the batch's new one), one vehicle, each found again.
    assert len(documents) == 2
    assert len(ids) == 2
    assert len(vehicles) == 1
    assert vehicles[0].type == "bus"  # the type last seen, as a crossing at once would leave it
    by_number = {d.number: d.expiry.isoformat() for d in documents if d.expiry}
    assert by_number[again["document"]["number"]] == "2031-01-01"
    assert by_number[known["document"]["number"]] == "2032-02-02"
