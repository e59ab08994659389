"""Headquarters' parked events in a real browser: an admin reads why and replays them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker
from tests.e2e.test_browser import PASSWORD, _cli, _home, _login, _served, _shot, browser  # noqa: F401 - fixture
from tests.factories import make_organisation, make_post, person_crossing

from borderpost.db import make_engine
from borderpost.ids import new_id
from borderpost.sync.events import Event
from borderpost.sync.inbox import receive
from borderpost.unit_of_work import UnitOfWork

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.browser
WAIT = 20_000  # ms: a ceiling for a busy machine, not a timing assertion


def _headquarters(home: Path) -> sessionmaker[Session]:
    return sessionmaker(bind=make_engine(f"sqlite:///{home / 'borderpost.db'}"))


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, Event]]:
    home, env = _home(tmp_path_factory)
    _cli(env, "init")
    _cli(env, "user", "add", "hq.admin", "--role", "admin", "--network", "--password", PASSWORD)
    hq = _headquarters(home)
    with UnitOfWork(hq) as uow:
        make_post(uow, "P-A")  # the organisation AID is not known here yet
        uow.commit()
    aid = {
        **person_crossing(category="humanitarian", organisation="AID"),
        "id": str(new_id()),
        "officer": "officer.a",
        "flags": [],
        "reasons": [],
        "recorded_at": "2026-03-10T05:30:00+00:00",
    }
    waiting = Event(new_id(), "P-A", "crossing.recorded", json.dumps(aid))
    assert receive(hq, Event(new_id(), "P-A", "crossing.recorded", "[]")) == "parked"
    assert receive(hq, waiting) == "parked"
    hq.kw["bind"].dispose()
    with _served(env) as url:
        yield url, home, waiting


def test_an_admin_reads_why_events_are_parked_and_replays_one_once_fixed(
    browser: object,  # noqa: F811 - the imported fixture
    served: tuple[str, Path, Event],
) -> None:
    server, home, waiting = served
    expect = playwright_api.expect
    admin = _login(browser, server, "hq.admin")
    admin.click("text=Parked events")
    expect(admin.locator("h1")).to_have_text("Parked events", timeout=WAIT)
    rows = admin.locator("#parked tbody tr")
    expect(rows).to_have_count(2)
    expect(admin.locator("#parked")).to_contain_text("payload: is a JSON list, not an object")
    expect(admin.locator("#parked")).to_contain_text("organisation: no organisation with code")
    _shot(admin, "parked-events")

    admin.click("text=Replay all")  # nothing fixed yet: both stay, tried twice
    expect(admin.locator("[role=status]")).to_contain_text("parked 2", timeout=WAIT)
    expect(rows).to_have_count(2)

    hq = _headquarters(home)
    with UnitOfWork(hq) as uow:  # the cause fixed: headquarters learns the organisation
        make_organisation(uow, "AID")
        uow.commit()
    hq.kw["bind"].dispose()
    row = admin.locator("#parked tbody tr", has_text=str(waiting.id))
    row.locator("button", has_text="Replay").click()
    expect(admin.locator("[role=status]")).to_contain_text("created 1", timeout=WAIT)
    expect(rows).to_have_count(1)
    expect(admin.locator("#parked")).not_to_contain_text(str(waiting.id))
    admin.context.close()
