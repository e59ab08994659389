"""Parked events as the admin sees and replays them: the page and ``borderpost sync``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker
from tests.factories import command, make_organisation, make_post, person_crossing
from tests.integration.conftest import ClientFor, TokenFor
from tests.integration.sync.conftest import outbox_events
from typer.testing import CliRunner

from borderpost.audit.model import AuditEntry
from borderpost.cli import app as cli
from borderpost.crossings.recording import record_crossing
from borderpost.sync.events import Event
from borderpost.sync.inbox import parked, receive
from borderpost.unit_of_work import UnitOfWork

Factory = sessionmaker[Session]


def _aid_crossing(post: Factory) -> Event:
    with UnitOfWork(post, actor="officer.a") as uow:
        record_crossing(uow, command(person_crossing(category="humanitarian", organisation="AID")))
        uow.commit()
    (event,) = outbox_events(post)
    return event


def _learn_aid(hq: Factory) -> None:
    with UnitOfWork(hq) as uow:
        make_organisation(uow, "AID")
        uow.commit()


def test_the_admin_sees_why_an_event_is_parked_and_replays_it(
    post: Factory,
    session_factory: Factory,
    client_for: ClientFor,
    token_for: TokenFor,
) -> None:
    hq = session_factory
    with UnitOfWork(hq) as uow:
        make_post(uow, "P-A")  # the organisation AID is not known here yet
        uow.commit()
    event = _aid_crossing(post)
    assert receive(hq, event) == "parked"

    officer = client_for(token_for("officer"))
    assert officer.get("/sync/parked").status_code == 403
    admin = client_for(token_for("admin"))
    page = admin.get("/sync/parked")
    assert page.status_code == 200
    assert str(event.id) in page.text
    assert "organisation: no organisation with code &#39;AID&#39;" in page.text
    assert "ERIKSSON" not in page.text  # the payload is never shown

    bad = admin.post("/sync/parked/replay", data={"event_id": "nonsense"})
    assert bad.status_code == 422
    assert "event_id: is not an event id" in bad.text

    _learn_aid(hq)
    done = admin.post(
        "/sync/parked/replay", data={"event_id": str(event.id)}, follow_redirects=False
    )
    assert done.status_code == 303
    assert parked(hq) == [], (done.headers, parked(hq))
    after = admin.get(done.headers["location"])
    assert "created 1" in after.text
    assert "Nothing is parked." in after.text
    with hq() as session:  # parking and replaying are in the trail, without the payload
        trail = (
            session.query(AuditEntry)
            .filter(AuditEntry.entity == "sync_events")
            .order_by(AuditEntry.at, AuditEntry.id)  # the database keeps no order of its own
            .all()
        )
    assert [e.action for e in trail] == ["park", "replay"]
    assert "ERIKSSON" not in json.dumps([e.after for e in trail])


def test_sync_parked_and_replay_commands(
    post: Factory, tmp_path: Path, sqlite_template: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    from borderpost.db import make_engine

    path = tmp_path / "hq.db"
    shutil.copy(sqlite_template, path)
    engine = make_engine(f"sqlite:///{path}")
    hq: Factory = sessionmaker(bind=engine, expire_on_commit=False)
    with UnitOfWork(hq) as uow:
        make_post(uow, "P-A")
        uow.commit()
    event = _aid_crossing(post)
    assert receive(hq, event) == "parked"
    monkeypatch.setenv("BORDERPOST_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("BORDERPOST_DATABASE_URL", f"sqlite:///{path}")
    runner = CliRunner()

    listed = runner.invoke(cli, ["sync", "parked", "--json"])
    assert listed.exit_code == 0, listed.output
    (row,) = json.loads(listed.output)
    assert (row["event_id"], row["post"], row["topic"]) == (
        str(event.id),
        "P-A",
        "crossing.recorded",
    )
    status = runner.invoke(cli, ["sync", "status"])
    assert "1 events parked" in status.output

    assert runner.invoke(cli, ["sync", "replay"]).exit_code == 2  # an id or --all
    still = runner.invoke(cli, ["sync", "replay", "--all"])
    assert "replayed: parked 1" in still.output
    _learn_aid(hq)
    done = runner.invoke(cli, ["sync", "replay", str(event.id)])
    assert done.exit_code == 0, done.output
    assert "replayed: created 1" in done.output
    assert parked(hq) == []
    engine.dispose()
