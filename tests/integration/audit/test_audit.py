"""The audit trail: one hook for ORM writes, one entry per crossing, append-only, searchable."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker
from tests.factories import command, make_post, person_crossing
from tests.web_support import add_user, bearer
from tests.web_support import make_app as _app

from borderpost.audit.model import AuditEntry
from borderpost.crossings.services import record_crossing
from borderpost.unit_of_work import UnitOfWork

Factory = sessionmaker[Session]


def _entries(factory: Factory, entity: str) -> list[AuditEntry]:
    with factory() as session:
        query = select(AuditEntry).where(AuditEntry.entity == entity).order_by(AuditEntry.at)
        return list(session.scalars(query))


def test_orm_writes_leave_entries_with_who_where_before_and_after(factory: Factory) -> None:
    token = add_user(factory, "sup", "supervisor", ["P-A"])
    with TestClient(_app(factory), headers=bearer(token)) as client:
        body = {"starts_at": "2026-03-01T00:00:00Z", "reason": "flood", "authority": "Roads"}
        closure = client.post("/api/v1/posts/P-A/closures", json=body).json()
        end = {"ends_at": "2026-03-02T00:00:00Z", "reason": "dry", "authority": "Roads"}
        assert client.post(f"/api/v1/posts/P-A/closures/{closure['id']}/end", json=end).is_success
    created, ended = _entries(factory, "closures")
    assert (created.action, created.actor, created.client) == ("create", "sup", "testclient")
    assert created.before is None
    assert created.after is not None
    assert created.after["reason"] == "flood"
    assert created.post_id is not None
    assert ended.action == "update"
    reopened = ("ends_at", "end_reason", "end_authority", "ended_by")
    assert ended.before == dict.fromkeys(reopened)
    assert ended.after == dict(
        zip(reopened, ["2026-03-02T00:00:00+00:00", "dry", "Roads", "sup"], strict=True)
    )


def test_each_recorded_crossing_leaves_one_entry(factory: Factory) -> None:
    with UnitOfWork(factory, actor="officer.w", client="10.0.0.7") as uow:
        recorded = record_crossing(uow, command(person_crossing("P-A")))
        uow.commit()
    (entry,) = _entries(factory, "crossings")
    assert entry.entity_id == str(recorded.crossing.id)
    assert (entry.actor, entry.client, entry.action) == ("officer.w", "10.0.0.7", "create")
    assert entry.after is not None
    assert entry.after["decision"] == "admitted"
    # The entry names the facts, not the person: personal data stay in the crossing's rows.
    assert "ERIKSSON" not in str(entry.after)


def test_a_rolled_back_write_leaves_no_entry(factory: Factory) -> None:
    with UnitOfWork(factory) as uow:
        record_crossing(uow, command(person_crossing("P-A")))
    assert _entries(factory, "crossings") == []


def test_secrets_never_reach_the_trail(factory: Factory) -> None:
    add_user(factory, "anna", "officer", ["P-A"])
    users = _entries(factory, "users")
    tokens = _entries(factory, "api_tokens")
    assert users
    assert tokens
    for entry in users + tokens:
        assert "password_hash" not in (entry.after or {})
        assert "token_hash" not in (entry.after or {})


def test_the_database_refuses_to_change_or_delete_entries(factory: Factory) -> None:
    with UnitOfWork(factory) as uow:
        record_crossing(uow, command(person_crossing("P-A")))
        uow.commit()
    for statement in (update(AuditEntry).values(actor="someone else"), delete(AuditEntry)):
        with factory() as session, pytest.raises(DBAPIError, match="cannot be changed"):
            session.execute(statement)
    with factory() as session:
        assert session.scalar(text("SELECT count(*) FROM audit_entries WHERE actor = 'system'"))


def test_search_api_for_supervisors_and_admins_only(factory: Factory) -> None:
    with UnitOfWork(factory, actor="officer.w") as uow:
        record_crossing(uow, command(person_crossing("P-A")))
        uow.commit()
    supervisor = add_user(factory, "sup", "supervisor", ["P-A"])
    observer = add_user(factory, "obs", "observer", network=True)
    with TestClient(_app(factory)) as client:
        found = client.get(
            "/api/v1/audit",
            params={"post": "P-A", "entity": "crossings"},
            headers=bearer(supervisor),
        )
        assert found.status_code == 200
        assert [e["actor"] for e in found.json()] == ["officer.w"]
        # Scoped to P-A: every post at once needs network scope.
        assert client.get("/api/v1/audit", headers=bearer(supervisor)).status_code == 403
        assert client.get("/api/v1/audit", headers=bearer(observer)).status_code == 403
        # Nothing in the application changes an entry.
        entry_id = found.json()[0]["id"]
        for method in ("put", "patch", "delete"):
            response = client.request(
                method, f"/api/v1/audit/{entry_id}", headers=bearer(supervisor)
            )
            assert response.status_code in {404, 405}
        page = client.get("/audit", params={"post": "P-A"}, headers=bearer(supervisor))
        assert page.status_code == 200
        assert "officer.w" in page.text


def test_the_audit_page_of_a_one_post_user_is_their_posts(factory: Factory) -> None:
    with UnitOfWork(factory, actor="officer.w") as uow:
        make_post(uow, "P-B")
        record_crossing(uow, command(person_crossing("P-A")))
        uow.commit()
    with UnitOfWork(factory, actor="officer.b") as uow:
        record_crossing(uow, command(person_crossing("P-B")))
        uow.commit()
    supervisor = add_user(factory, "sup", "supervisor", ["P-A"])
    with TestClient(_app(factory)) as client:
        # The menu's link names no post: a supervisor of one post gets theirs, and only theirs.
        page = client.get("/audit", params={"entity": "crossings"}, headers=bearer(supervisor))
        elsewhere = client.get("/audit", params={"post": "P-B"}, headers=bearer(supervisor))
    assert page.status_code == 200
    assert "officer.w" in page.text
    assert "officer.b" not in page.text
    assert elsewhere.status_code == 403


@pytest.fixture
def factory(session_factory: Factory) -> Factory:
    with UnitOfWork(session_factory) as uow:
        make_post(uow, "P-A")
        uow.commit()
    return session_factory
