"""A correction or an inspection outcome recorded at headquarters for a post's crossing: sent to
the post as a command, applied there as the post's own (its own leaf, its own audit entry naming
the headquarters user), and back at headquarters by the post's outbox, as any; applied once
however often delivered; refused, with the reason kept, for a crossing not the post's own."""

from __future__ import annotations

import asyncio
import logging
import shutil
import uuid
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker
from tests import web_support as web
from tests.factories import command, make_post, person_crossing, vehicle_crossing
from tests.network.downstream_support import NATS_URL, Factory, Network, network, stream
from typer.testing import CliRunner

from borderpost import clock
from borderpost.audit.model import AuditEntry
from borderpost.cli import app as cli
from borderpost.crossings.model import Crossing
from borderpost.crossings.schemas import CrossingCorrection
from borderpost.crossings.services import record_crossing
from borderpost.db import make_engine
from borderpost.errors import Conflict
from borderpost.ids import new_id
from borderpost.inspections.model import Inspection
from borderpost.inspections.schemas import InspectionClose, InspectionOutcome
from borderpost.ledger.model import LedgerLeaf
from borderpost.network import commands
from borderpost.network.commands import request_correction, request_inspection
from borderpost.network.model import NetworkCommand
from borderpost.network.records import FollowReport
from borderpost.sync import link, shipper
from borderpost.sync.ingest import ingest_once
from borderpost.unit_of_work import UnitOfWork
from borderpost.vocab import Decision

__all__ = ["network", "stream"]  # fixtures


def _ship_and_ingest(network: Network, post: Factory) -> None:
    async def run() -> None:
        async with link.jetstream(NATS_URL, network.stream) as js:
            await shipper.ship(post, js, network.stream)
        await ingest_once(network.hq, NATS_URL, network.stream, wait=0.5)

    asyncio.run(run())


def _a_crossing_at_both(
    network: Network, data: dict[str, object] | None = None
) -> tuple[Factory, uuid.UUID]:
    """Post P-A joined, one crossing recorded there, and headquarters holding its replica."""
    post = network.add_post("P-A")
    network.publish()
    network.follow("P-A")
    with UnitOfWork(post, actor="officer.a") as uow:
        crossing_id = record_crossing(uow, command(data or person_crossing())).crossing.id
        uow.commit()
    _ship_and_ingest(network, post)
    return post, crossing_id


def _leaves(factory: Factory) -> int:
    with factory() as session:
        return int(session.scalar(select(func.count()).select_from(LedgerLeaf)) or 0)


def test_a_correction_at_headquarters_is_applied_at_the_post_and_comes_back(
    network: Network,
) -> None:
    post, crossing_id = _a_crossing_at_both(network)
    leaves = _leaves(post)

    correction = CrossingCorrection(
        decision=Decision.REFUSED, reasons=["no visa"], reason="visa found revoked"
    )
    with UnitOfWork(network.hq, actor="chief") as uow:
        request_correction(uow, crossing_id, correction)
        uow.commit()
    assert any(line.startswith("command correct_crossing") for line in network.publish())
    report = network.follow("P-A")
    assert [a.split(": ")[1] for a in report.applied if a.startswith("command")] == ["applied"]
    with post() as session:
        crossing = session.get(Crossing, crossing_id)
        assert crossing is not None
        assert crossing.decision == "refused"
        actors = session.scalars(
            select(AuditEntry.actor).where(AuditEntry.action == "correct")
        ).all()
        assert actors == ["hq:chief"]
    assert _leaves(post) == leaves + 1  # the correction's own leaf in the post's log
    # Delivered once: the post's durable consumer has nothing more for it.
    assert not [a for a in network.follow("P-A").applied if a.startswith("command")]

    _ship_and_ingest(network, post)
    with network.hq() as session:
        replica = session.get(Crossing, crossing_id)
        assert replica is not None
        assert (replica.decision, replica.reasons) == ("refused", ["no visa"])
        sent = session.scalars(select(NetworkCommand)).one()
        assert sent.published_at is not None


