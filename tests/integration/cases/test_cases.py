"""Cases from receipt to decision: the allowed steps only, approval, scope-checked links, the
deadline, the person's view, the ledger leaves, and the queries retention relies on."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from tests.factories import command, make_post, person_crossing, traveller
from tests.web_support import add_user

from borderpost import clock
from borderpost.accounts.model import Role
from borderpost.audit.model import AuditEntry
from borderpost.cases import services
from borderpost.cases.model import CaseStatus, RecordType
from borderpost.cases.schemas import CaseAssign, CaseCreate, CaseDecide, NoteCreate, RecordLink
from borderpost.crossings.services import record_crossing
from borderpost.errors import Conflict, InvalidInput, NotFound
from borderpost.ledger import leaves
from borderpost.ledger.caseleaf import facts_from_leaves
from borderpost.ledger.model import LedgerLeaf
from borderpost.unit_of_work import UnitOfWork

Factory = sessionmaker[Session]


def everywhere(_code: str | None) -> bool:
    return True


def only(code: str) -> services.Covers:
    return lambda post: post == code


def case_data(**extra: Any) -> CaseCreate:
    data: dict[str, Any] = {
        "kind": "appeal",
        "post": "P-A",
        "language": "ru",
        "contact_name": "Anna Eriksson",
        "contact": "+994 12 000 00 00",
        "summary": "Refused at the post on 10 March; the documents were valid.",
    }
    data.update(extra)
    return CaseCreate.model_validate(data)


def _setup(factory: Factory) -> None:
    with UnitOfWork(factory) as uow:
        make_post(uow, "P-A")
        make_post(uow, "P-B")
        uow.commit()
    add_user(factory, "officer", Role.CASE_OFFICER, network=True)
    add_user(factory, "someone.else", Role.CASE_OFFICER, network=True)
    add_user(factory, "officer.b", Role.CASE_OFFICER, ["P-B"])


def _as(factory: Factory, actor: str) -> UnitOfWork:
    return UnitOfWork(factory, actor=actor)


def test_a_case_goes_from_a_call_to_a_decision_the_person_reads(session_factory: Factory) -> None:
    _setup(session_factory)
    with _as(session_factory, "operator") as uow:
        case, secret = services.receive_case(uow, case_data(kind="complaint"), everywhere)
        uow.commit()
        case_id, reference = case.id, case.reference
    assert reference.startswith("C-")
    assert len(reference) == 12
    with _as(session_factory, "officer") as uow:
        services.assign_case(uow, case_id, CaseAssign(assigned_to="officer"))
        services.start_review(uow, case_id)
        services.add_note(uow, case_id, NoteCreate(text="Called the post."))
        decided = services.decide_case(
            uow,
            case_id,
            CaseDecide(outcome="rejected", reason="The wait was lawful.", legal_basis="Art. 5"),
        )
        assert decided.status == CaseStatus.DECIDED.value
        services.close_case(uow, case_id)
        uow.commit()
    with UnitOfWork(session_factory) as uow:
        seen = services.public_status(uow, reference.lower(), secret.lower())
        assert (seen.outcome, seen.decision_reason) == ("rejected", "The wait was lawful.")
        with pytest.raises(NotFound):
            services.public_status(uow, reference, "AAAA-AAAA-AAAA-AAAA")
        with pytest.raises(NotFound):
            services.public_status(uow, "C-NOSUCHCASE", secret)
        # Every step is in the audit trail, and the secret is not.
        entries = uow.session.scalars(
            select(AuditEntry).where(AuditEntry.entity_id == str(case_id))
        ).all()
        assert len(entries) >= 5
        assert all("secret_hash" not in (e.after or {}) for e in entries)
        stored = uow.session.get(type(seen), case_id)
        assert stored is not None
        assert stored.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
        assert secret not in str([e.after for e in entries])


def test_only_allowed_steps(session_factory: Factory) -> None:
    _setup(session_factory)
    with _as(session_factory, "officer") as uow:
        case, _ = services.receive_case(uow, case_data(), everywhere)
        decision = CaseDecide(outcome="rejected", reason="r", legal_basis="b")
        with pytest.raises(Conflict):
            services.decide_case(uow, case.id, decision)  # received: not under review
        with pytest.raises(Conflict):
            services.close_case(uow, case.id)
        with pytest.raises(Conflict):
            services.start_review(uow, case.id)
        for nobody in ("nobody", "officer.b"):  # unknown; not at the case's post
            with pytest.raises(InvalidInput) as refused:
                services.assign_case(uow, case.id, CaseAssign(assigned_to=nobody))
            assert refused.value.problems[0].field == "assigned_to"
        services.assign_case(uow, case.id, CaseAssign(team="appeals"))
        services.start_review(uow, case.id)
        services.decide_case(uow, case.id, decision)
        with pytest.raises(Conflict):
            services.reopen_case(uow, case.id, NoteCreate(text="again"))  # decided, not closed
        services.close_case(uow, case.id)
        services.reopen_case(uow, case.id, NoteCreate(text="New facts."))
        assert case.status == CaseStatus.REOPENED.value
        assert case.decided_at is None
        services.start_review(uow, case.id)


def test_granting_an_appeal_waits_for_another_users_approval(session_factory: Factory) -> None:
    _setup(session_factory)
    with _as(session_factory, "officer") as uow:
        case, secret = services.receive_case(uow, case_data(), everywhere)
        services.assign_case(uow, case.id, CaseAssign(assigned_to="officer"))
        services.start_review(uow, case.id)
        grant = CaseDecide(outcome="granted", reason="Valid visa.", legal_basis="Art. 7")
        services.decide_case(uow, case.id, grant)
        assert case.status == CaseStatus.AWAITING_APPROVAL.value
        assert case.decided_at is None
        with pytest.raises(Conflict):
            services.approve_decision(uow, case.id)  # not by its author
        uow.commit()
        case_id, reference = case.id, case.reference
    with _as(session_factory, "supervisor") as uow:
        # Not yet a decision for the person.
        assert services.public_status(uow, reference, secret).decided_at is None
        services.send_back(uow, case_id, NoteCreate(text="Check the visa dates."))
        case = services.get_case(uow, case_id)
        assert case.status == CaseStatus.UNDER_REVIEW.value
        assert case.outcome is None
        uow.commit()
    with _as(session_factory, "officer") as uow:
        services.decide_case(uow, case_id, grant)
        uow.commit()
    with _as(session_factory, "supervisor") as uow:
        case = services.approve_decision(uow, case_id)
        assert (case.status, case.approved_by) == (CaseStatus.DECIDED.value, "supervisor")
        assert case.decided_at is not None
        uow.commit()


def test_linked_records_are_scope_checked_and_not_copied(session_factory: Factory) -> None:
    _setup(session_factory)
    with UnitOfWork(session_factory) as uow:
        here = record_crossing(
            uow, command(person_crossing("P-A", decision="refused", reasons=["no visa"]))
        ).crossing
        there = record_crossing(uow, command(person_crossing("P-B"))).crossing
        uow.commit()
    with _as(session_factory, "officer.a") as uow:
        case, _ = services.receive_case(
            uow,
            case_data(records=[{"record_type": "crossing", "record_id": str(here.id)}]),
            only("P-A"),
        )
        with pytest.raises(NotFound) as refused:
            services.link_record(
                uow, case.id, RecordLink(record_type="crossing", record_id=there.id), only("P-A")
            )
        assert refused.value.problems[0].field == "record_id"
        # Linking twice keeps one link.
        services.link_record(
            uow, case.id, RecordLink(record_type="crossing", record_id=here.id), only("P-A")
        )
        assert [(r.record_type, r.record_id) for r in case.records] == [("crossing", here.id)]
        uow.commit()
        case_id = case.id
    with UnitOfWork(session_factory) as uow:
        assert services.records_held_by_open_cases(uow.session) == {("crossing", here.id)}
        services.get_case(uow, case_id).status = CaseStatus.CLOSED.value
        uow.session.flush()
        assert services.records_held_by_open_cases(uow.session) == set()


def test_cases_of_a_person_by_document_or_by_their_crossing(session_factory: Factory) -> None:
    _setup(session_factory)
    person = traveller()
    number = person["document"]["number"]
    with UnitOfWork(session_factory) as uow:
        crossing = record_crossing(
            uow,
            command(
                person_crossing("P-A", traveller=person, decision="refused", reasons=["no visa"])
            ),
        ).crossing
        given, _ = services.receive_case(
            uow, case_data(document_number=number, issuer="UTO"), everywhere
        )
        link = {"record_type": RecordType.CROSSING.value, "record_id": str(crossing.id)}
        linked, _ = services.receive_case(uow, case_data(records=[link]), everywhere)
        services.receive_case(uow, case_data(), everywhere)  # someone else's
        uow.commit()
        found = services.cases_of_person(uow.session, number.lower(), "uto")
        assert [c.id for c in found] == [given.id, linked.id]


def test_the_overdue_list_and_the_work_list(
    session_factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    _setup(session_factory)
    start = clock.now()
    monkeypatch.setattr(clock, "now", lambda: start)
    with _as(session_factory, "officer") as uow:
        urgent, _ = services.receive_case(uow, case_data(kind="missing_person"), everywhere)
        slow, _ = services.receive_case(uow, case_data(kind="inquiry", post="P-B"), everywhere)
        services.assign_case(uow, slow.id, CaseAssign(assigned_to="someone.else"))
        uow.commit()
        assert urgent.due_at == start + dt.timedelta(days=2)
        assert [c.id for c in services.work_list(uow.session, "officer", None)] == [urgent.id]
        assert services.overdue_cases(uow.session, None) == []
        later = start + dt.timedelta(days=3)
        monkeypatch.setattr(clock, "now", lambda: later)
        assert [c.id for c in services.overdue_cases(uow.session, None)] == [urgent.id]
        assert services.overdue_cases(uow.session, frozenset({"P-B"})) == []


def test_leaves_carry_public_facts_only(session_factory: Factory, monkeypatch: Any) -> None:
    _setup(session_factory)
    with _as(session_factory, "officer") as uow:
        case, _ = services.receive_case(
            uow, case_data(document_number="L898902C3", issuer="UTO"), everywhere
        )
        services.assign_case(uow, case.id, CaseAssign(assigned_to="officer"))
        services.start_review(uow, case.id)
        later = clock.now() + dt.timedelta(days=4)
        monkeypatch.setattr(clock, "now", lambda: later)
        services.decide_case(
            uow, case.id, CaseDecide(outcome="rejected", reason="Anna lied", legal_basis="Art 1")
        )
        uow.commit()
        rows = uow.session.scalars(
            select(LedgerLeaf).where(LedgerLeaf.record_id == case.id).order_by(LedgerLeaf.id)
        ).all()
        assert [r.record_type for r in rows] == [leaves.CASE, leaves.CASE]
        assert rows[1].corrects_id == rows[0].id
        written = [r.leaf for r in rows]
    text = b"".join(written).decode()
    for personal in ("Anna", "Eriksson", "L898902C3", "+994", "Refused", "lied", "Art 1", "C-"):
        assert personal not in text
    fields = leaves.parse_leaf(written[1])
    assert {k: fields[k] for k in ("kind", "received", "due", "decided", "outcome")} == {
        "kind": "appeal",
        "received": "2026-11-28",
        "due": "2026-12-28",
        "decided": "2026-12-02",
        "outcome": "rejected",
    }
    # The second leaf replaces the first once appended (its corrects index).
    appended = [written[0], leaves.with_corrects(written[1], 0)]
    [facts] = facts_from_leaves(appended)
    assert (facts.decided, facts.outcome) == (dt.date(2026, 12, 2), "rejected")


def test_attachments_are_kept_once_by_hash(session_factory: Factory, home: Path) -> None:
    _setup(session_factory)
    with UnitOfWork(session_factory, actor="officer", home=home) as uow:
        case, _ = services.receive_case(uow, case_data(), everywhere)
        first = services.add_attachment(uow, case.id, "../letter.pdf", "application/pdf", b"%PDF")
        again = services.add_attachment(uow, case.id, "copy.pdf", "application/pdf", b"%PDF")
        assert first is again
        assert first.filename == "letter.pdf"
        _, path = services.attachment_file(uow, case.id, first.sha256)
        assert path.read_bytes() == b"%PDF"
        uow.commit()


def test_a_name_longer_than_its_column_is_refused_by_its_field() -> None:
    with pytest.raises(ValidationError) as refused:
        CaseAssign(assigned_to="x" * 101)
    assert refused.value.errors()[0]["loc"] == ("assigned_to",)
