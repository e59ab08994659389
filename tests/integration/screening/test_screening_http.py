"""Screening over HTTP: admin uploads, search, hits, alerts and resolutions, API and web."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker
from tests.factories import make_post, person_crossing, traveller
from tests.web_support import add_user, bearer, sign_in
from tests.web_support import make_app as _app

from borderpost import clock
from borderpost.screening.warmup import Warmer
from borderpost.unit_of_work import UnitOfWork

Factory = sessionmaker[Session]
HTMX = {"HX-Request": "true"}
LIST = "\n".join(
    json.dumps(e, ensure_ascii=False)
    for e in (
        {
            "id": "os-1",
            "schema": "Person",
            "properties": {"name": ["Armen Petrosyan"], "birthDate": ["1980-01-01"]},
        },
        {"id": "c-1", "schema": "Company", "properties": {"name": ["Acme"]}},
    )
).encode()


@pytest.fixture
def tokens(session_factory: Factory) -> dict[str, str]:
    with UnitOfWork(session_factory) as uow:
        make_post(uow, "P-A")
        make_post(uow, "P-B")
        uow.commit()
    return {
        "admin": add_user(session_factory, "adm", "admin", network=True),
        "officer": add_user(session_factory, "off", "officer", ["P-A"]),
        "sup": add_user(session_factory, "sup", "supervisor", ["P-A"]),
        "sup_b": add_user(session_factory, "supb", "supervisor", ["P-B"]),
    }


def _upload(client: TestClient, token: str, body: bytes) -> object:
    return client.post(
        "/api/v1/watchlists/wanted/versions?version=2026-11&source=test",
        content=body,
        headers=bearer(token),
    )


def test_admin_uploads_a_list_and_a_supervisor_resolves_the_hit(
    session_factory: Factory, tokens: dict[str, str]
) -> None:
    with TestClient(_app(session_factory)) as client:
        assert _upload(client, tokens["officer"], LIST).status_code == 403  # type: ignore[attr-defined]
        bad = _upload(client, tokens["admin"], b'{"id": "x", "schema": "Person"}\n')
        assert bad.status_code == 422  # type: ignore[attr-defined]
        assert bad.json()["problems"][0]["field"] == "line 1"  # type: ignore[attr-defined]
        done = _upload(client, tokens["admin"], LIST)
        assert done.status_code == 201, done.text  # type: ignore[attr-defined]
        assert done.json()["written"] == 1
        assert done.json()["skipped"] == 1
        [listed] = client.get("/api/v1/watchlists", headers=bearer(tokens["admin"])).json()
        assert (listed["name"], listed["version"], listed["entries"]) == ("wanted", "2026-11", 1)

        query = {"name": "Петросян Армен", "birth_date": "1980-01-01"}
        found = client.post(
            "/api/v1/screening/search", json=query, headers=bearer(tokens["officer"])
        ).json()
        assert found[0]["entry"] == "os-1"
        assert found[0]["match"] is True
        assert any("matched" in line for line in found[0]["explanation"])
        # The old address, with the name in its query string, is gone and says where to go.
        moved = client.get(
            "/api/v1/screening/search", params=query, headers=bearer(tokens["officer"])
        )
        assert moved.status_code == 410
        assert "POST /api/v1/screening/search" in moved.json()["detail"]
        assert moved.json()["problems"][0]["field"] == "name"
        bad = client.post(
            "/api/v1/screening/search", json={"name": ""}, headers=bearer(tokens["officer"])
        )
        assert bad.status_code == 422
        assert bad.json()["problems"][0]["field"] == "name"

        person = traveller(surname="ՊԵՏՐՈՍՅԱՆ", given_names="ԱՐՄԵՆ", birth_date="1980-01-01")
        crossing = client.post(
            "/api/v1/crossings",
            json=person_crossing("P-A", traveller=person),
            headers=bearer(tokens["officer"]),
        ).json()
        assert crossing["decision"] == "referred"
        assert crossing["reasons"] == ["watchlist hit: wanted"]
        [hit] = client.get(
            f"/api/v1/screening/crossings/{crossing['id']}/hits", headers=bearer(tokens["officer"])
        ).json()
        assert (hit["watchlist"], hit["state"], hit["refers"]) == ("wanted", "open", True)

        body = {"post": "P-A", "verdict": "true_match", "reason": "same person"}
        url = f"/api/v1/screening/hits/{hit['id']}/resolution"
        assert client.post(url, json=body, headers=bearer(tokens["officer"])).status_code == 403
        other = {**body, "post": "P-B"}
        assert client.post(url, json=other, headers=bearer(tokens["sup_b"])).status_code == 404
        resolved = client.post(url, json=body, headers=bearer(tokens["sup"]))
        assert resolved.status_code == 200, resolved.text
        assert resolved.json()["state"] == "true_match"
        assert resolved.json()["resolved_by"] == "sup"
        again = client.post(url, json=body, headers=bearer(tokens["sup"]))
        assert again.status_code == 409
        assert [p["field"] for p in again.json()["problems"]] == ["verdict"]
        empty = client.post(url, json={**body, "reason": ""}, headers=bearer(tokens["sup"]))
        assert empty.status_code == 422
        assert empty.json()["problems"][0]["field"] == "reason"
        alerts = client.get(
            "/api/v1/screening/alerts", params={"post": "P-A"}, headers=bearer(tokens["sup"])
        )
        assert alerts.status_code == 200
        assert alerts.json() == []


def test_the_booth_shows_the_hit_and_the_supervisor_resolves_it_on_the_crossing_page(
    session_factory: Factory, tokens: dict[str, str]
) -> None:
    app = _app(session_factory)
    with TestClient(app) as admin:
        assert _upload(admin, tokens["admin"], LIST).status_code == 201  # type: ignore[attr-defined]
    with TestClient(app) as officer, TestClient(app) as supervisor:
        csrf = sign_in(officer, "off")
        form = {
            "kind": "person",
            "direction": "in",
            "category": "civilian",
            "surname": "ПЕТРОСЯН",
            "given_names": "АРМЕН",
            "birth_date": "1980-01-01",
            "doc_number": "AM1234567",
            "doc_issuer": "ARM",
            "decision": "admitted",
            "csrf_token": csrf,
        }
        booth = officer.post("/posts/P-A/booth", data=form, headers=HTMX)
        assert booth.status_code == 200, booth.text
        assert "REFERRED" in booth.text
        assert "Watchlist hit" in booth.text
        assert "wanted" in booth.text
        assert "surname ПЕТРОСЯН matched" in booth.text
        assert 'class="resolve"' not in booth.text  # officers do not resolve
        hit_id = booth.text.split('id="hit-')[1].split('"')[0]
        crossings = officer.get("/posts/P-A/crossings").text
        crossing_path = crossings.split('href="/posts/P-A/crossings/')[1].split('"')[0]

        sup_csrf = sign_in(supervisor, "sup")
        page = supervisor.get(f"/posts/P-A/crossings/{crossing_path}")
        assert page.status_code == 200
        assert 'class="resolve"' in page.text
        no_reason = supervisor.post(
            f"/posts/P-A/hits/{hit_id}",
            data={"verdict": "false_match", "reason": "", "csrf_token": sup_csrf},
            headers=HTMX,
        )
        assert no_reason.status_code == 422
        assert "required" in no_reason.text
        done = supervisor.post(
            f"/posts/P-A/hits/{hit_id}",
            data={"verdict": "false_match", "reason": "other person", "csrf_token": sup_csrf},
            headers=HTMX,
        )
        assert done.status_code == 200, done.text
        assert "other person" in done.text
        assert 'class="resolve"' not in done.text
        assert supervisor.get("/posts/P-A/alerts").status_code == 200


def test_with_a_warm_up_thread_the_upload_leaves_the_re_screening_to_it(
    session_factory: Factory, tokens: dict[str, str]
) -> None:
    """A server that owns its database has a warm-up thread: the upload returns at once and
    the thread screens the last days' crossings against the new version (alerts)."""
    yesterday = (clock.now() - dt.timedelta(days=1)).isoformat()
    person = traveller(surname="ՊԵՏՐՈՍՅԱՆ", given_names="ԱՐՄԵՆ", birth_date="1980-01-01")
    with TestClient(_app(session_factory)) as client:
        crossing = client.post(
            "/api/v1/crossings",
            json=person_crossing("P-A", time=yesterday, traveller=person),
            headers=bearer(tokens["officer"]),
        ).json()
        assert crossing["decision"] == "admitted"  # no list yet
        warmer = Warmer(session_factory, rescreen_days=30)  # driven here, not by a thread
        client.app.state.screening_warmer = warmer  # type: ignore[attr-defined]
        done = _upload(client, tokens["admin"], LIST)
        assert done.status_code == 201, done.text  # type: ignore[attr-defined]
        assert done.json()["rescreen"] == {  # type: ignore[attr-defined]
            "watchlist": "wanted",
            "days": 30,
            "state": "in the background",
        }
        assert [r.alerts for r in warmer.refresh_once()] == [1]
        [alert] = client.get(
            "/api/v1/screening/alerts", params={"post": "P-A"}, headers=bearer(tokens["sup"])
        ).json()
        assert (alert["crossing"], alert["refers"]) == (crossing["id"], False)


