"""Vehicle crossings with consignments: lanes drive the decision, rows and leaves are written."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from tests.cargo_factories import declared, gold_concentrate, goods, medical_supplies, mine
from tests.factories import command, make_organisation, make_post, vehicle_crossing
from tests.web_support import add_user, bearer

from borderpost.app import create_app
from borderpost.audit.model import AuditEntry
from borderpost.cargo.model import Consignment, GoodsItem
from borderpost.cargo.rules.selectivity import random_draw
from borderpost.config import Settings
from borderpost.crossings.model import Crossing
from borderpost.crossings.services import record_crossing
from borderpost.errors import InvalidInput
from borderpost.ledger import leaves
from borderpost.ledger.model import LedgerLeaf
from borderpost.unit_of_work import UnitOfWork

Factory = sessionmaker[Session]


def _setup(factory: Factory) -> None:
    with UnitOfWork(factory) as uow:
        make_post(uow, "P-A")
        make_organisation(uow, "AID", "humanitarian")
        uow.commit()


def _leaf(factory: Factory, crossing_id: object) -> dict[str, object]:
    with factory() as session:
        leaf = session.scalars(
            select(LedgerLeaf.leaf).where(LedgerLeaf.record_id == crossing_id)
        ).one()
    return leaves.parse_leaf(leaf)


def test_gold_concentrate_leaving_is_referred_with_its_legal_basis(
    session_factory: Factory,
) -> None:
    _setup(session_factory)
    data = vehicle_crossing(direction="out", consignments=[gold_concentrate()])
    with UnitOfWork(session_factory, actor="officer.a") as uow:
        recorded = record_crossing(uow, command(data))
        uow.commit()
    assert recorded.read is not None
    assert recorded.crossing.decision == "referred"
    [cargo] = recorded.read.cargo
    assert cargo["lane"] == "red"
    rules = {r["id"]: r for r in cargo["rules"]}
    assert "R-ORE-1" in rules
    assert rules["R-ORE-1"]["legal_basis"] in recorded.crossing.reasons
    with session_factory() as session:
        row = session.scalars(select(Consignment)).one()
        assert row.crossing_id == recorded.crossing.id
        assert row.lane_colour == "red"
        assert not row.refused
        assert {r["id"] for r in row.rules} == set(rules)
        assert row.consignor == {"name": "Sender Ltd"}
        [item] = row.items
        assert item.hs_code == "261690"
        assert item.outcome == "inspect"
        assert item.gross_kg == 20600
        trail = session.scalars(select(AuditEntry).where(AuditEntry.entity == "consignments")).one()
        assert trail.after is not None
        assert trail.after["lane"] == "red"
        assert "Sender" not in str(trail.after)
    leaf = _leaf(session_factory, recorded.crossing.id)
    assert leaf["v"] == 2
    assert leaf["cargo"] == [{"hs": "2616", "kg": "20600"}]
    assert leaf["decision"] == "referred"


def test_recognised_humanitarian_medical_supplies_go_green(session_factory: Factory) -> None:
    _setup(session_factory)
    data = vehicle_crossing(
        category="humanitarian", organisation="AID", consignments=[medical_supplies()]
    )
    with UnitOfWork(session_factory) as uow:
        recorded = record_crossing(uow, command(data))
        uow.commit()
    assert recorded.read is not None
    assert recorded.read.cargo[0]["lane"] == "green"
    assert recorded.crossing.decision == "admitted"
    assert recorded.crossing.reasons == []


def test_a_declared_mine_is_refused_with_the_rules_legal_basis(session_factory: Factory) -> None:
    _setup(session_factory)
    data = vehicle_crossing(consignments=[declared(goods(), goods("3004.90", "bandages")), mine()])
    with UnitOfWork(session_factory) as uow:
        recorded = record_crossing(uow, command(data))
        uow.commit()
    assert recorded.read is not None
    assert recorded.crossing.decision == "refused"
    mine_rules = [r for r in recorded.read.cargo[1]["rules"] if r["effect"] == "prohibit"]
    assert mine_rules
    assert mine_rules[0]["legal_basis"] in recorded.crossing.reasons
    leaf = _leaf(session_factory, recorded.crossing.id)
    assert leaf["cargo"] == [
        {"hs": "3004", "kg": "25"},
        {"hs": "8471", "kg": "25"},
        {"hs": "9306", "kg": "40"},
    ]


def test_the_officers_stricter_decision_stands(session_factory: Factory) -> None:
    _setup(session_factory)
    data = vehicle_crossing(
        direction="out",
        decision="refused",
        reasons=["driver has no licence"],
        consignments=[gold_concentrate()],
    )
    with UnitOfWork(session_factory) as uow:
        recorded = record_crossing(uow, command(data))
        uow.commit()
    assert recorded.crossing.decision == "refused"
    assert recorded.crossing.reasons == ["driver has no licence"]


def test_a_bad_declaration_names_the_field_and_writes_nothing(session_factory: Factory) -> None:
    _setup(session_factory)
    bad = declared(goods(), goods(), goods(), goods("999999", "things"))
    data = vehicle_crossing(consignments=[bad])
    with UnitOfWork(session_factory) as uow, pytest.raises(InvalidInput) as caught:
        record_crossing(uow, command(data))
    fields = [p.field for p in caught.value.problems]
    assert fields == ["consignments[0].items[3].hs_code"]
    with session_factory() as session:
        assert session.scalar(select(func.count()).select_from(Crossing)) == 0
        assert session.scalar(select(func.count()).select_from(GoodsItem)) == 0


def test_consignments_on_a_person_crossing_are_refused() -> None:
    from pydantic import ValidationError
    from tests.factories import person_crossing

    with pytest.raises(ValidationError, match="vehicle crossing only"):
        command(person_crossing(consignments=[declared()]))


def test_api_records_cargo_and_reports_bad_paths(session_factory: Factory, tmp_path: Path) -> None:
    _setup(session_factory)
    token = add_user(session_factory, "officer.a", "officer", ["P-A"])
    settings = Settings(
        database_url="sqlite://", secret_key="t", home=tmp_path, cargo_random_share=1.0
    )
    with TestClient(create_app(settings, session_factory=session_factory)) as client:
        bad = vehicle_crossing(consignments=[declared(goods(currency="XXQ"))])
        response = client.post("/api/v1/crossings", json=bad, headers=bearer(token))
        assert response.status_code == 422
        assert response.json()["problems"][0]["field"] == "consignments[0].items[0].currency"

        good = vehicle_crossing(consignments=[declared()])
        response = client.post("/api/v1/crossings", json=good, headers=bearer(token))
        assert response.status_code == 201, response.text
        body = response.json()
    # A share of 1: every consignment goes to red, and the draw is reproducible from the seed.
    assert body["decision"] == "referred"
    [cargo] = body["cargo"]
    assert cargo["lane"] == "red"
    assert cargo["random"]["selected"]
    seed = (tmp_path / "keys" / "selectivity.seed").read_bytes()
    assert cargo["random"]["draw"] == random_draw(seed, cargo["id"])
    with session_factory() as session:
        assert session.scalars(select(Consignment.random_draw)).one() == cargo["random"]["draw"]


def test_import_judges_cargo_and_reports_a_bad_declaration_by_line_and_path(
    session_factory: Factory, tmp_path: Path
) -> None:
    import json

    from borderpost.imports.services import import_file

    _setup(session_factory)
    lines = [
        vehicle_crossing(direction="out", consignments=[gold_concentrate()]),
        vehicle_crossing(consignments=[declared(goods(net_kg=30))]),
        vehicle_crossing(consignments=[mine()]),
    ]
    path = tmp_path / "crossings.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines), encoding="utf-8")
    report = import_file(session_factory, "crossings", path, home=tmp_path)
    assert [(p.line, p.field) for p in report.problems] == [(2, "consignments[0].items[0].net_kg")]
    with session_factory() as session:
        decisions = sorted(session.scalars(select(Crossing.decision)))
        assert decisions == ["referred", "refused"]
        assert session.scalar(select(func.count()).select_from(Consignment)) == 2


POST_RULES = """\
[ruleset]
id = "p-a"
version = "1"
effective_from = 2025-01-01
post = "P-A"

[[rule]]
id = "R-P-LAPTOPS"
effect = "inspect"
priority = 10
legal_basis = "Post P-A order 7: laptops are inspected"
hs = ["8471"]
"""


def test_a_post_rule_file_applies_and_a_broken_edit_keeps_it_in_force(
    session_factory: Factory, tmp_path: Path
) -> None:
    import os

    _setup(session_factory)
    rules = tmp_path / "rules" / "P-A.toml"
    rules.parent.mkdir()
    rules.write_text(POST_RULES, encoding="utf-8")

    def record() -> str:
        with UnitOfWork(session_factory, home=tmp_path) as uow:
            recorded = record_crossing(uow, command(vehicle_crossing(consignments=[declared()])))
            uow.commit()
        return recorded.crossing.decision

    assert record() == "referred"
    rules.write_text(POST_RULES.replace('"inspect"', '"forbid"'), encoding="utf-8")
    stat = rules.stat()
    os.utime(rules, (stat.st_atime, stat.st_mtime + 5))  # a later change, whatever the clock
    assert record() == "referred"  # the post keeps the rule set it had
