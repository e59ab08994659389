"""The server's background work on the network: headquarters publishes, a post follows.

Each is a thread that does one round every ``interval`` seconds and survives every error: a
link that is down, a server away; the round fails, is logged, and the next one tries again.
A post keeps working on what it has meanwhile. What the last round did is kept in ``state``
and written to ``home/network/<name>.json`` for ``borderpost sync status``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import asdict
from pathlib import Path

from fastapi import FastAPI
from nats.js import JetStreamContext
from sqlalchemy.orm import Session, sessionmaker

from borderpost import clock
from borderpost.ledger.tlog.note import Ed25519Signer
from borderpost.network import buckets, commands, lists, rotation
from borderpost.network import enrolment as enrolments
from borderpost.network.following import follow_once
from borderpost.network.publishing import publish_reference
from borderpost.network.signing import key_path, network_signer
from borderpost.network.state import LoopState, state_path
from borderpost.sync import link

log = logging.getLogger(__name__)


class Loop:
    """Runs ``round`` (an async function returning what changed, or "") every ``interval``."""

    def __init__(
        self, name: str, home: Path, round_: Callable[[], Awaitable[str]], interval: float
    ) -> None:
        self.name, self.home, self.round, self.interval = name, home, round_, interval
        self.state = LoopState()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"network-{name}", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)
        self.state.state = "stopped"
        self._write()

    def _run(self) -> None:
        while not self._stop.is_set():
            wait = asyncio.run(self.once())
            self._stop.wait(wait)

    async def once(self) -> float:
        """One round; how long to wait before the next."""
        state = self.state
        try:
            changed = await self.round()
        except Exception as exc:  # every error: the thread lives on and says why
            state.last_error = f"{type(exc).__name__}: {str(exc)[:300]}"
            state.failures += 1
            state.state = "backing_off"
            log.warning("network %s round failed, will retry: %s", self.name, state.last_error)
            wait = min(self.interval * 2.0**state.failures, 60.0)
        else:
            state.state, state.last_error, state.failures = "working", None, 0
            state.last_round_at = clock.now().isoformat()
            state.last_change = changed or state.last_change
            wait = self.interval
        self._write()
        return wait

    def _write(self) -> None:
        path = state_path(self.home, self.name)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(".tmp")
            partial.write_text(json.dumps(asdict(self.state), indent=1), encoding="utf-8")
            partial.replace(path)
        except OSError as exc:
            log.warning("network state not written: %s", exc)


async def publish_all(
    session_factory: sessionmaker[Session],
    home: Path,
    js: JetStreamContext,
    stream: str,
    signer: Ed25519Signer,
    replicas: int = 1,
) -> list[str]:
    """Headquarters: the key chain (and after a rotation, everything signed again), every
    kind of reference data, every watchlist, every command waiting.

    Whatever of the network's storage is missing is made first, with ``replicas`` copies."""
    kv = await buckets.versions(js, stream, create=True, replicas=replicas)
    await buckets.files(js, stream, create=True, replicas=replicas)
    await commands.ensure_stream(js, stream, replicas)
    keys = await rotation.publish_chain(kv, home, signer, session_factory)
    done = await publish_reference(session_factory, home, js, stream, signer)
    more = await lists.publish_lists(session_factory, home, js, stream, signer)
    sent = await commands.publish_commands(
        session_factory, js, stream, signer, rotation.generation(home)
    )
    return keys + done.published + more.published + sent


def publisher(
    session_factory: sessionmaker[Session],
    home: Path,
    url: str,
    stream: str,
    interval: float,
    replicas: int = 1,
    nkey: Path | None = None,
) -> Loop:
    """Headquarters: publish whatever changed, every ``interval`` seconds (with the key in
    force at each round: ``network rotate-key`` may have replaced it meanwhile)."""

    async def round_() -> str:
        rotation.finish_rotation(home)
        signer = network_signer(home)
        async with link.jetstream(url, stream, replicas, nkey=nkey) as js:
            published = await publish_all(session_factory, home, js, stream, signer, replicas)
            return "; ".join(published)

    return Loop("publisher", home, round_, interval)


def follower(
    session_factory: sessionmaker[Session], home: Path, joined: enrolments.Enrolment,
    interval: float, replicas: int = 1, nkey: Path | None = None,
) -> Loop:  # fmt: skip
    """A post: apply what headquarters published, every ``interval`` seconds."""

    async def round_() -> str:
        # The enrolment as kept: a round may have moved it to headquarters' new key.
        current = enrolments.joined(home) or joined
        async with link.jetstream(current.url, current.stream, replicas, nkey=nkey) as js:
            report = await follow_once(session_factory, home, current, js)
        return "; ".join(report.applied + [f"refused {r}" for r in report.refused])

    return Loop("follower", home, round_, interval)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """A post that joined a network follows it; headquarters (it holds the network key and
    ``sync_url``) publishes. Only when the app owns its database."""
    settings = app.state.settings
    loop = None
    if getattr(app.state, "owns_database", False):
        joined = enrolments.joined(settings.home)
        factory = app.state.session_factory
        interval = settings.network_interval_seconds
        if joined is not None:
            loop = follower(
                factory, settings.home, joined, interval, settings.nats_replicas,
                settings.nats_credential,
            )  # fmt: skip
        elif settings.node_post is None and settings.sync_url and key_path(settings.home).is_file():
            loop = publisher(
                factory,
                settings.home,
                settings.sync_url,
                settings.sync_stream,
                interval,
                settings.nats_replicas,
                settings.nats_credential,
            )
    if loop is not None:
        loop.start()
    app.state.network_loop = loop
    try:
        yield
    finally:
        if loop is not None:
            await asyncio.to_thread(loop.stop)
