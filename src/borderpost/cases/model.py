"""Cases and what hangs on them: linked records, notes, attachments.

A case moves through ``CaseStatus`` along ``TRANSITIONS`` only; ``Case.move`` is the one place
that checks it. ORM objects written through the unit of work, so the audit hook sees every
change (the secret's hash is never copied into the trail: ``audit.hook.SECRET_COLUMNS``).
"""

from __future__ import annotations

import datetime as dt
import uuid
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from borderpost.db import Base, UTCDateTime
from borderpost.errors import Conflict
from borderpost.ids import new_id
from borderpost.inspections.model import KeptFile
from borderpost.messages import Message
from borderpost.posts.model import Post


class CaseKind(StrEnum):
    APPEAL = "appeal"  # against a refusal
    COMPLAINT = "complaint"
    INQUIRY = "inquiry"
    PASSAGE_REQUEST = "passage_request"
    MISSING_PERSON = "missing_person"
    CONTESTED_SEIZURE = "contested_seizure"


class Channel(StrEnum):
    HOTLINE = "hotline"  # a call, entered by an operator
    WEB = "web"  # the public form, no account
    EMAIL = "email"  # entered by hand
    LETTER = "letter"  # entered by hand


class CaseStatus(StrEnum):
    RECEIVED = "received"
    ASSIGNED = "assigned"
    UNDER_REVIEW = "under_review"
    AWAITING_APPROVAL = "awaiting_approval"
    DECIDED = "decided"
    CLOSED = "closed"
    REOPENED = "reopened"


class Outcome(StrEnum):
    """The class of a decision: what the public figures count (never its reasons)."""

    GRANTED = "granted"
    PARTLY_GRANTED = "partly_granted"
    REJECTED = "rejected"
    ANSWERED = "answered"  # an inquiry or a report answered, nothing to grant
    WITHDRAWN = "withdrawn"


class RecordType(StrEnum):
    """The records a case may concern; a refusal is a refused crossing."""

    CROSSING = "crossing"
    HIT = "hit"
    SEIZURE = "seizure"
    CLOSURE = "closure"


TRANSITIONS: dict[CaseStatus, frozenset[CaseStatus]] = {
    CaseStatus.RECEIVED: frozenset({CaseStatus.ASSIGNED}),
    CaseStatus.ASSIGNED: frozenset({CaseStatus.UNDER_REVIEW}),
    CaseStatus.UNDER_REVIEW: frozenset({CaseStatus.AWAITING_APPROVAL, CaseStatus.DECIDED}),
    CaseStatus.AWAITING_APPROVAL: frozenset({CaseStatus.DECIDED, CaseStatus.UNDER_REVIEW}),
    CaseStatus.DECIDED: frozenset({CaseStatus.CLOSED}),
    CaseStatus.CLOSED: frozenset({CaseStatus.REOPENED}),
    CaseStatus.REOPENED: frozenset({CaseStatus.ASSIGNED, CaseStatus.UNDER_REVIEW}),
}
OPEN_STATUSES = frozenset(CaseStatus) - {CaseStatus.DECIDED, CaseStatus.CLOSED}

# Days from receipt to a decision; a request for passage or a missing person cannot wait.
DEADLINE_DAYS: dict[CaseKind, int] = {
    CaseKind.APPEAL: 30,
    CaseKind.COMPLAINT: 30,
    CaseKind.INQUIRY: 15,
    CaseKind.PASSAGE_REQUEST: 3,
    CaseKind.MISSING_PERSON: 2,
    CaseKind.CONTESTED_SEIZURE: 30,
}


def needs_approval(kind: CaseKind, outcome: Outcome) -> bool:
    """A decision that overturns a refusal or a seizure, or lets someone pass, is a
    supervisor's to approve."""
    granting = outcome in {Outcome.GRANTED, Outcome.PARTLY_GRANTED}
    return granting and kind in {
        CaseKind.APPEAL,
        CaseKind.PASSAGE_REQUEST,
        CaseKind.CONTESTED_SEIZURE,
    }


