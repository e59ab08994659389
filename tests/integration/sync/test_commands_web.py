"""Headquarters' pages for commands to the posts: the forms on a crossing, the post scope, bad
input, the list of commands with their state; the post's answer kept at headquarters; a post's
sync page with the commands it refused."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from tests.factories import command, make_post, person_crossing, vehicle_crossing
from tests.web_support import add_user, csrf_of, sign_in
from tests.web_support import make_app as _app

from borderpost import clock
from borderpost.app import create_app
from borderpost.audit.model import AuditEntry
from borderpost.config import Settings
from borderpost.crossings.services import record_crossing
from borderpost.errors import DomainError
from borderpost.ids import new_id
from borderpost.network.model import NetworkCommand
from borderpost.outbox import Topic
from borderpost.sync.apply import apply_event
from borderpost.sync.events import Event
from borderpost.unit_of_work import UnitOfWork

Factory = sessionmaker[Session]


def _setup(factory: Factory) -> dict[str, uuid.UUID]:
    """Posts P-A and P-B (headquarters holds their crossings), their users."""
    with UnitOfWork(factory, actor="admin") as uow:
        make_post(uow, "P-A")
        make_post(uow, "P-B")
        uow.commit()
    with UnitOfWork(factory, actor="officer") as uow:
        ids = {
            "person": record_crossing(uow, command(person_crossing())).crossing.id,
            "truck": record_crossing(
                uow, command(vehicle_crossing(decision="referred", reasons=["cargo"]))
            ).crossing.id,
            "theirs": record_crossing(uow, command(person_crossing(post="P-B"))).crossing.id,
        }
        uow.commit()
    add_user(factory, "sup.a", "supervisor", ["P-A"])
    add_user(factory, "sup.ru", "supervisor", ["P-A"], language="ru")
    add_user(factory, "off.a", "officer", ["P-A"])
    add_user(factory, "chief", "admin", network=True)
    return ids


def _commands(factory: Factory) -> list[NetworkCommand]:
    with factory() as session:
        return list(session.scalars(select(NetworkCommand).order_by(NetworkCommand.id)))


def test_a_supervisor_sends_a_correction_from_the_crossing_and_sees_it_listed(
    session_factory: Factory,
) -> None:
    ids = _setup(session_factory)
    with TestClient(_app(session_factory)) as client:
        sign_in(client, "sup.a")
        crossing = client.get(f"/posts/P-A/crossings/{ids['person']}")
        assert f'href="/crossings/{ids["person"]}/commands"' in crossing.text
        page = client.get(f"/crossings/{ids['person']}/commands")
        assert page.status_code == 200
        assert 'id="correction-form"' in page.text
        assert 'id="inspection-form"' not in page.text  # a person: no inspection to end
        form = {
            "csrf_token": csrf_of(page.text),
            "decision": "refused",
            "reasons": "no visa\n\nvisa revoked",
            "reason": "visa found revoked",
        }
        sent = client.post(
            f"/crossings/{ids['person']}/commands/correction", data=form, follow_redirects=False
        )
        assert sent.status_code == 303, sent.text
        listed = client.get(sent.headers["location"])
        assert listed.status_code == 200
        assert 'data-state="waiting"' in listed.text
        assert "Waiting to be sent" in listed.text

        truck = client.get(f"/crossings/{ids['truck']}/commands")
        outcome = {"csrf_token": form["csrf_token"], "outcome": "refused", "reason": "seals"}
        done = client.post(
            f"/crossings/{ids['truck']}/commands/inspection", data=outcome, follow_redirects=False
        )
        assert 'id="inspection-form"' in truck.text
        assert done.status_code == 303, done.text
    kept = _commands(session_factory)
    assert [(c.post, c.kind, c.crossing_id, c.requested_by) for c in kept] == [
        ("P-A", "correct_crossing", ids["person"], "sup.a"),
        ("P-A", "inspect_crossing", ids["truck"], "sup.a"),
    ]
    assert kept[0].payload == {
        "decision": "refused",
        "reasons": ["no visa", "visa revoked"],
        "reason": "visa found revoked",
    }
    with session_factory() as session:  # audited like any write, under the user's name
        audited = session.scalars(
            select(AuditEntry.actor).where(AuditEntry.entity == "network_commands")
        ).all()
    assert audited == ["sup.a", "sup.a"]


def test_bad_input_is_named_at_its_field_translated_and_nothing_is_written(
    session_factory: Factory,
) -> None:
    ids = _setup(session_factory)
    with TestClient(_app(session_factory)) as client:
        csrf = sign_in(client, "sup.ru")
        where = f"/crossings/{ids['person']}/commands/correction"
        nothing = client.post(where, data={"csrf_token": csrf, "reason": "checked again"})
        assert nothing.status_code == 422
        assert 'id="correction-category-problem"' in nothing.text
        assert "для исправления нужно указать также решение или направление" in nothing.text
        short = client.post(where, data={"csrf_token": csrf, "decision": "refused", "reason": "x"})
        assert short.status_code == 422
        assert 'id="correction-reason-problem"' in short.text
        no_reasons = {"csrf_token": csrf, "decision": "refused", "reason": "checked again"}
        unexplained = client.post(where, data=no_reasons)
        assert unexplained.status_code == 422
        assert 'id="correction-reasons-problem"' in unexplained.text
        bad = client.post(where, data={"csrf_token": csrf, "direction": "up", "reason": "why"})
        assert bad.status_code == 422
        assert 'id="correction-direction-problem"' in bad.text
        person = f"/crossings/{ids['person']}/commands/inspection"
        not_referred = client.post(
            person, data={"csrf_token": csrf, "outcome": "admitted", "reason": "cleared"}
        )
        assert not_referred.status_code == 422
        truck = f"/crossings/{ids['truck']}/commands/inspection"
        no_outcome = client.post(truck, data={"csrf_token": csrf, "reason": "cleared"})
        assert no_outcome.status_code == 422
        assert 'id="inspection-outcome-problem"' in no_outcome.text
        forged = client.post(where, data={"decision": "refused", "reasons": "r", "reason": "why"})
        assert forged.status_code == 403  # no CSRF token
    assert _commands(session_factory) == []


def test_only_a_supervisor_or_admin_of_the_crossings_post_sends_it_a_command(
    session_factory: Factory,
) -> None:
    ids = _setup(session_factory)
    form = {"decision": "refused", "reasons": "no visa", "reason": "visa found revoked"}
    with TestClient(_app(session_factory)) as client:
        csrf = sign_in(client, "sup.a")
        # Another post's crossing id, sent to the same addresses: its own post is checked.
        assert client.get(f"/crossings/{ids['theirs']}/commands").status_code == 403
        theirs = client.post(
            f"/crossings/{ids['theirs']}/commands/correction", data={**form, "csrf_token": csrf}
        )
        assert theirs.status_code == 403
        unknown = client.post(
            f"/crossings/{uuid.uuid4()}/commands/correction", data={**form, "csrf_token": csrf}
        )
        assert unknown.status_code == 403  # not a crossing of a post in scope
    with TestClient(_app(session_factory)) as client:
        csrf = sign_in(client, "off.a")
        officer = client.post(
            f"/crossings/{ids['person']}/commands/correction", data={**form, "csrf_token": csrf}
        )
        assert officer.status_code == 403
        assert client.get("/network/commands").status_code == 403
    with TestClient(_app(session_factory)) as client:
        csrf = sign_in(client, "chief")
        unknown = client.post(
            f"/crossings/{uuid.uuid4()}/commands/correction", data={**form, "csrf_token": csrf}
        )
        assert unknown.status_code == 404
    assert _commands(session_factory) == []


def _command(factory: Factory, post: str, crossing: uuid.UUID, **state: object) -> uuid.UUID:
    with UnitOfWork(factory, actor="chief") as uow:
        row = NetworkCommand(
            id=new_id(),
            post=post,
            kind="correct_crossing",
            crossing_id=crossing,
            payload={"category": "official", "reason": "diplomat"},
            requested_by="chief",
            created_at=clock.now(),
            **state,
        )
        uow.session.add(row)
        uow.commit()
        return row.id


def _answer(factory: Factory, post: str, command_id: uuid.UUID, outcome: str) -> str:
    payload = {
        "command": str(command_id),
        "outcome": outcome,
        "answered_at": clock.now().isoformat(),
    }
    event = Event(new_id(), post, Topic.COMMAND_ANSWERED.value, json.dumps(payload))
    with UnitOfWork(factory, actor="sync") as uow:
        result, _ = apply_event(uow, event)
        uow.commit()
    return result


def test_the_list_shows_each_commands_state_within_the_users_scope(
    session_factory: Factory,
) -> None:
    ids = _setup(session_factory)
    at = clock.now() - dt.timedelta(minutes=5)
    waiting = _command(session_factory, "P-A", ids["person"])
    sent = _command(session_factory, "P-A", ids["person"], published_at=at)
    applied = _command(session_factory, "P-A", ids["person"], published_at=at)
    refused = _command(session_factory, "P-A", ids["truck"], published_at=at)
    theirs = _command(session_factory, "P-B", ids["theirs"], published_at=at)
    # The posts' answers, as headquarters takes them in from their outbox.
    assert _answer(session_factory, "P-A", applied, "applied") == "updated"
    assert _answer(session_factory, "P-A", applied, "applied") in ("duplicate", "updated")
    reason = "not applied: the inspection is closed: nothing more can be recorded in it"
    assert _answer(session_factory, "P-A", refused, reason) == "updated"
    # An answer from a post the command was not sent to is refused (and parked).
    with pytest.raises(DomainError, match="no such command"):
        _answer(session_factory, "P-B", waiting, "applied")

    with TestClient(_app(session_factory)) as client:
        sign_in(client, "sup.a")
        page = client.get("/network/commands")
        assert page.status_code == 200
        for command_id, state in (
            (waiting, "waiting"),
            (sent, "sent"),
            (applied, "applied"),
            (refused, "refused"),
        ):
            assert f'id="command-{command_id}" data-state="{state}"' in page.text
        assert "Refused by the post: the inspection is closed" in page.text
        assert f'id="command-{theirs}"' not in page.text  # another post's
        assert f'id="command-{theirs}"' not in client.get("/network/commands?post=P-B").text
    with TestClient(_app(session_factory)) as client:
        sign_in(client, "chief")
        every = client.get("/network/commands")
        assert f'id="command-{theirs}" data-state="sent"' in every.text
        only_b = client.get("/network/commands?post=P-B").text
        assert f'id="command-{theirs}"' in only_b
        assert f'id="command-{waiting}"' not in only_b


def test_a_post_shows_the_commands_it_refused_and_sends_none(session_factory: Factory) -> None:
    ids = _setup(session_factory)
    reason = "not applied: the correction changes nothing: these are the recorded facts"
    now = clock.now()
    refused = _command(session_factory, "P-A", ids["person"], applied_at=now, outcome=reason)
    done = _command(session_factory, "P-A", ids["truck"], applied_at=now, outcome="applied")
    settings = Settings(database_url="sqlite://", secret_key="matrix", node_post="P-A")
    with TestClient(create_app(settings, session_factory=session_factory)) as client:
        csrf = sign_in(client, "chief")
        page = client.get("/sync/status")
        assert page.status_code == 200
        assert f'id="refused-{refused}"' in page.text
        assert "the correction changes nothing: these are the recorded facts" in page.text
        assert f'id="refused-{done}"' not in page.text
        # At a post nothing is sent from its pages: headquarters sends the commands.
        assert client.get(f"/crossings/{ids['person']}/commands").status_code == 409
        form = {"csrf_token": csrf, "decision": "refused", "reasons": "r", "reason": "why"}
        posted = client.post(f"/crossings/{ids['person']}/commands/correction", data=form)
        assert posted.status_code == 409
        crossing = client.get(f"/posts/P-A/crossings/{ids['person']}")
        assert "/commands" not in crossing.text
    assert len(_commands(session_factory)) == 2
