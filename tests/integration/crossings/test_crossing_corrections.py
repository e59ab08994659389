"""Corrections of recorded crossings: a supervisor's, audited, a new ledger entry, recounted."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from tests.factories import person_crossing, post_data, vehicle_crossing
from tests.web_support import add_user, bearer

from borderpost.app import create_app
from borderpost.audit.model import AuditEntry
from borderpost.config import Settings
from borderpost.ledger import appending, services
from borderpost.ledger import cli as ledger_cli
from borderpost.ledger.leaves import parse_leaf
from borderpost.ledger.model import LedgerLeaf
from borderpost.reports.services import summary
from borderpost.unit_of_work import UnitOfWork

Factory = sessionmaker[Session]
DAY = dt.date(2026, 3, 10)


@pytest.fixture
def home(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "home"
    path.mkdir()
    yield path
    services.close_logs(path)


@pytest.fixture
def client(session_factory: Factory, home: Path) -> TestClient:
    settings = Settings(home=home, database_url="sqlite://", secret_key="correction-test")
    client = TestClient(create_app(settings, session_factory=session_factory))
    admin = bearer(add_user(session_factory, "api-admin", "admin", network=True))
    for code in ("P-A", "P-B"):
        assert client.post("/api/v1/posts", json=post_data(code), headers=admin).status_code == 201
    return client


def _count(factory: Factory, model: type) -> int:
    with factory() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_a_correction_is_a_new_entry_and_the_recount_applies_it(
    client: TestClient, session_factory: Factory, home: Path
) -> None:
    officer = bearer(add_user(session_factory, "officer.a", "officer", posts=["P-A"]))
    supervisor = bearer(add_user(session_factory, "supervisor.a", "supervisor", posts=["P-A"]))
    ids = [
        client.post("/api/v1/crossings", json=data, headers=officer).json()["id"]
        for data in (person_crossing("P-A"), person_crossing("P-A"), vehicle_crossing("P-A"))
    ]
    assert appending.append_pending(session_factory, home) == 3
    url = f"/api/v1/crossings/{ids[0]}/corrections"
    change = {"category": "humanitarian", "decision": "refused", "reasons": ["document_invalid"]}

    # Who may: the post's supervisor only.
    assert client.post(url, json={**change, "reason": "typo"}, headers=officer).status_code == 403
    other = bearer(add_user(session_factory, "supervisor.b", "supervisor", posts=["P-B"]))
    assert client.post(url, json={**change, "reason": "typo"}, headers=other).status_code == 403

    # Bad input names its field and writes nothing.
    before = (_count(session_factory, LedgerLeaf), _count(session_factory, AuditEntry))
    for body, field in (
        ({"reason": "nothing to change"}, "category"),
        ({"decision": "refused", "reason": "no reasons"}, "reasons"),
        ({"category": "civilian", "reason": "the same category"}, "category"),
        ({"category": "humanitarian"}, "reason"),
        ({"category": "sideways", "reason": "bad value"}, "category"),
    ):
        response = client.post(url, json=body, headers=supervisor)
        assert response.status_code == 422, (body, response.text)
        assert [p["field"] for p in response.json()["problems"]] == [field]
    assert (_count(session_factory, LedgerLeaf), _count(session_factory, AuditEntry)) == before

    response = client.post(
        url, json={**change, "reason": "recorded under the wrong category"}, headers=supervisor
    )
    assert response.status_code == 201, response.text
    assert (response.json()["category"], response.json()["decision"]) == ("humanitarian", "refused")
    assert client.get(f"/api/v1/crossings/{ids[0]}", headers=officer).json()["category"] == (
        "humanitarian"
    )
    with session_factory() as session:
        trail = session.scalars(
            select(AuditEntry).where(AuditEntry.entity_id == ids[0], AuditEntry.action == "correct")
        ).all()
    assert [a.after["reason"] for a in trail] == ["recorded under the wrong category"]
    assert trail[0].actor == "supervisor.a"

    # A second correction corrects the first: the chain still counts the crossing once.
    again = {"direction": "out", "reason": "direction too"}
    assert client.post(url, json=again, headers=supervisor).status_code == 201
    assert appending.append_pending(session_factory, home) == 2
    held = services.open_log(home, "P-A", create=False)
    assert held is not None
    leaves = [parse_leaf(held.log.entry(i)) for i in range(held.log.size)]
    assert [leaf.get("corrects") for leaf in leaves] == [None, None, None, 0, 3]
    assert (leaves[4]["category"], leaves[4]["direction"]) == ("humanitarian", "out")
    assert leaves[4]["commitment"] == leaves[0]["commitment"]

    def fetch(path: str) -> bytes | None:
        response = client.get(f"/ledger/P-A/{path}")
        return response.content if response.status_code == 200 else None

    counted = ledger_cli.recount([(fetch, services.vkeys(home, "P-A"))], DAY, DAY)
    with UnitOfWork(session_factory) as uow:
        reported = summary(uow, DAY, DAY, "P-A")
    assert counted["persons"] == reported["persons"]
    assert counted["vehicles"] == reported["vehicles"]
    assert counted["persons"]["total"] == 2
    assert counted["persons"]["by_category"]["humanitarian"] == 1
    assert counted["persons"]["by_direction"] == {"in": 1, "out": 1}

    missing = "/api/v1/crossings/01890000-0000-7000-8000-000000000000/corrections"
    admin = bearer(add_user(session_factory, "admin.c", "admin", network=True))
    response = client.post(missing, json={**change, "reason": "no such"}, headers=admin)
    assert response.status_code == 404