def test_a_command_the_post_cannot_apply_is_kept_with_the_reason(network: Network) -> None:
    post, crossing_id = _a_crossing_at_both(network)
    same = CrossingCorrection(decision=Decision.ADMITTED, reason="nothing to change")
    with UnitOfWork(network.hq, actor="chief") as uow:
        request_correction(uow, crossing_id, same)
        uow.commit()
    network.publish()
    network.follow("P-A")
    with post() as session:
        kept = session.scalars(select(NetworkCommand)).one()
        assert kept.outcome is not None
        assert kept.outcome.startswith("not applied: ")


def _referred_truck() -> dict[str, object]:
    return vehicle_crossing(decision="referred", reasons=["cargo to the red lane"])


def _audited_by(factory: Factory, actor: str) -> set[tuple[str, str]]:
    with factory() as session:
        rows = session.execute(
            select(AuditEntry.entity, AuditEntry.action).where(AuditEntry.actor == actor)
        ).all()
    return {(entity, action) for entity, action in rows}


def _applied(report: FollowReport) -> list[str]:
    """What applying each command gave, as the post's follower reports it."""
    return [line.split(": ", 1)[1] for line in report.applied if line.startswith("command ")]


def _audit_count(factory: Factory) -> int:
    """Audit entries of the post's records (the command kept as received has its own)."""
    with factory() as session:
        counted = select(func.count()).where(AuditEntry.entity != "network_commands")
        return int(session.scalar(counted) or 0)


def test_an_inspection_outcome_at_headquarters_is_recorded_at_the_post_and_comes_back(
    network: Network,
) -> None:
    post, crossing_id = _a_crossing_at_both(network, _referred_truck())
    leaves = _leaves(post)
    with UnitOfWork(network.hq, actor="chief") as uow:
        outcome = InspectionClose(outcome=InspectionOutcome.REFUSED, reason="false declaration")
        request_inspection(uow, crossing_id, outcome)
        uow.commit()
    assert any(line.startswith("command inspect_crossing") for line in network.publish())
    assert _applied(network.follow("P-A")) == ["applied"]

    with post() as session:
        crossing = session.get(Crossing, crossing_id)
        assert crossing is not None
        assert crossing.decision == "refused"
        assert crossing.reasons == ["cargo to the red lane", "inspection: false declaration"]
        inspection = session.scalars(select(Inspection)).one()
        assert (inspection.status, inspection.outcome) == ("closed", "refused")
        assert (inspection.inspector, inspection.closed_by) == ("hq:chief", "hq:chief")
    # The post's own audit entries, naming the headquarters user, and its own leaf.
    assert {("crossings", "update"), ("inspections", "create")} <= _audited_by(post, "hq:chief")
    assert _leaves(post) == leaves + 1

    _ship_and_ingest(network, post)
    with network.hq() as session, post() as at_post:
        replica, own = session.get(Crossing, crossing_id), at_post.get(Crossing, crossing_id)
        assert replica is not None
        assert own is not None
        assert (replica.decision, replica.reasons) == (own.decision, own.reasons)
        there = session.scalars(select(Inspection)).one()
        assert (there.outcome, there.closed_by, there.reason) == (
            "refused",
            "hq:chief",
            "false declaration",
        )
    # Headquarters holds the post's audit entries too: the change, by the headquarters user.
    assert {("crossings", "update"), ("inspections", "create")} <= _audited_by(
        network.hq, "hq:chief"
    )


def test_headquarters_asks_an_inspection_outcome_only_for_a_referred_vehicle(
    network: Network,
) -> None:
    _, crossing_id = _a_crossing_at_both(network)  # a person, admitted
    with UnitOfWork(network.hq, actor="chief") as uow:
        outcome = InspectionClose(outcome=InspectionOutcome.ADMITTED, reason="cleared")
        with pytest.raises(Conflict, match="vehicle"):
            request_inspection(uow, crossing_id, outcome)
        assert not uow.session.scalars(select(NetworkCommand)).all()


