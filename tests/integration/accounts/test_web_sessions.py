"""Web sessions on the server: signing out ends every copy of the cookie; disabling a user or
a new password ends their sessions; sessions end when idle or old; sign-in and out audited."""

from __future__ import annotations

import base64
import datetime as dt
import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from tests.factories import make_post
from tests.integration.conftest import ClientFor
from tests.web_support import add_user, sign_in

from borderpost import clock
from borderpost.accounts import services
from borderpost.audit.model import AuditEntry
from borderpost.unit_of_work import UnitOfWork

Factory = sessionmaker[Session]
COOKIE = "borderpost_session"


@pytest.fixture
def factory(session_factory: Factory) -> Factory:
    with UnitOfWork(session_factory) as uow:
        make_post(uow, "P-A")
        uow.commit()
    add_user(session_factory, "anna", "supervisor", ["P-A"])
    return session_factory


def _copy(source: TestClient, target: TestClient) -> None:
    target.cookies.set(COOKIE, source.cookies[COOKIE])


def test_signing_out_ends_every_copy_of_the_cookie(factory: Factory, client_for: ClientFor) -> None:
    browser, thief = client_for(), client_for()
    csrf = sign_in(browser, "anna")
    _copy(browser, thief)
    assert thief.get("/api/v1/me").json()["name"] == "anna"
    browser.post("/logout", data={"csrf_token": csrf})
    assert thief.get("/api/v1/me").status_code == 401
    assert thief.get("/posts", follow_redirects=False).headers["location"].startswith("/login")


def test_a_new_password_or_disabling_ends_the_sessions(
    factory: Factory, client_for: ClientFor
) -> None:
    first, second = client_for(), client_for()
    sign_in(first, "anna")
    sign_in(second, "anna")
    with UnitOfWork(factory, actor="admin") as uow:
        services.set_password(uow, "anna", "a brand new passphrase")
        uow.commit()
    assert first.get("/api/v1/me").status_code == 401
    assert second.get("/api/v1/me").status_code == 401
    sign_in(first, "anna", "a brand new passphrase")
    with UnitOfWork(factory, actor="admin") as uow:
        services.disable_user(uow, "anna")
        uow.commit()
    assert first.get("/api/v1/me").status_code == 401


@pytest.mark.parametrize(
    ("steps", "alive"),
    [
        ([dt.timedelta(minutes=59)], True),  # idle less than session_idle_minutes
        ([dt.timedelta(minutes=61)], False),  # idle too long
        # busy all along, but past session_hours since signing in
        ([dt.timedelta(minutes=50)] * 4 + [dt.timedelta(minutes=50)], False),
    ],
)
def test_sessions_end_when_idle_or_old(
    factory: Factory,
    client_for: ClientFor,
    monkeypatch: pytest.MonkeyPatch,
    steps: list[dt.timedelta],
    alive: bool,
) -> None:
    moment = clock.now()
    monkeypatch.setattr(clock, "now", lambda: moment)
    client = client_for(session_idle_minutes=60, session_hours=4)
    sign_in(client, "anna")
    for step in steps[:-1]:
        moment += step
        assert client.get("/api/v1/me").status_code == 200
    moment += steps[-1]
    assert (client.get("/api/v1/me").status_code == 200) is alive


def test_sign_in_and_out_are_audited_and_the_cookie_holds_only_a_token(
    factory: Factory, client_for: ClientFor
) -> None:
    client = client_for()
    csrf = sign_in(client, "anna")
    # Starlette's cookie: base64 of the JSON, then the signature's timestamp and the signature.
    payload = json.loads(base64.b64decode(client.cookies[COOKIE].split(".")[0]))
    assert set(payload) == {"sid", "csrf"}
    client.post("/logout", data={"csrf_token": csrf})
    with factory() as session:
        entries = session.scalars(
            select(AuditEntry).where(AuditEntry.entity == "web_sessions").order_by(AuditEntry.at)
        ).all()
    assert [(e.action, e.actor, e.client) for e in entries] == [
        ("create", "anna", "testclient"),
        ("delete", "anna", "testclient"),
    ]
    assert entries[0].after is not None
    assert "token_hash" not in entries[0].after
