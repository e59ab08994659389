"""Authentication and authorisation for every route, API and UI alike.

Each route carries exactly one rule, declared in its decorator:
``dependencies=[require(Permission.RECORD_CROSSING, post_from="body")]``. The rule signs the
request in (an API bearer token, or the UI's session cookie), checks the role's
permission and the post scope, and for cookie sessions the CSRF token of unsafe requests.
``tests/integration/accounts/test_authz_matrix.py`` walks every route and fails on one
without a rule.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from borderpost.accounts import services, sessions
from borderpost.accounts.permissions import Permission, Principal
from borderpost.api_support import Uow
from borderpost.errors import DomainError, FieldProblem
from borderpost.messages import N_, Message
from borderpost.unit_of_work import UnitOfWork

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
# The cookie key of the random token of the session's row in web_sessions.
SESSION_TOKEN = "sid"  # noqa: S105 - a key name, not a secret
SESSION_CSRF = "csrf"

# Finds the post through another record that the route's path names (a crossing's id): it is
# given the unit of work and the path parameters, and returns the post's code.
PostResolver = Callable[[UnitOfWork, Mapping[str, Any]], str | None]
PostFrom = Literal["path", "query", "body", "form", "network"] | PostResolver | None


class NotSignedIn(DomainError):
    """No valid token or session: 401 for the API, a redirect to the login page for the UI."""

    status = 401

    def __init__(self) -> None:
        reason = "sign in first: a session or an API token (Authorization: Bearer)"
        super().__init__(reason, [FieldProblem("authorization", reason)])


class Forbidden(DomainError):
    """Signed in, but not allowed: 403, naming what refused it (the caller's role by default,
    the post of the request, the form's CSRF token)."""

    status = 403

    def __init__(self, message: str, field: str = "authorization") -> None:
        super().__init__(message, [FieldProblem(field, message)])


def csrf_token(request: Request) -> str:
    """The session's CSRF token, made on first use; forms and HTMX send it back."""
    token = request.session.get(SESSION_CSRF)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(24)
        request.session[SESSION_CSRF] = token
    return token


def current_principal(request: Request, uow: Uow) -> Principal | None:
    """Who the request acts as, or None; the unit of work records them as its actor."""
    if hasattr(request.state, "principal"):
        cached: Principal | None = request.state.principal
        return cached
    principal = None
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token:
        principal = services.principal_for_token(uow, token.strip())
    elif "session" in request.scope:
        principal = _session_principal(request)
    request.state.principal = principal
    if principal is not None:
        uow.actor = principal.name
    return principal


def _session_principal(request: Request) -> Principal | None:
    token = request.session.get(SESSION_TOKEN)
    if not isinstance(token, str):
        return None
    settings = request.app.state.settings
    principal = sessions.principal_for_session(
        request.app.state.session_factory,
        token,
        hours=settings.session_hours,
        idle_minutes=settings.session_idle_minutes,
    )
    if principal is None:
        request.session.clear()  # ended, expired or unknown: the cookie is dropped too
    return principal


def start_session(request: Request, token: str) -> None:
    """The cookie of a new session (``sessions.start_session`` made its row): nothing of the
    anonymous one is kept, a new CSRF token."""
    request.session.clear()
    request.session[SESSION_TOKEN] = token
    request.session[SESSION_CSRF] = secrets.token_urlsafe(24)


def session_token(request: Request) -> str | None:
    token = request.session.get(SESSION_TOKEN) if "session" in request.scope else None
    return token if isinstance(token, str) else None


OptionalPrincipal = Annotated[Principal | None, Depends(current_principal)]


def signed_in(principal: OptionalPrincipal) -> Principal:
    """For handlers: the principal their rule already admitted."""
    if principal is None:
        raise NotSignedIn
    return principal


Me = Annotated[Principal, Depends(signed_in)]


@dataclass(frozen=True)
class Rule:
    """A route's rule: who may call it (None: anyone signed in) and where its post comes from."""

    permission: Permission | None
    post_from: PostFrom = None
    field: str = "post"
    public: bool = False
    # A page for one post at a time: a user scoped to one post who names none means theirs
    # (the handler reads ``Principal.only_post`` the same way).
    own_post: bool = False

    async def __call__(
        self, request: Request, uow: Uow, principal: OptionalPrincipal
    ) -> Principal | None:
        if principal is None and not self.public:
            raise NotSignedIn
        # Cookies ride along on forged cross-site requests; bearer tokens do not.
        by_cookie = principal is None or principal.via == "session"
        if request.method not in SAFE_METHODS and by_cookie and "session" in request.scope:
            await _check_csrf(request)
        if self.public or principal is None:
            return principal
        if self.permission is not None and not principal.can(self.permission):
            raise Forbidden(
                Message(
                    "the {role} role may not {permission}",
                    role=Message.of(principal.role.value),
                    permission=self.permission.value,
                )
            )
        if self.post_from is not None:
            post = await self._post(request, uow)
            if post is None and self.own_post:
                post = principal.only_post
            if not principal.covers(post):
                where = Message("post {post}", post=post) if post else Message("every post")
                scope = N_("{where} is outside the scope of {name}")
                raise Forbidden(Message(scope, where=where, name=principal.name), self.field)
        return principal

    async def _post(self, request: Request, uow: UnitOfWork) -> str | None:
        source = self.post_from
        value: Any = None
        if source == "path":
            value = request.path_params.get(self.field)
        elif source == "query":
            value = request.query_params.get(self.field) or None
        elif source == "body":
            try:
                body = await request.json()
            except ValueError:
                body = None
            value = body.get(self.field) if isinstance(body, dict) else None
        elif source == "form":
            value = (await request.form()).get(self.field) or None
        elif callable(source):
            value = await run_in_threadpool(source, uow, request.path_params)
        return str(value).strip() if value is not None else None


async def _check_csrf(request: Request) -> None:
    expected = request.session.get(SESSION_CSRF)
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        field = (await request.form()).get(CSRF_FIELD)
        sent = field if isinstance(field, str) else None
    if not isinstance(expected, str) or not sent or not secrets.compare_digest(expected, sent):
        raise Forbidden("the form has expired: reload the page and try again", CSRF_FIELD)


def require(
    permission: Permission | None,
    post_from: PostFrom = None,
    field: str = "post",
    own_post: bool = False,
) -> Any:
    """The one rule of a route: ``dependencies=[require(Permission.X, post_from="path")]``.

    ``post_from`` says where the post in question is read: a path, query, body or form field
    named ``field`` (absent means every post, so network scope), ``"network"`` (network scope
    always), a ``PostResolver`` of the path parameters, or None when the data is not per post.
    ``own_post``: an absent post means the user's own when they are scoped to one.
    """
    return Depends(Rule(permission, post_from, field, own_post=own_post))


def public() -> Any:
    """For the login page and the like: no sign-in needed."""
    return Depends(Rule(None, public=True))