def test_a_command_naming_another_posts_or_an_unknown_crossing_changes_nothing(
    network: Network, caplog: pytest.LogCaptureFixture
) -> None:
    post, own = _a_crossing_at_both(network, _referred_truck())
    # The post's database holds a crossing of another post (P-B's record, known here).
    with UnitOfWork(post, actor="admin") as uow:
        make_post(uow, "P-B")
        uow.commit()
    with UnitOfWork(post, actor="officer.b") as uow:
        data = command(vehicle_crossing(post="P-B", decision="referred", reasons=["cargo"]))
        theirs = record_crossing(uow, data).crossing.id
        uow.commit()
    leaves, audited = _leaves(post), _audit_count(post)
    outcome = InspectionClose(outcome=InspectionOutcome.ADMITTED, reason="cleared")
    with UnitOfWork(network.hq, actor="chief") as uow:
        for crossing_id in (theirs, uuid.uuid4()):  # both addressed to P-A
            uow.session.add(
                NetworkCommand(
                    id=new_id(),
                    post="P-A",
                    kind=commands.INSPECT_CROSSING,
                    crossing_id=crossing_id,
                    payload=outcome.model_dump(mode="json"),
                    requested_by="chief",
                    created_at=clock.now(),
                )
            )
        uow.commit()
    network.publish()
    with caplog.at_level(logging.WARNING, logger=commands.__name__):
        refused = _applied(network.follow("P-A"))
    assert "the crossing was recorded at another post" in caplog.text  # in the post's log
    assert refused[0] == "not applied: the crossing was recorded at another post"
    assert refused[1].startswith("not applied: crossing: no crossing ")
    with post() as session:
        kept = session.scalars(select(NetworkCommand).order_by(NetworkCommand.id)).all()
        assert [c.outcome for c in kept] == refused  # kept at the post, with the reason
        for crossing_id in (theirs, own):
            crossing = session.get(Crossing, crossing_id)
            assert crossing is not None
            assert crossing.decision == "referred"
        assert not session.scalars(select(Inspection)).all()
    assert (_leaves(post), _audit_count(post)) == (leaves, audited)


def test_a_command_delivered_twice_is_applied_once(network: Network) -> None:
    post, crossing_id = _a_crossing_at_both(network, _referred_truck())
    with UnitOfWork(network.hq, actor="chief") as uow:
        outcome = InspectionClose(outcome=InspectionOutcome.ADMITTED, reason="cleared")
        request_inspection(uow, crossing_id, outcome)
        uow.commit()
    network.publish()
    assert _applied(network.follow("P-A")) == ["applied"]
    leaves, audited = _leaves(post), _audit_count(post)

    async def deliver_again() -> None:  # the same signed command, a second time on the stream
        async with link.jetstream(NATS_URL, network.stream) as js:
            name = commands.stream_name(network.stream)
            first = await js.get_msg(name, seq=1)
            assert first.data is not None
            assert first.subject is not None
            await js.publish(first.subject, first.data, stream=name)

    asyncio.run(deliver_again())
    assert _applied(network.follow("P-A")) == ["already applied"]
    assert (_leaves(post), _audit_count(post)) == (leaves, audited)
    with post() as session:
        assert len(session.scalars(select(NetworkCommand)).all()) == 1

    # Another outcome, while headquarters' replica still shows the truck referred: the post's
    # record decides, and its inspection is closed.
    with UnitOfWork(network.hq, actor="chief") as uow:
        again = InspectionClose(outcome=InspectionOutcome.REFUSED, reason="second thoughts")
        request_inspection(uow, crossing_id, again)
        uow.commit()
    network.publish()
    assert _applied(network.follow("P-A")) == [
        "not applied: the inspection is closed: nothing more can be recorded in it"
    ]
    assert (_leaves(post), _audit_count(post)) == (leaves, audited)
    _ship_and_ingest(network, post)
    with network.hq() as session, post() as at_post:
        replica, own = session.get(Crossing, crossing_id), at_post.get(Crossing, crossing_id)
        assert replica is not None
        assert own is not None
        assert (
            (replica.decision, replica.reasons)
            == (own.decision, own.reasons)
            == (
                "admitted",
                ["cargo to the red lane", "inspection: cleared"],
            )
        )


