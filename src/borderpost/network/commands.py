"""Changes headquarters makes to a post's records travel to the post as commands.

Headquarters records a command (a correction of one of the post's crossings, or the outcome
of the inspection of one of its referred vehicles, by a user of its own) in its database; the
publisher signs it and puts it on the network's commands stream, under the post's subject.
Each post reads its subject through a durable consumer of its own, so a post offline for a
week finds every command waiting. The post applies a command as its own correction or
inspection outcome, through the service its officers use (a new leaf in its log, its audit
entry naming the headquarters user as ``hq:<name>``), and acknowledges it once committed; the
change then reaches headquarters' replica by the post's outbox, as any does, so the two never
disagree. A command is applied once, however often it is delivered (the post keeps each by
its id, in the same transaction as the change); one naming a crossing the post does not hold,
or one of another post, is kept with the reason and changes nothing.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from nats.errors import TimeoutError as NatsTimeout
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, StorageType, StreamConfig
from nats.js.errors import NotFoundError
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from borderpost import clock
from borderpost.crossings import services as crossings
from borderpost.crossings.corrections import correct_crossing
from borderpost.crossings.model import Crossing
from borderpost.crossings.schemas import CrossingCorrection
from borderpost.errors import Conflict, DomainError, NotFound
from borderpost.ids import new_id
from borderpost.inspections.schemas import InspectionClose
from borderpost.inspections.services import check_inspectable, close_inspection, open_inspection
from borderpost.ledger.tlog.note import Ed25519Signer
from borderpost.messages import Message
from borderpost.network import buckets
from borderpost.network.enrolment import Enrolment
from borderpost.network.model import REASON_LENGTH, NetworkCommand
from borderpost.network.outcomes import answer
from borderpost.network.records import refuse
from borderpost.network.signing import RefusedVersion, Version, open_version, seal, verifier_of
from borderpost.posts.model import Post
from borderpost.sync.link import subject_root
from borderpost.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)
CORRECT_CROSSING = "correct_crossing"
INSPECT_CROSSING = "inspect_crossing"
KIND = "command"
BATCH = 100


def stream_name(stream: str) -> str:
    return f"{stream}_COMMANDS"


def subject(stream: str, post_code: str) -> str:
    return f"{subject_root(stream)}_commands.{buckets.token(post_code)}"


# Headquarters ------------------------------------------------------------------------------


def request_correction(
    uow: UnitOfWork, crossing_id: uuid.UUID, correction: CrossingCorrection
) -> NetworkCommand:
    """Headquarters: a correction of a post's crossing, to be applied at the post.

    The crossing must be one headquarters holds (it knows which post recorded it); the
    caller commits, and the publisher sends it.
    """
    payload = correction.model_dump(mode="json", exclude_none=True)
    return _request(uow, crossing_id, CORRECT_CROSSING, payload)


def request_inspection(
    uow: UnitOfWork, crossing_id: uuid.UUID, outcome: InspectionClose
) -> NetworkCommand:
    """Headquarters: the outcome of the inspection of a post's referred vehicle, to be recorded
    at the post as its inspection closing with that outcome.

    Headquarters checks what its replica shows (a vehicle referred to inspection); the post
    checks again against its own record when it applies it. The caller commits.
    """
    check_inspectable(crossings.get_crossing(uow, crossing_id))
    return _request(uow, crossing_id, INSPECT_CROSSING, outcome.model_dump(mode="json"))


def _request(
    uow: UnitOfWork, crossing_id: uuid.UUID, kind: str, payload: dict[str, Any]
) -> NetworkCommand:
    crossing = crossings.get_crossing(uow, crossing_id)
    post = uow.session.get(Post, crossing.post_id)
    assert post is not None
    command = NetworkCommand(
        id=new_id(),
        post=post.code,
        kind=kind,
        crossing_id=crossing.id,
        payload=payload,
        requested_by=uow.actor,
        created_at=clock.now(),
    )
    uow.session.add(command)
    uow.session.flush()
    return command


async def ensure_stream(js: JetStreamContext, stream: str, replicas: int = 1) -> None:
    try:
        await js.stream_info(stream_name(stream))
    except NotFoundError:
        await js.add_stream(
            StreamConfig(
                name=stream_name(stream),
                subjects=[f"{subject_root(stream)}_commands.>"],
                storage=StorageType.FILE,
                num_replicas=replicas,
            )
        )


async def publish_commands(
    session_factory: sessionmaker[Session],
    js: JetStreamContext,
    stream: str,
    signer: Ed25519Signer,
    generation: int = 0,
) -> list[str]:
    """Headquarters: send every command not sent yet, each marked once JetStream holds it.

    ``generation``: how many times headquarters' key was replaced; a command sent again after
    a rotation carries it in its message id, which JetStream would otherwise take for a
    duplicate."""
    with session_factory() as session:
        pending = session.scalars(
            select(NetworkCommand)
            .where(NetworkCommand.published_at.is_(None))
            .order_by(NetworkCommand.id)
            .limit(BATCH)
        ).all()
    if not pending:
        return []
    await ensure_stream(js, stream)
    sent = []
    for command in pending:
        body = {
            "id": str(command.id),
            "kind": command.kind,
            "crossing": str(command.crossing_id),
            "payload": command.payload,
            "requested_by": command.requested_by,
        }
        data = seal(signer, Version(KIND, command.post, 1, command.created_at, body))
        msg_id = f"{command.id}.k{generation}" if generation else str(command.id)
        await js.publish(subject(stream, command.post), data, headers={"Nats-Msg-Id": msg_id})
        with UnitOfWork(session_factory, actor="system:network") as uow:
            row = uow.session.get(NetworkCommand, command.id)
            assert row is not None
            row.published_at = clock.now()
            uow.commit()
        sent.append(f"command {command.kind} {command.crossing_id} to {command.post}")
    return sent


# A post ------------------------------------------------------------------------------------


@dataclass
class CommandReport:
    applied: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


def _correct(uow: UnitOfWork, crossing_id: uuid.UUID, payload: Any) -> None:
    correct_crossing(uow, crossing_id, CrossingCorrection.model_validate(payload))


def _inspect(uow: UnitOfWork, crossing_id: uuid.UUID, payload: Any) -> None:
    outcome = InspectionClose.model_validate(payload)
    open_inspection(uow, crossing_id)  # the inspection the post opened, or one opened now
    close_inspection(uow, crossing_id, outcome)


_APPLY: dict[str, Callable[[UnitOfWork, uuid.UUID, Any], None]] = {
    CORRECT_CROSSING: _correct,
    INSPECT_CROSSING: _inspect,
}


def _own_crossing(uow: UnitOfWork, crossing_id: uuid.UUID, post_code: str) -> None:
    """The crossing is one this post recorded: a command never reaches past its post."""
    crossing = uow.session.get(Crossing, crossing_id)
    if crossing is None:
        raise NotFound("crossing", Message("no crossing {id}", id=crossing_id))
    post = uow.session.get(Post, crossing.post_id)
    if post is None or post.code != post_code:
        raise Conflict("crossing", "the crossing was recorded at another post")


def apply_command(session_factory: sessionmaker[Session], post_code: str, version: Version) -> str:
    """Apply one command, once: a command the post already holds changes nothing."""
    body = version.payload
    command_id = uuid.UUID(body["id"])
    with session_factory() as session:
        if session.get(NetworkCommand, command_id) is not None:
            return "already applied"
    actor = f"hq:{body['requested_by']}"[:100]
    crossing_id = uuid.UUID(body["crossing"])
    outcome = "applied"
    with UnitOfWork(session_factory, actor=actor) as uow:
        try:
            apply = _APPLY.get(str(body["kind"]))
            if apply is None:
                raise RefusedVersion(f"kind: {str(body['kind'])[:32]} is not a command")
            _own_crossing(uow, crossing_id, post_code)
            apply(uow, crossing_id, body["payload"])
        except DomainError as exc:
            uow.session.rollback()
            outcome = f"not applied: {exc.message!s}"
        except ValidationError as exc:
            uow.session.rollback()
            outcome = f"not applied: {exc.errors()[0]['msg']}"
        # Kept in the change's own transaction: a second delivery finds it and changes nothing.
        # Headquarters learns what came of it by the outbox, as it learns the change itself.
        answer(uow.session, post_code, command_id, outcome)
        uow.session.add(
            NetworkCommand(
                id=command_id,
                post=post_code,
                kind=str(body["kind"])[:32],
                crossing_id=crossing_id,
                payload=body["payload"],
                requested_by=str(body["requested_by"])[:100],
                created_at=version.published_at,
                applied_at=clock.now(),
                outcome=str(outcome)[:REASON_LENGTH],
            )
        )
        uow.commit()
    if outcome != "applied":
        log.warning("command %s from headquarters: %s", command_id, outcome)
    return outcome


async def follow_commands(
    session_factory: sessionmaker[Session], enrolment: Enrolment, js: JetStreamContext
) -> CommandReport:
    """A post: apply the commands waiting for it on its durable consumer, in order."""
    report = CommandReport()
    try:
        await js.stream_info(stream_name(enrolment.stream))
    except NotFoundError:
        return report  # headquarters has sent no command yet
    durable = f"post_{buckets.token(enrolment.post)}"
    where = subject(enrolment.stream, enrolment.post)
    config = ConsumerConfig(
        durable_name=durable, ack_policy=AckPolicy.EXPLICIT, filter_subject=where
    )
    sub = await js.pull_subscribe(
        where, durable, stream=stream_name(enrolment.stream), config=config
    )
    verifier = verifier_of(enrolment.vkey)
    try:
        while (await sub.consumer_info()).num_pending:
            try:
                messages = await sub.fetch(BATCH, timeout=2)
            except NatsTimeout:
                break
            for msg in messages:
                try:
                    version = open_version(verifier, msg.data, KIND, enrolment.post)
                    outcome = apply_command(session_factory, enrolment.post, version)
                except RefusedVersion as exc:
                    refuse(session_factory, "commands", None, str(exc))
                    report.refused.append(f"command: {exc}")
                else:
                    report.applied.append(f"command {version.payload['id']}: {outcome}")
                await msg.ack()
    finally:
        await sub.unsubscribe()
    return report
