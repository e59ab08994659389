"""Cases, one use case a function: receive, link records, assign, review, decide, approve,
close, reopen, notes and attachments; the work lists; the person's view.

Each adds and flushes ORM objects through the unit of work, so the audit hook records every
step with who made it, and the caller commits. Each change of a case's public facts (received,
decided, reopened) writes its ledger leaf in the same transaction (``cases.ledger``).

For retention and subject access: ``records_held_by_open_cases`` and ``cases_of_person``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import select

from borderpost import clock
from borderpost.accounts import services as accounts
from borderpost.accounts.permissions import Permission
from borderpost.cases import ledger, repository
from borderpost.cases.model import (
    DEADLINE_DAYS,
    Case,
    CaseAttachment,
    CaseKind,
    CaseNote,
    CaseRecord,
    CaseStatus,
    Channel,
    needs_approval,
)
from borderpost.cases.schemas import (
    CaseAssign,
    CaseCreate,
    CaseDecide,
    NoteCreate,
    PersonFields,
    PublicCaseCreate,
    RecordLink,
)
from borderpost.errors import Conflict, NotFound, invalid
from borderpost.inspections import services as files
from borderpost.messages import Message
from borderpost.posts.model import Post
from borderpost.posts.services import get_post
from borderpost.unit_of_work import UnitOfWork

# Letters and digits no one mistakes for one another when read out on the telephone.
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
REFERENCE_LETTERS = 10
SECRET_GROUPS = 4  # of 4 characters: 80 bits, out of reach of guessing at the rate allowed
WEB = "web"  # who received a case sent through the public form

# Whether the acting user sees a post (``Principal.covers``); a linked record must be seen.
Covers = Callable[[str | None], bool]


def _random(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def hash_secret(secret: str) -> str:
    # The secret is random and long, so a plain SHA-256 is enough (as for API tokens): no
    # dictionary reaches it, and a leaked table opens no case.
    return hashlib.sha256(secret.strip().upper().encode("utf-8")).hexdigest()


def _new_case(uow: UnitOfWork, data: PersonFields, channel: Channel) -> tuple[Case, str]:
    post = get_post(uow, data.post)
    secret = "-".join(_random(4) for _ in range(SECRET_GROUPS))
    now = clock.now()
    kind = CaseKind(data.kind)
    case = Case(
        reference=f"C-{_random(REFERENCE_LETTERS)}",
        secret_hash=hash_secret(secret),
        kind=kind.value,
        channel=channel.value,
        status=CaseStatus.RECEIVED.value,
        post_id=post.id,
        post=post,
        language=data.language,
        contact_name=data.contact_name,
        contact=data.contact or None,
        document_number=data.document_number,
        issuer=data.issuer,
        summary=data.summary,
        received_at=now,
        received_by=uow.actor,
        due_at=now + dt.timedelta(days=DEADLINE_DAYS[kind]),
    )
    uow.session.add(case)
    uow.session.flush()
    ledger.write_leaf(uow.session, case)
    return case, secret


def receive_case(uow: UnitOfWork, data: CaseCreate, covers: Covers) -> tuple[Case, str]:
    """A case entered by an operator, with the records it concerns; the reference and the
    secret to tell the person (the secret is kept only as its hash)."""
    case, secret = _new_case(uow, data, data.channel)
    for link in data.records:
        link_record(uow, case.id, link, covers)
    return case, secret


def receive_public_case(uow: UnitOfWork, data: PublicCaseCreate) -> tuple[Case, str]:
    """A case sent through the public form, with no account."""
    uow.actor = WEB
    return _new_case(uow, data, Channel.WEB)


def get_case(uow: UnitOfWork, case_id: uuid.UUID) -> Case:
    case = uow.session.get(Case, case_id)
    if case is None:
        raise NotFound("case", Message("no case {id}", id=case_id))
    return case


def post_of_case(uow: UnitOfWork, path: Mapping[str, Any]) -> str | None:
    """The code of the post of the case ``case_id`` in a route's path: what its rule checks."""
    try:
        case_id = uuid.UUID(str(path.get("case_id")))
    except ValueError:
        return None
    return uow.session.scalar(
        select(Post.code).join(Case, Case.post_id == Post.id).where(Case.id == case_id)
    )


