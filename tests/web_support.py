"""Accounts for tests of the API and the web UI: users, tokens, signed-in clients."""

from __future__ import annotations

import re

from fastapi import FastAPI
from fastapi.testclient import TestClient

from borderpost.accounts import services
from borderpost.accounts.model import Role
from borderpost.accounts.schemas import UserCreate
from borderpost.app import create_app
from borderpost.config import Settings
from borderpost.db import SessionFactory
from borderpost.unit_of_work import UnitOfWork

PASSWORD = "correct horse battery"


def make_app(factory: SessionFactory | None = None) -> FastAPI:
    """The whole app (API and pages) on ``factory``'s database, with a fixed signing key."""
    settings = Settings(database_url="sqlite://", secret_key="matrix")
    return create_app(settings, session_factory=factory)


def add_user(
    factory: SessionFactory,
    name: str,
    role: Role | str,
    posts: list[str] | None = None,
    network: bool = False,
    password: str | None = PASSWORD,
    language: str = "en",
) -> str:
    """Add a user and return a fresh API token for them."""
    with UnitOfWork(factory, actor="test") as uow:
        data = UserCreate(
            name=name,
            role=Role(role),
            posts=posts or [],
            network=network or not posts,
            password=password,
            language=language,
        )
        services.add_user(uow, data)
        token = services.issue_token(uow, name)
        uow.commit()
    return token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF token in the page"
    return found.group(1)


def sign_in(client: TestClient, name: str, password: str = PASSWORD) -> str:
    """Sign ``client`` in through the login form; returns the session's CSRF token."""
    page = client.get("/login")
    response = client.post(
        "/login",
        data={"name": name, "password": password, "csrf_token": csrf_of(page.text), "next": "/"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return csrf_of(client.get("/posts").text)
