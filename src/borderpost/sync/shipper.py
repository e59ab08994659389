"""The post side: ship the outbox to JetStream, marking an event sent only once it is stored.

The outbox is written in the same transaction as the crossing, so a post whose link is down
keeps recording; events stay unsent until JetStream acknowledges them, in the order they
were written. An acknowledgement lost on the way back means the event is sent again: the
Nats-Msg-Id header (the outbox id) makes JetStream keep one copy.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import logging
import threading
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import cast

from fastapi import FastAPI
from nats.aio.client import Client
from nats.errors import Error as NatsError
from nats.js import JetStreamContext
from sqlalchemy import Table, bindparam, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from borderpost import clock
from borderpost.election import elected_while
from borderpost.outbox import OutboxEvent
from borderpost.posts.model import Post
from borderpost.sync import confirm, link

log = logging.getLogger(__name__)
# What a link that is down or a server that is away raises: the events wait in the outbox.
LINK_ERRORS = (NatsError, OSError, TimeoutError)

_OUTBOX = cast(Table, OutboxEvent.__table__)
_POSTS = cast(Table, Post.__table__)
_COLUMNS = (
    _OUTBOX.c.id,
    _OUTBOX.c.topic,
    _OUTBOX.c.payload,
    _POSTS.c.code,
    _OUTBOX.c.shipments,
    _OUTBOX.c.created_at,
)
_UNSENT = (
    select(*_COLUMNS)
    .join(_POSTS, _POSTS.c.id == _OUTBOX.c.post_id)
    .where(_OUTBOX.c.sent_at.is_(None), _OUTBOX.c.confirmed_at.is_(None))
    .order_by(_OUTBOX.c.id)  # UUID v7: the order they were written
    .limit(bindparam("limit"))
)
# Published, and headquarters has not confirmed them in time: they are published again.
_DUE = (
    select(*_COLUMNS)
    .join(_POSTS, _POSTS.c.id == _OUTBOX.c.post_id)
    .where(_OUTBOX.c.resend_at <= bindparam("now"))
    .order_by(_OUTBOX.c.resend_at, _OUTBOX.c.id)
    .limit(bindparam("limit"))
)
_MARK_SENT = (
    update(_OUTBOX)
    .where(_OUTBOX.c.id == bindparam("event_id"))
    .values(
        sent_at=bindparam("sent_at"),
        shipments=_OUTBOX.c.shipments + 1,
        resend_at=bindparam("due"),
    )
)
RESEND_AFTER_SECONDS = 300.0
CONFIRM_EVERY = 1.0  # seconds between two reads of confirmations while shipping
# A post whose headquarters is away for days sends its unconfirmed events again at longer
# and longer intervals, up to 2**6 times the first.
_MAX_DOUBLINGS = 6


@dataclass
class ShipReport:
    sent: int = 0
    duplicates: int = 0  # JetStream already had them: a resend after a lost acknowledgement
    resent: int = 0  # published again: headquarters had not confirmed them in time
    confirmed: int = 0  # headquarters confirmed them in this round
    left: int = 0


@dataclass(frozen=True)
class Backlog:
    unsent: int  # never published
    oldest: dt.datetime | None  # the oldest event not yet confirmed
    unconfirmed: int = 0  # published or not, headquarters has not confirmed them
    last_confirmed: dt.datetime | None = None  # when the last confirmation came

    @property
    def lag_seconds(self) -> float:
        """How far behind headquarters' confirmations are: the oldest unconfirmed event's age."""
        if self.oldest is None:
            return 0.0
        return max(0.0, (clock.now() - self.oldest).total_seconds())


def backlog(session_factory: sessionmaker[Session]) -> Backlog:
    """How many events wait to be shipped or confirmed, and since when.

    Unconfirmed events are the never published (``sent_at`` empty) and the published not yet
    confirmed (``resend_at`` set): each read through its own index, as the outbox keeps every
    event ever confirmed."""
    with session_factory() as session:
        unsent, oldest_unsent = session.execute(
            select(func.count(), func.min(OutboxEvent.created_at)).where(
                OutboxEvent.sent_at.is_(None), OutboxEvent.confirmed_at.is_(None)
            )
        ).one()
        waiting, oldest_waiting = session.execute(
            select(func.count(), func.min(OutboxEvent.created_at)).where(
                OutboxEvent.resend_at.is_not(None)
            )
        ).one()
        last = session.scalar(select(func.max(OutboxEvent.confirmed_at)))
    oldest = min((t for t in (oldest_unsent, oldest_waiting) if t is not None), default=None)
    return Backlog(int(unsent), oldest, int(unsent) + int(waiting), last)


def resend_delay(shipments: int, resend_after: float) -> dt.timedelta:
    """How long after its ``shipments``-th publication an unconfirmed event is sent again."""
    return dt.timedelta(seconds=resend_after * 2 ** min(max(shipments - 1, 0), _MAX_DOUBLINGS))


async def ship(
    session_factory: sessionmaker[Session],
    js: JetStreamContext,
    stream: str,
    batch: int = 500,
    timeout: float = 5.0,
    resend_after: float = RESEND_AFTER_SECONDS,
) -> ShipReport:
    """Publish unsent events in order, then those headquarters has not confirmed in time,
    until none is left; stops at the first failure.

    Each batch's acknowledged events are marked sent in one transaction; a failure part-way
    marks the acknowledged ones and raises. Sent is not done: an event is done when
    headquarters confirms it (``confirm.receive``); until then it is published again,
    ``resend_after`` seconds after the first time and twice as long after each next.
    """
    report = ShipReport()
    while True:
        with session_factory() as session:
            rows = session.execute(_UNSENT, {"limit": batch}).all()
            if not rows:
                rows = session.execute(_DUE, {"limit": batch, "now": clock.now()}).all()
        if not rows:
            return report
        acked: list[tuple[uuid.UUID, int]] = []
        try:
            for event_id, topic, payload, post_code, shipments, created_at in rows:
                data = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
                msg_id = str(event_id) if not shipments else f"{event_id}.{shipments}"
                ack = await js.publish(
                    link.subject(stream, post_code, topic),
                    data,
                    timeout=timeout,
                    headers={
                        "Nats-Msg-Id": msg_id,
                        link.EVENT_HEADER: str(event_id),
                        link.TOPIC_HEADER: topic,
                        link.POST_HEADER: post_code,
                        link.CREATED_HEADER: created_at.isoformat(),
                    },
                )
                acked.append((event_id, shipments + 1))
                if ack.duplicate:
                    report.duplicates += 1
                elif shipments:
                    report.resent += 1
                else:
                    report.sent += 1
        finally:
            _mark_sent(session_factory, acked, resend_after)


def _mark_sent(
    session_factory: sessionmaker[Session],
    acked: list[tuple[uuid.UUID, int]],
    resend_after: float,
) -> None:
    if not acked:
        return
    now = clock.now()
    with session_factory() as session, session.begin():
        session.execute(
            _MARK_SENT,
            [
                {"event_id": i, "sent_at": now, "due": now + resend_delay(n, resend_after)}
                for i, n in acked
            ],
        )


async def ship_once(
    session_factory: sessionmaker[Session],
    url: str,
    stream: str,
    batch: int = 500,
    resend_after: float = RESEND_AFTER_SECONDS,
    replicas: int = 1,
    nkey: Path | None = None,
) -> ShipReport:
    """Connect, ship everything unsent and everything due again, take headquarters'
    confirmations, disconnect: ``borderpost sync ship``. (A confirmation that comes after
    its event fell due costs one more shipment, no more: headquarters keeps one copy.)"""
    async with link.jetstream(url, stream, replicas, nkey=nkey) as js:
        report = await ship(session_factory, js, stream, batch, resend_after=resend_after)
        report.confirmed = await confirm.receive(session_factory, js, stream)
        return report


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
        resend_after: float = RESEND_AFTER_SECONDS,
        batch: int = 500,
        replicas: int = 1,
        nkey: Path | None = None,
    ) -> None:
        self.session_factory = session_factory
        self.nkey = nkey
        self.resend_after, self.batch, self.replicas = resend_after, batch, replicas
        self.url, self.stream = url, stream
        self.interval, self.max_backoff = interval, max_backoff
        self.state_file = state_file
        self.state = ShipperState()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="outbox-shipper", daemon=True)
        self._nc: Client | None = None
        self._confirmed_at = 0.0  # time.monotonic() of the last read of confirmations

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
            report = await self._ship()
        except Exception as exc:  # every error: the thread must live on and say why
            await self._disconnect()
            state.last_error = f"{type(exc).__name__}: {str(exc)[:300]}"
            state.failures += 1
            state.state = "backing_off"
            wait = min(self.interval * 2.0**state.failures, self.max_backoff)
            if isinstance(exc, LINK_ERRORS):
                log.warning("outbox not shipped, will retry: %s", state.last_error)
            else:
                log.error("outbox not shipped, will retry: %s", state.last_error, exc_info=exc)
        else:
            if report.sent or report.duplicates or report.resent:
                log.info(
                    "shipped %d events, %d again (%d already held); %d confirmed",
                    report.sent,
                    report.resent,
                    report.duplicates,
                    report.confirmed,
                )
            state.state, state.last_error, state.failures = "shipping", None, 0
            state.last_shipped_at = clock.now().isoformat()
            wait = self.interval
        state.next_try_in_seconds = wait
        state.checked_at = clock.now().isoformat()
        self._write_state()
        return wait

    async def _ship(self) -> ShipReport:
        """One round on the connection kept between rounds (made again after a failure)."""
        if self._nc is None or not self._nc.is_connected:
            await self._disconnect()
            self._nc = await link.connect(self.url, nkey=self.nkey)
            await link.ensure_stream(self._nc.jetstream(), self.stream, self.replicas)
        js = self._nc.jetstream()
        report = await ship(
            self.session_factory, js, self.stream, self.batch, resend_after=self.resend_after
        )
        # Confirmations are read when the round had nothing to ship, or a second after the
        # last read: a busy post spends its rounds shipping, and nothing waits on them.
        now = time.monotonic()
        if not (report.sent or report.resent) or now - self._confirmed_at >= CONFIRM_EVERY:
            report.confirmed = await confirm.receive(self.session_factory, js, self.stream)
            self._confirmed_at = now
        return report

    async def _disconnect(self) -> None:
        nc, self._nc = self._nc, None
        if nc is not None:
            with contextlib.suppress(Exception):  # it may be gone already
                await nc.close()

    async def _loop(self) -> None:
        try:
            while not self._stop.is_set():
                wait = await self.ship_round()
                await asyncio.to_thread(self._stop.wait, wait)
        finally:
            await self._disconnect()

    def _write_state(self) -> None:
        if self.state_file is not None:
            save_state(self.state_file, self.state.to_json())


def save_state(path: Path, text: str) -> None:
    """Write a loop's state for people (``sync status``), whole or not at all."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".tmp")
        partial.write_text(text, encoding="utf-8")
        partial.replace(path)
    except OSError as exc:  # the state is for people; the work goes on without it
        log.warning("sync state not written to %s: %s", path.name, exc)


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
                resend_after=settings.sync_resend_after_seconds,
                replicas=settings.nats_replicas,
                nkey=settings.nats_credential,
            )

    async with elected_while(settings, SHIPPER_JOB, make) as job:
        app.state.shipper_job = job
        yield


SHIPPER_JOB = "outbox-shipper"
