"""HTML routes for signing in and out, the home page, the user's language, and the users'
pages of an admin (list, add, change role and scope, disable and enable, new password, API
tokens)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from borderpost.accounts import services, sessions
from borderpost.accounts.authz import Me, public, require, session_token, start_session
from borderpost.accounts.model import Role
from borderpost.accounts.permissions import Permission, Principal
from borderpost.accounts.schemas import PasswordSet, UserAccess, UserCreate
from borderpost.accounts.throttle import Action, client_address, throttle_of
from borderpost.api_support import Uow
from borderpost.errors import DomainError
from borderpost.posts import repository as posts_repository
from borderpost.schemas import problems_from
from borderpost.web.errors import at_fields, field_problems
from borderpost.web.i18n import LANGUAGES
from borderpost.web.templating import render

router = APIRouter(include_in_schema=False)


MAX_NEXT = 2000  # characters of a path and query to go back to


def _safe_next(target: str | None) -> str:
    # Only a path on this site: an open redirect would make the login page a phishing aid.
    # Browsers read "/\\host" as "//host" and drop tabs and line breaks, so neither passes.
    if (
        target
        and len(target) <= MAX_NEXT
        and target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
        and target.isprintable()
    ):
        return target
    return "/"


@router.get("/login", dependencies=[public()])
def login_page(request: Request, next: str | None = None) -> Response:
    return render(request, "accounts/login.html", {"next": _safe_next(next), "problems": {}})


@router.post("/login", dependencies=[public()])
def login(
    request: Request,
    uow: Uow,
    name: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    # Failures alone count, per client address; past the limit nothing is checked at all.
    throttle, address = throttle_of(request), client_address(request)
    throttle.check(Action.SIGN_IN, address)
    try:
        user = services.sign_in(uow, name.strip(), password)
    except services.LoginRefused as exc:
        throttle.spend(Action.SIGN_IN, address)
        uow.commit()  # the failure counts towards the lock-out, and is audited
        problems = {p.field: p.reason for p in exc.problems}
        context = {"next": _safe_next(next), "problems": problems, "name": name}
        return render(request, "accounts/login.html", context, status_code=401)
    uow.actor = user.name  # the session's row is audited as theirs
    settings = request.app.state.settings
    token = sessions.start_session(
        uow,
        user,
        address,
        hours=settings.session_hours,
        idle_minutes=settings.session_idle_minutes,
    )
    uow.commit()
    start_session(request, token)
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout", dependencies=[require(None)])
def logout(request: Request, uow: Uow) -> Response:
    token = session_token(request)
    if token is not None:
        sessions.end_session(uow, token)  # a copy of the cookie is worth nothing after this
        uow.commit()
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


def home_of(me: Principal, post_codes: list[str]) -> str:
    """Where each role starts its day."""
    if me.role is Role.OBSERVER:
        return "/observer"
    if me.role is Role.ANALYST:
        return "/reports"
    mine = me.visible_posts(post_codes)
    if me.can(Permission.RECORD_CROSSING) and me.role is not Role.ADMIN and len(mine) == 1:
        return f"/posts/{mine[0]}/booth"
    return "/posts"


@router.get("/", dependencies=[require(None)])
def home(me: Me, uow: Uow) -> Response:
    codes = [p.code for p in posts_repository.all_posts(uow.session)]
    return RedirectResponse(home_of(me, codes), status_code=303)


@router.post("/account/language", dependencies=[require(None)])
def set_language(
    request: Request,
    me: Me,
    uow: Uow,
    language: Annotated[str, Form()],
    back: Annotated[str, Form()] = "/",
) -> Response:
    if language in LANGUAGES:
        services.set_language(uow, me.name, language)
        uow.commit()
    return RedirectResponse(_safe_next(back), status_code=303)


# Users are managed from the whole network's view: an admin scoped to some posts could
# otherwise give someone (or themselves, through a new account) every post.
MANAGE = require(Permission.MANAGE_USERS, post_from="network")
# The fields each page shows its problems at; any other problem shows above the page.
NEW_USER_FIELDS = ("name", "role", "posts", "network", "language", "password")
USER_FIELDS = ("role", "posts", "network", "password", "token_id")


def _problems(
    request: Request, exc: ValidationError | DomainError, shown: tuple[str, ...] = USER_FIELDS
) -> dict[str, str]:
    found = problems_from(exc.errors()) if isinstance(exc, ValidationError) else exc.problems
    problems = field_problems(request, found)
    if not problems and isinstance(exc, DomainError):
        problems = {"form": exc.message}
    return at_fields(problems, shown)


def _user_url(name: str, done: str) -> str:
    return f"/users/{quote(name, safe='')}?done={done}"


@router.get("/users", dependencies=[MANAGE])
def users_page(request: Request, uow: Uow) -> Response:
    context = {"users": services.list_users(uow), "seen": services.last_sign_ins(uow)}
    return render(request, "accounts/users.html", context)


def _new_page(
    request: Request, uow: Uow, form: dict[str, Any], problems: dict[str, str], status: int = 200
) -> Response:
    context = {
        "form": form,
        "problems": problems,
        "roles": list(Role),
        "all_posts": posts_repository.all_posts(uow.session),
    }
    return render(request, "accounts/new_user.html", context, status_code=status)


@router.get("/users/new", dependencies=[MANAGE])
def new_user_page(request: Request, uow: Uow) -> Response:
    return _new_page(request, uow, {"role": Role.OFFICER.value, "language": "en"}, {})


@router.post("/users", dependencies=[MANAGE])
def add_user(
    request: Request,
    uow: Uow,
    name: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "",
    posts: Annotated[list[str], Form()] = [],  # noqa: B006 - FastAPI copies the default
    network: Annotated[str, Form()] = "",
    language: Annotated[str, Form()] = "en",
    password: Annotated[str, Form()] = "",
) -> Response:
    """A new user with an initial password; on a problem the form again, nothing written."""
    form = {"name": name, "role": role, "posts": posts, "network": network, "language": language}
    try:
        data = UserCreate.model_validate(
            {
                "name": name,
                "role": role,
                "posts": [p for p in posts if p.strip()],
                "network": bool(network),
                "language": language,
                "password": password,
            }
        )
        services.add_user(uow, data)
        uow.commit()
    except (ValidationError, DomainError) as exc:
        problems = _problems(request, exc, NEW_USER_FIELDS)
        return _new_page(request, uow, form, problems, status=_status(exc))
    return RedirectResponse(_user_url(data.name, "added"), status_code=303)


def _status(exc: ValidationError | DomainError) -> int:
    return exc.status if isinstance(exc, DomainError) else 422


def _user_page(
    request: Request,
    uow: Uow,
    name: str,
    *,
    done: str = "",
    problems: dict[str, str] | None = None,
    new_token: str | None = None,
    status: int = 200,
) -> Response:
    user = services.get_user(uow, name)
    context = {
        "user": user,
        "tokens": services.tokens_of(uow, name),
        "seen": services.last_sign_ins(uow).get(user.name),
        "roles": list(Role),
        "all_posts": posts_repository.all_posts(uow.session),
        "done": done,
        "problems": problems or {},
        "new_token": new_token,
    }
    # A token shown once must not stay in a cache either.
    headers = {"Cache-Control": "no-store"} if new_token else None
    return render(request, "accounts/user.html", context, status_code=status, headers=headers)


@router.get("/users/{name}", dependencies=[MANAGE])
def user_page(request: Request, uow: Uow, name: str, done: str = "") -> Response:
    return _user_page(request, uow, name, done=done)


def _change(request: Request, uow: Uow, name: str, done: str, change: Any) -> Response:
    """Run ``change`` (one use case), commit, back to the user's page; or the page with the
    problems at their fields, nothing written."""
    try:
        change()
        uow.commit()
    except (ValidationError, DomainError) as exc:
        uow.rollback()
        problems = _problems(request, exc)
        return _user_page(request, uow, name, problems=problems, status=_status(exc))
    return RedirectResponse(_user_url(name, done), status_code=303)


@router.post("/users/{name}/access", dependencies=[MANAGE])
def change_access(
    request: Request,
    uow: Uow,
    name: str,
    role: Annotated[str, Form()] = "",
    posts: Annotated[list[str], Form()] = [],  # noqa: B006 - FastAPI copies the default
    network: Annotated[str, Form()] = "",
) -> Response:
    def change() -> None:
        wanted = [p for p in posts if p.strip()]
        data = UserAccess.model_validate({"role": role, "posts": wanted, "network": bool(network)})
        services.change_access(uow, name, data)

    return _change(request, uow, name, "access", change)


@router.post("/users/{name}/disable", dependencies=[MANAGE])
def disable_user(request: Request, uow: Uow, name: str) -> Response:
    return _change(request, uow, name, "disabled", lambda: services.disable_user(uow, name))


@router.post("/users/{name}/enable", dependencies=[MANAGE])
def enable_user(request: Request, uow: Uow, name: str) -> Response:
    return _change(request, uow, name, "enabled", lambda: services.enable_user(uow, name))


@router.post("/users/{name}/password", dependencies=[MANAGE])
def set_password(
    request: Request, uow: Uow, name: str, password: Annotated[str, Form()] = ""
) -> Response:
    def change() -> None:
        services.set_password(uow, name, PasswordSet(password=password).password)

    return _change(request, uow, name, "password", change)


@router.post("/users/{name}/tokens", dependencies=[MANAGE])
def issue_token(request: Request, uow: Uow, name: str) -> Response:
    """A new API token, shown on this answer only (its hash is all that is kept)."""
    try:
        token = services.issue_token(uow, name)
        uow.commit()
    except DomainError as exc:
        uow.rollback()
        problems = _problems(request, exc)
        return _user_page(request, uow, name, problems=problems, status=exc.status)
    return _user_page(request, uow, name, new_token=token)


@router.post("/users/{name}/tokens/{token_id}/revoke", dependencies=[MANAGE])
def revoke_token(request: Request, uow: Uow, name: str, token_id: uuid.UUID) -> Response:
    change = lambda: services.revoke_token_of(uow, name, token_id)  # noqa: E731
    return _change(request, uow, name, "revoked", change)
