"""HTML routes for signing in and out, the home page and the user's language."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from borderpost.accounts import services, sessions
from borderpost.accounts.authz import Me, public, require, session_token, start_session
from borderpost.accounts.model import Role
from borderpost.accounts.permissions import Permission, Principal
from borderpost.accounts.throttle import Action, client_address, throttle_of
from borderpost.api_support import Uow
from borderpost.posts import repository as posts_repository
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
