"""The web application factory: ``create_app(settings)``; nothing is built at import time."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI
from fastapi_offline import FastAPIOffline
from sqlalchemy.orm import Session, sessionmaker

from borderpost import __version__, accesslog
from borderpost.accounts.api import router as accounts_router
from borderpost.accounts.throttle import Throttle
from borderpost.accounts.web import router as accounts_pages
from borderpost.api_support import install_error_handlers
from borderpost.audit.api import router as audit_router
from borderpost.audit.web import router as audit_pages
from borderpost.cargo.api import router as cargo_router
from borderpost.cargo.api import rules_router
from borderpost.cases import retention as cases_retention
from borderpost.cases.api import router as cases_router
from borderpost.cases.web import public_router as case_public_pages
from borderpost.cases.web import router as case_pages
from borderpost.config import Settings
from borderpost.crossings.api import router as crossings_router
from borderpost.crossings.web import router as booth_pages
from borderpost.db import make_engine, make_session_factory
from borderpost.documents.api import router as documents_router
from borderpost.exports.api import router as exports_router
from borderpost.inspections.api import router as inspections_router
from borderpost.inspections.web import post_router as inspection_queue_pages
from borderpost.inspections.web import router as inspection_pages
from borderpost.ledger.api import install as install_ledger
from borderpost.ledger.api import lifespan as ledger_lifespan
from borderpost.ledger.follow.api import lifespan as ledger_follow_lifespan
from borderpost.ledger.follow.api import router as ledger_follow_router
from borderpost.ledger.follow.web import router as ledger_follow_pages
from borderpost.ledger.web import router as ledger_pages
from borderpost.network.running import lifespan as network_lifespan
from borderpost.network.web import router as network_pages
from borderpost.organisations.api import router as organisations_router
from borderpost.parties.api import router as parties_router
from borderpost.posts.api import router as posts_router
from borderpost.posts.web import router as posts_pages
from borderpost.reports.access.web import router as access_pages
from borderpost.reports.api import router as reports_router
from borderpost.reports.web import router as reports_pages
from borderpost.retention.job import lifespan as retention_lifespan
from borderpost.retention.web import router as retention_pages
from borderpost.screening.api import router as screening_router
from borderpost.screening.warmup import lifespan as screening_lifespan
from borderpost.screening.web import router as screening_pages
from borderpost.sync.metrics import router as sync_metrics
from borderpost.sync.shipper import lifespan as sync_lifespan
from borderpost.sync.web import router as sync_pages
from borderpost.transit.api import router as transit_router
from borderpost.transit.web import router as transit_pages
from borderpost.web.setup import install as install_web

API_PREFIX = "/api/v1"


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """The background work of a node that owns its database: the ledger, the outbox, the
    screening indexes, the daily erasure."""
    async with (
        ledger_lifespan(app),
        sync_lifespan(app),
        screening_lifespan(app),
        ledger_follow_lifespan(app),
        network_lifespan(app),
        retention_lifespan(app),
    ):
        yield


def create_app(
    settings: Settings | None = None, session_factory: sessionmaker[Session] | None = None
) -> FastAPI:
    """Build the app for ``settings``; tests may pass their own session factory."""
    settings = settings or Settings()
    cases_retention.install()  # open cases hold their records; a person's cases are exported
    owns_database = session_factory is None  # tests bring their own: no background appender
    if session_factory is None:
        session_factory = make_session_factory(make_engine(settings.resolved_database_url))
    # Swagger UI and ReDoc are served from the package, so the docs work with the cable out.
    app = FastAPIOffline(
        title="Borderpost",
        version=__version__,
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=f"{API_PREFIX}/docs",
        redoc_url=f"{API_PREFIX}/redoc",
        static_url="/static/api-docs",
        lifespan=_lifespan,
    )
    app.state.settings = settings
    app.state.session_factory = session_factory
    app.state.owns_database = owns_database
    app.state.throttle = Throttle(settings)
    install_error_handlers(app)
    accesslog.install()  # no query string (a searched name, a plate) in the access log

    api = APIRouter(prefix=API_PREFIX)
    for router in (
        posts_router,
        organisations_router,
        crossings_router,
        reports_router,
        audit_router,
        accounts_router,
        cargo_router,
        rules_router,
        inspections_router,
        screening_router,
        documents_router,
        transit_router,
        ledger_follow_router,
        cases_router,
        parties_router,
        exports_router,
    ):
        api.include_router(router)
    app.include_router(api)
    install_ledger(app, appender=owns_database)  # /ledger/<POST>/: the public tlog-tiles
    # The web UI: sessions, static files and HTML error pages, then its pages ("/" is the
    # start page).
    install_web(app, settings)
    for router in (
        accounts_pages,
        posts_pages,
        booth_pages,
        reports_pages,
        access_pages,
        audit_pages,
        inspection_pages,
        inspection_queue_pages,
        screening_pages,
        transit_pages,
        ledger_pages,
        sync_pages,
        network_pages,
        ledger_follow_pages,
        case_pages,
        case_public_pages,
        sync_metrics,
        retention_pages,
    ):
        app.include_router(router)
    return app
