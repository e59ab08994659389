"""What every JSON route shares: the unit of work dependency and the error mapping."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Annotated

from fastapi import Depends, FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException

from borderpost.errors import DomainError, FieldProblem
from borderpost.schemas import problems_from
from borderpost.unit_of_work import UnitOfWork


def get_uow(request: Request) -> Iterator[UnitOfWork]:
    """A unit of work per request; the route's service decides, the route commits."""
    # The route's rule (borderpost.accounts.authz) names the actor once it has signed them in.
    client = request.client.host if request.client else None
    settings = request.app.state.settings
    with UnitOfWork(
        request.app.state.session_factory,
        actor="anonymous",
        client=client,
        home=settings.home,
        cargo_random_share=settings.cargo_random_share,
    ) as uow:
        yield uow


Uow = Annotated[UnitOfWork, Depends(get_uow)]


API_PATHS = "/api/"


def _answer(
    status: int, problems: list[FieldProblem], headers: Mapping[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(
        status_code=status,
        content={
            "detail": "; ".join(f"{p.field}: {p.reason}" for p in problems),
            "problems": [p.to_dict() for p in problems],
        },
        headers=headers,
    )


def domain_json(exc: DomainError) -> JSONResponse:
    """A domain error as the API answers it: the message and each field's problem."""
    return JSONResponse(
        status_code=exc.status,
        content={"detail": exc.message, "problems": [p.to_dict() for p in exc.problems]},
        headers={"WWW-Authenticate": "Bearer"} if exc.status == 401 else None,
    )


def request_problems(exc: RequestValidationError) -> list[FieldProblem]:
    """Bad input as field problems, without FastAPI's prefix (body, query, path)."""
    problems = []
    for error in exc.errors():
        # FastAPI prefixes the place the value came from: body, query, path.
        loc = tuple(error.get("loc", ()))
        strip = 1 if loc and loc[0] in {"body", "query", "path", "header"} else 0
        problems.extend(problems_from([error], strip=strip))
    return problems


def validation_json(exc: RequestValidationError) -> JSONResponse:
    return _answer(422, request_problems(exc))


def _framework_problem(request: Request, exc: HTTPException) -> FieldProblem | None:
    """The part of the request at fault when Starlette or FastAPI refused it themselves: the
    method (405) or path (404) routing found nothing for, or a body it could not parse (400)."""
    if exc.status_code == 405:
        return FieldProblem("method", f"{request.method} is not allowed here")
    if exc.status_code == 404:
        return FieldProblem("path", "there is no such resource")
    if exc.status_code == 400:
        return FieldProblem("body", f"cannot be read: {exc.detail}")
    return None


async def framework_answer(request: Request, exc: HTTPException) -> Response:
    """Starlette and FastAPI answer an unknown path or method and an unreadable body with a
    bare {"detail"}; under /api/ the answer names the field like every other error."""
    problem = _framework_problem(request, exc)
    if problem is None or not request.url.path.startswith(API_PATHS):
        return await http_exception_handler(request, exc)
    return _answer(exc.status_code, [problem], headers=exc.headers)


def install_error_handlers(app: FastAPI) -> None:
    """Domain errors and bad input become JSON naming the field and the reason (the web UI's
    handlers, ``borderpost.web.errors``, take over for its own pages)."""

    @app.exception_handler(DomainError)
    async def _domain(_request: Request, exc: DomainError) -> JSONResponse:
        return domain_json(exc)

    @app.exception_handler(HTTPException)
    async def _framework(request: Request, exc: HTTPException) -> Response:
        return await framework_answer(request, exc)

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return validation_json(exc)
