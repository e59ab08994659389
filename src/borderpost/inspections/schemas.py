"""Pydantic schemas of inspections: findings, seizures, closing, and what the API shows."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from borderpost.inspections.model import FindingKind
from borderpost.messages import Message
from borderpost.schemas import field_error

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
Unit = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=16)]
Seal = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Amount = Annotated[Decimal, Field(gt=0, le=Decimal("1e12"), max_digits=16, decimal_places=3)]


class InspectionOutcome(StrEnum):
    """How an inspection ends for the vehicle."""

    ADMITTED = "admitted"
    REFUSED = "refused"
    ADMITTED_AFTER_SEIZURE = "admitted_after_seizure"


class Disposal(StrEnum):
    """What finally happens to seized goods."""

    RELEASED = "released"
    CONFISCATED = "confiscated"


class FindingCreate(BaseModel):
    """What was found: for a declared goods item, or undeclared goods with their HS code."""

    model_config = ConfigDict(extra="forbid")

    kind: FindingKind
    goods_item: uuid.UUID | None = Field(default=None, description="Id of the declared item")
    hs_code: Annotated[str, StringConstraints(strip_whitespace=True, max_length=20)] | None = None
    description: Text | None = None
    quantity: Amount | None = Field(default=None, description="The quantity found")
    unit: Unit | None = None
    note: Text | None = None

    @model_validator(mode="after")
    def _consistent(self) -> FindingCreate:
        if self.kind is FindingKind.UNDECLARED:
            for name in ("hs_code", "description", "quantity", "unit"):
                if getattr(self, name) is None:
                    raise field_error(name, "is required for undeclared goods")
            if self.goods_item is not None:
                raise field_error("goods_item", "must be empty for undeclared goods")
        else:
            if self.goods_item is None:
                raise field_error(
                    "goods_item",
                    Message("is required for a finding {kind}", kind=Message.of(self.kind.value)),
                )
            if self.kind is FindingKind.DIFFERENT_QUANTITY and self.quantity is None:
                raise field_error("quantity", "is required when the quantity differs")
        return self


class SeizureCreate(BaseModel):
    """Goods taken: from a declared item, or from a finding of undeclared goods."""

    model_config = ConfigDict(extra="forbid")

    goods_item: uuid.UUID | None = None
    finding: uuid.UUID | None = None
    quantity: Amount
    unit: Unit
    legal_basis: Text
    seals: list[Seal] = Field(default_factory=list, max_length=50)

    @model_validator(mode="after")
    def _one_source(self) -> SeizureCreate:
        if (self.goods_item is None) == (self.finding is None):
            raise field_error("goods_item", "name either a goods item or a finding, not both")
        return self


class InspectionClose(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome: InspectionOutcome
    reason: Text


class SeizureDispose(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Disposal
    reason: Text


class FindingRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    goods_item_id: uuid.UUID | None
    kind: str
    hs_code: str | None
    description: str | None
    quantity: Decimal | None
    unit: str | None
    note: str | None
    recorded_by: str
    recorded_at: dt.datetime


class SeizureRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    goods_item_id: uuid.UUID | None
    finding_id: uuid.UUID | None
    hs_code: str
    description: str
    quantity: Decimal
    unit: str
    legal_basis: str
    seals: list[str]
    status: str
    recorded_by: str
    recorded_at: dt.datetime
    disposed_by: str | None
    disposed_at: dt.datetime | None
    disposed_reason: str | None


class EvidenceRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    sha256: str
    filename: str
    media_type: str
    size: int
    added_by: str
    added_at: dt.datetime


class InspectionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    crossing_id: uuid.UUID
    inspector: str
    status: str
    opened_at: dt.datetime
    closed_at: dt.datetime | None
    closed_by: str | None
    outcome: str | None
    reason: str | None
    findings: list[FindingRead]
    seizures: list[SeizureRead]
    evidence: list[EvidenceRead]
