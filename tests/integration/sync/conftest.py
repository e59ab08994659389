"""What the sync tests share: a post of their own (a SQLite file), headquarters made afresh,
the post's outbox as the events headquarters receives, and both sides' records to compare.

NATS tests use BORDERPOST_TEST_NATS_URL: run them against a nats-server of your own.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker
from tests.cargo_factories import declared, goods
from tests.factories import command, make_organisation, make_post, vehicle_crossing

from borderpost.audit.hook import REFERENCE
from borderpost.audit.model import AuditEntry
from borderpost.cargo.model import Consignment, GoodsItem
from borderpost.crossings.model import Crossing
from borderpost.crossings.recording import record_crossing
from borderpost.db import make_engine
from borderpost.inspections.model import Evidence, Finding, Inspection, Seizure
from borderpost.inspections.schemas import (
    FindingCreate,
    InspectionClose,
    SeizureCreate,
    SeizureDispose,
)
from borderpost.inspections.services import (
    add_evidence,
    close_inspection,
    dispose_seizure,
    open_inspection,
    record_finding,
    record_seizure,
)
from borderpost.outbox import OutboxEvent, Topic
from borderpost.people.model import TravelDocument, Traveller
from borderpost.posts.model import Closure, Post
from borderpost.screening.model import ScreeningHit
from borderpost.sync.events import Event
from borderpost.unit_of_work import UnitOfWork
from borderpost.vehicles.model import Vehicle

Factory = sessionmaker[Session]


def add_reference(factory: Factory) -> None:
    """The post P-A and the organisation AID, as every node of the network knows them."""
    with UnitOfWork(factory) as uow:
        make_post(uow, "P-A")
        make_organisation(uow, "AID")
        uow.commit()


@pytest.fixture
def post(tmp_path: Path, sqlite_template: Path) -> Iterator[Factory]:
    """A post's own database (SQLite, as a post runs), with its reference data."""
    path = tmp_path / "post.db"
    shutil.copy(sqlite_template, path)
    engine = make_engine(f"sqlite:///{path}")
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    add_reference(factory)
    yield factory
    engine.dispose()


@contextlib.contextmanager
def fresh_headquarters(
    request: pytest.FixtureRequest, backend: str, folder: Path
) -> Iterator[Factory]:
    """A new, empty headquarters (reference data only) on SQLite or PostgreSQL, undone after:
    for property tests, which need one per example."""
    if backend == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = folder / f"hq-{uuid.uuid4().hex}.db"
        shutil.copy(template, path)
        engine = make_engine(f"sqlite:///{path}")
        factory = sessionmaker(bind=engine, expire_on_commit=False)
        try:
            add_reference(factory)
            yield factory
        finally:
            engine.dispose()
            path.unlink()
        return
    pg_engine: Engine = request.getfixturevalue("pg_engine")
    connection = pg_engine.connect()
    outer = connection.begin()
    factory = sessionmaker(
        bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
    )
    try:
        add_reference(factory)
        yield factory
    finally:
        outer.rollback()
        connection.close()


def truck_with_cargo(factory: Factory, post: str = "P-A") -> uuid.UUID:
    """A truck whose cargo goes to the red lane: referred to inspection."""
    # Amounts finer than their columns keep: headquarters holds them as the post rounded them.
    laptops = goods(quantity=10.1235, value=4999.995)
    cargo = [declared(laptops, goods("2616.90", "gold concentrate"))]
    data = vehicle_crossing(post=post, direction="out", consignments=cargo)
    with UnitOfWork(factory, actor="officer.a") as uow:
        recorded = record_crossing(uow, command(data))
        uow.commit()
    return recorded.crossing.id


def inspected_cargo(factory: Factory, home: Path, post: str = "P-A") -> uuid.UUID:
    """A truck with cargo inspected: a finding of undeclared goods, a seizure of them
    confiscated later, a photo kept; the truck's crossing id."""
    truck = truck_with_cargo(factory, post)
    with UnitOfWork(factory, actor="inspector.a", home=home) as uow:
        open_inspection(uow, truck)
        found = {"kind": "undeclared", "hs_code": "9306.30", "description": "cartridges",
                 "quantity": 400, "unit": "pcs"}  # fmt: skip
        finding = record_finding(uow, truck, FindingCreate.model_validate(found))
        seized = {"finding": str(finding.id), "quantity": 400, "unit": "pcs",
                  "legal_basis": "Arms law, art. 5", "seals": ["SZ-1"]}  # fmt: skip
        seizure = record_seizure(uow, truck, SeizureCreate.model_validate(seized))
        add_evidence(uow, truck, "photo.jpg", "image/jpeg", b"\xff\xd8" + post.encode())
        close_inspection(
            uow, truck, InspectionClose(outcome="admitted_after_seizure", reason="seized")
        )
        uow.commit()
    with UnitOfWork(factory, actor="supervisor.a") as uow:
        dispose_seizure(
            uow, truck, seizure.id, SeizureDispose(status="confiscated", reason="court order")
        )
        uow.commit()
    return truck


