"""The headquarters side: pull what the posts shipped from JetStream and hand it to the inbox.

Every message is acknowledged once the inbox has it: applied, recognised as a duplicate or
as an older change arriving late, or parked with its reason (``sync/inbox.py``). So nothing
is redelivered for ever and no post's bad event holds back another's. Only when the database
cannot be written are the messages left for a later delivery, and the run says so.
"""

from __future__ import annotations

import logging
import uuid
from collections import Counter
from dataclasses import dataclass, field

from nats.aio.msg import Msg
from nats.errors import TimeoutError as NatsTimeout
from nats.js import JetStreamContext
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from borderpost.errors import invalid
from borderpost.sync import inbox, link
from borderpost.sync.events import Event
from borderpost.sync.model import ParkedEvent

log = logging.getLogger(__name__)

CONSUMER = "headquarters"
RETRY_DELAY_SECONDS = 30.0
# Names the event made from a message that came without a usable Nats-Msg-Id (the post
# always sets one): the stream's sequence number, so a redelivery is recognised.
_NO_ID = uuid.UUID("0e3c4c1e-52c5-4f7c-9b53-4d7b0c6f3a10")


@dataclass
class IngestReport:
    outcomes: Counter[str] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)  # "subject: field: reason", no personal data
    stopped: str | None = None  # the database could not be written: the rest waits


def event_of(msg: Msg) -> tuple[Event, bool]:
    """The event a message carries, and whether its id is the post's own."""
    headers = msg.headers or {}
    tokens = msg.subject.split(".")
    post = headers.get(link.POST_HEADER) or (tokens[1] if len(tokens) > 2 else "")
    topic = headers.get(link.TOPIC_HEADER, "")
    data = msg.data.decode("utf-8", errors="replace")
    try:
        return Event(uuid.UUID(headers.get("Nats-Msg-Id", "")), post, topic, data), True
    except ValueError:
        meta = msg.metadata
        made = uuid.uuid5(_NO_ID, f"{meta.stream}:{meta.sequence.stream}")
        return Event(made, post, topic, data), False


def _reasons(session_factory: sessionmaker[Session], ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    with session_factory() as session:
        rows = session.execute(
            select(ParkedEvent.event_id, ParkedEvent.reason).where(ParkedEvent.event_id.in_(ids))
        )
        return {event_id: why for event_id, why in rows}


def handle(
    session_factory: sessionmaker[Session], msgs: list[Msg], actor: str
) -> list[tuple[Msg, str]]:
    """The outcome of each message; raises ``inbox.TRANSIENT`` when nothing could be written."""
    events: list[Event] = []
    unnamed: list[tuple[Msg, Event]] = []
    named: list[Msg] = []
    for msg in msgs:
        event, own_id = event_of(msg)
        if own_id:
            events.append(event)
            named.append(msg)
        else:
            unnamed.append((msg, event))
    results = list(zip(named, inbox.apply_batch(session_factory, events, actor), strict=True))
    for msg, event in unnamed:
        inbox.park(session_factory, event, invalid("Nats-Msg-Id", "is missing or not a UUID"))
        results.append((msg, inbox.PARKED))
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
            try:
                results = handle(session_factory, msgs, actor)
            except inbox.TRANSIENT as exc:
                report.stopped = f"database: {type(exc).__name__}: {str(exc.orig)[:200]}"
                log.warning("ingest stopped, events will be delivered again: %s", report.stopped)
                for msg in msgs:
                    await msg.nak(delay=retry_delay)
                return report
            parked = [event_of(m)[0].id for m, o in results if o == inbox.PARKED]
            reasons = _reasons(session_factory, parked) if parked else {}
            for msg, outcome in results:
                report.outcomes[outcome] += 1
                if outcome == inbox.PARKED:
                    why = reasons.get(event_of(msg)[0].id, "")
                    report.problems.append(f"{msg.subject}: {why}")
                await msg.ack()
    finally:
        await sub.unsubscribe()


async def ingest_once(
    session_factory: sessionmaker[Session], url: str, stream: str, wait: float = 1.0
) -> IngestReport:
    """Connect, apply everything waiting, disconnect: ``borderpost sync ingest``."""
    async with link.jetstream(url, stream) as js:
        return await ingest(session_factory, js, stream, wait=wait)