def test_the_inspect_command_records_the_outcome_for_the_post(
    tmp_path: Path, sqlite_template: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copy(sqlite_template, tmp_path / "borderpost.db")
    engine = make_engine(f"sqlite:///{tmp_path / 'borderpost.db'}")
    hq = sessionmaker(bind=engine, expire_on_commit=False)
    with UnitOfWork(hq, actor="admin") as uow:
        make_post(uow, "P-A")
        uow.commit()
    with UnitOfWork(hq, actor="officer.a") as uow:  # the replica of a referred truck
        truck = record_crossing(uow, command(_referred_truck())).crossing.id
        person = record_crossing(uow, command(person_crossing())).crossing.id
        uow.commit()
    monkeypatch.setenv("BORDERPOST_HOME", str(tmp_path))
    runner = CliRunner()
    order = ["network", "inspect", "--reason", "false declaration", "--by", "chief"]
    bad = runner.invoke(cli, [*order, str(truck), "--decision", "waved"])
    assert bad.exit_code == 2
    assert "inspection:" in bad.output
    unknown = runner.invoke(cli, [*order, str(uuid.uuid4()), "--decision", "refused"])
    assert unknown.exit_code == 1
    assert "no crossing" in unknown.output
    assert runner.invoke(cli, [*order, str(person), "--decision", "refused"]).exit_code == 1
    sent = runner.invoke(cli, [*order, str(truck), "--decision", "refused"])
    assert sent.exit_code == 0, sent.output
    assert "for post P-A: sent with the next publication" in sent.output
    with hq() as session:
        kept = session.scalars(select(NetworkCommand)).one()
        assert (kept.kind, kept.crossing_id, kept.requested_by) == (
            commands.INSPECT_CROSSING,
            truck,
            "chief",
        )
        assert kept.payload == {"outcome": "refused", "reason": "false declaration"}
    engine.dispose()


def test_a_correction_sent_from_the_page_is_applied_at_the_post_and_shown_applied(
    network: Network,
) -> None:
    post, crossing_id = _a_crossing_at_both(network)
    web.add_user(network.hq, "sup.a", "supervisor", ["P-A"])
    with TestClient(web.make_app(network.hq)) as client:
        web.sign_in(client, "sup.a")
        page = client.get(f"/crossings/{crossing_id}/commands")
        form = {
            "csrf_token": web.csrf_of(page.text),
            "decision": "refused",
            "reasons": "no visa",
            "reason": "visa found revoked",
        }
        sent = client.post(
            f"/crossings/{crossing_id}/commands/correction", data=form, follow_redirects=False
        )
        assert sent.status_code == 303, sent.text
        command_id = sent.headers["location"].rsplit("=", 1)[1]

        assert any(line.startswith("command correct_crossing") for line in network.publish())
        listed = client.get("/network/commands").text
        assert f'id="command-{command_id}" data-state="sent"' in listed
        assert _applied(network.follow("P-A")) == ["applied"]
        _ship_and_ingest(network, post)  # the change and the post's answer, by its outbox
        listed = client.get("/network/commands").text
        assert f'id="command-{command_id}" data-state="applied"' in listed
        assert "Applied at the post" in listed
    with network.hq() as session, post() as at_post:
        replica, own = session.get(Crossing, crossing_id), at_post.get(Crossing, crossing_id)
        assert replica is not None
        assert own is not None
        assert (replica.decision, replica.reasons) == (own.decision, own.reasons)
        assert (own.decision, own.reasons) == ("refused", ["no visa"])
    assert {("crossings", "correct")} <= _audited_by(post, "hq:sup.a")
