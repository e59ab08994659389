"""The fault suite's network: a nats-server of its own, two posts and headquarters.

The broker runs on a free port with its own store, configured to write every message to the
disk before acknowledging it when the server supports it (``sync_interval: always``, nats-server
2.10 and later); it can be killed with -9 and started again on the same port and store. A
link between a post and the broker can be cut (``Link``, a TCP relay). Posts and
headquarters are real databases; the shipper and the ingest run in this process or as
processes of their own (``borderpost sync ship|ingest --follow``) that a test kills with -9.

Waits have ceilings only: a loop ends as soon as its condition holds.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from borderpost.outbox import OutboxEvent
from borderpost.sync import link, shipper
from borderpost.sync.ingest import ingest_once
from borderpost.sync.model import InboxEntry

Factory = sessionmaker[Session]
NATS_SERVER = shutil.which("nats-server") or "/usr/sbin/nats-server"
SRC = Path(__file__).resolve().parents[2] / "src"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(condition: Callable[[], bool], ceiling: float = 60.0, what: str = "") -> None:
    """Poll until ``condition`` holds; fail past the ceiling (a ceiling, not a timing)."""
    deadline = time.monotonic() + ceiling
    while not condition():
        assert time.monotonic() < deadline, f"not reached within {ceiling} s: {what}"
        time.sleep(0.02)


def _answers(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
        return True
    return False


def sync_always_supported(folder: Path) -> bool:
    """Whether this nats-server takes ``sync_interval: always`` (2.10 and later)."""
    conf = folder / "probe.conf"
    conf.write_text(f'jetstream {{ store_dir: "{folder / "probe"}", sync_interval: always }}\n')
    probe = subprocess.run([NATS_SERVER, "-c", str(conf), "-t"], capture_output=True, timeout=30)
    return probe.returncode == 0


class Broker:
    """A nats-server of the test's own: a free port, a store in the test's folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.url = f"nats://127.0.0.1:{self.port}"
        self.sync_always = sync_always_supported(folder)
        sync = ", sync_interval: always" if self.sync_always else ""
        self.conf = folder / "nats.conf"
        self.conf.write_text(
            f"listen: 127.0.0.1:{self.port}\n"
            f'jetstream {{ store_dir: "{folder / "store"}"{sync} }}\n'
        )
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        log = (self.folder / "nats.log").open("ab")
        self.process = subprocess.Popen([NATS_SERVER, "-c", str(self.conf)], stdout=log, stderr=log)
        wait_for(lambda: _answers(self.port), 30, "nats-server to answer")

    def kill9(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)
        self.process = None

    def stop(self) -> None:
        if self.process is not None:
            self.kill9()


class Link:
    """A TCP relay between a post and the broker, that can be cut and mended."""

    def __init__(self, target_port: int) -> None:
        self.target = target_port
        self.port = free_port()
        self.url = f"nats://127.0.0.1:{self.port}"
        self._up = True
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._server = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            if not self._up:
                client.close()
                continue
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target), 2)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        for s in (source, sink):
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        self._up = False
        with self._lock:
            for s in self._sockets:
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
                s.close()
            self._sockets.clear()

    def mend(self) -> None:
        self._up = True

    def close(self) -> None:
        self.cut()
        self._server.close()


class Process:
    """``borderpost sync ...`` as a process of its own, on one node's database."""

    def __init__(self, args: list[str], database_url: str, home: Path, broker_url: str) -> None:
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")]),
            "BORDERPOST_DATABASE_URL": database_url,
            "BORDERPOST_HOME": str(home),
            "BORDERPOST_SYNC_URL": broker_url,
            "BORDERPOST_SYNC_STREAM": STREAM,
            "BORDERPOST_SYNC_INTERVAL_SECONDS": "0.2",
        }
        home.mkdir(parents=True, exist_ok=True)
        self.log = home / f"{args[1]}.log"
        command = [sys.executable, "-c", "from borderpost.cli import main; main()", *args]
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(command, env=env, stdout=out, stderr=out)

    def kill9(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill9()


STREAM = "BPNET"


def outbox_state(factory: Factory) -> tuple[int, int, int]:
    """(events, sent, confirmed) at a post."""
    with factory() as session:
        rows = session.execute(select(OutboxEvent.sent_at, OutboxEvent.confirmed_at)).all()
    return (
        len(rows),
        sum(1 for s, _c in rows if s is not None),
        sum(1 for _s, c in rows if c is not None),
    )


def confirmed_ids(factory: Factory) -> set[Any]:
    with factory() as session:
        return set(
            session.scalars(select(OutboxEvent.id).where(OutboxEvent.confirmed_at.is_not(None)))
        )


def inbox_ids(factory: Factory) -> set[Any]:
    with factory() as session:
        return set(session.scalars(select(InboxEntry.event_id)))


def ship(factory: Factory, url: str, resend_after: float = 300.0) -> shipper.ShipReport | None:
    """One shipping round at a post; None when the link failed (the events wait)."""
    try:
        return asyncio.run(shipper.ship_once(factory, url, STREAM, resend_after=resend_after))
    except shipper.LINK_ERRORS:
        return None


async def purge(url: str, stream: str) -> None:
    """Drop every message of ``stream`` (as a broker's power cut may drop the last ones)."""
    nc = await link.connect(url)
    try:
        await nc.jetstream().purge_stream(stream)
    finally:
        await nc.close()


def ingest(hq: Factory, url: str, ack_wait: float = 2.0) -> None:
    asyncio.run(ingest_once(hq, url, STREAM, wait=0.3, ack_wait=ack_wait))


def converge(
    hq: Factory, posts: list[Factory], url: str, ceiling: float = 120.0, ack_wait: float = 2.0
) -> None:
    """Ship and ingest until every post's every event is confirmed by headquarters."""

    def done() -> bool:
        for post in posts:
            ship(post, url)
        ingest(hq, url, ack_wait)
        for post in posts:
            ship(post, url)
        return all(outbox_state(p)[2] == outbox_state(p)[0] for p in posts)

    wait_for(done, ceiling, "every event confirmed by headquarters")


@contextlib.contextmanager
def later(seconds: float) -> Iterator[None]:
    """The clock moved on by ``seconds`` (to make events due to be sent again)."""
    from borderpost import clock

    clock.pin(clock.now() + dt.timedelta(seconds=seconds))
    try:
        yield
    finally:
        clock.pin(clock.now() - dt.timedelta(seconds=seconds))
