"""The web application factory: ``create_app(settings)``; nothing is built at import time."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from fastapi.responses import HTMLResponse
from fastapi_offline import FastAPIOffline
from sqlalchemy.orm import Session, sessionmaker

from borderpost import __version__
from borderpost.api_support import install_error_handlers
from borderpost.config import Settings
from borderpost.crossings.api import router as crossings_router
from borderpost.db import make_engine, make_session_factory
from borderpost.organisations.api import router as organisations_router
from borderpost.posts.api import router as posts_router
from borderpost.reports.api import router as reports_router

API_PREFIX = "/api/v1"


def create_app(
    settings: Settings | None = None, session_factory: sessionmaker[Session] | None = None
) -> FastAPI:
    """Build the app for ``settings``; tests may pass their own session factory."""
    settings = settings or Settings()
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
    )
    app.state.settings = settings
    app.state.session_factory = session_factory
    install_error_handlers(app)

    api = APIRouter(prefix=API_PREFIX)
    for router in (posts_router, organisations_router, crossings_router, reports_router):
        api.include_router(router)
    app.include_router(api)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def index() -> str:
        return (
            "<!doctype html><html lang=en><meta charset=utf-8><title>Borderpost</title>"
            "<h1>Borderpost</h1><ul>"
            f'<li><a href="{API_PREFIX}/docs">API documentation (Swagger UI)</a>'
            f'<li><a href="{API_PREFIX}/redoc">API documentation (ReDoc)</a>'
            f'<li><a href="{API_PREFIX}/posts">Posts (JSON)</a>'
            "</ul></html>"
        )

    return app
