"""How the web UI answers bad input and failures: problems at their fields, never JSON.

One mechanism for every HTML route (the JSON API under ``/api/`` and the ledger's files keep
their own answers):

- A page asked for with wrong query parameters (a malformed date, a choice not on the list,
  dates out of order) is rendered again without them, status 422, each problem next to its
  field: ``render`` passes ``request.scope[PROBLEMS]`` to the template as ``problems``, and
  the page shows ``problems[name]`` where the field ``name`` is (``_problems.html``).
- Anything else (a form post that cannot be read, an unknown record or page, a conflict, an
  unexpected failure) is the error page in the base layout, naming each field and its problem.

A form that re-renders itself with its problems (the booth, a closure) catches the domain
error in its route, as before; what it does not catch still ends here, as HTML.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import parse_qsl, urlencode

import anyio
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import PlainTextResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import Message

from borderpost.api_support import (
    domain_json,
    framework_answer,
    request_problems,
    validation_json,
)
from borderpost.errors import DomainError, FieldProblem
from borderpost.messages import N_
from borderpost.web.i18n import translations
from borderpost.web.templating import PROBLEMS, language_of, render

NOT_HTML = ("/api/", "/ledger/", "/static/")

# Pydantic's own messages name its types ("Input should be a valid date or datetime, month
# value is outside expected range"); the officer gets one sentence per kind, translated.
PYDANTIC_REASONS = {
    "missing": N_("is required"),
    "date_parsing": N_("write the date as YYYY-MM-DD"),
    "date_from_datetime_parsing": N_("write the date as YYYY-MM-DD"),
    "date_from_datetime_inexact": N_("write the date as YYYY-MM-DD"),
    "date_type": N_("write the date as YYYY-MM-DD"),
    "datetime_parsing": N_("write the date and time, YYYY-MM-DDTHH:MM"),
    "datetime_from_date_parsing": N_("write the date and time, YYYY-MM-DDTHH:MM"),
    "enum": N_("choose one of the values offered"),
    "literal_error": N_("choose one of the values offered"),
    "int_parsing": N_("write a whole number"),
    "int_type": N_("write a whole number"),
    "greater_than_equal": N_("is out of range"),
    "greater_than": N_("is out of range"),
    "less_than_equal": N_("is out of range"),
    "less_than": N_("is out of range"),
    "uuid_parsing": N_("is not a valid identifier"),
    "string_too_long": N_("is too long"),
    "string_too_short": N_("is required"),
}
TITLES = {
    400: N_("The request has problems"),
    403: N_("Not allowed"),
    404: N_("Not found"),
    405: N_("Not possible here"),
    409: N_("Not possible now"),
    422: N_("The input has problems"),
    500: N_("Something went wrong"),
}


def is_html(request: Request) -> bool:
    """Whether the path belongs to the web UI (not the API, the ledger's files or assets)."""
    return not request.url.path.startswith(NOT_HTML)


def _translate(request: Request, text: str) -> str:
    principal = getattr(request.state, "principal", None)
    return translations(language_of(request, principal)).gettext(text)


def field_problems(request: Request, problems: Iterable[FieldProblem]) -> dict[str, str]:
    """Field -> its first problem, in the user's language."""
    found: dict[str, str] = {}
    for problem in problems:
        found.setdefault(problem.field, _translate(request, problem.reason))
    return found


def at_fields(problems: dict[str, str], shown: Iterable[str], rest: str = "form") -> dict[str, str]:
    """``problems`` keyed by the fields a form shows; the others together under ``rest``,
    each with its field's name, so that none is lost."""
    names = set(shown)
    placed = {k: v for k, v in problems.items() if k in names}
    others = [f"{k}: {v}" for k, v in problems.items() if k not in names]
    if others:
        placed[rest] = "; ".join(others)
    return placed


def _validation_problems(request: Request, exc: RequestValidationError) -> dict[str, str]:
    problems = []
    for error, problem in zip(exc.errors(), request_problems(exc), strict=True):
        reason = PYDANTIC_REASONS.get(str(error.get("type")), problem.reason)
        problems.append(FieldProblem(problem.field, reason))
    return field_problems(request, problems)


def error_page(
    request: Request,
    status: int,
    message: str = "",
    problems: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """The error page in the base layout (a fragment for HTMX), in the user's language."""
    title = TITLES.get(status, TITLES[500 if status >= 500 else 400])
    context = {
        "title": _translate(request, title),
        "message": _translate(request, message) if message else "",
        "problems": problems or {},
    }
    return render(request, "error.html", context, status_code=status, headers=headers)


async def again_without(request: Request, problems: dict[str, str]) -> Response | None:
    """The same page asked for again without the query parameters that have problems, the
    problems shown at their fields; None when that cannot help (not a GET, a problem outside
    the query, or already asked again)."""
    params = parse_qsl(request.url.query, keep_blank_values=True)
    names = {name for name, _ in params}
    if request.method != "GET" or PROBLEMS in request.scope or not problems:
        return None
    if not set(problems) <= names:
        return None
    scope = dict(request.scope)
    scope["query_string"] = urlencode([(k, v) for k, v in params if k not in problems]).encode()
    scope[PROBLEMS] = problems
    started: Message = {}
    body = bytearray()

    asked = False

    async def receive() -> Message:
        # The (empty) body once; after it, wait as a client that stays connected does. A
        # streamed answer listens for the disconnect while it streams: answered at once,
        # that listener would spin and never let the stream run.
        nonlocal asked
        if asked:
            await anyio.sleep_forever()
        asked = True
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        nonlocal started
        if message["type"] == "http.response.start":
            started = message
        elif message["type"] == "http.response.body":
            body.extend(message.get("body", b""))

    await request.app(scope, receive, send)
    headers = list(started.get("headers", []))
    kind = dict(headers).get(b"content-type", b"")
    if not kind.startswith(b"text/html"):
        return None  # a download (CSV) is not given for other dates than asked: the error page
    response = Response(content=bytes(body), status_code=int(started.get("status", 500)))
    response.raw_headers = headers
    return response


def install(app: FastAPI) -> None:
    """The HTML answers; the API's JSON ones stay as ``api_support`` made them."""

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        if not is_html(request):
            return validation_json(exc)
        if any(tuple(e.get("loc", ()))[:1] == ("path",) for e in exc.errors()):
            # A malformed id in the address names no record.
            return error_page(request, 404, N_("There is no such page or record."))
        problems = _validation_problems(request, exc)
        again = await again_without(request, problems)
        return again or error_page(request, 422, problems=problems)

    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError) -> Response:
        if not is_html(request):
            return domain_json(exc)
        problems = field_problems(request, exc.problems)
        again = await again_without(request, problems) if exc.status == 422 else None
        message = "" if problems else exc.message
        return again or error_page(request, exc.status, message, problems)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if not is_html(request):
            return await framework_answer(request, exc)
        message = N_("There is no such page or record.") if exc.status_code == 404 else ""
        headers = dict(exc.headers) if exc.headers else None
        return error_page(request, exc.status_code, message, headers=headers)

    @app.exception_handler(Exception)
    async def _failure(request: Request, exc: Exception) -> Response:
        # Starlette raises it again after this answer, so the server logs its traceback for
        # the operator; the officer sees the layout, never code.
        if not is_html(request):
            return PlainTextResponse("Internal Server Error", status_code=500)
        return error_page(request, 500, N_("The failure has been logged; try again."))
