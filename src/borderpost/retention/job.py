"""The server's erasure job: ``services.run`` once a day in a daemon thread.

Started with the other background work of a server that owns its database (``app.py``).
Its first run is a minute after start, so a server restarted every night still erases. It
logs counts and progress only, never a record.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from borderpost.retention import services
from borderpost.retention.schedules import Schedule

log = logging.getLogger("borderpost.retention")
FIRST_RUN_SECONDS = 60.0


class Eraser:
    def __init__(
        self,
        session_factory: sessionmaker[Session],
        schedule: Schedule,
        home: Path | None,
        interval_seconds: float,
        first_run_seconds: float = FIRST_RUN_SECONDS,
    ) -> None:
        self.session_factory = session_factory
        self.schedule = schedule
        self.home = home
        self.interval = max(1.0, interval_seconds)
        self.first = max(0.0, first_run_seconds)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.last: services.Run | None = None

    def run_once(self) -> None:
        try:
            self.last = services.run(
                self.session_factory,
                self.schedule,
                home=self.home,
                progress=_log_progress,
                cancelled=self._stop.is_set,
            )
        except Exception:  # the next day retries; a batch is all or nothing
            log.exception("erasure run failed")
            return
        for part in self.last.kinds:
            log.info(
                "erasure: %s, %d days: %d erased, %d held",
                part.kind.value,
                part.days,
                part.erased.crossings,
                part.held,
            )

    def _loop(self) -> None:
        wait = self.first
        while not self._stop.wait(wait):
            self.run_once()
            wait = self.interval

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="retention-eraser", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop between batches (a batch in progress finishes)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()


def _log_progress(kind: str, done: int, due: int) -> None:
    step = max(1, due // 10)
    if done == due or done // step != (done - 1) // step:
        log.info("erasure: %s %d of %d", kind, done, due)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Runs the erasure job when the app owns its database."""
    eraser = None
    if getattr(app.state, "owns_database", False):
        settings = app.state.settings
        eraser = Eraser(
            app.state.session_factory,
            Schedule.from_settings(settings.retention_days),
            settings.home,
            settings.retention_interval_hours * 3600,
        )
        eraser.start()
    app.state.eraser = eraser
    try:
        yield
    finally:
        if eraser is not None:
            await run_in_threadpool(eraser.stop)
