"""Single-writer jobs among several processes: each job runs in the one process that holds its lock.

Several server processes (``borderpost serve --workers N``, or servers on several machines)
share one database; the background jobs that must have one writer (the ledger appender and
checkpoint signer with the bulletins, the outbox shipper, headquarters' ledger follower) each
run where their lock is held. On PostgreSQL the lock is a session advisory lock
(``pg_try_advisory_lock``) on a connection of its own: the server drops it when the holder's
connection ends, a process killed with -9 included. On SQLite (one machine by nature) it is
an exclusive ``flock`` on ``$BORDERPOST_HOME/locks/<job>.lock``, which the kernel drops when
the holder dies. A process that does not hold a lock tries again every few seconds, so
another takes over within that time when the holder dies.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import hashlib
import logging
import os
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Protocol

from sqlalchemy import Connection, NullPool, text
from sqlalchemy.exc import SQLAlchemyError

from borderpost.config import Settings
from borderpost.db import make_engine

log = logging.getLogger("borderpost.election")

LOCKS_DIR = "locks"
# The advisory locks of Borderpost's jobs are keyed in this class, so other users of the same
# database (and their own advisory locks) cannot collide with ours; the daily counts' locks
# per post have a class of their own (``crossings.counts.LOCK_CLASS``).
_KEY_CLASS = 0x42505354  # "BPST"


def lock_key(name: str) -> int:
    """The 32-bit key of job ``name``'s advisory lock (stable across processes and runs)."""
    digest = hashlib.blake2b(name.encode(), digest_size=4).digest()
    return int.from_bytes(digest, "big", signed=True)


def hold_for_transaction(conn: Connection, name: str) -> None:
    """On PostgreSQL, wait for the lock of ``name`` until the transaction ends (a fence that
    holds even between processes on different machines); elsewhere nothing."""
    if conn.dialect.name == "postgresql":
        conn.execute(
            text("SELECT pg_advisory_xact_lock(:cls, :key)"),
            {"cls": _KEY_CLASS, "key": lock_key(name)},
        )


# The lock's connection is watched both ways, so a holder whose machine vanishes (no FIN
# sent) loses its lock within about 25 s instead of the operating system's two hours: the
# server's keepalives for this session, and the client's own.
_SERVER_KEEPALIVES = (
    "SET tcp_keepalives_idle = 10",
    "SET tcp_keepalives_interval = 5",
    "SET tcp_keepalives_count = 3",
    "SET tcp_user_timeout = 25000",
)
_CLIENT_KEEPALIVES = {
    "keepalives": 1,
    "keepalives_idle": 10,
    "keepalives_interval": 5,
    "keepalives_count": 3,
    "connect_timeout": 10,
}


@contextlib.contextmanager
def exclusive(database_url: str, home: Path, name: str) -> Iterator[None]:
    """Hold the lock of ``name`` for the block, waiting for it: work that any process may do,
    but one at a time (on PostgreSQL a session advisory lock on a connection of its own, on
    SQLite a blocking ``flock``; both freed if the process dies)."""
    if database_url.startswith("postgresql"):
        engine = make_engine(database_url, poolclass=NullPool, connect_args=_CLIENT_KEEPALIVES)
        params = {"cls": _KEY_CLASS, "key": lock_key(name)}
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT pg_advisory_lock(:cls, :key)"), params)
                conn.commit()
                try:
                    yield
                finally:
                    with contextlib.suppress(SQLAlchemyError):
                        conn.execute(text("SELECT pg_advisory_unlock(:cls, :key)"), params)
                        conn.commit()
        finally:
            engine.dispose()
        return
    path = home / LOCKS_DIR / f"{name}.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


