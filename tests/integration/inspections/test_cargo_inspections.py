"""Inspections: findings, seizures, evidence by content hash, and the decision they lead to."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from tests.cargo_factories import declared, goods
from tests.factories import make_post, vehicle_crossing
from tests.web_support import add_user, bearer

from borderpost.app import create_app
from borderpost.audit.model import AuditEntry
from borderpost.config import Settings
from borderpost.crossings.model import Crossing
from borderpost.ledger.leaves import parse_leaf
from borderpost.ledger.model import LedgerLeaf
from borderpost.outbox import OutboxEvent
from borderpost.unit_of_work import UnitOfWork

Factory = sessionmaker[Session]


@dataclass
class Site:
    http: TestClient
    officer: dict[str, str]
    inspector: dict[str, str]
    home: Path


@pytest.fixture
def site(session_factory: Factory, tmp_path: Path) -> Iterator[Site]:
    with UnitOfWork(session_factory) as uow:
        make_post(uow, "P-A")
        uow.commit()
    officer = bearer(add_user(session_factory, "officer.a", "officer", ["P-A"]))
    inspector = bearer(add_user(session_factory, "inspector.a", "inspector", ["P-A"]))
    settings = Settings(database_url="sqlite://", secret_key="t", home=tmp_path)
    with TestClient(create_app(settings, session_factory=session_factory)) as http:
        yield Site(http, officer, inspector, tmp_path)


def _referred(site: Site) -> str:
    data = vehicle_crossing(
        direction="out", consignments=[declared(goods(), goods("2616.90", "gold concentrate"))]
    )
    response = site.http.post("/api/v1/crossings", json=data, headers=site.officer)
    assert response.status_code == 201, response.text
    assert response.json()["decision"] == "referred"
    return str(response.json()["id"])


def test_undeclared_goods_change_the_decision_and_the_change_is_audited(
    site: Site, session_factory: Factory
) -> None:
    crossing = _referred(site)
    base = f"/api/v1/crossings/{crossing}"
    # An officer may read the cargo but not inspect it.
    assert site.http.post(f"{base}/inspection", headers=site.officer).status_code == 403
    opened = site.http.post(f"{base}/inspection", headers=site.inspector)
    assert opened.status_code == 201, opened.text
    cargo = site.http.get(f"{base}/cargo", headers=site.officer).json()
    laptops, gold = cargo[0]["items"]
    assert gold["outcome"] == "inspect"

    found = site.http.post(f"{base}/inspection/findings", headers=site.inspector, json={
        "kind": "as_declared", "goods_item": laptops["id"]})  # fmt: skip
    assert found.status_code == 201, found.text
    undeclared = site.http.post(f"{base}/inspection/findings", headers=site.inspector, json={
        "kind": "undeclared", "hs_code": "9306.30", "description": "cartridges",
        "quantity": 400, "unit": "pcs"})  # fmt: skip
    assert undeclared.status_code == 201, undeclared.text
    seized = site.http.post(f"{base}/inspection/seizures", headers=site.inspector, json={
        "finding": undeclared.json()["id"], "quantity": 400, "unit": "pcs",
        "legal_basis": "Arms law, art. 5", "seals": ["SZ-1", "SZ-2"]})  # fmt: skip
    assert seized.status_code == 201, seized.text
    assert seized.json()["hs_code"] == "930630"
    assert seized.json()["status"] == "held"

    closed = site.http.post(f"{base}/inspection/close", headers=site.inspector, json={
        "outcome": "refused", "reason": "undeclared ammunition found"})  # fmt: skip
    assert closed.status_code == 200, closed.text
    assert closed.json()["outcome"] == "refused"
    assert site.http.get(base, headers=site.officer).json()["decision"] == "refused"
    with session_factory() as session:
        change = session.scalars(
            select(AuditEntry).where(
                AuditEntry.entity == "crossings",
                AuditEntry.action == "update",
                AuditEntry.entity_id == crossing,
            )
        ).one()
        assert change.actor == "inspector.a"
        assert change.before is not None
        assert change.after is not None
        assert change.before["decision"] == "referred"
        assert change.after["decision"] == "refused"
        assert "inspection: undeclared ammunition found" in change.after["reasons"]
        event = session.scalars(
            select(OutboxEvent).where(OutboxEvent.topic == "crossing.inspected")
        ).one()
        assert event.payload["decision_before"] == "referred"
        assert event.payload["decision"] == "refused"
        seizures = session.scalars(select(AuditEntry).where(AuditEntry.entity == "seizures")).all()
        assert [s.action for s in seizures] == ["create"]
        # The public ledger follows: an entry correcting the crossing's decision.
        leaves = session.scalars(
            select(LedgerLeaf)
            .where(LedgerLeaf.record_id == uuid.UUID(crossing))
            .order_by(LedgerLeaf.id)
        ).all()
        assert [leaf.corrects_id is not None for leaf in leaves] == [False, True]
        assert parse_leaf(bytes(leaves[1].leaf))["decision"] == "refused"
    # Closed: nothing more is recorded in it.
    again = site.http.post(f"{base}/inspection/findings", headers=site.inspector, json={
        "kind": "as_declared", "goods_item": gold["id"]})  # fmt: skip
    assert again.status_code == 409
    assert [p["field"] for p in again.json()["problems"]] == ["inspection"]

    # The seized goods are confiscated later, with who and why.
    seizure_id = seized.json()["id"]
    disposed = site.http.post(
        f"{base}/inspection/seizures/{seizure_id}/disposal",
        headers=site.inspector,
        json={"status": "confiscated", "reason": "court order 12"},
    )
    assert disposed.status_code == 200, disposed.text
    assert disposed.json()["disposed_by"] == "inspector.a"
    twice = site.http.post(
        f"{base}/inspection/seizures/{seizure_id}/disposal",
        headers=site.inspector,
        json={"status": "released", "reason": "x"},
    )
    assert twice.status_code == 409
    assert [p["field"] for p in twice.json()["problems"]] == ["status"]
    with session_factory() as session:
        update = session.scalars(
            select(AuditEntry).where(AuditEntry.entity == "seizures", AuditEntry.action == "update")
        ).one()
        assert update.after is not None
        assert update.after["status"] == "confiscated"
        assert update.after["disposed_reason"] == "court order 12"


def test_admitted_after_seizure_needs_a_seizure(site: Site, session_factory: Factory) -> None:
    crossing = _referred(site)
    base = f"/api/v1/crossings/{crossing}"
    site.http.post(f"{base}/inspection", headers=site.inspector)
    early = site.http.post(f"{base}/inspection/close", headers=site.inspector, json={
        "outcome": "admitted_after_seizure", "reason": "x"})  # fmt: skip
    assert early.status_code == 422
    assert early.json()["problems"][0]["field"] == "outcome"
    gold = site.http.get(f"{base}/cargo", headers=site.officer).json()[0]["items"][1]
    site.http.post(f"{base}/inspection/seizures", headers=site.inspector, json={
        "goods_item": gold["id"], "quantity": 2, "unit": "t",
        "legal_basis": "Mining code, art. 9"})  # fmt: skip
    done = site.http.post(f"{base}/inspection/close", headers=site.inspector, json={
        "outcome": "admitted_after_seizure", "reason": "part without licence seized"})  # fmt: skip
    assert done.status_code == 200, done.text
    with session_factory() as session:
        row = session.get(Crossing, uuid.UUID(crossing))
        assert row is not None
        assert row.decision == "admitted"


def test_bad_findings_name_the_field(site: Site) -> None:
    base = f"/api/v1/crossings/{_referred(site)}"
    site.http.post(f"{base}/inspection", headers=site.inspector)
    missing = site.http.post(f"{base}/inspection/findings", headers=site.inspector, json={
        "kind": "undeclared", "hs_code": "9306.30", "quantity": 1, "unit": "pcs"})  # fmt: skip
    assert missing.status_code == 422
    assert missing.json()["problems"][0]["field"] == "description"
    unknown = site.http.post(f"{base}/inspection/findings", headers=site.inspector, json={
        "kind": "undeclared", "hs_code": "9999.99", "description": "x", "quantity": 1,
        "unit": "pcs"})  # fmt: skip
    assert unknown.status_code == 422
    assert unknown.json()["problems"][0]["field"] == "hs_code"


def test_only_a_referred_vehicle_is_inspected(site: Site) -> None:
    data = vehicle_crossing(consignments=[declared()])
    crossing = site.http.post("/api/v1/crossings", json=data, headers=site.officer).json()
    assert crossing["decision"] == "admitted"
    response = site.http.post(f"/api/v1/crossings/{crossing['id']}/inspection",
                              headers=site.inspector)  # fmt: skip
    assert response.status_code == 409
    assert [p["field"] for p in response.json()["problems"]] == ["crossing_id"]


def test_evidence_is_kept_once_by_content_hash_and_served_to_inspectors(site: Site) -> None:
    base = f"/api/v1/crossings/{_referred(site)}"
    other = f"/api/v1/crossings/{_referred(site)}"
    site.http.post(f"{base}/inspection", headers=site.inspector)
    site.http.post(f"{other}/inspection", headers=site.inspector)
    photo = b"\x89PNG\r\n\x1a\n a photograph of the load"
    digest = hashlib.sha256(photo).hexdigest()
    for url in (base, base, other):
        sent = site.http.post(f"{url}/inspection/evidence", headers=site.inspector,
                              files={"file": ("load.png", photo, "image/png")})  # fmt: skip
        assert sent.status_code == 201, sent.text
        assert sent.json()["sha256"] == digest
    stored = list((site.home / "evidence").rglob("*"))
    assert [p.name for p in stored if p.is_file()] == [digest]
    inspection = site.http.get(f"{base}/inspection", headers=site.inspector).json()
    assert len(inspection["evidence"]) == 1
    served = site.http.get(f"{base}/inspection/evidence/{digest}", headers=site.inspector)
    assert served.status_code == 200
    assert served.content == photo
    assert served.headers["content-type"] == "image/png"
    refused = site.http.get(f"{base}/inspection/evidence/{digest}", headers=site.officer)
    assert refused.status_code == 403


@pytest.mark.parametrize(
    ("sent_as", "served_as", "disposition"),
    [
        ("text/html", "application/octet-stream", "attachment"),
        ("image/svg+xml", "application/octet-stream", "attachment"),
        ("application/x-made-up", "application/octet-stream", "attachment"),
        ("image/png", "image/png", "inline"),
        ("application/pdf", "application/pdf", "inline"),
    ],
)
def test_evidence_is_served_as_bytes_unless_an_image_or_pdf(
    site: Site, sent_as: str, served_as: str, disposition: str
) -> None:
    base = f"/api/v1/crossings/{_referred(site)}"
    site.http.post(f"{base}/inspection", headers=site.inspector)
    page = b"<html><script>alert(document.cookie)</script></html>"
    sent = site.http.post(f"{base}/inspection/evidence", headers=site.inspector,
                          files={"file": ("note.html", page, sent_as)})  # fmt: skip
    assert sent.status_code == 201, sent.text
    served = site.http.get(f"{base}/inspection/evidence/{sent.json()['sha256']}",
                           headers=site.inspector)  # fmt: skip
    assert served.status_code == 200
    assert served.headers["content-type"].split(";")[0] == served_as
    assert served.headers["content-disposition"].startswith(f"{disposition};")
    assert served.headers["x-content-type-options"] == "nosniff"
    assert served.headers["cache-control"] == "no-store"
