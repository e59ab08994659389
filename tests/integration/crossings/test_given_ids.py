"""A crossing's id given by the caller: a repeat is answered, any other use of the id is not.

Sending the same crossing again (a retried request, a re-imported file) answers the crossing
recorded and writes nothing. Another post's id, or the same id with other facts, is a 409 on
``id`` that carries nothing of the crossing recorded, writes nothing and reads the same in
both cases. On SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from tests.factories import command, make_post, person_crossing, post_data
from tests.integration.conftest import ClientFor, TokenFor

from borderpost.audit.model import AuditEntry
from borderpost.crossings.model import Crossing
from borderpost.crossings.recording import ID_TAKEN, record_crossing
from borderpost.db import make_engine
from borderpost.imports.services import import_file
from borderpost.outbox import OutboxEvent, Topic
from borderpost.posts.schemas import ClosureCreate
from borderpost.posts.services import close_post
from borderpost.schemas import MAX_REASONS
from borderpost.sync import inbox
from borderpost.sync.events import Event
from borderpost.unit_of_work import UnitOfWork

Factory = sessionmaker[Session]
WEST_ID = "01900000-0000-7000-8000-0000000000aa"
WEST = person_crossing("P-W", id=WEST_ID)  # one document number, for every repeat


def _counts(factory: Factory) -> tuple[int, int, int]:
    with factory() as session:
        return tuple(  # type: ignore[return-value]
            int(session.scalar(select(func.count()).select_from(m)) or 0)
            for m in (Crossing, OutboxEvent, AuditEntry)
        )


@pytest.fixture
def two_posts(client_for: ClientFor, token_for: TokenFor) -> dict[str, TestClient]:
    """An admin, and an officer at each of two posts; a crossing recorded at the west post."""
    admin = client_for(token_for("admin"))
    for code in ("P-W", "P-E"):
        assert admin.post("/api/v1/posts", json=post_data(code)).status_code == 201
    west = client_for(token_for("officer", ["P-W"]))
    east = client_for(token_for("officer", ["P-E"]))
    recorded = west.post("/api/v1/crossings", json=WEST)
    assert recorded.status_code == 201, recorded.text
    return {"admin": admin, "west": west, "east": east}


def test_the_same_crossing_again_answers_the_recorded_one(
    two_posts: dict[str, TestClient], session_factory: Factory
) -> None:
    before = _counts(session_factory)
    # The same instant written in another offset is the same crossing.
    again = two_posts["west"].post(
        "/api/v1/crossings", json={**WEST, "time": "2026-03-10T05:30:00Z"}
    )
    assert again.status_code == 200, again.text
    assert again.json()["id"] == WEST_ID
    assert again.json()["traveller"]["surname"] == "ERIKSSON"
    assert _counts(session_factory) == before


def test_another_posts_id_leaks_nothing(
    two_posts: dict[str, TestClient], session_factory: Factory
) -> None:
    before = _counts(session_factory)
    replay = person_crossing("P-E", id=WEST_ID, traveller={"surname": "Z"})
    response = two_posts["east"].post("/api/v1/crossings", json=replay)
    assert response.status_code == 409, response.text
    assert response.json() == {
        "detail": ID_TAKEN,
        "problems": [{"field": "id", "reason": ID_TAKEN}],
    }
    assert "ERIKSSON" not in response.text
    assert _counts(session_factory) == before
    # Even the west crossing's own facts, sent for the east post, tell nothing more.
    copied = two_posts["east"].post("/api/v1/crossings", json={**WEST, "post": "P-E"})
    assert (copied.status_code, copied.json()) == (409, response.json())
    assert two_posts["east"].get(f"/api/v1/crossings/{WEST_ID}").status_code == 403


def test_the_same_id_with_other_facts_is_409_on_id(
    two_posts: dict[str, TestClient], session_factory: Factory
) -> None:
    before = _counts(session_factory)
    other = {**WEST, "direction": "out"}
    response = two_posts["west"].post("/api/v1/crossings", json=other)
    assert response.status_code == 409
    assert response.json()["problems"] == [{"field": "id", "reason": ID_TAKEN}]
    assert _counts(session_factory) == before


def test_a_correction_does_not_make_a_repeat_a_conflict(
    two_posts: dict[str, TestClient], client_for: ClientFor, token_for: TokenFor
) -> None:
    supervisor = client_for(token_for("supervisor", ["P-W"]))
    corrected = supervisor.post(
        f"/api/v1/crossings/{WEST_ID}/corrections",
        json={"category": "humanitarian", "reason": "typed the wrong category"},
    )
    assert corrected.status_code == 201, corrected.text
    again = two_posts["west"].post("/api/v1/crossings", json=WEST)
    assert again.status_code == 200
    assert again.json()["category"] == "humanitarian"


def test_an_import_line_with_another_posts_id_is_refused_on_id(
    two_posts: dict[str, TestClient], session_factory: Factory, tmp_path: Path
) -> None:
    path = tmp_path / "crossings.jsonl"
    lines = [
        WEST,  # a repeat: unchanged
        {**WEST, "post": "P-E"},  # another post's id
        person_crossing("P-E", id=str(uuid.uuid4())),
    ]
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    report = import_file(session_factory, "crossings", path)
    assert dict(report.outcomes) == {"unchanged": 1, "created": 1}
    assert [(p.line, p.field, p.reason) for p in report.problems] == [(2, "id", ID_TAKEN)]


@pytest.fixture
def headquarters(tmp_path: Path, sqlite_template: Path) -> Iterator[Factory]:
    path = tmp_path / "hq.db"
    shutil.copy(sqlite_template, path)
    engine = make_engine(f"sqlite:///{path}")
    yield sessionmaker(bind=engine, expire_on_commit=False)
    engine.dispose()


def test_headquarters_stores_a_replica_once_with_the_posts_reasons(
    session_factory: Factory, headquarters: Factory
) -> None:
    """The event as shipped, applied without the broker: the post's decision and reasons
    (past what a typed command carries: the closure's reason comes first) stand, and the same
    event again is a duplicate."""
    for factory in (session_factory, headquarters):
        with UnitOfWork(factory) as uow:
            make_post(uow, "P-A")
            uow.commit()
    with UnitOfWork(session_factory) as uow:
        closure = ClosureCreate.model_validate(
            {"starts_at": "2026-03-10T00:00:00Z", "reason": "storm", "authority": "commander"}
        )
        close_post(uow, "P-A", closure)
        uow.commit()
    typed = [f"reason {n}" for n in range(MAX_REASONS)]
    with UnitOfWork(session_factory, actor="officer.a") as uow:
        recorded = record_crossing(uow, command(person_crossing(decision="refused", reasons=typed)))
        uow.commit()
    assert len(recorded.crossing.reasons) == MAX_REASONS + 1
    with session_factory() as session:
        event = session.scalars(
            select(OutboxEvent).where(OutboxEvent.topic == Topic.CROSSING_RECORDED)
        ).one()
    shipped = Event(event.id, "P-A", event.topic, json.dumps(event.payload))
    outcomes = [inbox.receive(headquarters, shipped) for _ in range(2)]
    assert outcomes == ["created", "duplicate"]
    with headquarters() as session:
        stored = session.get(Crossing, recorded.crossing.id)
        assert stored is not None
        assert (stored.decision, stored.reasons) == ("refused", recorded.crossing.reasons)
