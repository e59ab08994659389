"""Every route, every role, in scope and out of scope: the rule decides, and every route has one.

The matrix is generated from ``app.routes``: a new route without a rule fails
``test_every_route_has_exactly_one_rule``, and the expected outcome of each cell is derived
from the rule and the role table, then checked against the real app over HTTP.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker
from tests.factories import command, make_post, person_crossing
from tests.web_support import add_user, bearer
from tests.web_support import make_app as _app

from borderpost.accounts.authz import Rule
from borderpost.accounts.model import Role
from borderpost.accounts.permissions import role_allows
from borderpost.cases.schemas import CaseCreate
from borderpost.cases.services import receive_case
from borderpost.crossings.services import record_crossing
from borderpost.posts.schemas import ClosureCreate
from borderpost.posts.services import close_post
from borderpost.retention import holds
from borderpost.unit_of_work import UnitOfWork

Factory = sessionmaker[Session]
# Served by the framework, not by us: the API's own documentation and static files.
FRAMEWORK_ROUTES = {
    "/api/v1/openapi.json",
    "/api/v1/docs",
    "/api/v1/redoc",
    "/docs/oauth2-redirect",
    "/static",
    "/static/api-docs",
}


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    rule: Rule


def endpoints(app: FastAPI) -> Iterator[Endpoint]:
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if not isinstance(route, APIRoute):
            assert context.path in FRAMEWORK_ROUTES, f"{context.path} is not an APIRoute"
            continue
        if context.path in FRAMEWORK_ROUTES:
            continue
        rules = [d.call for d in context.dependant.dependencies if isinstance(d.call, Rule)]
        assert len(rules) == 1, (
            f"{sorted(context.methods or [])} {context.path}: {len(rules)} rules"
        )
        for method in sorted(context.methods or []):
            yield Endpoint(method, str(context.path), rules[0])


def test_every_route_has_exactly_one_rule() -> None:
    found = list(endpoints(_app()))
    assert len(found) > 30
    assert {e.path for e in found} >= {"/api/v1/crossings", "/posts/{code}/booth", "/observer"}


@dataclass(frozen=True)
class Subject:
    role: Role
    scope: str  # "in": the post asked about, "out": another post, "network": every post
    token: str


def _expected(endpoint: Endpoint, subject: Subject) -> bool:
    rule = endpoint.rule
    if rule.public or rule.permission is None:
        return True
    if not role_allows(subject.role, rule.permission):
        return False
    if rule.post_from is None:
        return True
    if rule.post_from == "network":
        return subject.scope == "network"
    return subject.scope in {"in", "network"}


def _request(client: TestClient, endpoint: Endpoint, ids: dict[str, str], token: str | None):  # type: ignore[no-untyped-def]
    path = endpoint.path
    for name, value in ids.items():
        path = path.replace("{" + name + "}", value)
    headers = bearer(token) if token else {}
    params = {"post": "P-A"}
    if endpoint.method == "GET":
        return client.get(path, params=params, headers=headers, follow_redirects=False)
    if path.startswith("/api/"):
        body = {"post": "P-A", "code": "P-A"}
        return client.post(path, params=params, json=body, headers=headers, follow_redirects=False)
    form = {"post": "P-A", "code": "P-A", "language": "en"}
    return client.post(path, params=params, data=form, headers=headers, follow_redirects=False)


def test_role_by_route_matrix(session_factory: Factory) -> None:
    with UnitOfWork(session_factory) as uow:
        make_post(uow, "P-A")
        make_post(uow, "P-B")
        crossing = record_crossing(uow, command(person_crossing("P-A"))).crossing
        closure = close_post(
            uow,
            "P-A",
            ClosureCreate(
                starts_at="2026-01-01T00:00:00Z",
                ends_at="2026-01-02T00:00:00Z",
                reason="matrix",
                authority="test",
            ),
        )
        case, _ = receive_case(
            uow,
            CaseCreate(kind="inquiry", post="P-A", contact_name="matrix", summary="matrix"),
            lambda _post: True,
        )
        hold = holds.place(uow, crossing.id, "matrix")
        uow.commit()
    ids = {
        "code": "P-A",
        "crossing_id": str(crossing.id),
        "closure_id": str(closure.id),
        "case_id": str(case.id),
        "fmt": "csv",
        "hold_id": str(hold.id),
    }
    subjects = []
    for role in Role:
        for scope, posts in (("in", ["P-A"]), ("out", ["P-B"]), ("network", [])):
            token = add_user(session_factory, f"{role.value}-{scope}", role, posts, not posts)
            subjects.append(Subject(role, scope, token))

    app = _app(session_factory)
    wrong: list[str] = []
    with TestClient(app) as client:
        for endpoint in endpoints(app):
            anonymous = _request(client, endpoint, ids, None)
            if not endpoint.rule.public and anonymous.status_code not in {401, 303}:
                wrong.append(f"anonymous {endpoint}: {anonymous.status_code}")
            for subject in subjects:
                response = _request(client, endpoint, ids, subject.token)
                allowed = _expected(endpoint, subject)
                # A public route may answer 401 for its own reasons (a wrong password).
                refused = {403} if endpoint.rule.public else {401, 403}
                if allowed and response.status_code in refused:
                    wrong.append(
                        f"{subject.role}/{subject.scope} refused {endpoint.method} "
                        f"{endpoint.path}: {response.status_code} {response.text[:200]}"
                    )
                if not allowed and response.status_code != 403:
                    wrong.append(
                        f"{subject.role}/{subject.scope} allowed {endpoint.method} "
                        f"{endpoint.path}: {response.status_code}"
                    )
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("role", [Role.OBSERVER, Role.ANALYST])
def test_roles_without_record_permission_cannot_record(
    session_factory: Factory, role: Role
) -> None:
    with UnitOfWork(session_factory) as uow:
        make_post(uow, "P-A")
        uow.commit()
    token = add_user(session_factory, "someone", role, network=True)
    with TestClient(_app(session_factory)) as client:
        response = client.post(
            "/api/v1/crossings", json=person_crossing("P-A"), headers=bearer(token)
        )
    assert response.status_code == 403
    assert "may not record_crossing" in response.json()["detail"]
