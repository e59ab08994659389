"""A request body the API cannot read is answered after the caller is signed in, never before.

FastAPI reads a route's JSON body before it runs the route's dependencies, so a malformed body
would be answered (with a parse error) before the route's rule (``authz.require``) asks who is
calling: anyone could learn which routes exist and take a body. Every API router is an
``APIRouter(route_class=SignInFirst)``: when the body cannot be read, an anonymous caller gets
the 401 every other anonymous request gets, and a signed-in one a 422 naming ``body`` and the
reason.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException  # what FastAPI raises, not its subclass

from borderpost.accounts.authz import NotSignedIn, current_principal
from borderpost.errors import InvalidInput, invalid
from borderpost.unit_of_work import UnitOfWork

Handler = Callable[[Request], Coroutine[Any, Any, Response]]


def _unreadable(exc: Exception) -> InvalidInput | None:
    """The problem with a body FastAPI could not read, or None for any other error."""
    if isinstance(exc, RequestValidationError):
        for error in exc.errors():
            if error.get("type") == "json_invalid":
                where = error.get("loc", ("body",))[-1]
                at = f" (at character {where})" if isinstance(where, int) else ""
                return invalid("body", f"is not valid JSON{at}")
        return None
    if isinstance(exc, HTTPException) and exc.status_code == 400:
        return invalid("body", "cannot be read: send JSON in UTF-8")
    return None


def _signed_in(request: Request) -> bool:
    with UnitOfWork(request.app.state.session_factory, actor="anonymous") as uow:
        return current_principal(request, uow) is not None


class SignInFirst(APIRoute):
    """The route class of every API router: its handler, guarded as the module says."""

    def get_route_handler(self) -> Handler:
        handler = super().get_route_handler()

        async def guarded(request: Request) -> Response:
            try:
                return await handler(request)
            except (RequestValidationError, HTTPException) as exc:
                problem = _unreadable(exc)
                if problem is None:
                    raise
                if not await run_in_threadpool(_signed_in, request):
                    raise NotSignedIn from exc
                raise problem from exc

        return guarded
