"""Pydantic schemas of cases: what an operator or the public form sends, what is shown."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from borderpost.accounts.model import LANGUAGES
from borderpost.cases.model import CaseKind, Channel, Outcome, RecordType
from borderpost.crossings.schemas import DocumentNumber
from borderpost.inspections.schemas import EvidenceRead
from borderpost.schemas import (
    MAX_LIST,
    BoundedText,
    Code,
    CountryCode,
    ShortText,
    Text200,
    field_error,
)

Language = Annotated[str, StringConstraints(strip_whitespace=True, max_length=8)]
# What the person is given: C- and ten letters or digits.
Reference = Annotated[
    str,
    StringConstraints(strip_whitespace=True, to_upper=True, min_length=1, max_length=16),
]
Secret = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
# A user's login name or a team's name: as long as a user name (accounts.model.User.name).
Name = Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)]


class RecordLink(BaseModel):
    """A record the case concerns, by its id."""

    model_config = ConfigDict(extra="forbid")

    record_type: RecordType
    record_id: uuid.UUID


class PersonFields(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: CaseKind
    post: Code
    language: Language = "en"
    contact_name: Text200
    contact: ShortText | None = None
    document_number: DocumentNumber | None = None
    issuer: CountryCode | None = None
    summary: BoundedText

    @model_validator(mode="after")
    def _checked(self) -> PersonFields:
        if self.language not in LANGUAGES:
            raise field_error("language", "choose one of the values offered")
        if (self.document_number is None) != (self.issuer is None):
            raise field_error("issuer", "give the document number and its issuer together")
        return self


class PublicCaseCreate(PersonFields):
    """What the public form sends: no account, no records (an officer links them)."""


class CaseCreate(PersonFields):
    """A case entered by an operator: a hotline call, an e-mail or a letter."""

    channel: Channel = Channel.HOTLINE
    records: list[RecordLink] = Field(default_factory=list, max_length=MAX_LIST)

    @model_validator(mode="after")
    def _by_hand(self) -> CaseCreate:
        if self.channel is Channel.WEB:
            raise field_error("channel", "a web case comes through the public form")
        return self


class CaseAssign(BaseModel):
    """To a user, to a team, or both."""

    model_config = ConfigDict(extra="forbid")

    assigned_to: Name | None = None
    team: Name | None = None

    @model_validator(mode="after")
    def _someone(self) -> CaseAssign:
        if not self.assigned_to and not self.team:
            raise field_error("assigned_to", "name a user or a team")
        return self


class CaseDecide(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome: Outcome
    reason: BoundedText
    legal_basis: Text200


class NoteCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: BoundedText


class CaseRecordRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    record_type: str
    record_id: uuid.UUID
    linked_by: str
    linked_at: dt.datetime


class NoteRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    text: str
    added_by: str
    added_at: dt.datetime


class CaseRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    reference: str
    kind: str
    channel: str
    status: str
    post: str = Field(validation_alias="post_code")
    language: str
    contact_name: str
    contact: str | None
    document_number: str | None
    issuer: str | None
    summary: str
    received_at: dt.datetime
    received_by: str
    due_at: dt.datetime
    assigned_to: str | None
    team: str | None
    outcome: str | None
    decision_reason: str | None
    legal_basis: str | None
    decided_by: str | None
    decided_at: dt.datetime | None
    approved_by: str | None
    closed_at: dt.datetime | None
    records: list[CaseRecordRead]
    notes: list[NoteRead]
    attachments: list[EvidenceRead]


class StatusQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reference: Reference
    secret: Secret
