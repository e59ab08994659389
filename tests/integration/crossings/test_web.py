"""The web UI over HTTP: the booth, the post page, reports and CSV, in the user's language."""

from __future__ import annotations

import datetime as dt
import json
import re
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from tests.cargo_factories import declared
from tests.factories import make_post
from tests.web_support import add_user, sign_in
from tests.web_support import make_app as _app

from borderpost import clock
from borderpost.crossings.model import Crossing
from borderpost.posts.model import Closure
from borderpost.unit_of_work import UnitOfWork

Factory = sessionmaker[Session]
HTMX = {"HX-Request": "true"}


@pytest.fixture
def factory(session_factory: Factory) -> Factory:
    with UnitOfWork(session_factory) as uow:
        make_post(uow, "P-A")
        uow.commit()
    add_user(session_factory, "off", "officer", ["P-A"])
    add_user(session_factory, "sup", "supervisor", ["P-A"], language="ru")
    return session_factory


def _count(factory: Factory) -> int:
    with factory() as session:
        return int(session.scalar(select(func.count()).select_from(Crossing)) or 0)


PERSON = {
    "kind": "person",
    "direction": "in",
    "category": "civilian",
    "surname": "ERIKSSON",
    "given_names": "ANNA",
    "doc_number": "L1234567",
    "doc_issuer": "UTO",
    "decision": "admitted",
}


def test_booth_records_a_person_and_keeps_the_booth_settings(factory: Factory) -> None:
    with TestClient(_app(factory)) as client:
        csrf = sign_in(client, "off")
        page = client.get("/posts/P-A/booth")
        assert 'id="surname"' in page.text
        assert "autofocus" in page.text
        form = {**PERSON, "csrf_token": csrf, "direction": "out"}
        response = client.post("/posts/P-A/booth", data=form, headers=HTMX)
        assert response.status_code == 200, response.text
        assert "ADMITTED" in response.text
        assert "<html" not in response.text  # an HTMX partial
        assert re.search(r'<option value="out" selected>', response.text)
        assert 'id="surname" type="text" value=""' in response.text
    assert _count(factory) == 1


def test_booth_names_the_field_to_fix_and_writes_nothing(factory: Factory) -> None:
    with TestClient(_app(factory)) as client:
        csrf = sign_in(client, "off")
        form = {**PERSON, "csrf_token": csrf, "doc_issuer": "U1", "decision": "refused"}
        response = client.post("/posts/P-A/booth", data=form, headers=HTMX)
    assert response.status_code == 422
    assert 'id="doc_issuer-problem"' in response.text
    assert 'id="reasons-problem"' in response.text or "reasons" in response.text
    assert _count(factory) == 0


def test_booth_records_a_vehicle_with_its_passengers(factory: Factory) -> None:
    with TestClient(_app(factory)) as client:
        csrf = sign_in(client, "off")
        form = {
            "kind": "vehicle",
            "category": "civilian",
            "plate": "10-AB-123",
            "country": "AZE",
            "vehicle_type": "car",
            "passengers": "ALIYEV, RASHAD, C0001, AZE\nHASANOVA, LEYLA, C0002, AZE, 1990-02-03",
            "decision": "admitted",
            "csrf_token": csrf,
        }
        response = client.post("/posts/P-A/booth", data=form, headers=HTMX)
        assert response.status_code == 200, response.text
        assert "passengers: 2" in response.text
        bad = {**form, "passengers": "ONLY A NAME"}
        response = client.post("/posts/P-A/booth", data=bad, headers=HTMX)
        assert response.status_code == 422
        assert "line 1" in response.text
    with factory() as session:
        rows = session.execute(select(Crossing.kind, Crossing.carried_by_id)).all()
    assert sorted(kind for kind, _ in rows) == ["person", "person", "vehicle"]
    assert sum(1 for _, carrier in rows if carrier is not None) == 2


