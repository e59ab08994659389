"""Accounts: passwords, lock-out, sessions with CSRF, API tokens, the user commands."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from tests.factories import make_post
from tests.web_support import PASSWORD, add_user, bearer, csrf_of, sign_in
from tests.web_support import make_app as _app
from typer.testing import CliRunner

from borderpost.accounts import services
from borderpost.accounts.model import MAX_FAILED_LOGINS, ApiToken, User
from borderpost.cli import app as cli
from borderpost.unit_of_work import UnitOfWork

Factory = sessionmaker[Session]


@pytest.fixture
def factory(session_factory: Factory) -> Factory:
    with UnitOfWork(session_factory) as uow:
        make_post(uow, "P-A")
        uow.commit()
    return session_factory


def test_passwords_are_argon2id_and_tokens_are_hashed(factory: Factory) -> None:
    token = add_user(factory, "anna", "officer", ["P-A"])
    with factory() as session:
        user = session.scalars(select(User).where(User.name == "anna")).one()
        stored = session.scalars(select(ApiToken.token_hash)).one()
    assert user.password_hash is not None
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash
    assert token not in stored
    assert len(stored) == 64


def test_login_page_locks_the_account_and_refuses_the_right_password(factory: Factory) -> None:
    add_user(factory, "anna", "officer", ["P-A"])
    with TestClient(_app(factory)) as client:
        for _ in range(MAX_FAILED_LOGINS):
            csrf = csrf_of(client.get("/login").text)
            data = {"name": "anna", "password": "nope", "csrf_token": csrf}
            response = client.post("/login", data=data)
            assert response.status_code == 401
            assert "Wrong name or password" in response.text
        csrf = csrf_of(client.get("/login").text)
        data = {"name": "anna", "password": PASSWORD, "csrf_token": csrf}
        assert client.post("/login", data=data, follow_redirects=False).status_code == 401


def test_session_sign_in_csrf_and_sign_out(factory: Factory) -> None:
    add_user(factory, "anna", "supervisor", ["P-A"])
    with TestClient(_app(factory)) as client:
        assert client.get("/posts", follow_redirects=False).status_code == 303
        csrf = sign_in(client, "anna")
        assert client.get("/api/v1/me").json()["name"] == "anna"
        form = {"reason": "storm damage", "authority": "Roads"}
        # Without the CSRF token a state-changing request is refused...
        assert client.post("/posts/P-A/close", data=form).status_code == 403
        # ...with it (form field or HTMX header) it goes through.
        response = client.post("/posts/P-A/close", data=form, headers={"X-CSRF-Token": csrf})
        assert response.status_code == 200
        assert "CLOSED" in response.text
        client.post("/logout", data={"csrf_token": csrf})
        assert client.get("/api/v1/me").status_code == 401


def test_disabled_user_loses_tokens_and_sessions(factory: Factory) -> None:
    token = add_user(factory, "anna", "officer", ["P-A"])
    with TestClient(_app(factory)) as client:
        sign_in(client, "anna")
        assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200
        with UnitOfWork(factory) as uow:
            services.disable_user(uow, "anna")
            uow.commit()
        assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401
        assert client.get("/api/v1/me").status_code == 401


def test_revoked_token_is_refused(factory: Factory) -> None:
    token = add_user(factory, "anna", "officer", ["P-A"])
    with UnitOfWork(factory) as uow:
        assert services.revoke_token(uow, token)
        uow.commit()
    with TestClient(_app(factory)) as client:
        assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401


def test_user_commands(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runner = CliRunner()
    monkeypatch.setenv("BORDERPOST_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("BORDERPOST_DATABASE_URL", raising=False)
    assert runner.invoke(cli, ["init"]).exit_code == 0
    added = runner.invoke(cli, ["user", "add", "hq", "--role", "analyst", "--network"])
    assert added.exit_code == 0, added.output
    assert "Password: " in added.output
    bad = runner.invoke(cli, ["user", "add", "x1", "--role", "officer"])
    assert bad.exit_code == 2
    assert "at least one post" in bad.output
    token = runner.invoke(cli, ["user", "token", "hq"])
    assert token.exit_code == 0
    value = token.output.strip().splitlines()[-1]
    assert value.startswith("bp_")
    listed = runner.invoke(cli, ["user", "list"])
    assert "hq" in listed.output
    assert "analyst" in listed.output
    assert runner.invoke(cli, ["user", "disable", "hq"]).exit_code == 0
    assert "disabled" in runner.invoke(cli, ["user", "list"]).output