def test_the_alerts_page_shows_one_question_per_traveller_and_entry_with_who_when_where(
    session_factory: Factory, tokens: dict[str, str]
) -> None:
    app = _app(session_factory)
    with TestClient(app) as api:
        assert _upload(api, tokens["admin"], LIST).status_code == 201  # type: ignore[attr-defined]
        person = traveller(surname="PETROSYAN", given_names="ARMEN", birth_date="1980-01-01")
        for time in ("2026-03-10T09:30:00+04:00", "2026-03-11T17:45:00+04:00"):
            made = api.post(
                "/api/v1/crossings",
                json=person_crossing("P-A", time=time, traveller=person),
                headers=bearer(tokens["officer"]),
            )
            assert made.json()["decision"] == "referred"
    with TestClient(app) as supervisor:
        csrf = sign_in(supervisor, "sup")
        page = supervisor.get("/posts/P-A/alerts?origin=crossing")
        assert page.status_code == 200
        count = page.text.split('id="alerts-count">')[1].split("</p>")[0]
        assert "<strong>2</strong>" in count  # two open hits...
        assert "<strong>1</strong>" in count  # ...one question
        assert page.text.count('class="hit card') == 1
        assert "2 crossings" in page.text
        assert page.text.count("PETROSYAN ARMEN") == 2
        assert "2026-03-10 09:30" in page.text
        assert "2026-03-11 17:45" in page.text
        hit_id = page.text.split('id="hit-')[1].split('"')[0]
        done = supervisor.post(
            f"/posts/P-A/hits/{hit_id}",
            data={"verdict": "false_match", "reason": "another man", "csrf_token": csrf},
            headers=HTMX,
        )
        assert done.status_code == 200, done.text
        after = supervisor.get("/posts/P-A/alerts?origin=crossing")
        assert "Nothing open." in after.text
    with TestClient(app) as api:
        resolved = api.get(
            "/api/v1/screening/hits",
            params={"post": "P-A", "state": "false_match"},
            headers=bearer(tokens["sup"]),
        )
        assert [h["resolution_reason"] for h in resolved.json()] == ["another man"] * 2


def test_an_upload_to_a_name_with_spaces_rescreens_the_list_it_stored(
    session_factory: Factory, tokens: dict[str, str]
) -> None:
    # The importer trims the list's name; the re-screening after it must look for that name, or
    # the answer is a 404 while the new version is already committed.
    with TestClient(_app(session_factory)) as client:
        response = client.post(
            "/api/v1/watchlists/%20wanted%20/versions?version=2026-11&source=test",
            content=LIST,
            headers=bearer(tokens["admin"]),
        )
    assert response.status_code == 201, response.text
    assert response.json()["watchlist"] == "wanted"
    assert response.json()["rescreen"]["watchlist"] == "wanted"
