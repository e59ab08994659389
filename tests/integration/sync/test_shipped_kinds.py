"""Everything a post records reaches headquarters as the post holds it: consignments and goods
items, inspections with their findings, seizures and evidence metadata, screening hits and
their resolutions, and the post's audit trail; in any order of arrival, with duplicates.
Two posts on SQLite files of their own; headquarters on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import random
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from tests.factories import command, make_post, person_crossing, traveller
from tests.integration.sync.conftest import (
    add_reference,
    fresh_headquarters,
    inspected_cargo,
    outbox_events,
    records,
    trail,
    truck_with_cargo,
)
from tests.web_support import add_user, bearer

from borderpost import clock
from borderpost.app import create_app
from borderpost.config import Settings
from borderpost.crossings.recording import record_crossing
from borderpost.db import make_engine
from borderpost.inspections import queue as work_list
from borderpost.inspections.model import Inspection, Seizure
from borderpost.inspections.services import (
    get_inspection,
)
from borderpost.posts import repository as posts_repository
from borderpost.reports.services import summary
from borderpost.screening import review
from borderpost.screening.alerts import open_alerts
from borderpost.screening.importing import ListFormat, import_version
from borderpost.screening.model import HitOrigin, HitState, Watchlist
from borderpost.screening.rescreen import rescreen
from borderpost.sync.events import Event
from borderpost.sync.inbox import apply_batch, parked, receive
from borderpost.unit_of_work import UnitOfWork

Factory = sessionmaker[Session]
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
DAY = dt.date(2026, 3, 10)
ALIYEV = {
    "id": "os-aliyev",
    "schema": "Person",
    "properties": {"name": ["Rashad Aliyev"], "birthDate": ["1979-02-14"]},
}


def _with_second_post(factory: Factory) -> None:
    add_reference(factory)
    with UnitOfWork(factory) as uow:
        make_post(uow, "P-B")
        uow.commit()


@pytest.fixture
def posts(tmp_path: Path, sqlite_template: Path) -> Iterator[dict[str, Factory]]:
    """Two posts, each on its own SQLite file, both knowing P-A and P-B."""
    made: dict[str, Factory] = {}
    engines = []
    for code in ("P-A", "P-B"):
        path = tmp_path / f"{code}.db"
        shutil.copy(sqlite_template, path)
        engine = make_engine(f"sqlite:///{path}")
        engines.append(engine)
        made[code] = sessionmaker(bind=engine, expire_on_commit=False)
        _with_second_post(made[code])
    yield made
    for engine in engines:
        engine.dispose()


def _uow(factory: Factory, actor: str, home: Path | None = None) -> UnitOfWork:
    return UnitOfWork(factory, actor=actor, home=home)


def _record(factory: Factory, data: dict[str, Any]) -> uuid.UUID:
    with _uow(factory, "officer.a") as uow:
        recorded = record_crossing(uow, command(data))
        uow.commit()
    return recorded.crossing.id


def _post_day(factory: Factory, post: str, home: Path) -> None:
    """A post's day: a listed person (a hit), a truck inspected with a seizure confiscated
    after and a photo kept, a truck still waiting, a crossing without anything."""
    with _uow(factory, "admin") as uow:
        text = (json.dumps(ALIYEV) + "\n").encode()
        import_version(uow, "wanted", io.BytesIO(text), ListFormat.FTM, source="t", label="1")
        uow.commit()
    person = traveller(surname="ALIYEV", given_names="RASHAD", birth_date="1979-02-14")
    listed = _record(factory, person_crossing(post=post, traveller=person))
    _record(factory, person_crossing(post=post))
    inspected_cargo(factory, home, post)
    truck_with_cargo(factory, post)  # left waiting in the work list
    if post == "P-A":  # P-B's hit stays open, in its alerts
        with _uow(factory, "supervisor.a") as uow:
            (hit,) = review.hits_of_crossing(uow, listed)
            review.resolve_hit(uow, post, hit.id, HitState.FALSE_MATCH, "another man")
            uow.commit()


def _network(posts: dict[str, Factory], tmp_path: Path) -> list[Event]:
    events: list[Event] = []
    for code, factory in posts.items():
        _post_day(factory, code, tmp_path / code)
        events += outbox_events(factory, trail=True)
    return events


def _merged(posts: dict[str, Factory]) -> dict[str, Any]:
    """What headquarters should hold: the posts' records together."""
    together: dict[str, Any] = {}
    for factory in posts.values():
        for kind, rows in records(factory).items():
            together.setdefault(kind, {}).update(rows)
    return together


