"""Sign-in and search defences: one password check on every refusal, the same answer for
every refusal, and rate limits (failed sign-ins per address, searches per user)."""

from __future__ import annotations

import datetime as dt

import pytest
from argon2 import PasswordHasher
from pydantic import ValidationError
from sqlalchemy.orm import Session, sessionmaker
from tests.factories import make_post
from tests.integration.conftest import ClientFor, TokenFor
from tests.web_support import PASSWORD, add_user, bearer, csrf_of

from borderpost import clock
from borderpost.accounts import passwords, services
from borderpost.config import Settings
from borderpost.unit_of_work import UnitOfWork

Factory = sessionmaker[Session]


class CountingHasher(PasswordHasher):
    """argon2id as configured, counting the verifications."""

    verified = 0

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:
        CountingHasher.verified += 1
        return super().verify(hash, password)


@pytest.fixture
def hasher(monkeypatch: pytest.MonkeyPatch) -> type[CountingHasher]:
    CountingHasher.verified = 0
    monkeypatch.setattr(passwords, "_HASHER", CountingHasher())
    return CountingHasher


@pytest.fixture
def users(session_factory: Factory) -> Factory:
    """anna (active), bob (disabled), carl (locked), each with the password PASSWORD."""
    with UnitOfWork(session_factory) as uow:
        make_post(uow, "P-A")
        uow.commit()
    for name in ("anna", "bob", "carl"):
        add_user(session_factory, name, "officer", ["P-A"])
    with UnitOfWork(session_factory) as uow:
        services.disable_user(uow, "bob")
        services.get_user(uow, "carl").locked_until = clock.now() + dt.timedelta(hours=1)
        uow.commit()
    return session_factory


def _attempt(client, name: str, password: str):  # type: ignore[no-untyped-def]
    csrf = csrf_of(client.get("/login").text)
    data = {"name": name, "password": password, "csrf_token": csrf}
    return client.post("/login", data=data, follow_redirects=False)


@pytest.mark.parametrize(
    ("name", "password"),
    [
        ("anna", "wrong"),  # an active account, a wrong password
        ("bob", PASSWORD),  # disabled, the right password
        ("carl", PASSWORD),  # locked, the right password
        ("nobody", PASSWORD),  # no such user
    ],
)
def test_every_refused_sign_in_checks_one_password_and_answers_alike(
    users: Factory, client_for: ClientFor, hasher: type[CountingHasher], name: str, password: str
) -> None:
    client = client_for(sign_in_limit="100/minute")
    hasher.verified = 0
    response = _attempt(client, name, password)
    assert response.status_code == 401
    assert "Wrong name or password, or the account is locked." in response.text
    # The same argon2 work whether or not the name exists or the account may sign in, so the
    # time of the answer tells nothing either.
    assert hasher.verified == 1


def test_failed_sign_ins_from_one_address_are_throttled(
    users: Factory, client_for: ClientFor, hasher: type[CountingHasher]
) -> None:
    client = client_for(sign_in_limit="3/hour")
    for name in ("anna", "nobody", "bob"):
        assert _attempt(client, name, "wrong").status_code == 401
    hasher.verified = 0
    refused = _attempt(client, "anna", PASSWORD)
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) >= 1
    assert refused.headers["content-type"].startswith("text/html")
    assert "Too many attempts. Wait a minute and try again." in refused.text
    assert hasher.verified == 0  # past the limit no password is checked, not even the right one
    russian = client.post(
        "/login",
        data={
            "name": "anna",
            "password": PASSWORD,
            "csrf_token": csrf_of(client.get("/login").text),
        },
        headers={"Accept-Language": "ru"},
    )
    assert russian.status_code == 429
    assert "Слишком много попыток" in russian.text


def test_every_limit_of_several_holds_and_a_bad_one_is_refused(
    users: Factory, client_for: ClientFor
) -> None:
    client = client_for(sign_in_limit="5/minute;2/hour")
    assert [_attempt(client, "anna", "wrong").status_code for _ in range(3)] == [401, 401, 429]
    with pytest.raises(ValidationError, match="sign_in_limit"):
        Settings(sign_in_limit="often")


def test_successful_sign_ins_do_not_count(users: Factory, client_for: ClientFor) -> None:
    client = client_for(sign_in_limit="2/hour")
    for _ in range(4):
        assert _attempt(client, "anna", PASSWORD).status_code == 303


def test_screening_search_is_throttled_per_user(
    users: Factory, client_for: ClientFor, token_for: TokenFor
) -> None:
    client = client_for(search_limit="2/hour")
    first, second = token_for("supervisor", ["P-A"]), token_for("supervisor", ["P-A"])
    url, body = "/api/v1/screening/search", {"name": "Ivan Petrov"}
    for _ in range(2):
        assert client.post(url, json=body, headers=bearer(first)).status_code == 200
    refused = client.post(url, json=body, headers=bearer(first))
    assert refused.status_code == 429
    assert refused.json()["detail"].startswith("too many requests")
    assert [p["field"] for p in refused.json()["problems"]] == ["requests"]
    assert int(refused.headers["Retry-After"]) >= 1
    assert client.post(url, json=body, headers=bearer(second)).status_code == 200  # per user
