"""Erasure reaches headquarters as an event: its replicas lose the same personal data, once,
whatever the order of arrival. Headquarters on SQLite and PostgreSQL, the post on SQLite."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from tests.factories import command, person_crossing, traveller
from tests.integration.sync.conftest import fresh_headquarters, outbox_events, records

from borderpost.crossings.model import Crossing
from borderpost.crossings.recording import record_crossing
from borderpost.outbox import Topic
from borderpost.retention import services
from borderpost.retention.schedules import Schedule
from borderpost.sync.inbox import receive
from borderpost.unit_of_work import UnitOfWork

Factory = sessionmaker[Session]
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
SCHEDULE = Schedule.from_settings({"crossing": 30})


@pytest.mark.parametrize("backend", BACKENDS)
def test_headquarters_erases_its_replicas_once_and_waits_for_a_crossing_it_lacks(
    request: pytest.FixtureRequest, backend: str, post: Factory, tmp_path: Path
) -> None:
    for surname in ("FIRSTNAME", "SECONDNAME"):
        with UnitOfWork(post, actor="officer.a") as uow:
            who = traveller(surname=surname)
            data = person_crossing(time="2026-03-10T09:30:00+04:00", traveller=who)
            record_crossing(uow, command(data))
            uow.commit()
    recorded = outbox_events(post)
    services.run(post, SCHEDULE)
    erased = [e for e in outbox_events(post) if e.topic == Topic.RECORDS_ERASED.value]
    assert len(erased) == 1
    with fresh_headquarters(request, backend, tmp_path) as hq:
        # The erasure first, with one of its crossings not there yet: it waits, then follows.
        assert receive(hq, recorded[0]) == "created"
        assert receive(hq, erased[0]) == "parked"
        assert receive(hq, recorded[1]) == "created"
        assert receive(hq, erased[0]) == "duplicate"  # the inbox has it (applied on release)
        held = records(hq)
        assert records(post)["crossings"] == held["crossings"]
        assert held["travellers"] == {}
        assert held["documents"] == {}
        with hq() as session:
            assert all(c.erased_at is not None for c in session.scalars(select(Crossing)))
        # The post's redacted events, delivered again, change nothing.
        for event in outbox_events(post):
            receive(hq, event)
        assert records(hq) == held
