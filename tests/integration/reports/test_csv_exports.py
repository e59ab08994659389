"""Every CSV the app serves is safe to open in a spreadsheet: no cell starts a formula.

A plate is free text an officer or an importer typed; here it starts with ``=``. (Post and
corridor codes can no longer start with anything but a letter or a digit.) Each CSV route of
the app is fetched and every cell checked; the list of routes is read from the app itself, so
a new CSV route without a case here fails the test.
"""

from __future__ import annotations

import csv
import io

import pytest
from fastapi.routing import iter_route_contexts
from sqlalchemy.orm import Session, sessionmaker
from tests.factories import command, make_post, vehicle_crossing
from tests.integration.conftest import ClientFor, TokenFor

from borderpost.app import create_app
from borderpost.config import Settings
from borderpost.crossings.recording import record_crossing
from borderpost.csvfile import FORMULA_STARTS
from borderpost.transit import services as transit
from borderpost.transit.schemas import CorridorCreate
from borderpost.unit_of_work import UnitOfWork

Factory = sessionmaker[Session]
POST_A = "P-A"
POST_B = "P-B"
PLATE = '=HYPERLINK("http://e.x/")'  # a plate needs one letter or digit, nothing more
DAYS = {"from": "2026-11-01", "to": "2026-11-28"}

# Each CSV route, and the query that gives it rows carrying the hostile text.
CASES = {
    "/reports/summary.csv": ("/reports/summary.csv", {**DAYS, "post": POST_A}),
    "/reports/access.csv": ("/reports/access.csv", DAYS),
    "/corridors/{code}/transits.csv": ("/corridors/AB/transits.csv", DAYS),
    # The analysts' exports: CSV or Parquet by the path's ending.
    "/api/v1/exports/crossings.{fmt}": ("/api/v1/exports/crossings.csv", DAYS),
    "/api/v1/exports/crossings-personal.{fmt}": ("/api/v1/exports/crossings-personal.csv", DAYS),
}


def _data(factory: Factory) -> None:
    with UnitOfWork(factory, actor="admin.test") as uow:
        make_post(uow, POST_A)
        make_post(uow, POST_B)
        transit.add_corridor(
            uow,
            CorridorCreate(code="AB", name="A to B", post_a=POST_A, post_b=POST_B,
                           deadline_hours=48),
        )  # fmt: skip
        uow.commit()
    vehicle = {"plate": PLATE, "country": "AZE", "type": "truck"}
    data = vehicle_crossing(POST_A, "2026-11-27T10:00:00+00:00", vehicle=vehicle)
    with UnitOfWork(factory, actor="officer.test") as uow:
        record_crossing(uow, command(data))
        uow.commit()


def test_every_csv_route_has_a_case() -> None:
    app = create_app(Settings(database_url="sqlite://", secret_key="t"))
    paths = {str(c.path) for c in iter_route_contexts(app.routes)}
    routes = {p for p in paths if p.endswith((".csv", ".{fmt}"))}
    assert routes == set(CASES)


@pytest.mark.parametrize("route", sorted(CASES))
def test_no_cell_starts_a_formula(
    route: str, session_factory: Factory, client_for: ClientFor, token_for: TokenFor
) -> None:
    _data(session_factory)
    client = client_for(token_for("admin"))
    path, query = CASES[route]
    response = client.get(path, params=query)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.text)))
    assert len(rows) > 1
    cells = [cell for row in rows for cell in row]
    for cell in cells:
        if cell.startswith(FORMULA_STARTS):
            float(cell)  # only a number may start with "-" (none here is negative)
    if "/corridors/" in route or "personal" in route:  # the exports that carry typed text
        assert "'" + PLATE in cells
