"""Wiring the web UI into the app: sessions, security headers, static files and HTML error
pages."""

from __future__ import annotations

import secrets
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from borderpost.accounts.authz import Forbidden, NotSignedIn
from borderpost.accounts.throttle import TooManyRequests
from borderpost.api_support import domain_json
from borderpost.config import Settings
from borderpost.messages import N_
from borderpost.web.errors import error_page
from borderpost.web.errors import install as install_errors
from borderpost.web.headers import SecurityHeaders

API_PREFIX = "/api/"
STATIC_DIR = Path(__file__).parent / "static"


def secret_key(settings: Settings) -> str:
    """The key that signs session cookies: configured, or kept in the home folder."""
    if settings.secret_key:
        return settings.secret_key
    path = settings.home / "secret.key"
    if path.is_file():
        return path.read_text().strip()
    key = secrets.token_urlsafe(48)
    if settings.home.is_dir():
        path.write_text(key)
        path.chmod(0o600)
    # Without a home folder (a test app) the key lives as long as the process.
    return key


def install(app: FastAPI, settings: Settings) -> None:
    """Sessions, security headers, static files and HTML error pages; ``app.py`` registers
    the pages' routers."""
    app.add_middleware(
        SessionMiddleware,
        secret_key=secret_key(settings),
        session_cookie="borderpost_session",
        max_age=int(settings.session_hours * 3600),
        same_site="strict",
        https_only=settings.secure_cookies,
    )
    app.add_middleware(SecurityHeaders)  # outside the sessions: on every answer
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    install_errors(app)  # every other error of a page: at its field, or the error page

    @app.exception_handler(NotSignedIn)
    async def _not_signed_in(request: Request, exc: NotSignedIn) -> Response:
        if request.url.path.startswith(API_PREFIX):
            return domain_json(exc)
        target = quote(request.url.path)
        if request.headers.get("hx-request") == "true":
            return Response(status_code=401, headers={"HX-Redirect": f"/login?next={target}"})
        return RedirectResponse(f"/login?next={target}", status_code=303)

    @app.exception_handler(Forbidden)
    async def _forbidden(request: Request, exc: Forbidden) -> Response:
        if request.url.path.startswith(API_PREFIX):
            return domain_json(exc)
        return error_page(request, 403, exc.message)

    @app.exception_handler(TooManyRequests)
    async def _too_many(request: Request, exc: TooManyRequests) -> Response:
        headers = {"Retry-After": str(exc.retry_after)}
        if request.url.path.startswith(API_PREFIX):
            response = domain_json(exc)
            response.headers.update(headers)
            return response
        message = N_("Too many attempts. Wait a minute and try again.")
        return error_page(request, 429, message, headers=headers)