def link_record(
    uow: UnitOfWork, case_id: uuid.UUID, link: RecordLink, covers: Covers
) -> CaseRecord:
    """Link a record the case concerns (by id, not copied): only one the user may see."""
    case = get_case(uow, case_id)
    post = repository.record_post(uow.session, link.record_type, link.record_id)
    # A record outside the user's posts is answered exactly as one that does not exist.
    if post is None or not covers(post.code):
        raise NotFound(
            "record_id",
            Message(
                "no {record_type} {id} at a post you can see",
                record_type=Message.of(link.record_type.value),
                id=link.record_id,
            ),
        )
    known = next(
        (
            r
            for r in case.records
            if r.record_type == link.record_type.value and r.record_id == link.record_id
        ),
        None,
    )
    if known is not None:
        return known
    record = CaseRecord(
        case_id=case.id,
        record_type=link.record_type.value,
        record_id=link.record_id,
        post_id=post.id,
        linked_by=uow.actor,
        linked_at=clock.now(),
    )
    case.records.append(record)
    uow.session.flush()
    return record


def assign_case(uow: UnitOfWork, case_id: uuid.UUID, data: CaseAssign) -> Case:
    """Give the case to a user or a team (again, while it is worked on)."""
    case = get_case(uow, case_id)
    status = CaseStatus(case.status)
    if status in {CaseStatus.RECEIVED, CaseStatus.REOPENED}:
        case.move(CaseStatus.ASSIGNED)
    elif status not in {CaseStatus.ASSIGNED, CaseStatus.UNDER_REVIEW}:
        raise Conflict(
            "status",
            Message("a case {status} is not assigned", status=Message.of(status.value)),
        )
    if data.assigned_to:
        _check_assignee(uow, case, data.assigned_to)
    case.assigned_to = data.assigned_to or None
    case.team = data.team or None
    uow.session.flush()
    return case


def _check_assignee(uow: UnitOfWork, case: Case, name: str) -> None:
    # A case given to someone who cannot see it would drop off every work list.
    user = accounts.user_by_name(uow, name)
    who = accounts.principal_of(user, "token") if user is not None and user.active else None
    if who is None or not who.can(Permission.HANDLE_CASES) or not who.covers(case.post.code):
        raise invalid(
            "assigned_to",
            Message(
                "{name} is not a user who handles cases at post {post}",
                name=name,
                post=case.post.code,
            ),
        )


def start_review(uow: UnitOfWork, case_id: uuid.UUID) -> Case:
    case = get_case(uow, case_id)
    case.move(CaseStatus.UNDER_REVIEW)
    if case.assigned_to is None and case.team is None:
        case.assigned_to = uow.actor
    uow.session.flush()
    return case


def decide_case(uow: UnitOfWork, case_id: uuid.UUID, data: CaseDecide) -> Case:
    """The decision with its reason and legal basis; one that grants an appeal, a request for
    passage or a contested seizure waits for a supervisor's approval."""
    case = get_case(uow, case_id)
    waits = needs_approval(CaseKind(case.kind), data.outcome)
    case.move(CaseStatus.AWAITING_APPROVAL if waits else CaseStatus.DECIDED)
    case.outcome = data.outcome.value
    case.decision_reason = data.reason
    case.legal_basis = data.legal_basis
    case.decided_by = uow.actor
    case.approved_by = None
    if not waits:
        _decided(uow, case)
    uow.session.flush()
    return case


def _decided(uow: UnitOfWork, case: Case) -> None:
    case.decided_at = clock.now()
    uow.session.flush()
    ledger.write_leaf(uow.session, case)


