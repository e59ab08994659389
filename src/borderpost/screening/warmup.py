"""Building the screening indexes in the background, so that no crossing pays for a build.

A server that owns its database starts a ``Warmer`` in its lifespan: it builds the indexes of
the active list versions at start, then checks the reference token every few seconds and
builds the versions a list import made active. Meanwhile (``screener.for_session``):

* a list this process has never indexed (the server just started) is waited for: the first
  crossings wait for the rest of the warm-up, never screen against nothing;
* a list with a new version still being built is screened against its previous version, and
  once the new version is ready the warmer re-screens every crossing recorded since the new
  version was imported against it (``rescreen``, by recording time); hits found that way are
  alerts, like those of the re-screening after an import, so none is missed. The version's
  ``caught_up_at`` is set once that is done (twice over, for crossings in flight), so a server
  that stops before then leaves the catch-up to its next start, not to nobody.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import threading
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractContextManager, asynccontextmanager

from fastapi import FastAPI
from sqlalchemy import or_, select
from starlette.concurrency import run_in_threadpool

from borderpost import clock
from borderpost.db import SessionFactory
from borderpost.election import exclusive
from borderpost.errors import NotFound
from borderpost.reference import ReferenceState
from borderpost.screening import screener as screeners
from borderpost.screening.model import Watchlist, WatchlistVersion
from borderpost.screening.rescreen import RescreenReport, rescreen
from borderpost.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

RESCREEN_LOCK = "screening-rescreen"
# Crossings recorded a little before the import's time are re-screened too: the clocks of the
# importing and the recording processes may differ; a hit is never raised twice.
CLOCK_MARGIN = dt.timedelta(minutes=2)
_TOKEN = select(ReferenceState.token)


class Warmer:
    """Keeps this process's screening indexes built; ``refresh_once`` does one round."""

    def __init__(
        self,
        session_factory: SessionFactory,
        interval: float = 5.0,
        rescreen_days: int = 0,
        one_at_a_time: Callable[[], AbstractContextManager[None]] = contextlib.nullcontext,
    ) -> None:
        self.session_factory = session_factory
        # Every process builds its own indexes, but re-screens one at a time: a hit is looked
        # for before it is raised, so two processes re-screening together could raise it twice.
        self.one_at_a_time = one_at_a_time
        self.interval = interval
        # the catch-up of a new version also screens the crossings of the last days (what an
        # import through the API leaves to this thread instead of doing in the request)
        self.rescreen_days = rescreen_days
        self.token: str | None = None
        self.ready = threading.Event()  # set after the first successful round
        self.last_error: str | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._rescreened: set[uuid.UUID] = set()

    def start(self) -> None:
        screeners.set_background(True)
        self._thread = threading.Thread(target=self._run, name="screening-warmup", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            # A build in progress cannot be interrupted; the thread is a daemon and is left
            # to finish on its own rather than holding up the shutdown.
            self._thread.join(timeout=self.interval + 1)
        screeners.set_background(False)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.refresh_once()
                self.last_error = None
                self.ready.set()
            except Exception as exc:  # a failed round is retried; crossings then build themselves
                self.last_error = f"{type(exc).__name__}: {exc}"
                log.exception("screening warm-up failed, will retry")
            self._stop.wait(self.interval)

    def refresh_once(self) -> list[RescreenReport]:
        """Build what the current token needs, then catch up the new versions: screen
        against each the crossings recorded since its import."""
        stale = screeners.served_stale()
        with self.session_factory() as session:
            token = session.execute(_TOKEN).scalar_one()
            if token != self.token or stale:
                built = screeners.current(session.connection(), wait=True)
                screeners.remember(token, built)
                self.token = token
            # Active versions not caught up yet (persisted: a server that stopped before
            # catching up leaves the work to the next start), and those this process screened
            # without (another process may have caught them up before this one's booths
            # stopped using the previous version).
            pending = {
                version_id: (name, at)
                for version_id, name, at in session.execute(
                    select(WatchlistVersion.id, Watchlist.name, WatchlistVersion.imported_at)
                    .join(Watchlist, Watchlist.active_version_id == WatchlistVersion.id)
                    .where(
                        or_(
                            WatchlistVersion.caught_up_at.is_(None),
                            WatchlistVersion.id.in_(list(stale)),
                        )
                    )
                )
            }
        reports = []
        for version_id in set(stale) | set(pending):
            if version_id in pending:
                name, at = pending[version_id]
                try:
                    with self.one_at_a_time():
                        report = rescreen(
                            self.session_factory,
                            name,
                            0 if version_id in self._rescreened else self.rescreen_days,
                            actor="system:warmup",
                            recorded_since=at - CLOCK_MARGIN,
                        )
                except NotFound:  # the list is no longer active: nothing to screen against
                    pass
                else:
                    if report.crossings:
                        reports.append(report)
                    if report.alerts:
                        log.warning("re-screened after warm-up of %s: %s", name, report.to_dict())
            # Once more on the next round: a crossing that took the previous version just
            # before the new one was served may commit after this re-screening read the
            # crossings (a hit is never raised twice).
            if version_id in self._rescreened or version_id not in pending:
                self._rescreened.discard(version_id)
                screeners.forget_stale(version_id)
                if version_id in pending:
                    self._caught_up(version_id)
            else:
                self._rescreened.add(version_id)
        return reports

    def _caught_up(self, version_id: uuid.UUID) -> None:
        with UnitOfWork(self.session_factory, actor="system:warmup") as uow:
            version = uow.session.get(WatchlistVersion, version_id)
            if version is not None and version.caught_up_at is None:
                version.caught_up_at = clock.now()
            uow.commit()


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Runs a ``Warmer`` when the app owns its database (tests that bring their own do not)."""
    warmer = None
    if getattr(app.state, "owns_database", False):
        settings = app.state.settings
        warmer = Warmer(
            app.state.session_factory,
            settings.screening_refresh_seconds,
            rescreen_days=settings.rescreen_days,
            one_at_a_time=lambda: exclusive(
                settings.resolved_database_url, settings.home, RESCREEN_LOCK
            ),
        )
        warmer.start()
    app.state.screening_warmer = warmer
    try:
        yield
    finally:
        if warmer is not None:
            await run_in_threadpool(warmer.stop)