class Lease:
    """The lock of one named job: taken without waiting, held until released or the holder dies."""

    def __init__(self, database_url: str, home: Path, name: str) -> None:
        self.name = name
        self._postgres = database_url.startswith("postgresql")
        self._url = database_url
        self._path = home / LOCKS_DIR / f"{name}.lock"
        # PostgreSQL: one connection of the lease's own, outside every pool, kept between
        # tries (no new server process every few seconds); the lock lives exactly as long.
        self._conn: Connection | None = None
        self._holding = False
        self._fd = -1

    @property
    def held(self) -> bool:
        return self._holding or self._fd >= 0

    def try_acquire(self) -> bool:
        """Take the lock if free; True if this lease holds it now."""
        if self.held:
            return self.still_held()
        if self._postgres:
            return self._try_advisory()
        self._path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self._path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())  # who holds it, for people
        self._fd = fd
        return True

    def _connect(self) -> Connection:
        if self._conn is None:
            engine = make_engine(self._url, poolclass=NullPool, connect_args=_CLIENT_KEEPALIVES)
            conn = engine.connect()
            for statement in _SERVER_KEEPALIVES:
                conn.execute(text(statement))
            conn.commit()
            self._conn = conn
        return self._conn

    def _try_advisory(self) -> bool:
        try:
            conn = self._connect()
            got = conn.execute(
                text("SELECT pg_try_advisory_lock(:cls, :key)"),
                {"cls": _KEY_CLASS, "key": lock_key(self.name)},
            ).scalar_one()
            conn.commit()
        except SQLAlchemyError as exc:
            log.warning("lock %s: database unreachable: %s", self.name, exc)
            self._drop_connection()
            return False
        self._holding = bool(got)
        return self._holding

    def still_held(self) -> bool:
        """Whether the lock is still this lease's (on PostgreSQL: its connection is alive)."""
        if self._fd >= 0:
            return True
        if not self._holding or self._conn is None:
            return False
        try:
            self._conn.execute(text("SELECT 1")).scalar_one()
            self._conn.commit()
        except SQLAlchemyError:
            log.warning("lock %s: connection lost; the job stops here", self.name)
            self._drop_connection()
            return False
        return True

    def release(self) -> None:
        """Give the lock up (and, on PostgreSQL, the lease's connection)."""
        if self._fd >= 0:
            os.close(self._fd)  # closing the descriptor drops the flock
            self._fd = -1
        if self._conn is not None and self._holding:
            with contextlib.suppress(SQLAlchemyError):  # gone: the lock went with it
                self._conn.execute(
                    text("SELECT pg_advisory_unlock(:cls, :key)"),
                    {"cls": _KEY_CLASS, "key": lock_key(self.name)},
                )
                self._conn.commit()
        self._drop_connection()

    def _drop_connection(self) -> None:
        self._holding = False
        conn, self._conn = self._conn, None
        if conn is not None:
            engine = conn.engine
            with contextlib.suppress(SQLAlchemyError):
                conn.close()
            engine.dispose()


class ElectedJob:
    """Runs a job (``start``/``stop``) only while this process holds its lease.

    A thread tries to take the lease every ``retry`` seconds; once it has it, it starts the
    job and checks every ``retry`` seconds that the lease is still held, stopping the job if
    not. ``close`` stops the job and releases the lease, so another process takes over.
    """

    def __init__(
        self,
        lease: Lease,
        start: Callable[[], None],
        stop: Callable[[], None],
        retry: float = 2.0,
    ) -> None:
        self.lease = lease
        self._start, self._stop_job = start, stop
        self.retry = max(0.05, retry)
        self.running = False
        self._closing = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._loop, name=f"elect-{lease.name}", daemon=True)

    def begin(self) -> None:
        """Try once now (a lone process starts its job before it serves), then keep trying."""
        try:
            self._round()
        except Exception:  # the thread tries again
            log.exception("election of %s failed", self.lease.name)
        self._thread.start()

    def _round(self) -> None:
        with self._lock:
            if self._closing.is_set():
                return
            if not self.running:
                if self.lease.try_acquire():
                    log.info("lock %s taken by process %d", self.lease.name, os.getpid())
                    self._start()
                    self.running = True
            elif not self.lease.still_held():
                self._halt()

    def _halt(self) -> None:
        self.running = False
        try:
            self._stop_job()
        except Exception:  # the lease goes anyway; another process takes the job
            log.exception("job %s did not stop cleanly", self.lease.name)
        self.lease.release()

    def _loop(self) -> None:
        while not self._closing.wait(self.retry):
            try:
                self._round()
            except Exception:  # the next round tries again
                log.exception("election of %s failed", self.lease.name)

    def close(self) -> None:
        """Stop trying; stop the job if it runs here and release its lease."""
        self._closing.set()
        if self._thread.is_alive():
            self._thread.join()
        with self._lock:
            if self.running:
                self._halt()
            else:
                self.lease.release()


class Worker(Protocol):
    """A background job: started once, stopped once (a new one is made for each term)."""

    def start(self) -> None: ...
    def stop(self) -> None: ...


def elected(
    database_url: str, home: Path, name: str, make: Callable[[], Worker], retry: float
) -> ElectedJob:
    """Run a worker made by ``make`` while this process holds the lock of ``name``.

    Each time the lock is taken a fresh worker is made and started; when it is lost (or at
    ``close``) that worker is stopped. The job is already trying for its lock on return.
    """
    current: list[Worker] = []

    def start() -> None:
        worker = make()
        worker.start()
        current.append(worker)

    def stop() -> None:
        while current:
            current.pop().stop()

    job = ElectedJob(Lease(database_url, home, name), start, stop, retry)
    job.begin()
    return job


@contextlib.asynccontextmanager
async def elected_while(
    settings: Settings, name: str, make: Callable[[], Worker] | None
) -> AsyncIterator[ElectedJob | None]:
    """For a server's lifespan: the worker ``make`` makes runs, elected among the processes
    sharing the database, while the block runs (``make`` None: nothing runs)."""
    job = None
    if make is not None:
        url, home = settings.resolved_database_url, settings.home
        job = elected(url, home, name, make, settings.election_retry_seconds)
    try:
        yield job
    finally:
        if job is not None:
            await asyncio.to_thread(job.close)