def outbox_events(factory: Factory, *, trail: bool = False) -> list[Event]:
    """The post's outbox as headquarters receives it, in the order the post wrote it; the
    entries of its audit trail only with ``trail``."""
    query = (
        select(OutboxEvent.id, Post.code, OutboxEvent.topic, OutboxEvent.payload)
        .join(Post, Post.id == OutboxEvent.post_id)
        .order_by(OutboxEvent.id)
    )
    if not trail:
        query = query.where(OutboxEvent.topic != Topic.AUDIT_RECORDED)
    with factory() as session:
        rows = session.execute(query).all()
    return [Event(i, code, topic, json.dumps(payload)) for i, code, topic, payload in rows]


def trail_events(factory: Factory) -> int:
    """How many entries of its audit trail the post has queued for headquarters (each an
    event of its own, besides those of its records)."""
    with factory() as session:
        query = select(func.count()).where(OutboxEvent.topic == Topic.AUDIT_RECORDED)
        return int(session.scalar(query) or 0)


def records(factory: Factory) -> dict[str, Any]:
    """Every record sync carries, field by field, by the post's ids; reference data by code
    (each node gives its posts and organisations ids of its own)."""
    with factory() as session:
        codes: dict[uuid.UUID, str] = {i: c for i, c in session.execute(select(Post.id, Post.code))}
        crossings = {
            c.id: (
                codes[c.post_id],
                c.direction,
                c.time,
                c.arrived_at,
                c.kind,
                c.category,
                c.organisation_type,
                c.traveller_id,
                c.document_id,
                c.vehicle_id,
                c.vehicle_type,
                c.carried_by_id,
                c.officer,
                c.decision,
                c.reasons,
                c.flags,
                c.recorded_at,
            )
            for c in session.scalars(select(Crossing))
        }
        travellers = {
            t.id: (codes[t.post_id], t.surname, t.given_names, t.birth_date, t.nationality)
            for t in session.scalars(select(Traveller))
        }
        documents = {
            d.id: (d.traveller_id, d.type, d.number, d.issuer, d.expiry)
            for d in session.scalars(select(TravelDocument))
        }
        vehicles = {
            v.id: (codes[v.post_id], v.plate, v.plate_key, v.country, v.type)
            for v in session.scalars(select(Vehicle))
        }
        closures = {
            c.id: (codes[c.post_id], c.starts_at, c.ends_at, c.reason, c.authority)
            for c in session.scalars(select(Closure))
        }
        around = {name: _whole(session, model, codes) for name, model in AROUND.items()}
    return {
        "crossings": crossings,
        "travellers": travellers,
        "documents": documents,
        "vehicles": vehicles,
        "closures": closures,
        **around,
    }


# What a post records around its crossings, compared column by column.
AROUND: dict[str, type[Any]] = {
    "consignments": Consignment,
    "goods_items": GoodsItem,
    "inspections": Inspection,
    "findings": Finding,
    "seizures": Seizure,
    "evidence": Evidence,
    "hits": ScreeningHit,
}


def _whole(session: Session, model: type[Any], codes: dict[uuid.UUID, str]) -> dict[Any, Any]:
    """Every row of ``model`` by id, every column, the post by its code."""
    columns = [c.key for c in model.__table__.columns]
    return {
        row.id: tuple(
            codes.get(getattr(row, c)) if c == "post_id" else getattr(row, c) for c in columns
        )
        for row in session.scalars(select(model))
    }


def trail(factory: Factory, post: str | None = None) -> dict[uuid.UUID, tuple[Any, ...]]:
    """Audit entries by id, every column, the post by its code; with ``post``, that post's
    trail as it ships (not the entries of reference data, which are the node's)."""
    with factory() as session:
        codes = {i: c for i, c in session.execute(select(Post.id, Post.code))}
        entries = _whole(session, AuditEntry, codes)
    if post is None:
        return entries
    columns = [c.key for c in AuditEntry.__table__.columns]
    at, entity = columns.index("post_id"), columns.index("entity")
    return {i: e for i, e in entries.items() if e[at] == post and e[entity] not in REFERENCE}
