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
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import cast

from fastapi import FastAPI
from nats.errors import Error as NatsError
from nats.js import JetStreamContext
from sqlalchemy import Table, bindparam, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from borderpost import clock
from borderpost.election import elected_while
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
                    headers={
                        "Nats-Msg-Id": str(event_id),
                        link.TOPIC_HEADER: topic,
                        link.POST_HEADER: post_code,
                    },
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


@dataclass
class ShipperState:
    """What the server's shipper is doing, for ``borderpost sync status`` and the logs."""

    state: str = "starting"  # shipping (the last round worked), backing_off, stopped
    last_error: str | None = None
    failures: int = 0  # rounds failed in a row
    last_shipped_at: str | None = None  # the last round that worked, ISO 8601
    next_try_in_seconds: float | None = None
    checked_at: str | None = None

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=1)


def read_state(path: Path) -> ShipperState | None:
    """The state the server's shipper last wrote, or None (no server shipping here)."""
    try:
        return ShipperState(**json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None


def state_path(home: Path) -> Path:
    return home / "sync" / "shipper.json"


class Shipper:
    """A background thread that ships every ``interval`` seconds and survives every error.

    A link that is down, a database that is locked while events are marked sent, anything
    else: the round fails, the thread waits (doubling up to ``max_backoff``) and tries again;
    what was not marked sent is sent again and JetStream keeps one copy. Its state is kept in
    ``state`` and, given ``state_file``, written there after every round.
    """

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        url: str,
        stream: str,
        interval: float = 2.0,
        max_backoff: float = 60.0,
        state_file: Path | None = None,
    ) -> None:
        self.session_factory = session_factory
        self.url, self.stream = url, stream
        self.interval, self.max_backoff = interval, max_backoff
        self.state_file = state_file
        self.state = ShipperState()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="outbox-shipper", daemon=True)

    @property
    def last_error(self) -> str | None:
        return self.state.last_error

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
        self.state.state, self.state.next_try_in_seconds = "stopped", None
        self._write_state()

    def alive(self) -> bool:
        return self._thread.is_alive()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                asyncio.run(self._loop())
            except BaseException:  # the loop itself failed: log it, and start it again
                log.exception("outbox shipper loop failed; restarting it")
                self._stop.wait(self.interval)

    async def ship_round(self) -> float:
        """One round; returns how long to wait before the next."""
        state = self.state
        try:
            report = await ship_once(self.session_factory, self.url, self.stream)
        except Exception as exc:  # every error: the thread must live on and say why
            state.last_error = f"{type(exc).__name__}: {str(exc)[:300]}"
            state.failures += 1
            state.state = "backing_off"
            wait = min(self.interval * 2.0**state.failures, self.max_backoff)
            if isinstance(exc, LINK_ERRORS):
                log.warning("outbox not shipped, will retry: %s", state.last_error)
            else:
                log.error("outbox not shipped, will retry: %s", state.last_error, exc_info=exc)
        else:
            if report.sent or report.duplicates:
                log.info("shipped %d events (%d already held)", report.sent, report.duplicates)
            state.state, state.last_error, state.failures = "shipping", None, 0
            state.last_shipped_at = clock.now().isoformat()
            wait = self.interval
        state.next_try_in_seconds = wait
        state.checked_at = clock.now().isoformat()
        self._write_state()
        return wait

    async def _loop(self) -> None:
        while not self._stop.is_set():
            wait = await self.ship_round()
            await asyncio.to_thread(self._stop.wait, wait)

    def _write_state(self) -> None:
        if self.state_file is None:
            return
        try:
            self.state_file.parent.mkdir(parents=True, exist_ok=True)
            partial = self.state_file.with_suffix(".tmp")
            partial.write_text(self.state.to_json(), encoding="utf-8")
            partial.replace(self.state_file)
        except OSError as exc:  # the state is for people; shipping goes on without it
            log.warning("shipper state not written: %s", exc)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Ships the outbox in the background when ``sync_url`` is set and the app owns its DB."""
    settings = app.state.settings
    make = None
    if settings.sync_url and getattr(app.state, "owns_database", False):
        # One shipper among the processes sharing the database: the holder of its lock.
        def make() -> Shipper:
            return Shipper(
                app.state.session_factory,
                settings.sync_url,
                settings.sync_stream,
                settings.sync_interval_seconds,
                state_file=state_path(settings.home),
            )

    async with elected_while(settings, SHIPPER_JOB, make) as job:
        app.state.shipper_job = job
        yield


SHIPPER_JOB = "outbox-shipper"
