"""The public case figures: the access report's, the bulletin's and the observer's recount
from the case leaves agree, and none of them holds anything personal."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from tests.factories import make_post
from tests.web_support import add_user

from borderpost import clock
from borderpost.accounts.model import Role
from borderpost.app import create_app
from borderpost.cases import services
from borderpost.cases.model import Case
from borderpost.cases.schemas import CaseAssign, CaseCreate, CaseDecide, NoteCreate
from borderpost.config import Settings
from borderpost.ledger import appending
from borderpost.ledger import services as ledger
from borderpost.ledger.bulletins.bulletin import parse_text
from borderpost.ledger.bulletins.services import issue_bulletin
from borderpost.ledger.client.recount import recount_cases
from borderpost.ledger.client.verify import Fetch
from borderpost.ledger.tlog.note import parse_note
from borderpost.reports.access.services import access
from borderpost.unit_of_work import UnitOfWork

Factory = sessionmaker[Session]
START = dt.datetime(2026, 11, 2, 6, 0, tzinfo=dt.UTC)  # 10:00 at the post (UTC+4)


@pytest.fixture
def home(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "home"
    path.mkdir()
    yield path
    ledger.close_logs(path)


def _at(monkeypatch: pytest.MonkeyPatch, days: int) -> None:
    moment = START + dt.timedelta(days=days)
    monkeypatch.setattr(clock, "now", lambda: moment)


def _find(uow: UnitOfWork, reference: str) -> Case:
    found = uow.session.scalar(select(Case).where(Case.reference == reference))
    assert found is not None
    return found


def _decide(factory: Factory, reference: str, outcome: str) -> None:
    with UnitOfWork(factory, actor="officer") as uow:
        case_id = _find(uow, reference).id
        services.assign_case(uow, case_id, CaseAssign(assigned_to="officer"))
        services.start_review(uow, case_id)
        services.decide_case(
            uow, case_id, CaseDecide(outcome=outcome, reason="Anna's papers", legal_basis="§ 9")
        )
        uow.commit()


def _receive(factory: Factory, kind: str) -> str:
    with UnitOfWork(factory, actor="officer") as uow:
        data = CaseCreate(kind=kind, post="P-A", contact_name="Anna Eriksson", summary="help")
        case, _ = services.receive_case(uow, data, lambda _post: True)
        uow.commit()
        return case.reference


def _fetch(client: TestClient) -> Fetch:
    def fetch(path: str) -> bytes | None:
        response = client.get(f"/ledger/P-A/{path}")
        return response.content if response.status_code == 200 else None

    return fetch


def test_figures_recount_from_the_leaves(
    session_factory: Factory, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with UnitOfWork(session_factory) as uow:
        make_post(uow, "P-A")
        uow.commit()
    add_user(session_factory, "officer", Role.CASE_OFFICER, ["P-A"])
    _at(monkeypatch, 0)
    first = _receive(session_factory, "complaint")
    second = _receive(session_factory, "complaint")
    urgent = _receive(session_factory, "missing_person")  # due in 2 days, never decided
    _at(monkeypatch, 3)
    _decide(session_factory, first, "rejected")
    _at(monkeypatch, 9)
    _decide(session_factory, second, "answered")
    with UnitOfWork(session_factory, actor="officer") as uow:
        overdue = [c.reference for c in services.overdue_cases(uow.session, None)]
        assert overdue == [urgent]
    assert appending.append_pending(session_factory, home) == 5  # 3 received, 2 decided

    first_day, last_day = dt.date(2026, 11, 1), dt.date(2026, 11, 30)
    with UnitOfWork(session_factory) as uow:
        report = access(uow, first_day, last_day)["cases"]
    complaint = {
        "post": "P-A",
        "kind": "complaint",
        "received": 2,
        "decided": 2,
        "overdue": 0,
        "median_days": 3,
        "p90_days": 9,
    }
    missing = {
        "post": "P-A",
        "kind": "missing_person",
        "received": 1,
        "decided": 0,
        "overdue": 1,
        "median_days": None,
        "p90_days": None,
    }
    assert report["rows"] == [complaint, missing]
    assert report["total"] == {
        "received": 3,
        "decided": 2,
        "overdue": 1,
        "median_days": 3,
        "p90_days": 9,
    }
    assert report["outcomes"] == {"answered": 1, "rejected": 1}

    client = TestClient(
        create_app(
            Settings(home=home, database_url="sqlite://", secret_key="figures"),
            session_factory=session_factory,
        )
    )
    counted = recount_cases([(_fetch(client), ledger.vkeys(home, "P-A"))], first_day, last_day)
    assert counted == report

    served = client.get("/ledger/P-A/tile/entries/000.p/5").content
    assert served.count(b'"type":"case"') == 5
    for personal in (b"Anna", b"Eriksson", b"help", b"papers", b"\xc2\xa7 9", b"C-"):
        assert personal not in served

    note = issue_bulletin(home, "P-A", "Asia/Baku", first_day, last_day)
    text = parse_note(note)[0]
    assert "cases complaint received 2\n" in text
    assert "cases complaint p90_days 9\n" in text
    assert "cases missing_person overdue 1\n" in text
    assert parse_text(text).cases["complaint"]["median_days"] == 3


def test_a_reopened_case_counts_as_open_again(
    session_factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    with UnitOfWork(session_factory) as uow:
        make_post(uow, "P-A")
        uow.commit()
    add_user(session_factory, "officer", Role.CASE_OFFICER, ["P-A"])
    _at(monkeypatch, 0)
    reference = _receive(session_factory, "inquiry")
    _at(monkeypatch, 1)
    _decide(session_factory, reference, "answered")
    with UnitOfWork(session_factory, actor="officer") as uow:
        report = access(uow, dt.date(2026, 11, 1), dt.date(2026, 11, 30))["cases"]
        assert report["total"]["decided"] == 1
        case = _find(uow, reference)
        services.close_case(uow, case.id)
        services.reopen_case(uow, case.id, NoteCreate(text="More questions."))
        uow.commit()
        report = access(uow, dt.date(2026, 11, 1), dt.date(2026, 11, 30))["cases"]
        assert report["total"] == {
            "received": 1,
            "decided": 0,
            "overdue": 1,
            "median_days": None,
            "p90_days": None,
        }
