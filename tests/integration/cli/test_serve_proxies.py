"""`borderpost serve` believes X-Forwarded-For only from the proxies the settings name."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from tests.web_support import add_user, sign_in
from typer.testing import CliRunner

import borderpost.app
from borderpost.audit.model import AuditEntry
from borderpost.cli import app as cli
from borderpost.config import Settings

Factory = sessionmaker[Session]
PROXY = "127.0.0.1"


def _served(
    monkeypatch: pytest.MonkeyPatch, factory: Factory, home: Path, trusted: str | None
) -> TestClient:
    """The ASGI app exactly as `borderpost serve` hands it to uvicorn, on this test's database,
    reached from the proxy's address."""
    monkeypatch.setenv("BORDERPOST_HOME", str(home))
    monkeypatch.delenv("FORWARDED_ALLOW_IPS", raising=False)
    if trusted is None:
        monkeypatch.delenv("BORDERPOST_FORWARDED_ALLOW_IPS", raising=False)
    else:
        monkeypatch.setenv("BORDERPOST_FORWARDED_ALLOW_IPS", trusted)
    create_app = borderpost.app.create_app

    def on_test_database(settings: Settings) -> FastAPI:
        return create_app(settings, session_factory=factory)

    ran: dict[str, Any] = {}

    def run(app: FastAPI, **options: Any) -> None:
        ran.update(options, app=app)

    monkeypatch.setattr(borderpost.app, "create_app", on_test_database)
    monkeypatch.setattr(uvicorn, "run", run)
    assert CliRunner().invoke(cli, ["serve"]).exit_code == 0
    config = uvicorn.Config(**ran)
    config.load()
    return TestClient(config.loaded_app, client=(PROXY, 50000))


def _audited_clients(factory: Factory) -> list[str | None]:
    with factory() as session:
        return list(
            session.scalars(select(AuditEntry.client).where(AuditEntry.entity == "web_sessions"))
        )


@pytest.mark.parametrize(
    ("trusted", "audited"), [(None, PROXY), ("", PROXY), ("127.0.0.1", "203.0.113.9")]
)
def test_forwarded_for_is_believed_only_from_trusted_proxies(
    session_factory: Factory,
    home: Path,
    monkeypatch: pytest.MonkeyPatch,
    trusted: str | None,
    audited: str,
) -> None:
    add_user(session_factory, "anna", "analyst")
    client = _served(monkeypatch, session_factory, home, trusted)
    client.headers["X-Forwarded-For"] = "203.0.113.9"
    with client:
        sign_in(client, "anna")
    assert _audited_clients(session_factory) == [audited]
