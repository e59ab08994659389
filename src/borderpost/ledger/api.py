"""Serving each post's log as C2SP tlog-tiles, at ``/ledger/<POST>/``; public by design.

``checkpoint`` (the last signed checkpoint, ``text/plain; charset=utf-8``, cached briefly),
``tile/<L>/<N>[.p/<W>]`` and ``tile/entries/<N>[.p/<W>]`` (full tiles are immutable and cached
for a year), and ``vkey``: the verifier keys of the log, one a line. Observers and the public
read these without signing in: a leaf holds no personal data.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import JSONResponse

from borderpost.accounts.authz import public
from borderpost.accounts.bodies import SignInFirst
from borderpost.election import elected_while
from borderpost.ledger import appending, services
from borderpost.ledger.tlog.errors import LedgerError
from borderpost.ledger.tlog.tiles import Tile

router = APIRouter(prefix="/ledger/{code}", tags=["ledger"], route_class=SignInFirst)

IMMUTABLE = "public, max-age=31536000, immutable"
SHORT = "public, max-age=5"
TEXT = "text/plain; charset=utf-8"


def _not_found() -> Response:
    return Response(status_code=404, content="not found\n", media_type=TEXT)


def _read(request: Request, code: str, path: str) -> bytes | None:
    try:
        found = services.read_log(request.app.state.settings.home, code)
    except LedgerError:
        return None
    return found.read_path(path) if found is not None else None


@router.get("/checkpoint", dependencies=[public()])
def checkpoint(code: str, request: Request) -> Response:
    """The last signed checkpoint of the post's log."""
    data = _read(request, code, "checkpoint")
    if data is None:
        return _not_found()
    return Response(data, media_type=TEXT, headers={"Cache-Control": SHORT})


@router.get("/tile/{path:path}", dependencies=[public()])
def tile(code: str, path: str, request: Request) -> Response:
    """A hash tile or an entry bundle, as far as the last checkpoint reaches."""
    data = _read(request, code, f"tile/{path}")
    if data is None:
        return _not_found()
    full = not Tile.parse(f"tile/{path}").is_partial
    headers = {"Cache-Control": IMMUTABLE if full else SHORT}
    return Response(data, media_type="application/octet-stream", headers=headers)


def _vkeys(request: Request, code: str) -> list[str]:
    try:
        return services.vkeys(request.app.state.settings.home, code)
    except LedgerError:
        return []


@router.get("/vkey", dependencies=[public()])
def vkey(code: str, request: Request) -> Response:
    """The log's current verifier key (vkey string)."""
    keys = _vkeys(request, code)
    if not keys:
        return _not_found()
    return Response(keys[-1] + "\n", media_type=TEXT)


@router.get("/vkeys", dependencies=[public()])
def vkeys(code: str, request: Request) -> Response:
    """Every verifier key the log has had, one a line, oldest first."""
    keys = _vkeys(request, code)
    if not keys:
        return _not_found()
    return Response("".join(k + "\n" for k in keys), media_type=TEXT)


@router.get("/rotation/{number}", dependencies=[public()])
def rotation(code: str, number: int, request: Request) -> Response:
    """The ``number``-th key rotation statement (from 1), signed by the old and new keys."""
    from borderpost.ledger.rotation import read_statement

    try:
        data = read_statement(services.log_dir(request.app.state.settings.home, code), number)
    except LedgerError:
        data = None
    if data is None:
        return _not_found()
    return Response(data, media_type=TEXT, headers={"Cache-Control": IMMUTABLE})


def _latest_bulletin(code: str, request: Request) -> bytes | None:
    from borderpost.ledger.bulletins.services import latest_bulletin

    try:
        return latest_bulletin(request.app.state.settings.home, code)
    except LedgerError:
        return None


@router.get("/bulletin/latest", dependencies=[public()])
def bulletin_latest(code: str, request: Request) -> Response:
    """The post's latest statistics bulletin, a signed note bound to a checkpoint."""
    data = _latest_bulletin(code, request)
    if data is None:
        return _not_found()
    return Response(data, media_type=TEXT, headers={"Cache-Control": SHORT})


@router.get("/bulletin/latest.json", dependencies=[public()])
def bulletin_latest_json(code: str, request: Request) -> Response:
    """The latest bulletin as JSON, with the signed note it was read from."""
    from borderpost.ledger.bulletins.bulletin import parse_text
    from borderpost.ledger.tlog.note import parse_note

    data = _latest_bulletin(code, request)
    if data is None:
        return _not_found()
    body = {**parse_text(parse_note(data)[0]).to_json(), "note": data.decode("utf-8")}
    return JSONResponse(body, headers={"Cache-Control": SHORT})


def install(app: FastAPI, *, appender: bool) -> None:
    """Mount the routes; ``appender``: run the background appender in the app's lifespan."""
    from borderpost.ledger.attestations.api import router as attestations

    app.state.ledger_appender = appender
    app.include_router(router)
    app.include_router(attestations)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Runs the appender (every ``checkpoint_interval_seconds``) when the app owns its DB, in
    the one process of those sharing the database that holds the ``ledger-appender`` lock."""
    make = (lambda: _Term(app)) if getattr(app.state, "ledger_appender", False) else None
    async with elected_while(app.state.settings, APPENDER_JOB, make) as job:
        app.state.ledger_appender_job = job
        yield


APPENDER_JOB = "ledger-appender"


class _Term:
    """The appender of one term of the lock: its logs are closed when it ends, releasing the
    tile stores' writer locks for the process that takes over."""

    def __init__(self, app: FastAPI) -> None:
        settings = app.state.settings
        self.appender = appending.Appender(
            app.state.session_factory,
            settings.home,
            settings.checkpoint_interval_seconds,
            appending.witness_policy(settings),
            settings.ledger_daily_bulletin,
        )

    def start(self) -> None:
        self.appender.start()

    def stop(self) -> None:
        try:
            self.appender.stop()
        finally:
            services.close_logs(self.appender.home)
