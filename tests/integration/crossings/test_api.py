"""The JSON API over HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from tests.factories import person_crossing, post_data, vehicle_crossing
from tests.integration.conftest import ClientFor, TokenFor

from borderpost.crossings.model import Crossing
from borderpost.outbox import OutboxEvent
from borderpost.posts.model import Closure

Factory = sessionmaker[Session]


@pytest.fixture
def client(client_for: ClientFor, token_for: TokenFor) -> TestClient:
    test_client = client_for(token_for("admin"))
    assert test_client.post("/api/v1/posts", json=post_data()).status_code == 201
    return test_client


def _count(factory: Factory, model: type) -> int:
    with factory() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_record_and_read_a_crossing(client: TestClient) -> None:
    response = client.post("/api/v1/crossings", json=person_crossing())
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["decision"] == "admitted"
    assert body["traveller"]["surname"] == "ERIKSSON"
    again = client.get(f"/api/v1/crossings/{body['id']}")
    assert again.json() == body


def test_bad_fields_get_422_naming_each_field(client: TestClient, session_factory: Factory) -> None:
    data = person_crossing(direction="sideways", time="2026-03-10T09:30:00")
    data["traveller"]["document"]["issuer"] = "U1"
    response = client.post("/api/v1/crossings", json=data)
    assert response.status_code == 422
    fields = {p["field"] for p in response.json()["problems"]}
    assert fields == {"direction", "time", "traveller.document.issuer"}
    assert _count(session_factory, Crossing) == 0


def test_cross_field_rule_names_its_field(client: TestClient) -> None:
    response = client.post("/api/v1/crossings", json=person_crossing(decision="refused"))
    assert response.status_code == 422
    assert response.json()["problems"] == [
        {"field": "reasons", "reason": "are required when the decision is refused"}
    ]


def test_unknown_post_is_404_and_writes_nothing(
    client: TestClient, session_factory: Factory
) -> None:
    response = client.post("/api/v1/crossings", json=person_crossing(post="ZZZ"))
    assert response.status_code == 404
    assert response.json()["problems"][0]["field"] == "post"
    assert _count(session_factory, Crossing) == 0
    assert _count(session_factory, OutboxEvent) == 0


def test_close_the_post_then_a_crossing_is_refused(client: TestClient) -> None:
    closure = {
        "starts_at": "2026-03-10T00:00:00Z",
        "reason": "flooded road",
        "authority": "post commander",
    }
    created = client.post("/api/v1/posts/P-A/closures", json=closure)
    assert created.status_code == 201, created.text
    status = client.get("/api/v1/posts/P-A/status").json()
    assert status["open"] is False
    body = client.post("/api/v1/crossings", json=person_crossing()).json()
    assert body["decision"] == "refused"
    assert "flooded road" in body["reasons"][0]
    overlap = client.post("/api/v1/posts/P-A/closures", json=closure)
    assert overlap.status_code == 409
    assert [p["field"] for p in overlap.json()["problems"]] == ["starts_at"]
    url = f"/api/v1/posts/P-A/closures/{created.json()['id']}/end"
    # Reopening is an order: without its reason and authority nothing changes.
    bare = client.post(url, json={"ends_at": "2026-03-10T04:00:00Z"})
    assert bare.status_code == 422
    assert {p["field"] for p in bare.json()["problems"]} == {"reason", "authority"}
    assert client.get("/api/v1/posts/P-A/status").json()["open"] is False
    order = {"ends_at": "2026-03-10T04:00:00Z", "reason": "road cleared", "authority": "Roads"}
    ended = client.post(url, json=order)
    assert ended.status_code == 200
    assert (ended.json()["end_reason"], ended.json()["end_authority"]) == ("road cleared", "Roads")
    assert client.get("/api/v1/posts/P-A/status").json()["open"] is True


def test_closure_ending_before_it_starts_is_422(client: TestClient) -> None:
    closure = {
        "starts_at": "2026-03-10T10:00:00Z",
        "ends_at": "2026-03-10T09:00:00Z",
        "reason": "storm",
        "authority": "post commander",
    }
    response = client.post("/api/v1/posts/P-A/closures", json=closure)
    assert response.status_code == 422
    assert "ends_at" in response.json()["detail"]


def test_paging_through_recent_crossings(client: TestClient) -> None:
    for minute in range(7):
        data = vehicle_crossing(time=f"2026-03-10T09:{minute:02d}:00+04:00")
        assert client.post("/api/v1/crossings", json=data).status_code == 201
    seen: list[str] = []
    cursor = None
    while True:
        params = {"post": "P-A", "limit": 3} | ({"cursor": cursor} if cursor else {})
        page = client.get("/api/v1/crossings", params=params).json()
        seen.extend(item["time"] for item in page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == 7
    assert seen == sorted(seen, reverse=True)


def test_summary_report_over_http(client: TestClient) -> None:
    client.post("/api/v1/crossings", json=person_crossing())
    client.post("/api/v1/crossings", json=vehicle_crossing())
    report = client.get(
        "/api/v1/reports/summary", params={"from": "2026-03-10", "to": "2026-03-10"}
    ).json()
    assert report["persons"]["total"] == 1
    assert report["vehicles"]["total"] == 1
    assert report["vehicles"]["by_category"]["commercial"] == 1


def test_openapi_and_its_page_are_served_offline(client: TestClient) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/crossings" in spec["paths"]
    page = client.get("/api/v1/docs").text
    assert "/static/api-docs/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()
    assert client.get("/static/api-docs/swagger-ui-bundle.js").status_code == 200


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/v1/reports/summary?from=0001-01-01&to=2000-01-01", "from"),
        ("/api/v1/reports/access?from=0001-01-01&to=0001-01-02", "from"),
        ("/api/v1/audit?since=0001-01-01T00:00:00%2B00:01", "since"),
    ],
)
def test_a_day_or_moment_out_of_range_is_422_not_a_crash(
    client: TestClient, path: str, field: str
) -> None:
    # Year 1 or 9999 shifted into a post's time zone or UTC leaves the range of a datetime.
    response = client.get(path)
    assert response.status_code == 422, response.text
    assert response.json()["problems"][0]["field"] == field


def test_a_closure_starting_in_year_one_is_422_and_writes_nothing(
    client: TestClient, session_factory: Factory
) -> None:
    closure = {
        "starts_at": "0001-01-01T00:00:00+00:01",
        "reason": "flooded road",
        "authority": "post commander",
    }
    response = client.post("/api/v1/posts/P-A/closures", json=closure)
    assert response.status_code == 422, response.text
    assert response.json()["problems"][0]["field"] == "starts_at"
    assert _count(session_factory, Closure) == 0
