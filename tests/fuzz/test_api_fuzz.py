"""Schemathesis over the whole OpenAPI document, as an admin and as a post-scoped officer.

Every operation the app describes is called with generated requests, valid and invalid
(schemathesis' examples, coverage and fuzzing phases, a fixed seed, a bounded number of examples
per operation), in-process on a small seeded SQLite database. A run fails on:

- any 5xx (in process, an exception the app does not handle reaches the test with its traceback);
- a JSON API error (4xx) that is not the project's error shape (``errors.py``, ``api_support``):
  a JSON object with ``detail`` and a ``problems`` list naming each field and its reason;
- a failed request (4xx or 5xx) that left anything written (see ``WriteWatch``).

What each run sent is in the test's captured output (``-s`` or ``-rA`` shows it).
"""

from __future__ import annotations

import collections
import hashlib
import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import hypothesis.strategies as st
import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import sessionmaker
from tests.cargo_factories import declared, goods
from tests.factories import person_crossing, post_data, traveller, vehicle_crossing
from tests.fuzz.allowed import Check, allowed
from tests.fuzz.checks import WriteWatch, error_shape
from tests.web_support import add_user, bearer

from borderpost.app import create_app
from borderpost.config import Settings
from borderpost.db import make_engine

# Repeatable and bounded: the same requests on every run, a few minutes on two cores at most.
SEED = 20261128
MAX_EXAMPLES = 25
ROLES = {"admin": None, "officer": ["P-A"]}


# The records each run seeds, by the path parameter that names them; requests aim at them.
CROSSINGS = [f"0193b2c0-0000-7000-8000-00000000000{n}" for n in range(6)]
WATCHLIST = json.dumps(
    {"id": "os-1", "schema": "Person", "properties": {"name": ["Armen Petrosyan"]}}
).encode()
PHOTO = b"\x89PNG\r\n\x1a\n a photograph of the load"
KNOWN: dict[str, list[str]] = {
    "code": ["P-A", "P-B", "AID", "AB"],
    "post": ["P-A", "P-B"],
    "post_a": ["P-A"],
    "post_b": ["P-B"],
    "carried_by": CROSSINGS[1::2],
    "crossing_id": CROSSINGS,
    "closure_id": [],  # made by the seed, filled in then
    "hit_id": [],
    "seizure_id": [],
    "case_id": [],
    "record_id": CROSSINGS[:2],
    "sha256": [hashlib.sha256(PHOTO).hexdigest()],
    "goods_item": [],
    "finding": [],
    "hs_code": ["0901", "090111", "7108"],
    "name": ["wanted"],
    "number": ["1"],
    "path": ["0/000", "entries/000"],
}


def _seed(client: TestClient, admin: dict[str, str]) -> None:
    """Demo-like records through the API itself: two posts, a corridor, a watchlist, crossings at
    both posts (one a watchlist hit, one referred for its cargo and inspected), a closure."""

    def made(path: str, body: object = None, **sent: Any) -> Any:
        response = client.post(path, json=body, headers=admin, **sent)
        assert response.status_code in (200, 201), (path, response.text)
        return response.json()

    for code in ("P-A", "P-B"):
        made("/api/v1/posts", post_data(code))
    made("/api/v1/organisations", {"code": "AID", "name": "Aid", "type": "humanitarian"})
    corridor = {"code": "AB", "name": "A to B", "post_a": "P-A", "post_b": "P-B"}
    made("/api/v1/corridors", {**corridor, "deadline_hours": 48})
    made("/api/v1/watchlists/wanted/versions?version=1&source=fuzz", content=WATCHLIST)
    for crossing_id, crossing in zip(
        CROSSINGS,
        [
            person_crossing(post="P-A"),
            vehicle_crossing(post="P-A"),
            person_crossing(post="P-B", direction="out"),
            vehicle_crossing(post="P-B"),
            person_crossing(traveller=traveller(surname="PETROSYAN", given_names="ARMEN")),
            vehicle_crossing(
                direction="out",
                consignments=[declared(goods(), goods("2616.90", "gold concentrate"))],
            ),
        ],
        strict=True,
    ):
        made("/api/v1/crossings", {**crossing, "id": crossing_id})
    closure = {
        "starts_at": "2026-03-01T00:00:00Z",
        "ends_at": "2026-03-02T00:00:00Z",
        "reason": "flooded road",
        "authority": "post commander",
    }
    KNOWN["closure_id"] = [made("/api/v1/posts/P-A/closures", closure)["id"]]
    hits = client.get(f"/api/v1/screening/crossings/{CROSSINGS[4]}/hits", headers=admin).json()
    KNOWN["hit_id"] = [hit["id"] for hit in hits]
    inspected = f"/api/v1/crossings/{CROSSINGS[5]}"
    made(f"{inspected}/inspection")
    cargo = client.get(f"{inspected}/cargo", headers=admin).json()
    KNOWN["goods_item"] = [item["id"] for item in cargo[0]["items"]]
    finding = {"kind": "undeclared", "hs_code": "9306.30", "description": "cartridges"}
    finding |= {"quantity": 400, "unit": "pcs"}
    KNOWN["finding"] = [made(f"{inspected}/inspection/findings", finding)["id"]]
    seizure = {"finding": KNOWN["finding"][0], "quantity": 400, "unit": "pcs"}
    seizure |= {"legal_basis": "Arms law, art. 5", "seals": ["SZ-1"]}
    KNOWN["seizure_id"] = [made(f"{inspected}/inspection/seizures", seizure)["id"]]
    made(f"{inspected}/inspection/evidence", files={"file": ("load.png", PHOTO, "image/png")})
    call = {"kind": "complaint", "post": "P-A", "contact_name": "A caller", "summary": "Waited."}
    case = made("/api/v1/cases", call)["case"]
    KNOWN["case_id"] = [case["id"]]
    made(f"/api/v1/cases/{case['id']}/attachments", files={"file": ("l.png", PHOTO, "image/png")})


