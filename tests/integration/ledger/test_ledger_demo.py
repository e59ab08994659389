"""The ledger over the demo: no personal data in any served leaf; the public recount matches."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from borderpost import clock
from borderpost.app import create_app
from borderpost.config import Settings
from borderpost.demo.services import build_demo
from borderpost.ledger import appending, services
from borderpost.ledger import cli as ledger_cli
from borderpost.ledger.client.verify import Fetch
from borderpost.ledger.tlog.tiles import bundles_for_size
from borderpost.people.model import TravelDocument, Traveller
from borderpost.reports.services import summary
from borderpost.unit_of_work import UnitOfWork
from borderpost.vehicles.model import Vehicle

Factory = sessionmaker[Session]
POSTS = ("AST-W", "AST-E")


@pytest.fixture
def demo(session_factory: Factory, tmp_path: Path) -> Iterator[tuple[Factory, Path, TestClient]]:
    home = tmp_path / "home"
    build_demo(session_factory, days=2)
    assert appending.append_pending(session_factory, home) > 0
    settings = Settings(home=home, database_url="sqlite://", secret_key="ledger-demo")
    with TestClient(create_app(settings, session_factory=session_factory)) as client:
        yield session_factory, home, client
    services.close_logs(home)


def _fetch(client: TestClient, code: str) -> Fetch:
    def fetch(path: str) -> bytes | None:
        response = client.get(f"/ledger/{code}/{path}")
        return response.content if response.status_code == 200 else None

    return fetch


def test_no_personal_data_in_any_served_leaf(demo: tuple[Factory, Path, TestClient]) -> None:
    factory, _home, client = demo
    with factory() as session:
        secrets: set[str] = set()
        for surname, given, birth in session.execute(
            select(Traveller.surname, Traveller.given_names, Traveller.birth_date)
        ):
            secrets.update({surname, given})
            if birth is not None:
                secrets.add(birth.isoformat())
        secrets.update(session.scalars(select(TravelDocument.number)))
        secrets.update(session.scalars(select(Vehicle.plate)))
    secrets.discard("")
    assert len(secrets) > 50

    served = b""
    for code in POSTS:
        checkpoint = client.get(f"/ledger/{code}/checkpoint")
        size = int(checkpoint.text.split("\n")[1])
        assert size > 0
        for bundle in bundles_for_size(size):
            response = client.get(f"/ledger/{code}/{bundle.path()}")
            assert response.status_code == 200
            served += response.content
    text = served.decode("utf-8", "replace")
    found = sorted(s for s in secrets if s in text)
    assert not found, f"personal data in the ledger: {found[:5]}"


def test_full_tiles_are_immutable(demo: tuple[Factory, Path, TestClient]) -> None:
    _factory, _home, client = demo
    size = int(client.get("/ledger/AST-W/checkpoint").text.split("\n")[1])
    assert size >= 256, "the demo's two days should fill one tile"
    for path in ("tile/0/000", "tile/entries/000"):
        response = client.get(f"/ledger/AST-W/{path}")
        assert response.status_code == 200
        assert response.headers["cache-control"] == "public, max-age=31536000, immutable"


def test_the_recount_from_leaves_equals_the_summary_report(
    demo: tuple[Factory, Path, TestClient],
) -> None:
    factory, home, client = demo
    today = clock.now().date()
    logs = [(_fetch(client, code), services.vkeys(home, code)) for code in POSTS]
    yesterday = today - dt.timedelta(days=1)
    # The demo's traffic runs up to yesterday, in each post's own time zone.
    for first, last in ((today - dt.timedelta(days=2), today), (yesterday, yesterday)):
        with UnitOfWork(factory) as uow:
            expected_all = summary(uow, first, last)
            expected_west = summary(uow, first, last, "AST-W")
        assert expected_west["persons"]["total"] > 0
        assert expected_all["vehicles"]["total"] > 0
        assert ledger_cli.recount(logs, first, last) == {
            **expected_all,
            "posts": sorted(expected_all["posts"]),
        }
        assert ledger_cli.recount(logs[:1], first, last) == expected_west
