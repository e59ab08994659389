"""Corridors and transits on SQLite and PostgreSQL: derived from the crossings recorded."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from tests.factories import command, make_post, vehicle_crossing
from tests.web_support import add_user, bearer

from borderpost.app import create_app
from borderpost.audit.model import AuditEntry
from borderpost.config import Settings
from borderpost.crossings.corrections import correct_crossing
from borderpost.crossings.recording import Replica, record_crossing
from borderpost.crossings.schemas import CrossingCorrection
from borderpost.transit import services
from borderpost.transit.model import Corridor
from borderpost.transit.pairing import TransitState
from borderpost.transit.schemas import CorridorCreate
from borderpost.unit_of_work import UnitOfWork
from borderpost.vocab import Decision

Factory = sessionmaker[Session]
T0 = dt.datetime(2026, 3, 10, 8, tzinfo=dt.UTC)
PERIOD = services.Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31))
NOW = dt.datetime(2026, 3, 20, tzinfo=dt.UTC)


def _corridor(factory: Factory) -> None:
    with UnitOfWork(factory, actor="admin.test") as uow:
        make_post(uow, "P-A")
        make_post(uow, "P-B")
        services.add_corridor(
            uow,
            CorridorCreate(
                code="AB",
                name="A to B",
                post_a="P-A",
                post_b="P-B",
                deadline_hours=48,
                deadlines={"humanitarian": 24},
            ),
        )
        uow.commit()


def _truck(plate: str) -> dict[str, Any]:
    return {"plate": plate, "country": "AZE", "type": "truck"}


def _cross(
    factory: Factory,
    post: str,
    direction: str,
    hours: float,
    plate: str,
    replica: Replica | None = None,
    **extra: Any,
) -> Any:
    when = (T0 + dt.timedelta(hours=hours)).isoformat()
    data = vehicle_crossing(post, when, direction=direction, vehicle=_truck(plate), **extra)
    with UnitOfWork(factory, actor="officer.test") as uow:
        recorded = record_crossing(uow, command(data), replica=replica)
        uow.commit()
    return recorded.crossing


def _transits(factory: Factory, **kwargs: Any) -> list[Any]:
    with UnitOfWork(factory) as uow:
        corridor = services.get_corridor(uow, "AB")
        return services.transits(uow, corridor, PERIOD, now=NOW, **kwargs)


def test_states_from_the_crossings(session_factory: Factory) -> None:
    _corridor(session_factory)
    _cross(session_factory, "P-A", "in", 0, "10-AA-001")  # in time
    _cross(session_factory, "P-B", "out", 30, "10-AA-001")
    _cross(session_factory, "P-B", "in", 0, "10-AA-002")  # late
    _cross(session_factory, "P-A", "out", 60, "10-AA-002")
    _cross(session_factory, "P-A", "in", 0, "10-AA-003")  # overdue: no exit
    _cross(session_factory, "P-B", "out", 5, "10-AA-004")  # exit without entry
    _cross(session_factory, "P-A", "in", 240, "10-AA-005", category="humanitarian")  # 24 h
    found = {t.plate: t for t in _transits(session_factory)}
    assert found["10-AA-001"].state is TransitState.COMPLETED
    assert found["10-AA-001"].duration_hours == 30
    assert found["10-AA-002"].state is TransitState.COMPLETED_LATE
    assert found["10-AA-003"].state is TransitState.OVERDUE
    assert found["10-AA-004"].state is TransitState.EXIT_WITHOUT_ENTRY
    assert found["10-AA-005"].state is TransitState.IN_TRANSIT
    assert found["10-AA-005"].deadline_at == T0 + dt.timedelta(hours=264)
    # Overdue first, and a filter by state.
    assert _transits(session_factory)[0].state is TransitState.OVERDUE
    late = _transits(session_factory, state=TransitState.COMPLETED_LATE)
    assert [t.plate for t in late] == ["10-AA-002"]
    # A post's own view: only what touches it.
    at_b = {t.plate for t in _transits(session_factory, post="P-B")}
    assert at_b == {"10-AA-001", "10-AA-002", "10-AA-004"}


def test_a_refused_entry_opens_nothing_and_a_correction_is_reflected(
    session_factory: Factory,
) -> None:
    _corridor(session_factory)
    refused = _cross(
        session_factory, "P-A", "in", 0, "10-BB-001", decision="refused", reasons=["no permit"]
    )
    assert _transits(session_factory) == []
    with UnitOfWork(session_factory, actor="supervisor.test") as uow:
        correct_crossing(
            uow,
            refused.id,
            CrossingCorrection(decision=Decision.ADMITTED, reason="permit found on file"),
        )
        uow.commit()
    [transit] = _transits(session_factory)
    assert transit.state is TransitState.OVERDUE
    assert transit.entry.crossing_id == refused.id


def test_replicas_at_headquarters_form_transits(session_factory: Factory) -> None:
    _corridor(session_factory)

    def replica(hours: float) -> Replica:
        return Replica(
            officer="officer.post",
            decision=Decision.ADMITTED,
            reasons=[],
            flags=[],
            recorded_at=T0 + dt.timedelta(hours=hours),
        )

    # The exit arrives at headquarters before the entry: the order of ingest does not matter.
    _cross(session_factory, "P-B", "out", 20, "10-CC-001", replica=replica(20))
    _cross(session_factory, "P-A", "in", 0, "10-CC-001", replica=replica(0))
    [transit] = _transits(session_factory)
    assert transit.state is TransitState.COMPLETED
    assert (transit.entry.post, transit.exit.post) == ("P-A", "P-B")


def test_repeated_movements(session_factory: Factory) -> None:
    _corridor(session_factory)
    for hours, direction, post in ((0, "in", "P-A"), (10, "out", "P-B"), (30, "in", "P-B")):
        _cross(session_factory, post, direction, hours, "10-DD-001")
    _cross(session_factory, "P-A", "out", 40, "10-DD-001")
    _cross(session_factory, "P-A", "in", 0, "10-DD-002")
    with UnitOfWork(session_factory) as uow:
        runs = services.repeated_movements(uow, PERIOD, corridor="AB", min_crossings=4)
        at_a = services.repeated_movements(uow, PERIOD, post="P-A", min_crossings=2)
    assert [(r.plate, len(r.crossings)) for r in runs] == [("10-DD-001", 4)]
    assert [(r.plate, len(r.crossings)) for r in at_a] == [("10-DD-001", 2)]


@pytest.fixture
def client(session_factory: Factory) -> TestClient:
    settings = Settings(database_url="sqlite://", secret_key="transit-test")
    return TestClient(create_app(settings, session_factory=session_factory))


def test_api_corridors_transits_and_permissions(
    client: TestClient, session_factory: Factory
) -> None:
    with UnitOfWork(session_factory) as uow:
        make_post(uow, "P-A")
        make_post(uow, "P-B")
        make_post(uow, "P-C")
        uow.commit()
    admin = bearer(add_user(session_factory, "admin.t", "admin", network=True))
    body = {"code": "AB", "name": "A to B", "post_a": "P-A", "post_b": "P-B"}
    # Bad input: the field is named and nothing is written.
    bad = client.post(
        "/api/v1/corridors",
        json={**body, "deadline_hours": 0, "deadlines": {"x": 3}},
        headers=admin,
    )
    assert bad.status_code == 422
    fields = {p["field"] for p in bad.json()["problems"]}
    assert "deadline_hours" in fields
    assert any(f.startswith("deadlines.x") for f in fields)  # an unknown category
    same = client.post(
        "/api/v1/corridors", json={**body, "post_b": "P-A", "deadline_hours": 4}, headers=admin
    )
    assert same.status_code == 422
    assert same.json()["problems"][0]["field"] == "post_b"
    unknown = client.post(
        "/api/v1/corridors", json={**body, "post_b": "P-Z", "deadline_hours": 4}, headers=admin
    )
    assert unknown.status_code == 422
    assert unknown.json()["problems"][0]["field"] == "post_b"
    with session_factory() as session:
        assert session.scalars(select(Corridor)).all() == []
    # A supervisor may not add one; an admin may, and it is audited.
    supervisor = bearer(add_user(session_factory, "sup.a", "supervisor", posts=["P-A"]))
    made = {**body, "deadline_hours": 48}
    assert client.post("/api/v1/corridors", json=made, headers=supervisor).status_code == 403
    created = client.post("/api/v1/corridors", json=made, headers=admin)
    assert created.status_code == 201, created.text
    with session_factory() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.entity == "corridors")).one()
    assert entry.actor == "admin.t"
    assert entry.action == "create"

    _cross(session_factory, "P-A", "in", 0, "10-EE-001")
    _cross(session_factory, "P-B", "out", 2, "10-EE-002")
    query = {"from": "2026-03-01", "to": "2026-03-31"}
    page = client.get("/api/v1/corridors/AB/transits", params=query, headers=admin).json()
    assert page["total"] == 2
    assert page["items"][0]["state"] == "overdue"
    assert page["items"][0]["plate"] == "10-EE-001"
    overdue = client.get("/api/v1/corridors/AB/overdue", params=query, headers=admin).json()
    assert [t["plate"] for t in overdue["items"]] == ["10-EE-001"]
    paged = client.get(
        "/api/v1/corridors/AB/transits", params={**query, "limit": 1, "offset": 1}, headers=admin
    ).json()
    assert paged["total"] == 2
    assert [t["plate"] for t in paged["items"]] == ["10-EE-002"]
    # Post scope: a supervisor at P-A names their post and sees what touches it only.
    assert (
        client.get("/api/v1/corridors/AB/transits", params=query, headers=supervisor).status_code
        == 403
    )
    mine = client.get(
        "/api/v1/corridors/AB/transits", params={**query, "post": "P-A"}, headers=supervisor
    ).json()
    assert [t["plate"] for t in mine["items"]] == ["10-EE-001"]
    not_an_end = client.get(
        "/api/v1/corridors/AB/transits", params={**query, "post": "P-C"}, headers=admin
    )
    assert not_an_end.status_code == 422
    assert not_an_end.json()["problems"][0]["field"] == "post"
    # Observers: counts, never plates.
    observer = bearer(add_user(session_factory, "obs", "observer", network=True))
    assert client.get("/api/v1/corridors/AB/transits", headers=observer).status_code == 403
    counts = client.get("/api/v1/corridors/AB/counts", params=query, headers=observer)
    assert counts.status_code == 200
    assert counts.json()["counts"]["overdue"] == 1
    assert "10-EE" not in counts.text


def test_the_page_and_the_csv(client: TestClient, session_factory: Factory) -> None:
    from tests.web_support import sign_in

    _corridor(session_factory)
    _cross(session_factory, "P-A", "in", 0, "10-FF-001")
    _cross(session_factory, "P-B", "out", 30, "10-FF-001")
    _cross(session_factory, "P-B", "in", 0, "10-FF-002")
    add_user(session_factory, "sup.b", "supervisor", posts=["P-B"])
    sign_in(client, "sup.b")
    query = {"from": "2026-03-01", "to": "2026-03-31", "post": "P-B"}
    page = client.get("/corridors/AB", params=query)
    assert page.status_code == 200, page.text
    rows = page.text.split('id="transit-table"')[1]
    # Overdue first; the chart counts the completed one within its deadline.
    assert rows.index("10-FF-002") < rows.index("10-FF-001")
    assert "≤75%: 1" in page.text
    assert 'aria-label="Completed transits by share of the deadline used"' in page.text
    partial = client.get(
        "/corridors/AB", params={**query, "state": "overdue"}, headers={"HX-Request": "true"}
    )
    assert "<html" not in partial.text
    assert "10-FF-002" in partial.text
    assert "10-FF-001" not in partial.text
    csv_text = client.get("/corridors/AB/transits.csv", params=query).text
    assert csv_text.splitlines()[0].startswith("corridor,state,plate")
    assert len(csv_text.splitlines()) == 3
    # Without naming their post, a scoped user is refused.
    assert client.get("/corridors/AB", params={"from": "2026-03-01"}).status_code == 403


def test_the_page_shows_one_page_and_counts_the_whole_period(
    client: TestClient, session_factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.web_support import sign_in

    from borderpost.transit import web

    monkeypatch.setattr(web, "PAGE", 2)
    _corridor(session_factory)
    for n, plate in enumerate(["10-JJ-001", "10-JJ-002", "10-JJ-003"]):
        _cross(session_factory, "P-A", "in", n, plate)
        _cross(session_factory, "P-B", "out", n + 10, plate)
    add_user(session_factory, "an.j", "analyst", network=True)
    sign_in(client, "an.j")
    query = {"from": "2026-03-01", "to": "2026-03-31"}
    first = client.get("/corridors/AB", params=query)
    assert first.status_code == 200, first.text
    rows = first.text.split('id="transit-table"')[1]
    # Latest first; the counts and the chart cover the three, the table shows two.
    assert rows.index("10-JJ-003") < rows.index("10-JJ-002")
    assert "10-JJ-001" not in rows
    assert "≤25%: 3" in first.text
    assert "Next page" in first.text
    assert "Previous page" not in first.text
    second = client.get("/corridors/AB", params={**query, "offset": 2})
    rows = second.text.split('id="transit-table"')[1]
    assert "10-JJ-001" in rows
    assert "10-JJ-002" not in rows
    assert "Previous page" in second.text
    assert "Next page" not in second.text


def test_a_corridor_tracks_only_its_categories(session_factory: Factory) -> None:
    _corridor(session_factory)
    with UnitOfWork(session_factory, actor="admin.test") as uow:
        data = CorridorCreate(
            code="AB-C",
            name="A to B, trade",
            post_a="P-A",
            post_b="P-B",
            deadline_hours=48,
            categories=["commercial"],
        )
        services.add_corridor(uow, data)
        uow.commit()
    _cross(session_factory, "P-A", "in", 0, "10-GG-001")
    _cross(session_factory, "P-A", "in", 0, "10-GG-002", category="civilian")
    with UnitOfWork(session_factory) as uow:
        trade = services.transits(uow, services.get_corridor(uow, "AB-C"), PERIOD, now=NOW)
        every = services.transits(uow, services.get_corridor(uow, "AB"), PERIOD, now=NOW)
    assert [t.plate for t in trade] == ["10-GG-001"]
    assert sorted(t.plate for t in every) == ["10-GG-001", "10-GG-002"]


def test_an_entry_before_the_period_still_pairs_with_its_exit(session_factory: Factory) -> None:
    _corridor(session_factory)
    _cross(session_factory, "P-A", "in", -24 * 12, "10-HH-001")  # 26 February
    _cross(session_factory, "P-A", "in", -24 * 20, "10-HH-002")  # an older entry, then a return
    _cross(session_factory, "P-A", "out", -24 * 19, "10-HH-002")
    _cross(session_factory, "P-B", "out", 0, "10-HH-001")
    _cross(session_factory, "P-B", "out", 5, "10-HH-002")
    # The period (March) holds two exits: one pairs with the February entry (a transit of
    # February, so not listed), the other had no open entry.
    found = _transits(session_factory)
    assert [(t.plate, t.state) for t in found] == [("10-HH-002", TransitState.EXIT_WITHOUT_ENTRY)]
    with UnitOfWork(session_factory) as uow:
        corridor = services.get_corridor(uow, "AB")
        february = services.Period(dt.date(2026, 2, 1), dt.date(2026, 3, 31))
        states = {t.plate: t.state for t in services.transits(uow, corridor, february, now=NOW)}
    assert states["10-HH-001"] is TransitState.COMPLETED_LATE