class Case(Base):
    """One appeal, complaint, inquiry, request or report, from receipt to its decision."""

    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_post_status_due", "post_id", "status", "due_at"),
        Index("ix_cases_assigned_status", "assigned_to", "status"),
        Index("ix_cases_post_received", "post_id", "received_at"),  # the figures of a period
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    reference: Mapped[str] = mapped_column(
        String(16), unique=True, comment="What the person quotes: C- and 10 letters or digits"
    )
    secret_hash: Mapped[str] = mapped_column(String(64), comment="SHA-256 of the secret, hex")
    kind: Mapped[str] = mapped_column(String(24), comment="CaseKind")
    channel: Mapped[str] = mapped_column(String(12), comment="Channel")
    status: Mapped[str] = mapped_column(String(20), comment="CaseStatus")
    post_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("posts.id"))
    language: Mapped[str] = mapped_column(String(8), comment="The person's language")
    contact_name: Mapped[str] = mapped_column(String(200), comment="Who brought the case")
    contact: Mapped[str | None] = mapped_column(
        String(200), comment="How to reach them: a telephone, an address, an e-mail"
    )
    document_number: Mapped[str | None] = mapped_column(
        String(32), comment="The person's travel document, when given"
    )
    issuer: Mapped[str | None] = mapped_column(String(3), comment="Its issuing state")
    summary: Mapped[str] = mapped_column(Text, comment="What the person asks, as recorded")
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    received_by: Mapped[str] = mapped_column(String(100), comment="The operator, or web")
    due_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, comment="Deadline of a decision")
    assigned_to: Mapped[str | None] = mapped_column(String(100), comment="A user")
    team: Mapped[str | None] = mapped_column(String(100), comment="Or a team")
    outcome: Mapped[str | None] = mapped_column(String(16), comment="Outcome")
    decision_reason: Mapped[str | None] = mapped_column(Text)
    legal_basis: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    approved_by: Mapped[str | None] = mapped_column(String(100))
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    post: Mapped[Post] = relationship()
    records: Mapped[list[CaseRecord]] = relationship(order_by="CaseRecord.linked_at")
    notes: Mapped[list[CaseNote]] = relationship(order_by="CaseNote.added_at")
    attachments: Mapped[list[CaseAttachment]] = relationship(order_by="CaseAttachment.added_at")

    @property
    def post_code(self) -> str:
        return self.post.code

    @property
    def is_open(self) -> bool:
        return CaseStatus(self.status) in OPEN_STATUSES

    def overdue_at(self, moment: dt.datetime) -> bool:
        return self.is_open and self.due_at < moment

    def move(self, to: CaseStatus) -> None:
        """Change the status along an allowed transition, or raise Conflict."""
        now = CaseStatus(self.status)
        if to not in TRANSITIONS[now]:
            raise Conflict(
                "status",
                Message(
                    "a case {before} cannot become {after}",
                    before=Message.of(now.value),
                    after=Message.of(to.value),
                ),
            )
        self.status = to.value


class CaseRecord(Base):
    """A record the case concerns: linked by id, never copied."""

    __tablename__ = "case_records"
    __table_args__ = (UniqueConstraint("case_id", "record_type", "record_id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    record_type: Mapped[str] = mapped_column(String(16), comment="RecordType")
    record_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    post_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("posts.id"), comment="The record's")
    linked_by: Mapped[str] = mapped_column(String(100))
    linked_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    post: Mapped[Post] = relationship()


class CaseNote(Base):
    __tablename__ = "case_notes"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    added_by: Mapped[str] = mapped_column(String(100))
    added_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class CaseAttachment(KeptFile, Base):
    """A file kept by its SHA-256 with the inspections' evidence; the row names it."""

    __tablename__ = "case_attachments"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