def test_a_post_closed_by_a_supervisor_refuses_the_next_crossing(factory: Factory) -> None:
    app = _app(factory)
    with TestClient(app) as supervisor, TestClient(app) as officer:
        csrf = sign_in(supervisor, "sup")
        page = supervisor.get("/posts/P-A")
        assert "Закрыть пост" in page.text  # the supervisor works in Russian
        closed = supervisor.post(
            "/posts/P-A/close",
            data={"reason": "bridge repairs", "authority": "Roads", "csrf_token": csrf},
            headers=HTMX,
        )
        assert closed.status_code == 200
        csrf = sign_in(officer, "off")
        assert "bridge repairs" in officer.get("/posts/P-A/booth").text
        response = officer.post(
            "/posts/P-A/booth", data={**PERSON, "csrf_token": csrf}, headers=HTMX
        )
        assert "REFUSED" in response.text
        assert "post_closed" in response.text or "post closed" in response.text


def test_reopening_a_post_needs_its_reason_and_authority(factory: Factory) -> None:
    with TestClient(_app(factory)) as supervisor:
        csrf = sign_in(supervisor, "sup")
        order = {"reason": "bridge repairs", "authority": "Roads", "csrf_token": csrf}
        closed = supervisor.post("/posts/P-A/close", data=order, headers=HTMX)
        closure_id = re.search(r"/closures/([0-9a-f-]+)/end", closed.text)
        assert closure_id
        url = f"/posts/P-A/closures/{closure_id.group(1)}/end"
        bare = supervisor.post(url, data={"csrf_token": csrf}, headers=HTMX)
        assert bare.status_code == 422
        assert bare.headers["content-type"].startswith("text/html")
        assert 'id="reopen-reason" value="" required' in bare.text
        assert 'aria-invalid="true"' in bare.text
        assert 'class="status closed"' in bare.text  # nothing changed
        reopen = {"reason": "bridge open again", "authority": "Roads", "csrf_token": csrf}
        done = supervisor.post(url, data=reopen, headers=HTMX)
        assert done.status_code == 200
        assert 'class="status open"' in done.text
        assert "bridge open again" in done.text
    with factory() as session:
        closure = session.scalars(select(Closure)).one()
        assert (closure.end_reason, closure.end_authority) == ("bridge open again", "Roads")
        assert closure.ended_by == "sup"
        assert closure.ends_at is not None


def test_post_page_lists_crossings_with_filters_and_paging(factory: Factory) -> None:
    with TestClient(_app(factory)) as client:
        csrf = sign_in(client, "off")
        for n in range(3):
            surname = f"NAME{'ABC'[n]}"  # a name is letters: NAMEA, NAMEB, NAMEC
            form = {**PERSON, "surname": surname, "doc_number": f"D{n}", "csrf_token": csrf}
            client.post("/posts/P-A/booth", data=form, headers=HTMX)
        first = client.get("/posts/P-A/crossings", params={"limit": 2}, headers=HTMX)
        assert "NAMEC" in first.text
        assert "NAMEA" not in first.text
        cursor = re.search(r"cursor=([^&\"]+)", first.text)
        assert cursor
        from urllib.parse import unquote

        second = client.get(
            "/posts/P-A/crossings", params={"limit": 2, "cursor": unquote(cursor.group(1))}
        )
        assert "NAMEA" in second.text
        filtered = client.get("/posts/P-A/crossings", params={"decision": "refused"})
        assert "No crossings." in filtered.text


