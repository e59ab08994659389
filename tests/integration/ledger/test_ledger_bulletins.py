"""Bulletins: computed from the published leaves, bound to the checkpoint, signed, checked."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker
from tests.factories import command, make_post, person_crossing, vehicle_crossing
from tests.web_support import add_user, bearer

from borderpost.app import create_app
from borderpost.config import Settings
from borderpost.crossings.services import record_crossing
from borderpost.ledger import appending, services
from borderpost.ledger import cli as ledger_cli
from borderpost.ledger.bulletins import bulletin
from borderpost.ledger.bulletins.services import (
    bulletin_status,
    issue_bulletin,
    issue_due_bulletins,
)
from borderpost.ledger.client.verify import Fetch
from borderpost.ledger.keys import load_verifiers
from borderpost.ledger.tlog.errors import VerificationError
from borderpost.ledger.tlog.note import parse_note, sign_note
from borderpost.posts.schemas import ClosureCreate, ClosureEnd
from borderpost.posts.services import close_post, reopen_post
from borderpost.unit_of_work import UnitOfWork

Factory = sessionmaker[Session]
DAY = dt.date(2026, 3, 10)


@pytest.fixture
def home(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "home"
    path.mkdir()
    yield path
    services.close_logs(path)


def _record_day(factory: Factory) -> None:
    """At P-A (UTC+4) on 10 March: 2 persons (one refused), 1 vehicle, closed 2.5 hours."""
    with UnitOfWork(factory, actor="officer.a") as uow:
        make_post(uow, "P-A")
        record_crossing(uow, command(person_crossing("P-A")))
        refused = person_crossing("P-A", decision="refused", reasons=["document_invalid"])
        record_crossing(uow, command(refused))
        record_crossing(uow, command(vehicle_crossing("P-A", direction="out")))
        record_crossing(uow, command(person_crossing("P-A", time="2026-03-11T09:30:00+04:00")))
        closure = close_post(
            uow,
            "P-A",
            ClosureCreate(
                starts_at="2026-03-10T12:00:00Z", ends_at=None, reason="storm", authority="gov"
            ),
        )
        uow.commit()
    with UnitOfWork(factory, actor="supervisor.a") as uow:
        reopen_post(
            uow,
            "P-A",
            closure.id,
            ClosureEnd(
                ends_at=dt.datetime(2026, 3, 10, 14, 30, tzinfo=dt.UTC),
                reason="open again",
                authority="gov",
            ),
        )
        uow.commit()


def _fetch(client: TestClient) -> Fetch:
    def fetch(path: str) -> bytes | None:
        response = client.get(f"/ledger/P-A/{path}")
        return response.content if response.status_code == 200 else None

    return fetch


def test_a_bulletin_equals_the_recount_and_is_bound_to_its_checkpoint(
    session_factory: Factory, home: Path
) -> None:
    _record_day(session_factory)
    assert appending.append_pending(session_factory, home) == 6
    note = issue_bulletin(home, "P-A", "Asia/Baku", DAY, DAY)
    client = TestClient(
        create_app(
            Settings(home=home, database_url="sqlite://", secret_key="bulletin-test"),
            session_factory=session_factory,
        )
    )
    assert client.get("/ledger/P-A/bulletin/latest").content == note
    shown = client.get("/ledger/P-A/bulletin/latest.json").json()
    assert (shown["size"], shown["from"], shown["to"]) == (6, "2026-03-10", "2026-03-10")
    assert (shown["hours_closed"], shown["hours_open"]) == (2.5, 21.5)
    assert shown["note"] == note.decode()

    # The figures are those the public recounts from the served leaves.
    keys = services.vkeys(home, "P-A")
    counted = ledger_cli.recount([(_fetch(client), keys)], DAY, DAY)
    assert shown["persons"] == counted["persons"]
    assert shown["vehicles"] == counted["vehicles"]
    assert counted["persons"]["total"] == 2
    assert counted["persons"]["by_decision"]["refused"] == 1
    assert counted["vehicles"]["by_direction"]["out"] == 1

    verified = ledger_cli.verify(_fetch(client), keys)
    assert verified.entries is not None
    made = bulletin.check(note, load_verifiers(keys), verified.entries)
    assert made.root == verified.checkpoint.root
    assert bulletin_status(home, "P-A").verified
    observer = bearer(add_user(session_factory, "monitor", "observer", network=True))
    page = client.get("/observer", headers=observer)
    assert page.status_code == 200
    assert "Verified against the log" in page.text
    assert "2026-03-10 – 2026-03-10" in page.text

    # Re-signed figures that the leaves do not give, a changed byte, another log: refused.
    text = parse_note(note)[0]
    key = services.ensure_log_key(home, "P-A")
    for forged in (
        sign_note(text.replace("persons total 2", "persons total 3"), [key]),
        sign_note(text.replace("minutes closed 150", "minutes closed 0"), [key]),
        sign_note(text.replace("size 6", "size 5"), [key]),
        note.replace(b"persons total 2", b"persons total 3"),
    ):
        with pytest.raises(VerificationError):
            bulletin.check(forged, load_verifiers(keys), verified.entries)
    (services.log_dir(home, "P-A") / "bulletin").write_bytes(
        sign_note(text.replace("persons total 2", "persons total 3"), [key])
    )
    status = bulletin_status(home, "P-A")
    assert not status.verified
    assert status.problem is not None
    assert "differ" in status.problem
    assert "Does not verify" in client.get("/observer", headers=observer).text


def test_the_appender_issues_yesterdays_bulletin_once(session_factory: Factory, home: Path) -> None:
    _record_day(session_factory)
    appending.append_pending(session_factory, home)
    morning = dt.datetime(2026, 3, 11, 6, 0, tzinfo=dt.UTC)
    assert issue_due_bulletins(session_factory, home, morning) == 1
    assert issue_due_bulletins(session_factory, home, morning) == 0
    status = bulletin_status(home, "P-A")
    assert status.verified
    assert status.bulletin is not None
    assert (status.bulletin.first, status.bulletin.summary["persons"]["total"]) == (DAY, 2)
