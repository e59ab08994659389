"""What every integration test of a feature may ask for: a node's home, the app on this test's
database, and a signed-in user of any role.

Each is a factory over the test's own database (``session_factory``, from ``tests/conftest.py``:
SQLite and PostgreSQL), so no row is shared between tests and each test says which posts and
roles it needs.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker
from tests.web_support import add_user, bearer

from borderpost.app import create_app
from borderpost.config import Settings

Factory = sessionmaker[Session]
ClientFor = Callable[..., TestClient]
TokenFor = Callable[..., str]


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A node's home folder (keys, rule sets, evidence files), empty."""
    path = tmp_path / "home"
    path.mkdir()
    return path


@pytest.fixture
def token_for(session_factory: Factory) -> TokenFor:
    """``token_for(role, posts=None)``: a new user of ``role`` scoped to ``posts`` (the whole
    network when None) and a fresh API token of theirs; each call a new user."""
    made = itertools.count()

    def make(role: str, posts: list[str] | None = None) -> str:
        name = f"{role}.{next(made)}"
        return add_user(session_factory, name, role, posts)

    return make


@pytest.fixture
def client_for(session_factory: Factory, home: Path) -> Iterator[ClientFor]:
    """``client_for(token=None, **settings)``: the whole app (API and pages) on this test's
    database and home, its lifespan run; with a token, every request carries it."""
    with ExitStack() as opened:

        def make(token: str | None = None, **settings: object) -> TestClient:
            config = Settings(database_url="sqlite://", secret_key="t", home=home, **settings)
            app = create_app(config, session_factory=session_factory)
            headers = bearer(token) if token else None
            return opened.enter_context(TestClient(app, headers=headers))

        yield make
