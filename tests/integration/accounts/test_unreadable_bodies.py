"""A body the API cannot read is answered only after sign-in, and every error names a field.

Walks every API route that takes a JSON body (from the OpenAPI document, so a new route is
covered without being listed): anonymous, a malformed or undecodable body gets the same 401 as
any anonymous request; signed in, a 422 naming ``body``. On SQLite and PostgreSQL.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from tests.integration.conftest import ClientFor, TokenFor

from borderpost.accounts.bodies import SignInFirst
from borderpost.app import API_PREFIX, create_app
from borderpost.config import Settings

UNREADABLE = [b"{", b'{"post": ', b"\xff\xfe{"]
JSON = {"content-type": "application/json"}


def _json_routes() -> Iterator[tuple[str, str]]:
    document = create_app(Settings(database_url="sqlite://", secret_key="t")).openapi()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if "application/json" not in operation.get("requestBody", {}).get("content", {}):
                continue
            url = path
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path":
                    uuid_like = parameter["schema"].get("format") == "uuid"
                    value = str(uuid.uuid4()) if uuid_like else "P-A"
                    url = url.replace("{" + parameter["name"] + "}", value)
            yield method.upper(), url


ROUTES = sorted(_json_routes())


def test_the_walk_sees_the_routes_that_take_json() -> None:
    assert ("POST", "/api/v1/crossings") in ROUTES
    assert len(ROUTES) > 10


def test_every_api_route_is_guarded() -> None:
    app = create_app(Settings(database_url="sqlite://", secret_key="t"))
    unguarded = [
        context.path
        for context in iter_route_contexts(app.routes)
        if isinstance(context.original_route, APIRoute)
        and context.path.startswith(API_PREFIX)
        and context.original_route.body_field is not None
        and not isinstance(context.original_route, SignInFirst)
    ]
    assert unguarded == []


def _problems(response: Any) -> list[dict[str, str]]:
    problems: list[dict[str, str]] = response.json()["problems"]
    return problems


@pytest.mark.parametrize("body", UNREADABLE, ids=["cut", "unfinished", "not-utf8"])
def test_an_anonymous_unreadable_body_is_401(client_for: ClientFor, body: bytes) -> None:
    client = client_for()
    answers = {
        (method, url): client.request(method, url, content=body, headers=JSON)
        for method, url in ROUTES
    }
    wrong = {k: (r.status_code, r.text) for k, r in answers.items() if r.status_code != 401}
    assert wrong == {}
    assert all(_problems(r)[0]["field"] == "authorization" for r in answers.values())


@pytest.mark.parametrize("body", UNREADABLE, ids=["cut", "unfinished", "not-utf8"])
def test_a_signed_in_unreadable_body_is_422_naming_body(
    client_for: ClientFor, token_for: TokenFor, body: bytes
) -> None:
    client: TestClient = client_for(token_for("admin"))
    response = client.post("/api/v1/crossings", content=body, headers=JSON)
    assert response.status_code == 422
    assert [p["field"] for p in _problems(response)] == ["body"]


def test_forbidden_names_what_refused_it(client_for: ClientFor, token_for: TokenFor) -> None:
    admin = client_for(token_for("admin"))
    for code in ("P-A", "P-B"):
        post = {"code": code, "name": code, "timezone": "UTC"}
        assert admin.post("/api/v1/posts", json=post).status_code == 201
    officer = client_for(token_for("officer", ["P-A"]))
    out_of_scope = officer.get("/api/v1/crossings", params={"post": "P-B"})
    assert out_of_scope.status_code == 403
    assert [p["field"] for p in _problems(out_of_scope)] == ["post"]
    not_allowed = officer.post("/api/v1/posts", json={"code": "P-C", "name": "C"})
    assert not_allowed.status_code == 403
    assert [p["field"] for p in _problems(not_allowed)] == ["authorization"]
