"""The post side: ship the outbox to JetStream, marking an event sent only once it is stored.

The outbox is written in the same transaction as the crossing, so a post whose link is down
keeps recording; events stay unsent until JetStream acknowledges them, in the order they
were written. An acknowledgement lost on the way back means the event is sent again: the
Nats-Msg-Id header (the outbox id) makes JetStream keep one copy.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import threading
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import cast

from fastapi import FastAPI
from nats.errors import Error as NatsError
from nats.js import JetStreamContext
from sqlalchemy import Table, bindparam, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from borderpost import clock
from borderpost.outbox import OutboxEvent
from borderpost.posts.model import Post
from borderpost.sync import link

log = logging.getLogger(__name__)
# What a link that is down or a server that is away raises: the events wait in the outbox.
LINK_ERRORS = (NatsError, OSError, TimeoutError)

_OUTBOX = cast(Table, OutboxEvent.__table__)
_POSTS = cast(Table, Post.__table__)
_UNSENT = (
    select(_OUTBOX.c.id, _OUTBOX.c.topic, _OUTBOX.c.payload, _POSTS.c.code)
    .join(_POSTS, _POSTS.c.id == _OUTBOX.c.post_id)
    .where(_OUTBOX.c.sent_at.is_(None))
    .order_by(_OUTBOX.c.id)  # UUID v7: the order they were written
    .limit(bindparam("limit"))
)
_MARK_SENT = (
    update(_OUTBOX)
    .where(_OUTBOX.c.id == bindparam("event_id"))
    .values(sent_at=bindparam("sent_at"))
)


@dataclass
class ShipReport:
    sent: int = 0
    duplicates: int = 0  # JetStream already had them: a resend after a lost acknowledgement
    left: int = 0


@dataclass(frozen=True)
class Backlog:
    unsent: int
    oldest: dt.datetime | None


def backlog(session_factory: sessionmaker[Session]) -> Backlog:
    """How many events wait to be shipped, and since when."""
    with session_factory() as session:
        n, oldest = session.execute(
            select(func.count(), func.min(OutboxEvent.created_at)).where(
                OutboxEvent.sent_at.is_(None)
            )
        ).one()
    return Backlog(int(n), oldest)


async def ship(
    session_factory: sessionmaker[Session],
    js: JetStreamContext,
    stream: str,
    batch: int = 500,
    timeout: float = 5.0,
) -> ShipReport:
    """Publish unsent events in order until none is left; stops at the first failure.

    Each batch's acknowledged events are marked sent in one transaction; a failure part-way
    marks the acknowledged ones and raises, so nothing is marked that JetStream does not hold.
    """
    report = ShipReport()
    while True:
        with session_factory() as session:
            rows = session.execute(_UNSENT, {"limit": batch}).all()
        if not rows:
            return report
        acked: list[uuid.UUID] = []
        try:
            for event_id, topic, payload, post_code in rows:
                data = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
                ack = await js.publish(
                    link.subject(stream, post_code, topic),
                    data,
                    timeout=timeout,
                    headers={"Nats-Msg-Id": str(event_id), link.TOPIC_HEADER: topic},
                )
                acked.append(event_id)
                if ack.duplicate:
                    report.duplicates += 1
                else:
                    report.sent += 1
        finally:
            _mark_sent(session_factory, acked)


def _mark_sent(session_factory: sessionmaker[Session], ids: list[uuid.UUID]) -> None:
    if not ids:
        return
    now = clock.now()
    with session_factory() as session, session.begin():
        session.execute(_MARK_SENT, [{"event_id": i, "sent_at": now} for i in ids])


async def ship_once(
    session_factory: sessionmaker[Session], url: str, stream: str, batch: int = 500
) -> ShipReport:
    """Connect, ship everything unsent, disconnect: ``borderpost sync ship``."""
    async with link.jetstream(url, stream) as js:
        return await ship(session_factory, js, stream, batch)


class Shipper:
    """A background thread that ships every ``interval`` seconds and retries when the link fails."""

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        url: str,
        stream: str,
        interval: float = 2.0,
        max_backoff: float = 60.0,
    ) -> None:
        self.session_factory = session_factory
        self.url, self.stream = url, stream
        self.interval, self.max_backoff = interval, max_backoff
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="outbox-shipper", daemon=True)
        self.last_error: str | None = None

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        asyncio.run(self._loop())

    async def _loop(self) -> None:
        wait = self.interval
        while not self._stop.is_set():
            try:
                report = await ship_once(self.session_factory, self.url, self.stream)
                if report.sent or report.duplicates:
                    log.info("shipped %d events (%d already held)", report.sent, report.duplicates)
                self.last_error, wait = None, self.interval
            except LINK_ERRORS as exc:
                # The link is down or the server is away: the events wait in the outbox.
                self.last_error = f"{type(exc).__name__}: {exc}"
                log.warning("outbox not shipped, will retry: %s", self.last_error)
                wait = min(max(wait * 2, self.interval), self.max_backoff)
            await asyncio.to_thread(self._stop.wait, wait)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Ships the outbox in the background when ``sync_url`` is set and the app owns its DB."""
    settings = app.state.settings
    shipper = None
    if settings.sync_url and getattr(app.state, "owns_database", False):
        shipper = Shipper(
            app.state.session_factory,
            settings.sync_url,
            settings.sync_stream,
            settings.sync_interval_seconds,
        )
        shipper.start()
    app.state.shipper = shipper
    try:
        yield
    finally:
        if shipper is not None:
            await asyncio.to_thread(shipper.stop)