def approve_decision(uow: UnitOfWork, case_id: uuid.UUID) -> Case:
    """A supervisor approves the decision waiting for it; not the one who decided."""
    case = get_case(uow, case_id)
    if case.status != CaseStatus.AWAITING_APPROVAL.value:
        raise Conflict("status", "no decision of this case waits for approval")
    if case.decided_by == uow.actor:
        raise Conflict("approved_by", "a decision is approved by someone other than its author")
    case.move(CaseStatus.DECIDED)
    case.approved_by = uow.actor
    _decided(uow, case)
    return case


def send_back(uow: UnitOfWork, case_id: uuid.UUID, data: NoteCreate) -> Case:
    """A supervisor refuses the decision waiting for approval: back to review, with why."""
    case = get_case(uow, case_id)
    if case.status != CaseStatus.AWAITING_APPROVAL.value:
        raise Conflict("status", "no decision of this case waits for approval")
    case.move(CaseStatus.UNDER_REVIEW)
    case.outcome = case.decision_reason = case.legal_basis = case.decided_by = None
    add_note(uow, case.id, data)
    return case


def close_case(uow: UnitOfWork, case_id: uuid.UUID) -> Case:
    case = get_case(uow, case_id)
    case.move(CaseStatus.CLOSED)
    case.closed_at = clock.now()
    uow.session.flush()
    return case


def reopen_case(uow: UnitOfWork, case_id: uuid.UUID, data: NoteCreate) -> Case:
    """Open a closed case again, with why; its decision stands until a new one is made."""
    case = get_case(uow, case_id)
    case.move(CaseStatus.REOPENED)
    case.closed_at = None
    case.decided_at = None
    add_note(uow, case.id, data)
    ledger.write_leaf(uow.session, case)
    return case


def add_note(uow: UnitOfWork, case_id: uuid.UUID, data: NoteCreate) -> CaseNote:
    case = get_case(uow, case_id)
    note = CaseNote(case_id=case.id, text=data.text, added_by=uow.actor, added_at=clock.now())
    case.notes.append(note)
    uow.session.flush()
    return note


def add_attachment(
    uow: UnitOfWork, case_id: uuid.UUID, filename: str, media_type: str, content: bytes
) -> CaseAttachment:
    """Keep a file once by its SHA-256, with the inspections' evidence, and attach it."""
    case = get_case(uow, case_id)
    digest = files.keep_file(uow.home, content)
    known = next((a for a in case.attachments if a.sha256 == digest), None)
    if known is not None:
        return known
    name, kind = files.safe_filename(filename, media_type)
    attachment = CaseAttachment(
        case_id=case.id,
        sha256=digest,
        filename=name,
        media_type=kind,
        size=len(content),
        added_by=uow.actor,
        added_at=clock.now(),
    )
    case.attachments.append(attachment)
    uow.session.flush()
    return attachment


def attachment_file(
    uow: UnitOfWork, case_id: uuid.UUID, sha256: str
) -> tuple[CaseAttachment, Path]:
    case = get_case(uow, case_id)
    attachment = next((a for a in case.attachments if a.sha256 == sha256), None)
    if attachment is None:
        raise NotFound("sha256", "no such file attached to this case")
    return attachment, files.kept_file(uow.home, sha256)


def public_status(uow: UnitOfWork, reference: str, secret: str) -> Case:
    """The case of ``reference`` if ``secret`` is its own; the same NotFound otherwise, so a
    wrong secret tells nothing about the reference."""
    case = uow.session.scalar(select(Case).where(Case.reference == reference.strip().upper()))
    given = hash_secret(secret)
    if case is None or not hmac.compare_digest(case.secret_hash, given):
        raise NotFound("reference", "no case with this reference and secret")
    return case


# Queries other features call here: the work lists, the public facts, retention's.
work_list = repository.work_list
overdue_cases = repository.overdue_cases
case_facts = repository.case_facts
records_held_by_open_cases = repository.records_held_by_open_cases
cases_of_person = repository.cases_of_person
