"""The booth's cargo form over HTTP: goods items as rows, parties, seals and permits."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from tests.cargo_factories import declared
from tests.factories import make_post
from tests.web_support import add_user, sign_in
from tests.web_support import make_app as _app

from borderpost.cargo.model import Consignment, GoodsItem
from borderpost.crossings.model import Crossing
from borderpost.unit_of_work import UnitOfWork

Factory = sessionmaker[Session]
HTMX = {"HX-Request": "true"}
TRUCK = {"kind": "vehicle", "category": "commercial", "direction": "out", "plate": "10-AB-123",
         "country": "AZE", "vehicle_type": "truck", "decision": "admitted"}  # fmt: skip
PARTIES = {"carrier-name": "Mountain Freight", "carrier-country": "GEO",
           "consignor-name": "Sender Ltd", "consignee-name": "Receiver LLC",
           "consignee-country": "ARM", "seals": "S-1001, S-1002"}  # fmt: skip


def _row(n: int, hs_code: str, description: str, **fields: str) -> dict[str, str]:
    row = {"hs_code": hs_code, "description": description, "quantity": "10", "unit": "pcs",
           "gross_kg": "25", "net_kg": "20", "value": "5000", "currency": "USD",
           "origin": "DEU"}  # fmt: skip
    row.update(fields)
    return {f"items-{n}-{key}": value for key, value in row.items()}


@pytest.fixture
def factory(session_factory: Factory) -> Factory:
    with UnitOfWork(session_factory) as uow:
        make_post(uow, "P-A")
        uow.commit()
    add_user(session_factory, "off", "officer", ["P-A"])
    add_user(session_factory, "ru", "officer", ["P-A"], language="ru")
    return session_factory


def _count(factory: Factory, table: type) -> int:
    with factory() as session:
        return int(session.scalar(select(func.count()).select_from(table)) or 0)


def test_the_booth_shows_one_empty_row_of_goods_and_the_json_box_folded(factory: Factory) -> None:
    with TestClient(_app(factory)) as client:
        sign_in(client, "off")
        page = client.get("/posts/P-A/booth?kind=vehicle")
    assert page.status_code == 200
    assert 'name="items-0-hs_code"' in page.text
    assert 'name="items-1-hs_code"' not in page.text
    assert 'id="items-row"' in page.text
    assert 'data-add-row="items"' in page.text
    assert 'name="consignee-name"' in page.text
    assert 'name="permits-0-number"' in page.text
    assert '<details id="paste-declaration" >' in page.text  # folded while empty
    assert "onclick" not in page.text
    assert "<script>" not in page.text


def test_a_truck_with_two_goods_items_typed_in_rows_is_recorded_with_its_lane(
    factory: Factory,
) -> None:
    with TestClient(_app(factory)) as client:
        csrf = sign_in(client, "off")
        form = {**TRUCK, **PARTIES, "csrf_token": csrf,
                **_row(0, "2616.90", "gold concentrate", quantity="20", unit="t",
                       gross_kg="20600", net_kg="20500", origin="ARM"),
                **_row(1, "8471.30", "laptop computers"),
                # A row left blank (the form always shows one to fill) is no goods item.
                "items-2-hs_code": "", "items-2-description": " "}  # fmt: skip
        response = client.post("/posts/P-A/booth", data=form, headers=HTMX)
        assert response.status_code == 200, response.text
        assert 'data-lane="red"' in response.text  # the gold concentrate's rule
        assert "REFERRED" in response.text
        with factory() as session:
            consignment = session.scalars(select(Consignment)).one()
            codes = sorted(session.scalars(select(GoodsItem.hs_code)))
        assert codes == ["261690", "847130"]
        assert consignment.lane_colour == "red"

        # The export permit typed in its row is what the ore rules ask for: yellow, admitted.
        permit = {"permits-0-type": "export licence", "permits-0-number": "EX-7",
                  "permits-0-issuer": "Ministry of Economy",
                  "permits-0-valid_until": "2027-01-31"}  # fmt: skip
        again = client.post("/posts/P-A/booth", data={**form, **permit}, headers=HTMX)
        assert again.status_code == 200, again.text
        assert 'data-lane="yellow"' in again.text
        assert "ADMITTED" in again.text
    assert _count(factory, Crossing) == 2


def test_a_missing_weight_is_shown_at_its_row_and_field_and_nothing_is_written(
    factory: Factory,
) -> None:
    with TestClient(_app(factory)) as client:
        csrf = sign_in(client, "off")
        form = {**TRUCK, **PARTIES, "csrf_token": csrf, **_row(0, "8471.30", "laptops"),
                **_row(1, "8471.30", "tablets", gross_kg="")}  # fmt: skip
        response = client.post("/posts/P-A/booth", data=form, headers=HTMX)
        assert response.status_code == 422
        text = response.text
        assert 'id="items-1-gross_kg-problem"' in text
        assert "line 2, gross weight: is required" in text
        field = text.split('name="items-1-gross_kg"')[1].split(">")[0]
        assert 'aria-invalid="true"' in field
        assert "autofocus" in field
        assert "consignments[0]" not in text  # no schema paths
        # What was typed stays: both rows, the parties.
        assert 'value="tablets"' in text
        assert 'value="Receiver LLC"' in text

        client.cookies.clear()
        csrf = sign_in(client, "ru")
        form["csrf_token"] = csrf
        russian = client.post("/posts/P-A/booth", data=form, headers=HTMX)
        assert russian.status_code == 422
        assert "строка 2, вес брутто: обязательно" in russian.text
    assert _count(factory, Crossing) == 0
    assert _count(factory, Consignment) == 0


def test_problems_of_parties_seals_and_permits_are_shown_at_their_fields(
    factory: Factory,
) -> None:
    with TestClient(_app(factory)) as client:
        csrf = sign_in(client, "off")
        form = {**TRUCK, **PARTIES, "csrf_token": csrf, **_row(0, "8471.30", "laptops",
                origin="ABC"), **_row(1, "9999.99", "tablets"), "consignee-name": "",
                "seals": "S-1, S-1",
                "permits-0-number": "EX-7", "permits-0-valid_until": "31.01.2027"}  # fmt: skip
        response = client.post("/posts/P-A/booth", data=form, headers=HTMX)
    assert response.status_code == 422
    problems = {
        "consignee-name": "is required",
        "items-0-origin": "line 1, origin: is not a country code",
        "items-1-hs_code": "line 2, HS code: 999999 is not a subheading of HS 2022",
        "seals": "seal 2: S-1 is listed twice",
        "permits-0-type": "line 1, type: is required",
        "permits-0-valid_until": "line 1, valid until: write the date as YYYY-MM-DD",
    }
    for name, words in problems.items():
        shown = response.text.split(f'id="{name}-problem"')[1].split("</span>")[0]
        assert words in shown, (name, shown)
    assert _count(factory, Crossing) == 0


def test_the_json_box_is_still_taken_and_its_problems_keep_their_paths(factory: Factory) -> None:
    with TestClient(_app(factory)) as client:
        csrf = sign_in(client, "off")
        bad = {**TRUCK, "csrf_token": csrf, "consignments": json.dumps(declared(items=[]))}
        response = client.post("/posts/P-A/booth", data=bad, headers=HTMX)
        assert response.status_code == 422
        assert "consignments[0].items" in response.text
        assert '<details id="paste-declaration" open>' in response.text
        good = {**TRUCK, "csrf_token": csrf, "consignments": json.dumps(declared())}
        assert client.post("/posts/P-A/booth", data=good, headers=HTMX).status_code == 200
    assert _count(factory, Consignment) == 1
