"""An observer sees aggregates only: no name, document number, plate or birth date, anywhere.

Builds a small demo, then requests every GET route an observer's rule admits (pages and API,
for each post) and scans each answer for any personal datum of the demo.
"""

from __future__ import annotations

import datetime as dt
import re

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from tests.integration.accounts.test_authz_matrix import endpoints
from tests.web_support import add_user, bearer
from tests.web_support import make_app as _app

from borderpost import clock
from borderpost.accounts.model import Role
from borderpost.accounts.permissions import role_allows
from borderpost.demo.services import build_demo
from borderpost.people.model import TravelDocument, Traveller
from borderpost.vehicles.model import Vehicle

Factory = sessionmaker[Session]


def _personal_data(factory: Factory) -> set[str]:
    values: set[str] = set()
    with factory() as session:
        for surname, given, born in session.execute(
            select(Traveller.surname, Traveller.given_names, Traveller.birth_date)
        ):
            values.add(surname)
            values.update(given.split())
            if born is not None:
                values.add(born.isoformat())
        values.update(session.scalars(select(TravelDocument.number)))
        values.update(session.scalars(select(Vehicle.plate)))
    return {v for v in values if len(v) >= 3}


def test_observer_sees_no_personal_data(session_factory: Factory) -> None:
    build_demo(session_factory, days=2)
    secrets = _personal_data(session_factory)
    assert len(secrets) > 50
    pattern = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, secrets)) + r")(?![\w-])")
    token = add_user(session_factory, "monitor", Role.OBSERVER, network=True)
    app = _app(session_factory)
    seen = 0
    with TestClient(app, headers=bearer(token)) as client:
        for endpoint in endpoints(app):
            rule = endpoint.rule
            if endpoint.method != "GET" or rule.public:
                continue
            if rule.permission is not None and not role_allows(Role.OBSERVER, rule.permission):
                continue
            for post in ("AST-W", "AST-E", None):
                code = "IMF-1" if "/organisations/" in endpoint.path else post or "AST-W"
                if "/corridors/" in endpoint.path:
                    code = "AST"  # the demo's corridor
                path = endpoint.path.replace("{code}", code)
                if "{" in path:
                    continue
                params = {
                    "from": str(clock.today() - dt.timedelta(days=3)),
                    "to": str(clock.today()),
                }
                if post:
                    params["post"] = post
                response = client.get(path, params=params)
                assert response.status_code == 200, (path, response.status_code)
                found = pattern.search(response.text)
                assert found is None, f"{path} shows {found.group(0)!r} to an observer"
                seen += 1
    assert seen >= 20
