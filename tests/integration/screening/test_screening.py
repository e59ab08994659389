"""Watchlists in the product: import, screening of crossings, resolutions and re-screening."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from tests.factories import command, make_post, person_crossing, traveller, vehicle_crossing

from borderpost import clock
from borderpost.audit.model import AuditEntry
from borderpost.crossings.model import Crossing
from borderpost.crossings.services import record_crossing
from borderpost.errors import InvalidInput
from borderpost.screening import review
from borderpost.screening.importing import ListFormat, import_version
from borderpost.screening.model import HitOrigin, HitState, ScreeningHit, WatchlistEntry
from borderpost.screening.rescreen import rescreen
from borderpost.unit_of_work import UnitOfWork

Factory = sessionmaker[Session]

ALIYEV = {
    "id": "os-aliyev",
    "schema": "Person",
    "properties": {
        "name": ["Rashad Aliyev"],
        "birthDate": ["1979-02-14"],
        "nationality": ["az"],
    },
}
PASSPORT = {
    "id": "lost-1",
    "schema": "Passport",
    "properties": {"number": ["LS4405667"], "country": ["uto"], "holder": ["x"]},
}
VEHICLE = {"id": "veh-1", "schema": "Vehicle", "properties": {"registrationNumber": ["АВ 777 ХК"]}}


def _ftm(*entities: dict[str, Any]) -> io.BytesIO:
    text = "\n".join(json.dumps(e, ensure_ascii=False) for e in entities) + "\n"
    return io.BytesIO(text.encode())


def _import(factory: Factory, name: str, *entities: dict[str, Any], **options: Any) -> Any:
    with UnitOfWork(factory, actor="admin") as uow:
        report = import_version(
            uow, name, _ftm(*entities), ListFormat.FTM, source="test", label="v", **options
        )
        uow.commit()
    return report


def _count(factory: Factory, model: type) -> int:
    with factory() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


@pytest.fixture
def post(session_factory: Factory) -> None:
    with UnitOfWork(session_factory, actor="test") as uow:
        make_post(uow)
        uow.commit()


def _record(factory: Factory, data: dict[str, Any], actor: str = "officer") -> Any:
    with UnitOfWork(factory, actor=actor) as uow:
        recorded = record_crossing(uow, command(data))
        uow.commit()
    return recorded


def test_import_keeps_people_documents_and_vehicles_and_skips_other_schemas(
    session_factory: Factory,
) -> None:
    company = {"id": "c", "schema": "Company", "properties": {"name": ["Acme"]}}
    report = _import(session_factory, "wanted", ALIYEV, PASSPORT, VEHICLE, company)
    assert (report.read, report.written, report.skipped) == (4, 3, 1)
    with UnitOfWork(session_factory) as uow:
        [summary] = review.list_watchlists(uow)
    assert (summary.name, summary.entries, summary.source) == ("wanted", 3, "test")


def test_a_bad_line_is_named_and_nothing_of_the_version_is_written(
    session_factory: Factory,
) -> None:
    _import(session_factory, "wanted", ALIYEV)
    bad = {**PASSPORT, "properties": {"country": ["uto"]}}
    with pytest.raises(InvalidInput) as caught:
        _import(session_factory, "wanted", VEHICLE, bad)
    assert caught.value.problems[0].field == "line 2"
    assert "needs a number" in caught.value.problems[0].reason
    with UnitOfWork(session_factory) as uow:
        [summary] = review.list_watchlists(uow)
    assert summary.entries == 1  # the old version is still the active one
    assert _count(session_factory, WatchlistEntry) == 1
    # --skip-bad: the good lines go in, the bad one is reported.
    report = _import(session_factory, "wanted", VEHICLE, bad, skip_bad=True)
    assert report.written == 1
    assert [p.line for p in report.problems] == [2]
    with session_factory() as session:
        rows = session.execute(select(WatchlistEntry.since, WatchlistEntry.until)).all()
    # The new version's row, and the old version's closed by it (kept until the next version).
    assert sorted(rows, key=str) == [(1, 2), (2, None)]


def test_csv_lists_are_read_as_documented(session_factory: Factory) -> None:
    text = (
        "id,kind,names,birth_dates,nationalities,documents,plates\n"
        "p1,person,Rashad Aliyev;Алиев Рашад,1979-02-14,AZ,C1234567:AZE,\n"
        "v1,vehicle,,,,,77 AB 123\n"
    )
    with UnitOfWork(session_factory, actor="admin") as uow:
        report = import_version(
            uow, "csv", io.BytesIO(text.encode()), ListFormat.CSV, source="s", label="1"
        )
        uow.commit()
    assert report.written == 2
    with UnitOfWork(session_factory) as uow:
        found = review.search(uow, "Алиев Рашад", birth_date="1979-02-14")
    assert found[0].entry == "p1"
    assert found[0].score >= 0.9


@pytest.mark.usefixtures("post")
def test_a_listed_person_in_another_script_refers_the_crossing(session_factory: Factory) -> None:
    _import(session_factory, "wanted", ALIYEV)
    clean = _record(session_factory, person_crossing())
    assert clean.crossing.decision == "admitted"
    assert not clean.screened.hits
    person = traveller(surname="АЛИЕВ", given_names="РАШАД", birth_date="1979-02-14")
    recorded = _record(session_factory, person_crossing(traveller=person))
    assert recorded.crossing.decision == "referred"
    assert "watchlist hit: wanted" in recorded.crossing.reasons
    assert "watchlist_hit" in recorded.crossing.flags
    with session_factory() as session:
        hit = session.scalars(select(ScreeningHit)).one()
        assert (hit.entry_key, hit.state, hit.origin, hit.refers) == (
            "os-aliyev",
            "open",
            "crossing",
            True,
        )
        assert any("birth date 1979-02-14 equal" in line for line in hit.explanation)
        audited = session.scalars(
            select(AuditEntry).where(AuditEntry.entity == "screening_hits")
        ).one()
        assert audited.after is not None
        assert audited.after["list"] == "wanted"
        assert "АЛИЕВ" not in json.dumps(audited.after, ensure_ascii=False)


@pytest.mark.usefixtures("post")
def test_documents_and_plates_are_screened(session_factory: Factory) -> None:
    _import(session_factory, "lost", PASSPORT, VEHICLE)
    doc = {"type": "P", "number": "LS44O5667", "issuer": "UTO"}
    by_doc = _record(session_factory, person_crossing(traveller=traveller(document=doc)))
    assert by_doc.crossing.decision == "referred"
    car = _record(session_factory, vehicle_crossing(vehicle={"plate": "AB777XK", "country": "UTN"}))
    assert car.crossing.decision == "referred"
    assert [h.found.subject.value for h in car.screened.hits] == ["vehicle"]


@pytest.mark.usefixtures("post")
def test_a_false_match_is_remembered_and_shown_not_dropped(session_factory: Factory) -> None:
    _import(session_factory, "wanted", ALIYEV)
    doc = {"type": "P", "number": "AZ0000001", "issuer": "AZE"}
    person = traveller(
        surname="ALIYEV", given_names="RASHAD", birth_date="1979-02-14", document=doc
    )
    first = _record(session_factory, person_crossing(traveller=person))
    [hit_row] = first.screened.rows
    with UnitOfWork(session_factory, actor="supervisor") as uow:
        with pytest.raises(InvalidInput):
            review.resolve_hit(uow, "P-A", hit_row["id"], HitState.FALSE_MATCH, "  ")
        review.resolve_hit(uow, "P-A", hit_row["id"], HitState.FALSE_MATCH, "other birthplace")
        uow.commit()
    again = _record(session_factory, person_crossing(traveller=person))
    assert again.crossing.decision == "admitted"  # remembered: shown, not referred again
    [shown] = again.screened.shown()
    assert shown.remembered
    assert shown.state == "false_match"
    assert (shown.resolved_by, shown.resolution_reason) == ("supervisor", "other birthplace")
    assert _count(session_factory, ScreeningHit) == 2
    # A supervisor may overturn the remembered resolution; then the entry refers again.
    with UnitOfWork(session_factory, actor="supervisor2") as uow:
        review.resolve_hit(uow, "P-A", shown.id, HitState.TRUE_MATCH, "confirmed by a call")
        uow.commit()
    third = _record(session_factory, person_crossing(traveller=person))
    assert third.crossing.decision == "referred"
    assert not third.screened.shown()[0].remembered


@pytest.mark.usefixtures("post")
def test_a_new_list_version_raises_alerts_for_past_crossings(session_factory: Factory) -> None:
    _import(session_factory, "wanted", ALIYEV)
    yesterday = (clock.now() - dt.timedelta(days=1)).isoformat()
    person = traveller(surname="PETROSYAN", given_names="ARMEN", birth_date="1980-01-01")
    past = _record(session_factory, person_crossing(traveller=person, time=yesterday))
    assert past.crossing.decision == "admitted"
    armen = {
        "id": "os-petrosyan",
        "schema": "Person",
        "properties": {"name": ["Պետրոսյան Արմեն"], "birthDate": ["1980-01-01"]},
    }
    _import(session_factory, "wanted", ALIYEV, armen)
    report = rescreen(session_factory, "wanted", 30)
    assert report.alerts == 1
    assert report.crossings >= 1
    assert rescreen(session_factory, "wanted", 30).alerts == 0  # never raised twice
    with UnitOfWork(session_factory) as uow:
        [alert] = review.hits_at_post(uow, "P-A", origin=HitOrigin.RESCREEN)
        hit = alert.hit
        assert hit.crossing_id == past.crossing.id
        assert (hit.entry_key, hit.state, hit.refers) == ("os-petrosyan", "open", False)
    with session_factory() as session:
        assert session.get(Crossing, past.crossing.id).decision == "admitted"  # type: ignore[union-attr]
