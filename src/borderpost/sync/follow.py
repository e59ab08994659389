"""Headquarters' ingest that runs until it is stopped: ``borderpost sync ingest --follow``.

It survives every error as the post's shipper does: a broker that went away, a database that
cannot be written, anything else ends the round; it waits (doubling up to ``max_backoff``),
connects again and goes on. Messages taken and not acknowledged come back after the
consumer's acknowledgement wait, and the inbox keeps one copy. Its state is written to
``$BORDERPOST_HOME/sync/ingest.json`` for ``borderpost sync status`` and the admin page.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
from dataclasses import asdict, dataclass
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from borderpost import clock
from borderpost.sync import link
from borderpost.sync.ingest import ACK_WAIT_SECONDS, BATCH, Consumers, IngestReport, take
from borderpost.sync.shipper import LINK_ERRORS, save_state

log = logging.getLogger(__name__)
# Rounds between two looks for posts new in the stream.
_REFRESH_EVERY = 10


@dataclass
class IngestState:
    state: str = "starting"  # ingesting (the last round worked), backing_off, stopped
    last_error: str | None = None
    failures: int = 0
    last_ingested_at: str | None = None  # the last round that took something, ISO 8601
    events: int = 0  # taken since the start
    posts: int = 0  # posts with a consumer
    checked_at: str | None = None

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=1)


def state_path(home: Path) -> Path:
    return home / "sync" / "ingest.json"


def read_state(path: Path) -> IngestState | None:
    try:
        return IngestState(**json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None


class DatabaseBusy(Exception):
    """The database could not be written; the batch comes back later."""


async def follow(
    session_factory: sessionmaker[Session],
    url: str,
    stream: str,
    stop: threading.Event,
    state_file: Path | None = None,
    wait: float = 0.5,
    max_backoff: float = 30.0,
    ack_wait: float = ACK_WAIT_SECONDS,
    actor: str = "sync",
    replicas: int = 1,
    nkey: Path | None = None,
) -> IngestState:
    """Ingest until ``stop`` is set; returns the last state."""
    state = IngestState()

    def save() -> None:
        state.checked_at = clock.now().isoformat()
        if state_file is not None:
            save_state(state_file, state.to_json())

    while not stop.is_set():
        try:
            async with link.jetstream(url, stream, replicas, nkey=nkey) as js:
                consumers = Consumers(js, stream, ack_wait)
                try:
                    await consumers.refresh()
                    rounds = 0
                    while not stop.is_set():
                        report = IngestReport()
                        for msgs in await consumers.fetch(BATCH, wait):
                            done = await take(
                                session_factory, js, stream, msgs, report, actor, ack_wait
                            )
                            if not done:
                                raise DatabaseBusy(report.stopped)
                        taken = sum(report.outcomes.values())
                        if taken:
                            state.events += taken
                            state.last_ingested_at = clock.now().isoformat()
                        rounds += 1
                        if rounds % _REFRESH_EVERY == 0 or not state.posts:
                            await consumers.refresh()
                        state.posts = len(consumers.subs)
                        if state.state != "ingesting" or taken or rounds % _REFRESH_EVERY == 0:
                            state.state, state.last_error, state.failures = "ingesting", None, 0
                            save()
                finally:
                    await _close_quietly(consumers)
        except Exception as exc:  # every error: the loop must live on and say why
            state.last_error = f"{type(exc).__name__}: {str(exc)[:300]}"
            state.failures += 1
            state.state = "backing_off"
            save()
            expected = isinstance(exc, (*LINK_ERRORS, DatabaseBusy))
            level = logging.WARNING if expected else logging.ERROR
            log.log(level, "ingest failed, will retry: %s", state.last_error)
            delay = min(wait * 2.0**state.failures, max_backoff)
            await asyncio.to_thread(stop.wait, delay)
    state.state = "stopped"
    save()
    return state


async def _close_quietly(consumers: Consumers) -> None:
    with contextlib.suppress(*LINK_ERRORS):  # the connection is gone: nothing to close
        await consumers.close()
