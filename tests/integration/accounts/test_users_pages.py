"""The users' pages of an admin, over HTTP: list, add, change role and scope, disable and
enable, a new password, API tokens issued and revoked; each change audited, bad input shown at
its field with nothing written, a supervisor refused, and changes end the user's sessions."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from tests.factories import make_post
from tests.integration.conftest import ClientFor
from tests.web_support import PASSWORD, add_user, bearer, csrf_of, sign_in

from borderpost import clock
from borderpost.accounts.model import ApiToken, User
from borderpost.audit.model import AuditEntry
from borderpost.unit_of_work import UnitOfWork

Factory = sessionmaker[Session]
NEW_PASSWORD = "a brand new passphrase"


@pytest.fixture
def factory(session_factory: Factory) -> Factory:
    with UnitOfWork(session_factory) as uow:
        make_post(uow, "P-A")
        make_post(uow, "P-B")
        uow.commit()
    add_user(session_factory, "root", "admin", network=True)
    add_user(session_factory, "anna", "officer", ["P-A"])
    return session_factory


def _admin(client_for: ClientFor) -> tuple[TestClient, str]:
    client = client_for()
    return client, sign_in(client, "root")


def _user(factory: Factory, name: str) -> User | None:
    with factory() as session:
        return session.scalars(select(User).where(User.name == name)).one_or_none()


def _audited(factory: Factory, entity: str, actor: str = "root") -> list[str]:
    with factory() as session:
        rows = session.scalars(
            select(AuditEntry.action).where(AuditEntry.entity == entity, AuditEntry.actor == actor)
        )
        return list(rows)


def test_the_admin_lists_users_with_role_scope_language_state_and_last_sign_in(
    factory: Factory, client_for: ClientFor, monkeypatch: pytest.MonkeyPatch
) -> None:
    moment = dt.datetime(2026, 11, 28, 6, 42, 10, tzinfo=dt.UTC)
    monkeypatch.setattr(clock, "now", lambda: moment)
    other = client_for()
    sign_in(other, "anna")
    client, _csrf = _admin(client_for)
    page = client.get("/users")
    assert page.status_code == 200
    row = re.search(r"<tr><td><a href=\"/users/anna\">anna</a>.*?</tr>", page.text, re.S)
    assert row, page.text
    assert "officer" in row.group(0)
    assert "P-A" in row.group(0)
    assert "English" in row.group(0)
    assert "active" in row.group(0)
    assert "2026-11-28 06:42" in row.group(0)  # when anna signed in
    assert 'href="/users"' in client.get("/posts").text  # the menu's link


def test_the_admin_adds_a_user_who_then_signs_in(factory: Factory, client_for: ClientFor) -> None:
    client, csrf = _admin(client_for)
    form = client.get("/users/new")
    assert form.status_code == 200
    assert 'name="password"' in form.text
    answer = client.post(
        "/users",
        data={
            "csrf_token": csrf,
            "name": "boris",
            "role": "inspector",
            "posts": ["P-A", "P-B"],
            "language": "ru",
            "password": NEW_PASSWORD,
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == "/users/boris?done=added"
    user = _user(factory, "boris")
    assert user is not None
    assert (user.role, user.posts, user.network, user.language) == (
        "inspector",
        ["P-A", "P-B"],
        False,
        "ru",
    )
    assert "create" in _audited(factory, "users")
    sign_in(client_for(), "boris", NEW_PASSWORD)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": "x", "role": "officer", "posts": ["P-A"]}, "name"),  # too short
        ({"name": "new", "role": "officer", "posts": ["P-A"]}, "name"),  # the form's page
        ({"name": "carl", "role": "emperor", "posts": ["P-A"]}, "role"),
        ({"name": "carl", "role": "officer"}, "posts"),  # no post, no network
        ({"name": "carl", "role": "officer", "posts": ["NOPE"]}, "posts"),
        ({"name": "carl", "role": "officer", "network": "1", "password": "short"}, "password"),
        ({"name": "anna", "role": "officer", "network": "1"}, "name"),  # exists
        ({"name": "carl", "role": "officer", "network": "1", "language": "xx"}, "language"),
    ],
)
def test_bad_input_is_shown_at_its_field_and_nothing_is_written(
    factory: Factory, client_for: ClientFor, change: dict[str, object], field: str
) -> None:
    client, csrf = _admin(client_for)
    data = {"password": NEW_PASSWORD, "language": "en", **change, "csrf_token": csrf}
    answer = client.post("/users", data=data)
    assert answer.status_code in {404, 409, 422}
    assert answer.headers["content-type"].startswith("text/html")
    assert f'id="{field}-problem"' in answer.text, answer.text
    assert 'name="name"' in answer.text  # the form again, as typed
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(User)) == 2
    assert "create" not in _audited(factory, "users")


def test_the_admin_changes_role_and_scope_and_the_users_sessions_end(
    factory: Factory, client_for: ClientFor
) -> None:
    anna = client_for()
    sign_in(anna, "anna")
    client, csrf = _admin(client_for)
    answer = client.post(
        "/users/anna/access",
        data={"csrf_token": csrf, "role": "supervisor", "posts": ["P-B"]},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    user = _user(factory, "anna")
    assert user is not None
    assert (user.role, user.posts, user.network) == (
        "supervisor",
        ["P-B"],
        False,
    )
    assert anna.get("/api/v1/me").status_code == 401
    assert "update" in _audited(factory, "users")
    bad = client.post("/users/anna/access", data={"csrf_token": csrf, "role": "supervisor"})
    assert bad.status_code == 422
    assert 'id="posts-problem"' in bad.text
    mine = client.post(
        "/users/root/access", data={"csrf_token": csrf, "role": "officer", "network": "1"}
    )
    assert mine.status_code == 409
    assert 'id="role-problem"' in mine.text
    assert (root := _user(factory, "root")) is not None
    assert root.role == "admin"


def test_disabling_ends_the_other_browsers_session_and_enabling_lets_them_back(
    factory: Factory, client_for: ClientFor
) -> None:
    anna = client_for()
    sign_in(anna, "anna")
    assert anna.get("/posts").status_code == 200
    client, csrf = _admin(client_for)
    answer = client.post("/users/anna/disable", data={"csrf_token": csrf}, follow_redirects=False)
    assert answer.status_code == 303
    assert anna.get("/posts", follow_redirects=False).headers["location"].startswith("/login")
    page = client.get(answer.headers["location"])
    assert 'id="state">disabled' in page.text
    assert 'role="status"' in page.text
    login = {"name": "anna", "password": PASSWORD, "csrf_token": csrf_of(anna.get("/login").text)}
    refused = anna.post("/login", data=login)
    assert refused.status_code == 401
    assert client.post("/users/anna/enable", data={"csrf_token": csrf}).status_code == 200
    sign_in(anna, "anna")
    with factory() as session:
        assert session.scalars(select(User.disabled_at).where(User.name == "anna")).one() is None
    assert _audited(factory, "users").count("update") == 2
    yourself = client.post("/users/root/disable", data={"csrf_token": csrf})
    assert yourself.status_code == 409
    assert 'id="form-problem"' in yourself.text


def test_a_new_password_ends_the_sessions_and_is_the_one_that_signs_in(
    factory: Factory, client_for: ClientFor
) -> None:
    anna = client_for()
    sign_in(anna, "anna")
    client, csrf = _admin(client_for)
    short = client.post("/users/anna/password", data={"csrf_token": csrf, "password": "short"})
    assert short.status_code == 422
    assert 'id="password-problem"' in short.text
    assert anna.get("/api/v1/me").status_code == 200  # nothing changed yet
    answer = client.post(
        "/users/anna/password",
        data={"csrf_token": csrf, "password": NEW_PASSWORD},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    assert anna.get("/api/v1/me").status_code == 401
    sign_in(client_for(), "anna", NEW_PASSWORD)


def test_an_api_token_is_shown_once_and_can_be_revoked(
    factory: Factory, client_for: ClientFor
) -> None:
    client, csrf = _admin(client_for)
    issued = client.post("/users/anna/tokens", data={"csrf_token": csrf})
    assert issued.status_code == 200
    assert issued.headers["cache-control"] == "no-store"
    found = re.search(r'<code id="token-value">([^<]+)</code>', issued.text)
    assert found
    token = found.group(1)
    api = client_for()
    assert api.get("/api/v1/me", headers=bearer(token)).json()["name"] == "anna"
    again = client.get("/users/anna")
    assert token not in again.text  # shown once
    with factory() as session:
        mine = session.scalars(
            select(ApiToken).where(ApiToken.label == token[:10], ApiToken.revoked_at.is_(None))
        ).one()
    answer = client.post(
        f"/users/anna/tokens/{mine.id}/revoke", data={"csrf_token": csrf}, follow_redirects=False
    )
    assert answer.status_code == 303
    assert api.get("/api/v1/me", headers=bearer(token)).status_code == 401
    assert sorted(_audited(factory, "api_tokens")) == ["create", "update"]


def test_a_supervisor_gets_a_403_page_and_a_forged_form_is_refused(
    factory: Factory, client_for: ClientFor
) -> None:
    add_user(factory, "sam", "supervisor", network=True)
    sam = client_for()
    csrf = sign_in(sam, "sam")
    for path in ("/users", "/users/new", "/users/anna"):
        page = sam.get(path)
        assert page.status_code == 403
        assert page.headers["content-type"].startswith("text/html")
    refused = sam.post("/users/anna/disable", data={"csrf_token": csrf})
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("text/html")
    assert 'href="/users"' not in sam.get("/posts").text
    client, _csrf = _admin(client_for)
    forged = client.post("/users/anna/disable", data={"csrf_token": "forged"})
    assert forged.status_code == 403
    assert (anna := _user(factory, "anna")) is not None
    assert anna.active
