"""The headquarters side: pull what the posts shipped from JetStream and hand it to the inbox.

Each post is read through a durable consumer of its own (``headquarters-<post>``), with its
own limit of messages waiting for an acknowledgement: one post's backlog, or a post that
headquarters does not know yet, holds back no other. A new post is found in the stream and
gets its consumer at the next round.

A batch of one post's messages is applied in one transaction (``inbox.apply_batch``); every
message is acknowledged once the inbox has it: applied, recognised as a duplicate or as an
older change arriving late, or parked with its reason. Then headquarters confirms the events
to the post (``confirm.publish``), which counts them done only then. Only when the database
cannot be written are the messages left for a later delivery, and the run says so.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import nats
from nats.aio.msg import Msg
from nats.errors import TimeoutError as NatsTimeout
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from borderpost import clock
from borderpost.errors import invalid
from borderpost.sync import confirm, inbox, link
from borderpost.sync.events import Event
from borderpost.sync.model import ParkedEvent, PostIngest

log = logging.getLogger(__name__)

CONSUMER = "headquarters"  # one durable consumer per post: headquarters-<post>
RETRY_DELAY_SECONDS = 30.0
ACK_WAIT_SECONDS = 30.0  # a message taken by an ingest that died comes back after this
# A post's messages delivered and not yet acknowledged, at most: a limit of its own.
MAX_ACK_PENDING = 20_000
BATCH = 500
# Names the event made from a message that came without a usable event id (the post
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
    named = headers.get(link.EVENT_HEADER) or headers.get("Nats-Msg-Id", "")
    try:
        return Event(uuid.UUID(named), post, topic, data), True
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
        inbox.park(session_factory, event, invalid("Event id", "is missing or not a UUID"))
        results.append((msg, inbox.PARKED))
    return results


def _created(msg: Msg) -> dt.datetime | None:
    text = (msg.headers or {}).get(link.CREATED_HEADER, "")
    try:
        at = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return at if at.tzinfo is not None else None


def _note(session_factory: sessionmaker[Session], msgs: list[Msg]) -> None:
    """Bring each post's ingest figures up to date after a batch was committed."""
    now = clock.now()
    by_post: dict[str, list[Msg]] = {}
    for msg in msgs:
        by_post.setdefault(event_of(msg)[0].post[:64], []).append(msg)
    with session_factory() as session, session.begin():
        for post, taken in by_post.items():
            newest = max((c for m in taken if (c := _created(m)) is not None), default=None)
            row = session.get(PostIngest, post)
            if row is None:
                row = PostIngest(post=post, events=0, last_applied_at=now)
                session.add(row)
            row.events += len(taken)
            row.last_applied_at = now
            if newest is not None and (
                row.last_recorded_at is None or newest > row.last_recorded_at
            ):
                row.last_recorded_at = newest
                row.lag_seconds = max(0.0, (now - newest).total_seconds())


