"""Every page of the web UI, walked from the app's route table, answers bad input in HTML.

For each HTML route (not the JSON API, not the ledger's files) a user of a role allowed there
asks with every query parameter malformed, empty or out of range in turn, and posts every
form (found on the pages walked) empty and with malformed values, with its CSRF token. The
answer is a page: text/html, no traceback, no JSON, never a 5xx; a 422 names the problem at
the field when the page has that field, and in the page's summary otherwise.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from tests.factories import command, make_post, person_crossing, vehicle_crossing
from tests.web_support import add_user, sign_in
from tests.web_support import make_app as _app

from borderpost.accounts.authz import Rule
from borderpost.accounts.model import ApiToken, Role, User
from borderpost.accounts.permissions import role_allows
from borderpost.cases.schemas import CaseCreate
from borderpost.cases.services import receive_case
from borderpost.crossings.services import record_crossing
from borderpost.posts.schemas import ClosureCreate
from borderpost.posts.services import close_post
from borderpost.transit import services as transit
from borderpost.transit.schemas import CorridorCreate
from borderpost.unit_of_work import UnitOfWork

Factory = sessionmaker[Session]
NOT_HTML = ("/api/", "/ledger/", "/static", "/metrics")
# Malformed, empty, out of range, too long, an MRZ where a name goes.
BAD_VALUES = ("not-valid<>", "", "-1", "9" * 20, "0001-01-01", "9999-12-31", "x" * 5000)
BAD_FORM_VALUES = ("<" * 89, "9999-99-99", "-1", "x" * 5000)
FRAMEWORK_ROUTES = {"/docs/oauth2-redirect"}  # Swagger UI's own, served by the framework
FIELD_TAGS = {"input", "select", "textarea", "button"}
NEVER_POSTED = {"/logout"}  # it would end the walk's own session


@dataclass
class Forms(HTMLParser):
    """The forms of the pages walked: where each posts, and the names of its fields."""

    found: dict[str, set[str]] = field(default_factory=dict)
    _current: set[str] | None = None

    def __post_init__(self) -> None:
        super().__init__()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        given = dict(attrs)
        if tag == "form":
            target = given.get("hx-post") or (
                given.get("action") if (given.get("method") or "").lower() == "post" else None
            )
            self._current = self.found.setdefault(target, set()) if target else None
        elif tag in FIELD_TAGS and self._current is not None and given.get("name"):
            self._current.add(str(given["name"]))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None


@dataclass(frozen=True)
class Page:
    method: str
    path: str
    dependant: Dependant
    rule: Rule


def html_routes(app: FastAPI) -> Iterator[Page]:
    for context in iter_route_contexts(app.routes):
        path = str(context.path)
        if not isinstance(context.original_route, APIRoute) or path.startswith(NOT_HTML):
            continue
        if path in FRAMEWORK_ROUTES:
            continue
        rules = [d.call for d in context.dependant.dependencies if isinstance(d.call, Rule)]
        for method in sorted(context.methods or []):
            yield Page(method, path, context.dependant, rules[0])


def role_for(rule: Rule) -> Role:
    if rule.permission is None:
        return Role.OFFICER
    return next(r for r in Role if role_allows(r, rule.permission))


def assert_html(response: Response, what: str) -> None:
    assert response.status_code < 500, f"{what}: {response.status_code}"
    if 300 <= response.status_code < 400:
        return  # a redirect to a page (sign-in, the start page)
    kind = response.headers.get("content-type", "")
    downloads = ("text/csv", "application/pdf", "image/svg+xml")
    if response.status_code < 300 and kind.startswith(downloads):
        return  # the value was acceptable, and this page is a download
    assert kind.startswith("text/html"), f"{what}: {kind} {response.text[:200]}"
    assert "Traceback" not in response.text, what
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.text)


@pytest.fixture
def seeded(session_factory: Factory) -> dict[str, str]:
    with UnitOfWork(session_factory, actor="test") as uow:
        make_post(uow, "P-A")
        make_post(uow, "P-B")
        person = record_crossing(uow, command(person_crossing("P-A"))).crossing
        truck = record_crossing(uow, command(vehicle_crossing("P-A"))).crossing
        closure = close_post(
            uow,
            "P-A",
            ClosureCreate(
                starts_at="2026-01-01T00:00:00Z",
                ends_at="2026-01-02T00:00:00Z",
                reason="walk",
                authority="test",
            ),
        )
        transit.add_corridor(
            uow,
            CorridorCreate(code="AB", name="A to B", post_a="P-A", post_b="P-B", deadline_hours=48),
        )
        case, _ = receive_case(
            uow,
            CaseCreate(kind="appeal", post="P-A", contact_name="walk", summary="walk"),
            lambda _post: True,
        )
        uow.commit()
    for role in Role:
        add_user(session_factory, f"walk.{role.value}", role, network=True)
    # The users' pages change this one, not a user the walk signs in with.
    add_user(session_factory, "walk.target", Role.OFFICER, ["P-A"])
    with session_factory() as session:
        tokens = select(ApiToken.id).join(User).where(User.name == "walk.target")
        token_id = session.scalars(tokens).one()
    return {
        "name": "walk.target",
        "token_id": str(token_id),
        "code": "P-A",
        "crossing_id": str(truck.id),
        "person_id": str(person.id),
        "closure_id": str(closure.id),
        "hit_id": str(uuid.uuid4()),
        "seizure_id": str(uuid.uuid4()),
        "case_id": str(case.id),
        "hold_id": str(uuid.uuid4()),
    }


def _path(page: Page, ids: dict[str, str]) -> str:
    path = page.path.replace("/corridors/{code}", "/corridors/AB")
    for name, value in ids.items():
        path = path.replace("{" + name + "}", value)
    assert "{" not in path, f"no value for a parameter of {page.path}"
    return path


def _shows_problem(response: Response, name: str) -> bool:
    return f'id="{name}-problem"' in response.text or (
        'class="error-summary"' in response.text and f'href="#{name}"' in response.text
    )


def test_every_html_route_answers_bad_input_with_a_page(
    session_factory: Factory, seeded: dict[str, str]
) -> None:
    app = _app(session_factory)
    forms = Forms()
    clients: dict[Role, tuple[TestClient, str]] = {}
    with TestClient(app) as anonymous:
        for role in Role:
            client = TestClient(app, raise_server_exceptions=False)
            clients[role] = (client, sign_in(client, f"walk.{role.value}"))
        walked = list(html_routes(app))
        # GET: every query parameter wrong in turn, the others left out.
        for page_route in walked:
            if page_route.method != "GET":
                continue
            client, _csrf = clients[role_for(page_route.rule)]
            path = _path(page_route, seeded)
            page = client.get(path)
            if page.headers.get("content-type", "").startswith("text/html"):
                forms.feed(page.text)
            for param in page_route.dependant.query_params:
                name = param.alias
                for value in BAD_VALUES:
                    what = f"GET {path}?{name}={value[:20]}"
                    response = client.get(path, params={name: value}, follow_redirects=False)
                    assert_html(response, what)
                    if response.status_code == 422:
                        has_field = f'name="{name}"' in page.text
                        assert not has_field or _shows_problem(response, name), what
        forms.feed(anonymous.get("/login").text)
        # POST: every form empty, then with each kind of malformed value in every field.
        for page_route in walked:
            if page_route.method != "POST" or page_route.path in NEVER_POSTED:
                continue
            client, csrf = clients[role_for(page_route.rule)]
            path = _path(page_route, seeded)
            body = {p.alias for p in page_route.dependant.body_params}
            fields = forms.found.get(path, set()) | body
            attempts = [{}] + [dict.fromkeys(fields, value) for value in BAD_FORM_VALUES]
            for form in attempts:
                what = f"POST {path} {sorted(form)[:6]}={next(iter(form.values()), '')[:20]!r}"
                data = {**form, "csrf_token": csrf}  # the form's own, however malformed the rest
                response = client.post(path, data=data, follow_redirects=False)
                assert_html(response, what)
                if response.status_code == 422:
                    assert re.search(r'class="problem"|id="[\w-]+-problem"', response.text), what
        for client, _csrf in clients.values():
            client.close()
    # The walk reached the pages it is about.
    paths = {p.path for p in walked}
    assert {"/reports", "/reports/access", "/audit", "/posts/{code}/crossings"} <= paths
    assert {"/users", "/users/{name}", "/users/{name}/access"} <= paths
    assert "/posts/P-A/booth" in forms.found


def test_a_problem_is_named_at_its_field_in_the_users_language(
    session_factory: Factory, seeded: dict[str, str]
) -> None:
    add_user(session_factory, "analyst.ru", Role.ANALYST, network=True, language="ru")
    with TestClient(_app(session_factory)) as client:
        sign_in(client, "analyst.ru")
        page = client.get("/reports", params={"from": "2026-13-45", "to": "2026-11-10"})
        unknown = client.get("/posts/NOWHERE/booth")
    assert page.status_code == 422
    assert 'id="from-problem"' in page.text
    assert "укажите дату в виде ГГГГ-ММ-ДД" in page.text
    assert "<h1>Сводный отчёт</h1>" in page.text  # the report page itself, in Russian
    assert unknown.headers["content-type"].startswith("text/html")
    assert unknown.status_code in {403, 404}


def test_an_unexpected_failure_is_a_page_without_code(session_factory: Factory) -> None:
    app = _app(session_factory)

    @app.get("/failing")
    @app.get("/api/v1/failing")
    def failing() -> None:
        raise RuntimeError("an internal detail")

    with TestClient(app, raise_server_exceptions=False) as client:
        page = client.get("/failing")
        api = client.get("/api/v1/failing")
    assert page.status_code == 500
    assert page.headers["content-type"].startswith("text/html")
    assert "Something went wrong" in page.text
    assert "an internal detail" not in page.text
    assert "Traceback" not in page.text
    assert api.status_code == 500
    assert not api.headers["content-type"].startswith("text/html")
