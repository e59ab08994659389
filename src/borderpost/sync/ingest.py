"""The headquarters side: store what posts shipped, once each, whatever the order of resends.

Each event is applied with the post's own decision (``recording.Replica``); an event already
applied is acknowledged and skipped. An event that cannot be applied yet (headquarters does
not know the post or organisation it names) is left unacknowledged for a later delivery,
with the reason logged by field, never with its personal data.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from nats.aio.msg import Msg
from nats.errors import TimeoutError as NatsTimeout
from nats.js import JetStreamContext
from pydantic import BaseModel, ConfigDict, ValidationError
from sqlalchemy.orm import Session, sessionmaker

from borderpost.crossings.model import Crossing
from borderpost.crossings.recording import Replica, record_crossing
from borderpost.crossings.schemas import CrossingCreate
from borderpost.errors import DomainError, NotFound, invalid
from borderpost.messages import Message
from borderpost.outbox import Topic
from borderpost.sync import closures, link
from borderpost.unit_of_work import UnitOfWork
from borderpost.vocab import Category, Decision, Direction

log = logging.getLogger(__name__)

CONSUMER = "headquarters"
_CREATE_FIELDS = set(CrossingCreate.model_fields)
RETRY_DELAY_SECONDS = 30.0
_TOPICS = frozenset(Topic)  # "x" in Topic raises TypeError on 3.11 for a non-member


@dataclass
class IngestReport:
    outcomes: Counter[str] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)  # "subject: field: reason", no personal data


class _Changes(BaseModel):
    """What a correction or an inspection changed in a crossing; anything else is refused."""

    model_config = ConfigDict(extra="forbid")

    category: Category | None = None
    decision: Decision | None = None
    direction: Direction | None = None
    reasons: list[str] | None = None


def _update_crossing(uow: UnitOfWork, crossing_id: str, changes: dict[str, Any]) -> str:
    crossing = uow.session.get(Crossing, uuid.UUID(crossing_id))
    if crossing is None:
        raise NotFound(
            "crossing",
            Message("headquarters has no crossing {crossing_id} yet", crossing_id=crossing_id),
        )
    checked = _Changes.model_validate(changes).model_dump(mode="json", exclude_none=True)
    changed = {k: v for k, v in checked.items() if getattr(crossing, k) != v}
    for name, value in changed.items():
        setattr(crossing, name, value)
    uow.session.flush()  # audited by the hook, as the sync actor
    return "updated" if changed else "duplicate"


def apply_event(uow: UnitOfWork, topic: str, payload: dict[str, Any]) -> str:
    """Apply one shipped event; returns ``created``, ``updated`` or ``duplicate``.

    Crossings (recorded, corrected, inspected) and closures (opened, ended).
    """
    known = Topic(topic) if topic in _TOPICS else None
    if known is Topic.CROSSING_RECORDED:
        return _record_replica(uow, payload)
    if known is Topic.CROSSING_CORRECTED:
        return _update_crossing(uow, payload["crossing"], payload["changes"])
    if known is Topic.CROSSING_INSPECTED:
        changes = {"decision": payload["decision"], "reasons": payload.get("reasons")}
        return _update_crossing(uow, payload["crossing"], changes)
    if known is Topic.CLOSURE_OPENED:
        return closures.apply_opened(uow, payload)
    if known is Topic.CLOSURE_ENDED:
        return closures.apply_ended(uow, payload)
    raise invalid("topic", Message("headquarters does not know the event {topic!r}", topic=topic))


def _record_replica(uow: UnitOfWork, payload: dict[str, Any]) -> str:
    """A crossing as the post recorded it, with the post's own decision."""
    command = CrossingCreate.model_validate(
        {k: v for k, v in payload.items() if k in _CREATE_FIELDS}
    )
    replica = Replica(
        officer=str(payload["officer"]),
        decision=Decision(payload["decision"]),
        reasons=list(payload.get("reasons") or []),
        flags=list(payload.get("flags") or []),
        recorded_at=dt.datetime.fromisoformat(payload["recorded_at"]),
    )
    recorded = record_crossing(uow, command, replica)
    return "created" if recorded.created else "duplicate"


def _topic(msg: Msg) -> str:
    return (msg.headers or {}).get(link.TOPIC_HEADER, "")


def _problem(msg: Msg, exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "payload"
        return f"{msg.subject}: {where}: {first['msg']}"
    if isinstance(exc, DomainError):
        text = "; ".join(f"{p.field}: {p.reason}" for p in exc.problems)
        return f"{msg.subject}: {text or exc.message}"
    return f"{msg.subject}: payload: {type(exc).__name__}"


def _apply_batch(
    session_factory: sessionmaker[Session], msgs: list[Msg], actor: str
) -> list[tuple[Msg, str | None, str | None]]:
    """(message, outcome, problem) each; one transaction for the batch when all apply."""
    try:
        with UnitOfWork(session_factory, actor=actor) as uow:
            outcomes = [apply_event(uow, _topic(m), json.loads(m.data)) for m in msgs]
            uow.commit()
        return [(m, o, None) for m, o in zip(msgs, outcomes, strict=True)]
    except (DomainError, ValidationError, ValueError, KeyError) as exc:
        if len(msgs) == 1:
            return [(msgs[0], None, _problem(msgs[0], exc))]
    # One bad event must not hold back the others: apply them one by one.
    results: list[tuple[Msg, str | None, str | None]] = []
    for m in msgs:
        try:
            with UnitOfWork(session_factory, actor=actor) as uow:
                outcome = apply_event(uow, _topic(m), json.loads(m.data))
                uow.commit()
            results.append((m, outcome, None))
        except (DomainError, ValidationError, ValueError, KeyError) as exc:
            results.append((m, None, _problem(m, exc)))
    return results


async def ingest(
    session_factory: sessionmaker[Session],
    js: JetStreamContext,
    stream: str,
    batch: int = 200,
    wait: float = 1.0,
    actor: str = "sync",
    retry_delay: float = RETRY_DELAY_SECONDS,
) -> IngestReport:
    """Fetch and apply until the stream has nothing new for ``wait`` seconds."""
    report = IngestReport()
    sub = await js.pull_subscribe(f"{link.subject_root(stream)}.>", durable=CONSUMER, stream=stream)
    try:
        while True:
            try:
                msgs = await sub.fetch(batch, timeout=wait)
            except (NatsTimeout, TimeoutError):  # nats-py raises either when none is waiting
                return report
            for msg, outcome, problem in _apply_batch(session_factory, msgs, actor):
                if outcome is not None:
                    report.outcomes[outcome] += 1
                    await msg.ack()
                else:
                    assert problem is not None
                    report.outcomes["waiting"] += 1
                    report.problems.append(problem)
                    log.warning("event not applied, will be delivered again: %s", problem)
                    await msg.nak(delay=retry_delay)
    finally:
        await sub.unsubscribe()


async def ingest_once(
    session_factory: sessionmaker[Session], url: str, stream: str, wait: float = 1.0
) -> IngestReport:
    """Connect, apply everything waiting, disconnect: ``borderpost sync ingest``."""
    async with link.jetstream(url, stream) as js:
        return await ingest(session_factory, js, stream, wait=wait)