def _deliver(hq: Factory, events: list[Event], order: list[int], batch: int) -> None:
    for start in range(0, len(order), batch):
        chunk = [events[i] for i in order[start : start + batch]]
        if batch == 1:
            receive(hq, chunk[0])
        else:
            apply_batch(hq, chunk)


def _orders(count: int) -> list[tuple[list[int], int]]:
    """As written; all backwards; shuffled with some delivered twice (fixed seeds)."""
    shuffled = []
    for seed in (1, 2):
        rng = random.Random(seed)
        order = list(range(count))
        rng.shuffle(order)
        for again in rng.sample(range(count), count // 3):
            order.insert(rng.randrange(len(order) + 1), again)
        shuffled.append((order, 1 + seed * 2))
    return [(list(range(count)), 50), (list(reversed(range(count))), 1), *shuffled]


def _added(a: Any, b: Any) -> Any:
    if isinstance(a, dict):
        return {k: _added(a[k], b[k]) for k in a}
    if isinstance(a, int):
        return a + b
    return a


def _summary(factory: Factory) -> dict[str, Any]:
    with UnitOfWork(factory) as uow:
        return summary(uow, DAY, DAY)


@pytest.mark.parametrize("backend", BACKENDS)
def test_headquarters_holds_every_posts_records_field_by_field_in_any_order(
    request: pytest.FixtureRequest, posts: dict[str, Factory], tmp_path: Path, backend: str
) -> None:
    events = _network(posts, tmp_path)
    expected = _merged(posts)
    assert {len(expected[k]) for k in ("inspections", "seizures", "evidence", "findings")} == {2}
    assert len(expected["consignments"]) == 4
    assert len(expected["goods_items"]) == 8
    assert len(expected["hits"]) == 2
    entities = {e[5] for e in trail(posts["P-A"], "P-A").values()}
    assert {"crossings", "consignments", "seizures", "screening_hits"} <= entities
    for order, batch in _orders(len(events)):
        with fresh_headquarters(request, backend, tmp_path) as hq:
            with UnitOfWork(hq) as uow:
                make_post(uow, "P-B")
                uow.commit()
            _deliver(hq, events, order, batch)
            assert parked(hq) == []
            held = records(hq)
            for kind, rows in expected.items():
                assert held[kind] == rows, kind
            # The posts' trails, every entry of a post's records as written there, marked
            # with its post (headquarters adds entries of its own, as the sync actor).
            at_hq = trail(hq)
            for factory in posts.values():
                for code in posts:
                    for entry_id, entry in trail(factory, code).items():
                        assert at_hq.get(entry_id) == entry
            with hq() as session:
                statuses = set(session.scalars(select(Seizure.status)))
                names = sorted(session.scalars(select(Watchlist.name)))
            assert statuses == {"confiscated"}
            # Each post's own list, kept under its id; the second named with its post.
            assert names in (["wanted", "wanted (P-A)"], ["wanted", "wanted (P-B)"])
            assert _summary(hq) == _added(_summary(posts["P-A"]), _summary(posts["P-B"]))


@pytest.mark.parametrize("backend", BACKENDS)
def test_headquarters_pages_answer_for_the_posts(
    request: pytest.FixtureRequest, posts: dict[str, Factory], tmp_path: Path, backend: str
) -> None:
    """The work list, the alerts, the hits and the inspection with its seizures read at
    headquarters show what each post shows."""
    events = _network(posts, tmp_path)

    def seen(factory: Factory, post: str) -> dict[str, Any]:
        with UnitOfWork(factory) as uow:
            where = posts_repository.post_by_code(uow.session, post)
            assert where is not None
            waiting = [
                (w.crossing.id, w.lane_colour) for w in work_list.waiting_at_post(uow, where)
            ]
            hits = [(h.id, h.state, h.list) for h in review.hits_at_post(uow, post)]
            alerts = open_alerts(uow, post, HitOrigin.CROSSING).open_hits
            inspected = [
                get_inspection(uow, w.crossing.id)
                for w in work_list.waiting_at_post(uow, where)
                if w.inspection is not None
            ]
            return {"waiting": waiting, "hits": hits, "alerts": alerts, "inspected": inspected}

    with fresh_headquarters(request, backend, tmp_path) as hq:
        with UnitOfWork(hq) as uow:
            make_post(uow, "P-B")
            uow.commit()
        _deliver(hq, events, list(range(len(events))), 20)
        for post, factory in posts.items():
            here, there = seen(hq, post), seen(factory, post)
            assert here["waiting"] == there["waiting"]
            assert len(here["waiting"]) == 1
            assert [h[:2] for h in here["hits"]] == [h[:2] for h in there["hits"]]
            assert here["alerts"] == there["alerts"] == (1 if post == "P-B" else 0)


@pytest.mark.parametrize("backend", BACKENDS)
def test_an_older_version_of_a_seizure_arriving_later_changes_nothing(
    request: pytest.FixtureRequest, posts: dict[str, Factory], tmp_path: Path, backend: str
) -> None:
    _network(posts, tmp_path)
    events = outbox_events(posts["P-A"])
    held, confiscated = [e for e in events if e.topic == "seizure.recorded"]
    rest = [e for e in events if e.topic != "seizure.recorded"]
    with fresh_headquarters(request, backend, tmp_path) as hq:
        # The seizure's later state first (waiting for its inspection), the first one last.
        assert receive(hq, confiscated) == "parked"
        assert set(apply_batch(hq, rest)) >= {"created"}
        assert parked(hq) == []
        assert receive(hq, held) == "stale"
        with hq() as session:
            assert set(session.scalars(select(Seizure.status))) == {"confiscated"}
        assert records(hq)["seizures"] == records(posts["P-A"])["seizures"]


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_malformed_record_is_parked_with_its_field(
    request: pytest.FixtureRequest, posts: dict[str, Factory], tmp_path: Path, backend: str
) -> None:
    _network(posts, tmp_path)
    events = outbox_events(posts["P-A"])
    (evidence,) = [e for e in events if e.topic == "evidence.recorded"]
    payload = json.loads(evidence.data)
    payload["sha256"] = "not a hash"
    bad = Event(evidence.id, evidence.post, evidence.topic, json.dumps(payload))
    with fresh_headquarters(request, backend, tmp_path) as hq:
        apply_batch(hq, [e for e in events if e.id != evidence.id])
        assert receive(hq, bad) == "parked"
        (why,) = parked(hq)
        assert why.reason.startswith("sha256:")
        assert "not a hash" not in why.reason


def _client(factory: Factory, home: Path) -> tuple[TestClient, dict[str, str]]:
    token = add_user(factory, "supervisor.n", "supervisor", network=True)
    settings = Settings(database_url="sqlite://", secret_key="t", home=home)
    return TestClient(create_app(settings, session_factory=factory)), bearer(token)


@pytest.mark.parametrize("backend", BACKENDS)
def test_headquarters_answers_a_posts_cargo_inspection_and_hits_as_the_post_does(
    request: pytest.FixtureRequest, posts: dict[str, Factory], tmp_path: Path, backend: str
) -> None:
    """Through the API and the pages: the same answers from headquarters as from each post."""
    events = _network(posts, tmp_path)
    with fresh_headquarters(request, backend, tmp_path) as hq:
        with UnitOfWork(hq) as uow:
            make_post(uow, "P-B")
            uow.commit()
        _deliver(hq, list(reversed(events)), list(range(len(events))), 25)
        assert parked(hq) == []
        at_hq, hq_auth = _client(hq, tmp_path / "hq")
        with at_hq:
            for code, factory in posts.items():
                with factory() as session:
                    inspected = session.scalars(select(Inspection.crossing_id)).one()
                at_post, auth = _client(factory, tmp_path / code)
                with at_post:
                    for path in (
                        f"/api/v1/crossings/{inspected}/cargo",
                        f"/api/v1/crossings/{inspected}/inspection",
                        f"/api/v1/screening/hits?post={code}",
                    ):
                        here = at_hq.get(path, headers=hq_auth)
                        there = at_post.get(path, headers=auth)
                        assert here.status_code == there.status_code == 200, path
                        answer, expected = here.json(), there.json()
                        if "hits" in path:  # a list's name headquarters also had: with the post
                            names = {h.pop("watchlist") for h in answer}
                            assert names <= {"wanted", f"wanted ({code})"}
                            for hit in expected:
                                del hit["watchlist"]
                        assert answer == expected, path
                    shown = at_hq.get(f"/posts/{code}/alerts?origin=crossing", headers=hq_auth)
                    assert shown.status_code == 200
                    assert ("wanted" in shown.text) is (code == "P-B")  # P-A's hit is resolved
            seized = at_hq.get(f"/api/v1/crossings/{inspected}/inspection", headers=hq_auth)
            (seizure,) = seized.json()["seizures"]
            assert seizure["status"] == "confiscated"
            day = f"/api/v1/reports/summary?from={DAY}&to={DAY}"
            assert at_hq.get(day, headers=hq_auth).json() == _added(
                _summary(posts["P-A"]), _summary(posts["P-B"])
            ) | {"from": DAY.isoformat(), "to": DAY.isoformat()}


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_hit_found_later_and_resolved_reaches_headquarters_in_any_order(
    request: pytest.FixtureRequest, post: Factory, tmp_path: Path, backend: str
) -> None:
    """A past crossing screened against a new list version (an alert), then resolved: its
    resolution arriving first waits for the crossing, and its first state arriving last is
    stale."""
    yesterday = (clock.now() - dt.timedelta(days=1)).isoformat()
    person = traveller(surname="PETROSYAN", given_names="ARMEN", birth_date="1980-01-01")
    _record(post, person_crossing(traveller=person, time=yesterday))
    listed = {
        "id": "os-petrosyan",
        "schema": "Person",
        "properties": {"name": ["Петросян Армен"], "birthDate": ["1980-01-01"]},
    }
    with _uow(post, "admin") as uow:
        text = (json.dumps(listed) + "\n").encode()
        import_version(uow, "wanted", io.BytesIO(text), ListFormat.FTM, source="t", label="1")
        uow.commit()
    assert rescreen(post, "wanted", 30).alerts == 1
    with _uow(post, "supervisor.a") as uow:
        (alert,) = review.hits_at_post(uow, "P-A", origin=HitOrigin.RESCREEN)
        review.resolve_hit(uow, "P-A", alert.id, HitState.TRUE_MATCH, "the same man")
        uow.commit()
    crossing, found, resolved = outbox_events(post)
    assert (found.topic, resolved.topic) == ("hit.recorded", "hit.recorded")
    with fresh_headquarters(request, backend, tmp_path) as hq:
        assert [receive(hq, e) for e in (resolved, crossing, found)] == [
            "parked",
            "created",
            "stale",
        ]
        assert parked(hq) == []
        held = records(hq)["hits"]
        assert held == records(post)["hits"]
        with UnitOfWork(hq) as uow:
            (at_hq,) = review.hits_at_post(uow, "P-A", origin=HitOrigin.RESCREEN)
            assert (at_hq.state, at_hq.resolved_by) == ("true_match", "supervisor.a")