def _config() -> schemathesis.Config:
    return schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "generation": {
                "max-examples": MAX_EXAMPLES,
                "mode": "all",
                "deterministic": True,
                "database": "none",
            },
        }
    )


def _document_app() -> FastAPI:
    """The app as far as its OpenAPI document goes: no database is opened to describe it."""
    return create_app(Settings(database_url="sqlite://", secret_key="doc"), sessionmaker())


# Loaded at collection, so that pytest lists one test per operation and role; each request goes
# to the seeded app of its role (``Fuzzed.app``), which serves this same document.
_DOCUMENT_APP = _document_app()
DOCUMENT = _DOCUMENT_APP.openapi()
schema = schemathesis.openapi.from_dict(DOCUMENT, config=_config())
schema.app = _DOCUMENT_APP  # in-process (ASGI) calls; each names its own app


@dataclass
class Fuzzed:
    app: FastAPI
    headers: dict[str, str]
    watch: WriteWatch
    sent: collections.Counter[str] = field(default_factory=collections.Counter)
    excused: collections.Counter[str] = field(default_factory=collections.Counter)

    def failed(
        self, check: Check, case: schemathesis.Case, response: schemathesis.Response
    ) -> bool:
        """True unless an allow-list entry excuses this answer ``check`` (counted if so)."""
        name = allowed(check, case, response)
        if name is not None:
            self.excused[name] += 1
        return name is None


@pytest.fixture(scope="module", params=list(ROLES))
def fuzzed(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    sqlite_template: Path,
) -> Iterator[Fuzzed]:
    """The app of one role on its seeded SQLite file, with that role's token."""
    role = request.param
    tmp = tmp_path_factory.mktemp(f"fuzz-{role}")
    path = tmp / "fuzz.db"
    shutil.copy(sqlite_template, path)
    engine = make_engine(f"sqlite:///{path}")
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    home = tmp / "home"
    home.mkdir()
    app = create_app(
        # Limits far above what the fuzzer sends: the 429 itself is tested on its own.
        Settings(
            database_url="sqlite://",
            secret_key="fuzz",
            home=home,
            search_limit="100000/minute",
            sign_in_limit="100000/minute",
        ),
        session_factory=factory,
    )
    admin = bearer(add_user(factory, "admin.seed", "admin"))
    with TestClient(app) as client:
        assert client.get("/api/v1/openapi.json").json() == DOCUMENT
        _seed(client, admin)
    token = add_user(factory, f"{role}.fuzz", role, ROLES[role])
    fuzzed = Fuzzed(app, bearer(token), WriteWatch(path, home))
    yield fuzzed
    tally = dict(sorted(fuzzed.sent.items()))
    print(f"\nfuzz as {role}: {sum(fuzzed.sent.values())} requests, by status {tally}")
    print(f"fuzz as {role}: excused by the allow-list {dict(fuzzed.excused)}")
    fuzzed.watch.close()
    engine.dispose()


def _aimed(values: Any) -> st.SearchStrategy[Any]:
    """Half of the time, a parameter or top-level body field that names a record names one the
    seed made (the same on every run), so that requests reach past the 404s."""
    if not isinstance(values, dict) or not values:
        return st.just(values)
    return st.fixed_dictionaries(
        {
            name: st.one_of(st.just(value), st.sampled_from(KNOWN[name]))
            if KNOWN.get(name)
            else st.just(value)
            for name, value in values.items()
        }
    )


@schema.hook
def flatmap_path_parameters(
    context: schemathesis.HookContext, path_parameters: dict[str, Any]
) -> st.SearchStrategy[dict[str, Any]]:
    return _aimed(path_parameters)


@schema.hook
def flatmap_query(
    context: schemathesis.HookContext, query: dict[str, Any]
) -> st.SearchStrategy[Any]:
    return _aimed(query)


@schema.hook
def flatmap_body(context: schemathesis.HookContext, body: Any) -> st.SearchStrategy[Any]:
    return _aimed(body)


@schema.parametrize()
def test_api_fuzz(case: schemathesis.Case, fuzzed: Fuzzed) -> None:
    fuzzed.watch.changed()
    response = case.call(headers=fuzzed.headers, app=fuzzed.app)
    fuzzed.sent[str(response.status_code)] += 1
    wrote = fuzzed.watch.changed()
    where = f"{case.method} {case.formatted_path}"
    if response.status_code >= 500 and fuzzed.failed("server error", case, response):
        pytest.fail(f"{where}: {response.status_code} {response.text[:300]}")
    problem = error_shape(case, response)
    if problem is not None and fuzzed.failed("shape", case, response):
        pytest.fail(f"{where}: {problem}")
    if response.status_code >= 400 and wrote and fuzzed.failed("write", case, response):
        pytest.fail(f"{where} answered {response.status_code} and left a change in {wrote}")
