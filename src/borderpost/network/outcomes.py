"""What came of each command: the post's answer, and the lists that show it.

A post answers every command it takes (applied, or why not) in the transaction that applied or
refused it, by its outbox, as it ships any change; headquarters keeps the answer on the command
it sent. So headquarters' list of commands shows each as waiting to be sent, sent, applied at
the post or refused with the post's reason, and a post's sync page the commands it refused.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, StringConstraints
from sqlalchemy import select
from sqlalchemy.orm import Session

from borderpost import clock, outbox
from borderpost.errors import invalid
from borderpost.network.model import REASON_LENGTH, NetworkCommand
from borderpost.posts.model import Post
from borderpost.unit_of_work import UnitOfWork

APPLIED = "applied"
NOT_APPLIED = "not applied: "
PAGE = 200


def answer(session: Session, post_code: str, command_id: uuid.UUID, outcome: str) -> None:
    """A post: tell headquarters what came of a command, in the caller's transaction."""
    post_id = session.scalars(select(Post.id).where(Post.code == post_code)).first()
    if post_id is None:  # a post that does not hold its own record ships nothing
        return
    payload = {
        "command": str(command_id),
        "outcome": outcome[:REASON_LENGTH],
        "answered_at": clock.now().isoformat(),
    }
    outbox.queue(session, outbox.Topic.COMMAND_ANSWERED, payload, post_id=post_id)


class _Answered(BaseModel):
    model_config = ConfigDict(extra="forbid")

    command: uuid.UUID
    outcome: Annotated[str, StringConstraints(min_length=1, max_length=REASON_LENGTH)]
    answered_at: AwareDatetime


def apply_answer(uow: UnitOfWork, post_code: str, payload: dict[str, Any]) -> str:
    """Headquarters: keep a post's answer on the command it was sent (audited as any change)."""
    answered = _Answered.model_validate(payload)
    command = uow.session.get(NetworkCommand, answered.command)
    if command is None or command.post != post_code:
        raise invalid("command", "headquarters sent no such command to this post")
    if (command.outcome, command.applied_at) == (answered.outcome, answered.answered_at):
        return "duplicate"
    command.outcome, command.applied_at = answered.outcome, answered.answered_at
    uow.session.flush()
    return "updated"


@dataclass(frozen=True)
class CommandLine:
    """One command as a list shows it."""

    id: uuid.UUID
    post: str
    kind: str
    crossing_id: uuid.UUID
    requested_by: str
    created_at: dt.datetime
    published_at: dt.datetime | None
    answered_at: dt.datetime | None
    state: str  # waiting (not sent yet), sent, applied, refused
    reason: str | None  # the post's, when refused


def line_of(command: NetworkCommand) -> CommandLine:
    outcome = command.outcome
    if outcome is None:
        state = "sent" if command.published_at is not None else "waiting"
    else:
        state = "applied" if outcome in (APPLIED, "already applied") else "refused"
    reason = outcome.removeprefix(NOT_APPLIED) if state == "refused" and outcome else None
    return CommandLine(
        command.id,
        command.post,
        command.kind,
        command.crossing_id,
        command.requested_by,
        command.created_at,
        command.published_at,
        command.applied_at,
        state,
        reason,
    )


def sent(session: Session, posts: list[str] | None, post: str | None = None) -> list[CommandLine]:
    """Headquarters: the commands sent to ``posts`` (None: every post), newest first."""
    query = select(NetworkCommand).order_by(NetworkCommand.id.desc()).limit(PAGE)
    if posts is not None:
        query = query.where(NetworkCommand.post.in_(posts))
    if post:
        query = query.where(NetworkCommand.post == post)
    return [line_of(c) for c in session.scalars(query)]


def of_crossing(session: Session, crossing_id: uuid.UUID) -> list[CommandLine]:
    """The commands sent for one crossing, newest first."""
    query = (
        select(NetworkCommand)
        .where(NetworkCommand.crossing_id == crossing_id)
        .order_by(NetworkCommand.id.desc())
    )
    return [line_of(c) for c in session.scalars(query)]


def refused(session: Session) -> list[CommandLine]:
    """The commands not applied, newest first: at a post those it refused, at headquarters
    those its posts refused."""
    query = (
        select(NetworkCommand)
        .where(NetworkCommand.outcome.like(f"{NOT_APPLIED}%"))
        .order_by(NetworkCommand.id.desc())
        .limit(PAGE)
    )
    return [line_of(c) for c in session.scalars(query)]
