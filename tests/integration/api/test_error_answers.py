"""What the framework itself refuses under /api/ answers in the project's error shape: a JSON
``detail`` and ``problems`` naming the part of the request at fault; pages keep their own."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from tests.integration.conftest import ClientFor, TokenFor


@pytest.fixture
def client(client_for: ClientFor, token_for: TokenFor) -> TestClient:
    return client_for(token_for("admin"))


def test_a_method_the_api_does_not_have_names_the_method(client: TestClient) -> None:
    response = client.request("TRACE", "/api/v1/posts")
    assert response.status_code == 405
    assert response.json() == {
        "detail": "method: TRACE is not allowed here",
        "problems": [{"field": "method", "reason": "TRACE is not allowed here"}],
    }


def test_a_path_the_api_does_not_have_names_the_path(client: TestClient) -> None:
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json()["problems"] == [{"field": "path", "reason": "there is no such resource"}]


def test_a_body_that_cannot_be_parsed_names_the_body(client: TestClient) -> None:
    # A multipart upload without its boundary: Starlette cannot split it into parts.
    response = client.post(
        "/api/v1/crossings/0193b2c0-0000-7000-8000-000000000000/inspection/evidence",
        content=b"--x\r\n",
        headers={"Content-Type": "multipart/form-data"},
    )
    # Read only once the caller is signed in (accounts/bodies.py): then 422, naming the body.
    assert response.status_code == 422
    (problem,) = response.json()["problems"]
    assert problem["field"] == "body"


def test_a_page_that_does_not_exist_keeps_the_default_answer(client: TestClient) -> None:
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "problems" not in response.text
