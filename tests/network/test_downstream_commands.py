"""A correction recorded at headquarters for a post's crossing: sent to the post as a command,
applied there as the post's own correction (its own leaf, its own audit entry naming the
headquarters user), and back at headquarters by the post's outbox, as any correction."""

from __future__ import annotations

import asyncio
import uuid

from sqlalchemy import func, select
from tests.factories import command, person_crossing
from tests.network.downstream_support import NATS_URL, Factory, Network, network, stream

from borderpost.audit.model import AuditEntry
from borderpost.crossings.model import Crossing
from borderpost.crossings.schemas import CrossingCorrection
from borderpost.crossings.services import record_crossing
from borderpost.ledger.model import LedgerLeaf
from borderpost.network.commands import request_correction
from borderpost.network.model import NetworkCommand
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


def _a_crossing_at_both(network: Network) -> tuple[Factory, uuid.UUID]:
    """Post P-A joined, one crossing recorded there, and headquarters holding its replica."""
    post = network.add_post("P-A")
    network.publish()
    network.follow("P-A")
    with UnitOfWork(post, actor="officer.a") as uow:
        crossing_id = record_crossing(uow, command(person_crossing())).crossing.id
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
