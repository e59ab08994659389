"""Jinja2 templates with one environment per language (gettext bound per environment)."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape

from borderpost.accounts.authz import csrf_token
from borderpost.accounts.permissions import Permission, Principal
from borderpost.csvfile import Cell, csv_text
from borderpost.web.i18n import LANGUAGES, pick_language, translations
from borderpost.web.messages import localise, stored_text

# The scope key of the problems of a page asked for again (set by borderpost.web.errors).
PROBLEMS = "borderpost.problems"


def _local(moment: dt.datetime | str | None, zone: str = "UTC", fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A moment in ``zone``'s local time; reports carry theirs as ISO 8601 text."""
    if moment is None:
        return ""
    if isinstance(moment, str):
        moment = dt.datetime.fromisoformat(moment)
    return moment.astimezone(ZoneInfo(zone)).strftime(fmt)


@functools.cache
def environment(language: str) -> Environment:
    catalogue = translations(language)
    env = Environment(
        loader=PackageLoader("borderpost", "templates"),
        autoescape=select_autoescape(["html", "svg"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        # Server messages (``borderpost.messages.Message``) print in the reader's language.
        finalize=lambda value: localise(value, catalogue),
    )
    env.install_gettext_translations(catalogue, newstyle=True)  # type: ignore[attr-defined]
    env.filters["local"] = _local
    # Reasons and explanations stored in English, shown in the reader's language.
    env.filters["stored"] = lambda text: stored_text(text, catalogue)
    env.globals["LANGUAGES"] = LANGUAGES
    env.globals["Permission"] = Permission
    return env


def language_of(request: Request, principal: Principal | None) -> str:
    if principal is not None:
        return pick_language(principal.language)
    return pick_language(request.cookies.get("lang"), request.headers.get("accept-language", ""))


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
    language: str | None = None,
) -> HTMLResponse:
    """Render ``template`` in ``language``, else that of the signed-in user (or of the
    browser)."""
    principal: Principal | None = getattr(request.state, "principal", None)
    lang = pick_language(language) if language else language_of(request, principal)
    # A page asked for again without its bad query parameters (borderpost.web.errors) shows
    # their problems at the fields; the route's own problems come first.
    again: dict[str, str] | None = request.scope.get(PROBLEMS)
    if again:
        context = {**(context or {})}
        context["problems"] = {**again, **(context.get("problems") or {})}
        context["again_problems"] = again  # also summed up above the page (base.html)
        status_code = 422 if status_code < 400 else status_code
    data = {
        "problems": {},
        "request": request,
        "me": principal,
        "lang": lang,
        "csrf": csrf_token(request) if "session" in request.scope else "",
        "htmx": request.headers.get("hx-request") == "true",
        **(context or {}),
    }
    html = environment(lang).get_template(template).render(data)
    return HTMLResponse(html, status_code=status_code, headers=headers)


def csv_download(header: Sequence[str], rows: Iterable[Sequence[Cell]], name: str) -> Response:
    """A CSV file the browser saves as ``name``, written by the one CSV writer (``csvfile``)."""
    return Response(
        csv_text(header, rows),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