@pytest.mark.parametrize("utc_hour", [9, 21])
def test_reports_default_range_ends_on_the_posts_local_today(
    factory: Factory, monkeypatch: pytest.MonkeyPatch, utc_hour: int
) -> None:
    # P-A keeps Asia/Baku time (UTC+4): at 21:00 UTC its day is already the next one, and a
    # crossing recorded then must be in the default report, in the chart and in the CSV.
    moment = dt.datetime(2026, 6, 15, utc_hour, 30, tzinfo=dt.UTC)
    monkeypatch.setattr(clock, "now", lambda: moment)
    local_day = moment.astimezone(ZoneInfo("Asia/Baku")).date().isoformat()
    with TestClient(_app(factory)) as client:
        csrf = sign_in(client, "off")
        client.post("/posts/P-A/booth", data={**PERSON, "csrf_token": csrf}, headers=HTMX)
        page = client.get("/reports", params={"post": "P-A"})
        assert f"{local_day} civilian: 1" in page.text
        csv = client.get("/reports/summary.csv", params={"post": "P-A"})
        assert f",{local_day},P-A,total,,1,0" in csv.text
        access = client.get("/reports/access.csv", params={"post": "P-A"})
        assert f"P-A,{local_day}," in access.text


def test_reports_page_has_a_chart_and_csv(factory: Factory) -> None:
    with TestClient(_app(factory)) as client:
        csrf = sign_in(client, "off")
        client.post("/posts/P-A/booth", data={**PERSON, "csrf_token": csrf}, headers=HTMX)
        page = client.get("/reports", params={"post": "P-A"})
        assert page.status_code == 200
        assert "<svg" in page.text
        assert "<rect" in page.text
        csv = client.get("/reports/summary.csv", params={"post": "P-A"})
        assert csv.headers["content-type"].startswith("text/csv")
        assert "total,,1,0" in csv.text


def test_booth_records_a_truck_with_passengers_and_its_cargo(factory: Factory) -> None:
    # The declaration belongs to the truck: its passengers ride in it, they carry no cargo.
    with TestClient(_app(factory)) as client:
        csrf = sign_in(client, "off")
        form = {
            "kind": "vehicle",
            "category": "commercial",
            "plate": "10-TR-456",
            "country": "AZE",
            "vehicle_type": "truck",
            "passengers": "ALIYEV, RASHAD, C0001, AZE\nHASANOVA, LEYLA, C0002, AZE",
            "consignments": json.dumps(declared()),
            "decision": "admitted",
            "csrf_token": csrf,
        }
        response = client.post("/posts/P-A/booth", data=form, headers=HTMX)
        assert response.status_code == 200, response.text
        assert "passengers: 2" in response.text
    with factory() as session:
        rows = session.execute(select(Crossing.kind, Crossing.carried_by_id)).all()
    assert sorted(kind for kind, _ in rows) == ["person", "person", "vehicle"]
    assert sum(1 for _, carrier in rows if carrier is not None) == 2


def test_booth_wants_a_name_and_a_document_or_the_reason_for_none(factory: Factory) -> None:
    mrz = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"
    bare = {k: v for k, v in PERSON.items() if not k.startswith("doc_")}
    with TestClient(_app(factory)) as client:
        csrf = sign_in(client, "off")
        page = client.get("/posts/P-A/booth")
        assert re.search(r'id="mrz"[^>]*autofocus', page.text, re.S)
        pasted = client.post(
            "/posts/P-A/booth", data={**PERSON, "surname": mrz, "csrf_token": csrf}, headers=HTMX
        )
        assert pasted.status_code == 422
        assert re.search(r'id="surname-problem"[^>]*>[^<]*scan field', pasted.text)
        missing = client.post("/posts/P-A/booth", data={**bare, "csrf_token": csrf}, headers=HTMX)
        assert missing.status_code == 422
        assert re.search(r'id="doc_number-problem"[^>]*>[^<]*travel document', missing.text)
        assert _count(factory) == 0
        reason = {**bare, "reasons": "medical evacuation", "csrf_token": csrf}
        assert client.post("/posts/P-A/booth", data=reason, headers=HTMX).status_code == 200
        refused = {**bare, "decision": "refused", "reasons": "no document", "csrf_token": csrf}
        assert client.post("/posts/P-A/booth", data=refused, headers=HTMX).status_code == 200
    assert _count(factory) == 2