class Consumers:
    """Headquarters' durable consumers, one per post found in the stream."""

    def __init__(
        self, js: JetStreamContext, stream: str, ack_wait: float = ACK_WAIT_SECONDS
    ) -> None:
        self.js, self.stream, self.ack_wait = js, stream, ack_wait
        self.subs: dict[str, JetStreamContext.PullSubscription] = {}
        self._checked_old = False

    async def refresh(self) -> bool:
        """Subscribe to the posts that appeared in the stream; True if there were any."""
        if not self._checked_old:
            # One consumer for every post, as ingest read before: it would keep its messages.
            with contextlib.suppress(nats.js.errors.NotFoundError):
                await self.js.delete_consumer(self.stream, CONSUMER)
            self._checked_old = True
        found = await link.post_tokens(self.js, self.stream) - set(self.subs)
        for token in sorted(found):
            name = link.consumer_name(CONSUMER, token)
            subject = f"{link.subject_root(self.stream)}.{token}.>"
            self.subs[token] = await self.js.pull_subscribe(
                subject,
                durable=name,
                stream=self.stream,
                config=ConsumerConfig(
                    durable_name=name,
                    ack_policy=AckPolicy.EXPLICIT,
                    ack_wait=self.ack_wait,
                    max_ack_pending=MAX_ACK_PENDING,
                    filter_subject=subject,
                ),
            )
        return bool(found)

    async def fetch(self, batch: int, wait: float) -> list[list[Msg]]:
        """What each post has waiting, fetched from all at once (an idle post costs ``wait``
        once, not once per post)."""

        async def one(sub: JetStreamContext.PullSubscription) -> list[Msg]:
            try:
                return await sub.fetch(batch, timeout=wait)
            except (NatsTimeout, TimeoutError):  # nats-py raises either when none is waiting
                return []

        return [m for m in await asyncio.gather(*(one(s) for s in self.subs.values())) if m]

    async def close(self) -> None:
        for sub in self.subs.values():
            await sub.unsubscribe()
        self.subs.clear()


async def take(
    session_factory: sessionmaker[Session],
    js: JetStreamContext,
    stream: str,
    msgs: list[Msg],
    report: IngestReport,
    actor: str,
    retry_delay: float,
) -> bool:
    """Apply one post's batch, confirm it to the post, acknowledge it; False when the
    database could not be written (the batch is delivered again after ``retry_delay``)."""
    try:
        results = handle(session_factory, msgs, actor)
    except inbox.TRANSIENT as exc:
        report.stopped = f"database: {type(exc).__name__}: {str(exc.orig)[:200]}"
        log.warning("ingest stopped, events will be delivered again: %s", report.stopped)
        for msg in msgs:
            await msg.nak(delay=retry_delay)
        return False
    _note(session_factory, msgs)
    parked = [event_of(m)[0].id for m, o in results if o == inbox.PARKED]
    reasons = _reasons(session_factory, parked) if parked else {}
    committed: dict[str, list[uuid.UUID]] = {}
    for msg, outcome in results:
        event, own_id = event_of(msg)
        if own_id:
            committed.setdefault(event.post, []).append(event.id)
        report.outcomes[outcome] += 1
        if outcome == inbox.PARKED:
            report.problems.append(f"{msg.subject}: {reasons.get(event.id, '')}")
    # Confirmed before acknowledged: a headquarters stopped in between gets the messages
    # again, finds them in its inbox and confirms them then.
    await confirm.publish(js, stream, committed)
    for msg in msgs:
        await msg.ack()
    return True


async def ingest(
    session_factory: sessionmaker[Session],
    js: JetStreamContext,
    stream: str,
    batch: int = BATCH,
    wait: float = 1.0,
    actor: str = "sync",
    retry_delay: float = RETRY_DELAY_SECONDS,
    ack_wait: float = ACK_WAIT_SECONDS,
) -> IngestReport:
    """Fetch and apply until no post has anything new for ``wait`` seconds."""
    report = IngestReport()
    consumers = Consumers(js, stream, ack_wait)
    try:
        await consumers.refresh()
        while True:
            batches = await consumers.fetch(batch, wait)
            if not batches and not await consumers.refresh():
                return report
            for msgs in batches:
                if not await take(session_factory, js, stream, msgs, report, actor, retry_delay):
                    return report
    finally:
        await consumers.close()


async def ingest_once(
    session_factory: sessionmaker[Session],
    url: str,
    stream: str,
    wait: float = 1.0,
    ack_wait: float = ACK_WAIT_SECONDS,
    replicas: int = 1,
    nkey: Path | None = None,
) -> IngestReport:
    """Connect, apply everything waiting, disconnect: ``borderpost sync ingest``."""
    async with link.jetstream(url, stream, replicas, nkey=nkey) as js:
        return await ingest(session_factory, js, stream, wait=wait, ack_wait=ack_wait)
