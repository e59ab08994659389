"""The booth with a cargo declaration, and the inspection page, over HTTP."""

from __future__ import annotations

import json
import re

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from tests.cargo_factories import declared, gold_concentrate, goods
from tests.factories import make_post
from tests.web_support import add_user, sign_in
from tests.web_support import make_app as _app

from borderpost.crossings.model import Crossing
from borderpost.unit_of_work import UnitOfWork

Factory = sessionmaker[Session]
HTMX = {"HX-Request": "true"}
TRUCK = {"kind": "vehicle", "category": "commercial", "direction": "out", "plate": "10-AB-123",
         "country": "AZE", "vehicle_type": "truck", "decision": "admitted"}  # fmt: skip


def _setup(factory: Factory) -> None:
    with UnitOfWork(factory) as uow:
        make_post(uow, "P-A")
        uow.commit()
    add_user(factory, "off", "officer", ["P-A"])
    add_user(factory, "insp", "inspector", ["P-A"], language="ru")


def test_booth_shows_the_lane_with_its_reasons_and_links_the_inspection(
    session_factory: Factory,
) -> None:
    _setup(session_factory)
    with TestClient(_app(session_factory)) as client:
        csrf = sign_in(client, "insp")
        bad = {**TRUCK, "csrf_token": csrf, "consignments": json.dumps(declared(goods("9999.99")))}
        response = client.post("/posts/P-A/booth", data=bad, headers=HTMX)
        assert response.status_code == 422
        assert "consignments[0].items[0].hs_code" in response.text
        assert 'id="consignments"' in response.text

        form = {**TRUCK, "csrf_token": csrf, "consignments": json.dumps(gold_concentrate())}
        response = client.post("/posts/P-A/booth", data=form, headers=HTMX)
        assert response.status_code == 200, response.text
        assert 'data-lane="red"' in response.text
        assert "R-ORE-1" in response.text
        link = re.search(r'href="(/crossings/[^"]+/inspection)"', response.text)
        assert link is not None

        page = client.get(link.group(1))
        assert page.status_code == 200
        assert "Начать досмотр" in page.text  # the inspector reads Russian
        opened = client.post(link.group(1), data={"csrf_token": csrf}, headers=HTMX)
        assert opened.status_code == 200, opened.text
        assert 'id="finding-form"' in opened.text

        missing = client.post(f"{link.group(1)}/findings", headers=HTMX, data={
            "csrf_token": csrf, "kind": "undeclared", "hs_code": "9306.30"})  # fmt: skip
        assert missing.status_code == 422
        assert "обязательно для незадекларированных товаров" in missing.text  # in Russian

        found = client.post(f"{link.group(1)}/findings", headers=HTMX, data={
            "csrf_token": csrf, "kind": "undeclared", "hs_code": "9306.30",
            "description": "cartridges", "quantity": "50", "unit": "pcs"})  # fmt: skip
        assert found.status_code == 200, found.text
        assert "cartridges" in found.text

        closing = {"csrf_token": csrf, "outcome": "refused", "reason": "undeclared cartridges"}
        closed = client.post(f"{link.group(1)}/close", headers=HTMX, data=closing)
        assert closed.status_code == 200, closed.text
        assert 'id="closed"' in closed.text
    with session_factory() as session:
        assert session.scalars(select(Crossing.decision)).one() == "refused"
        assert session.scalar(select(func.count()).select_from(Crossing)) == 1


def test_an_officer_cannot_open_the_inspection_page(session_factory: Factory) -> None:
    _setup(session_factory)
    with TestClient(_app(session_factory)) as client:
        csrf = sign_in(client, "off")
        form = {**TRUCK, "csrf_token": csrf, "consignments": json.dumps(gold_concentrate())}
        response = client.post("/posts/P-A/booth", data=form, headers=HTMX)
        assert 'data-lane="red"' in response.text
        assert "/inspection" not in response.text
        with session_factory() as session:
            crossing_id = session.scalars(select(Crossing.id)).one()
        assert client.get(f"/crossings/{crossing_id}/inspection").status_code == 403


def test_inspectors_see_the_referred_vehicles_waiting_at_their_post_oldest_first(
    session_factory: Factory,
) -> None:
    _setup(session_factory)
    with UnitOfWork(session_factory) as uow:
        make_post(uow, "P-B")
        uow.commit()
    add_user(session_factory, "insp.b", "inspector", ["P-B"])
    with TestClient(_app(session_factory)) as client:
        csrf = sign_in(client, "insp")
        empty = client.get("/posts/P-A/inspections")
        assert empty.status_code == 200
        assert 'id="waiting"' not in empty.text
        for plate in ("10-AB-001", "10-AB-002"):
            form = {**TRUCK, "plate": plate, "csrf_token": csrf,
                    "consignments": json.dumps(gold_concentrate())}  # fmt: skip
            assert client.post("/posts/P-A/booth", data=form, headers=HTMX).status_code == 200
        plain = {**TRUCK, "plate": "10-AB-003", "csrf_token": csrf}  # admitted, nothing to inspect
        assert client.post("/posts/P-A/booth", data=plain, headers=HTMX).status_code == 200
        page = client.get("/posts/P-A/inspections")
        assert page.status_code == 200
        assert '<p id="waiting-count"><strong>2</strong>' in page.text
        rows = page.text.split('id="waiting"')[1]
        assert rows.index("10-AB-001") < rows.index("10-AB-002")  # the longest waiting first
        assert "10-AB-003" not in rows
        assert 'class="lane-colour red"' in rows
        first = re.search(r'href="(/crossings/[^"]+/inspection)"', rows)
        assert first is not None
        client.post(first.group(1), data={"csrf_token": csrf}, headers=HTMX)
        closing = {"csrf_token": csrf, "outcome": "admitted", "reason": "as declared"}
        client.post(f"{first.group(1)}/close", headers=HTMX, data=closing)
        after = client.get("/posts/P-A/inspections")
        assert '<p id="waiting-count"><strong>1</strong>' in after.text
        assert "10-AB-001" not in after.text
    with TestClient(_app(session_factory)) as other:
        sign_in(other, "insp.b")
        assert other.get("/posts/P-A/inspections").status_code == 403
