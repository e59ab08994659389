"""Erasure on both databases: personal data gone everywhere, public facts, counts and leaves
exactly as they were, held records untouched, the run audited and sent to headquarters."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker
from tests.factories import command, make_post, person_crossing, traveller, vehicle_crossing

from borderpost.audit.model import AuditEntry
from borderpost.crossings.model import Crossing
from borderpost.crossings.services import record_crossing
from borderpost.inspections import services as inspections
from borderpost.ledger.model import LedgerLeaf
from borderpost.outbox import OutboxEvent, Topic
from borderpost.people.model import TravelDocument, Traveller
from borderpost.reports.model import CrossingCount
from borderpost.retention import holds, services
from borderpost.retention.schedules import Schedule
from borderpost.unit_of_work import UnitOfWork
from borderpost.vehicles.model import Vehicle

Factory = sessionmaker[Session]
# Now is 2026-11-28 (tests/conftest.py): March is past 30 days, not past 400.
SCHEDULE = Schedule.from_settings({"crossing": 30, "refused_crossing": 400})
OLD = "2026-03-10T09:30:00+04:00"


def _record(factory: Factory, data: dict[str, Any]) -> uuid.UUID:
    with UnitOfWork(factory, actor="officer.a") as uow:
        recorded = record_crossing(uow, command(data))
        uow.commit()
    return recorded.crossing.id


def _dump(factory: Factory) -> str:
    """Every row of every table, as text: what a scan of the database finds."""
    out: list[str] = []
    with factory() as session:
        names = session.get_bind().dialect.get_table_names(session.connection())
        for name in names:
            for row in session.execute(text(f'SELECT * FROM "{name}"')):  # noqa: S608
                out.append(repr(tuple(row)))
    return "\n".join(out)


def _state(factory: Factory) -> tuple[Any, ...]:
    with factory() as session:
        leaves = session.execute(
            select(LedgerLeaf.record_id, LedgerLeaf.leaf).order_by(LedgerLeaf.id)
        ).all()
        counts = session.execute(
            select(CrossingCount.__table__).order_by(*CrossingCount.__table__.primary_key)
        ).all()
        facts = session.execute(
            select(Crossing.id, Crossing.time, Crossing.kind, Crossing.decision).order_by(
                Crossing.id
            )
        ).all()
    return leaves, counts, facts


def test_expired_crossings_lose_their_personal_data_and_keep_their_proof(
    session_factory: Factory, home: Path
) -> None:
    with UnitOfWork(session_factory) as uow:
        make_post(uow, "P-A")
        uow.commit()
    gone = traveller(surname="OLDNAME", given_names="ERASEME")
    gone_number = gone["document"]["number"]
    erased = _record(
        session_factory, person_crossing(time=OLD, traveller=gone, reasons=["with FRIENDNAME"])
    )
    truck = vehicle_crossing(time=OLD)
    truck["vehicle"]["plate"] = "77-ZZ-777"
    erased_truck = _record(session_factory, truck)
    refused = _record(
        session_factory,
        person_crossing(time=OLD, decision="refused", reasons=["no visa"], traveller=traveller()),
    )
    kept = _record(
        session_factory, person_crossing(time="2026-11-27T09:30:00+04:00", traveller=traveller())
    )
    held = _record(
        session_factory, person_crossing(time=OLD, traveller=traveller(surname="HELDNAME"))
    )
    with UnitOfWork(session_factory, actor="supervisor.a") as uow:
        hold = holds.place(uow, held, "investigation 12")
        uow.commit()
    before = _state(session_factory)

    dry = services.run(session_factory, SCHEDULE, home=home, dry_run=True)
    assert [(k.kind, k.due, k.held) for k in dry.kinds] == [
        ("crossing", 2, 1),
        ("refused_crossing", 0, 0),
    ]
    assert _state(session_factory) == before  # a dry run writes nothing

    seen: list[tuple[str, int, int]] = []
    report = services.run(session_factory, SCHEDULE, home=home, progress=lambda *p: seen.append(p))
    assert report.kinds[0].erased.crossings == 2
    assert report.kinds[0].erased.salts == 2
    assert report.kinds[0].erased.travellers == 1
    assert report.kinds[0].erased.vehicles == 1
    assert seen == [("crossing", 2, 2)]
    assert report.outbox_events == 4  # two crossings' events and their audit entries
    # Leaves, per-day counts and public facts: exactly as before.
    assert _state(session_factory) == before

    with session_factory() as session:
        rows = {c.id: c for c in session.scalars(select(Crossing))}
        assert rows[erased].erased_at is not None
        assert rows[erased].traveller_id is None
        assert rows[erased_truck].vehicle_id is None
        for untouched in (refused, kept, held):
            assert rows[untouched].erased_at is None
            assert rows[untouched].traveller_id is not None
        assert rows[refused].reasons == ["no visa"]
        salts = dict(session.execute(select(LedgerLeaf.record_id, LedgerLeaf.salt)).all())
        assert salts[erased] is None
        assert salts[erased_truck] is None
        assert salts[kept] is not None
        assert salts[held] is not None
        assert not session.scalars(select(Traveller).where(Traveller.surname == "OLDNAME")).all()
        assert not session.scalars(
            select(TravelDocument).where(TravelDocument.number == gone_number)
        ).all()
        assert not session.scalars(select(Vehicle).where(Vehicle.plate == "77-ZZ-777")).all()
        events = session.execute(
            select(OutboxEvent.topic, OutboxEvent.payload).where(
                OutboxEvent.topic == Topic.RECORDS_ERASED.value
            )
        ).all()
        assert len(events) == 1
        assert sorted(events[0].payload["crossings"]) == sorted([str(erased), str(erased_truck)])
        runs = session.scalars(select(AuditEntry).where(AuditEntry.entity == "retention")).all()
        assert [(r.entity_id, r.after["erased"]["crossings"]) for r in runs] == [("crossing", 2)]
        assert runs[0].actor == services.ACTOR
        recorded = session.scalars(
            select(AuditEntry).where(AuditEntry.entity_id == str(erased))
        ).one()
        assert recorded.after is not None
        assert recorded.after["decision"] == "admitted"
    dump = _dump(session_factory)
    for secret in ("OLDNAME", "ERASEME", gone_number, "77-ZZ-777", "77ZZ777", "FRIENDNAME"):
        assert secret not in dump
    assert "HELDNAME" in dump  # held: kept

    # A second run finds nothing; released, the held crossing goes at the next run.
    again = services.run(session_factory, SCHEDULE, home=home)
    assert again.kinds[0].erased.crossings == 0
    assert again.outbox_events == 0
    with UnitOfWork(session_factory, actor="supervisor.a") as uow:
        holds.release(uow, hold.id, "investigation closed")
        uow.commit()
    services.run(session_factory, SCHEDULE, home=home)
    assert "HELDNAME" not in _dump(session_factory)
    assert _state(session_factory) == before


def test_an_open_inspection_holds_its_crossing_and_closed_evidence_files_go(
    session_factory: Factory, home: Path
) -> None:
    with UnitOfWork(session_factory) as uow:
        make_post(uow, "P-A")
        uow.commit()
    referred = _record(
        session_factory, vehicle_crossing(time=OLD, decision="referred", reasons=["x-ray"])
    )
    with UnitOfWork(session_factory, actor="inspector.a", home=home) as uow:
        inspections.open_inspection(uow, referred)
        evidence = inspections.add_evidence(uow, referred, "photo.jpg", "image/jpeg", b"JPEGDATA")
        uow.commit()
    stored = home / "evidence" / evidence.sha256[:2] / evidence.sha256
    assert stored.is_file()
    report = services.run(session_factory, SCHEDULE, home=home)
    assert report.kinds[0].held == 1
    assert report.kinds[0].erased.crossings == 0
    assert stored.is_file()
    with session_factory() as session:
        from borderpost.inspections.model import Inspection

        inspection = session.scalars(select(Inspection)).one()
        inspection.status = "closed"
        session.commit()
    report = services.run(session_factory, SCHEDULE, home=home)
    assert report.kinds[0].erased.crossings == 1
    assert report.kinds[0].erased.evidence_files == 1
    assert not stored.exists()
    assert "photo.jpg" not in _dump(session_factory)


def test_a_hold_needs_a_crossing_and_is_released_once(session_factory: Factory) -> None:
    from borderpost.errors import Conflict, NotFound

    with UnitOfWork(session_factory) as uow:
        make_post(uow, "P-A")
        uow.commit()
    crossing = _record(session_factory, person_crossing(time=OLD))
    with UnitOfWork(session_factory, actor="supervisor.a") as uow:
        with pytest.raises(NotFound):
            holds.place(uow, uuid.uuid4(), "x")
        hold = holds.place(uow, crossing, "investigation 7")
        holds.release(uow, hold.id, "done")
        with pytest.raises(Conflict):
            holds.release(uow, hold.id, "again")
        uow.commit()
    with session_factory() as session:
        entries = session.scalars(
            select(AuditEntry).where(AuditEntry.entity == "legal_holds").order_by(AuditEntry.at)
        ).all()
    assert [e.action for e in entries] == ["create", "update"]
    assert entries[0].actor == "supervisor.a"
    assert json.dumps(entries[1].after).count("done") == 1


def test_another_feature_plugs_in_its_holds_its_kind_and_its_export_section(
    session_factory: Factory, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from borderpost.retention import subject
    from borderpost.retention.schedules import RecordKind

    with UnitOfWork(session_factory) as uow:
        make_post(uow, "P-A")
        uow.commit()
    person = traveller(surname="CASEHOLDER")
    concerned = _record(session_factory, person_crossing(time=OLD, traveller=person))
    case_id = uuid.uuid4()
    # Fresh registries for this test: what a feature adds stays out of the other tests.
    monkeypatch.setattr(holds, "_PROVIDERS", list(holds._PROVIDERS))
    monkeypatch.setattr(services, "_ERASERS", {})
    monkeypatch.setattr(subject, "_SECTIONS", {})
    holds.register_provider(lambda _s: [("crossing", concerned), ("case", case_id)])
    given: list[services.Erasable] = []

    def erase_cases(_factory: Factory, erasable: services.Erasable) -> tuple[int, int]:
        given.append(erasable)
        return 3, 0 if erasable.dry_run else 2

    services.register_eraser(RecordKind.CASE, erase_cases)
    subject.register_section(
        "cases", lambda _s, who: [{"crossings": sorted(str(c) for c in who.crossing_ids)}]
    )

    report = services.run(session_factory, SCHEDULE, home=home)
    assert [(k.kind, k.held, k.erased.crossings) for k in report.kinds[:1]] == [("crossing", 1, 0)]
    case = report.kinds[-1]
    assert (case.kind, case.due, case.erased.records) == ("case", 3, 2)
    assert given[0].held["case"] == {case_id}
    assert given[0].cutoff == case.cutoff
    with UnitOfWork(session_factory, actor="supervisor.a") as uow:
        exported = subject.export(uow, person["document"]["number"], "UTO", None)
    assert exported["cases"] == [{"crossings": [str(concerned)]}]


def test_an_open_case_holds_its_crossing_and_the_persons_cases_are_exported(
    session_factory: Factory, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from borderpost.cases import retention as cases_retention
    from borderpost.cases.model import Case
    from borderpost.cases.schemas import CaseCreate, RecordLink
    from borderpost.cases.services import receive_case
    from borderpost.retention import subject

    monkeypatch.setattr(holds, "_PROVIDERS", list(holds._PROVIDERS))
    monkeypatch.setattr(subject, "_SECTIONS", {})
    cases_retention.install()
    with UnitOfWork(session_factory) as uow:
        make_post(uow, "P-A")
        uow.commit()
    person = traveller(surname="APPELLANT")
    refused = _record(
        session_factory,
        person_crossing(time=OLD, traveller=person, decision="refused", reasons=["visa"]),
    )
    with UnitOfWork(session_factory, actor="cases.a") as uow:
        case, _secret = receive_case(
            uow,
            CaseCreate(
                kind="appeal",
                post="P-A",
                contact_name="Appellant",
                summary="appeal against the refusal",
                records=[RecordLink(record_type="crossing", record_id=refused)],
            ),
            lambda _post: True,
        )
        uow.commit()
    # Past the refusals' 400 days as well: only the case keeps it.
    every = Schedule.from_settings({"crossing": 30, "refused_crossing": 30})
    report = services.run(session_factory, every, home=home)
    refusals = next(k for k in report.kinds if k.kind == "refused_crossing")
    assert (refusals.held, refusals.erased.crossings) == (1, 0)
    with session_factory() as session:
        assert session.get(Crossing, refused).traveller_id is not None  # kept: held
    with UnitOfWork(session_factory, actor="supervisor.a") as uow:
        exported = subject.export(uow, person["document"]["number"], "UTO", None)
    assert [c["reference"] for c in exported["cases"]] == [case.reference]
    assert exported["cases"][0]["records"] == [{"type": "crossing", "id": str(refused)}]
    # The case closed, the hold ends: the crossing's personal data and its opening go.
    with session_factory() as session:
        session.get(Case, case.id).status = "closed"  # type: ignore[union-attr]
        session.commit()
    services.run(session_factory, every, home=home)
    with session_factory() as session:
        assert session.get(Crossing, refused).traveller_id is None
        leaf = session.scalars(select(LedgerLeaf).where(LedgerLeaf.record_id == refused)).one()
        assert (leaf.salt, leaf.opening) == (None, None)
