from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from borderpost.cargo.rules.declaration import MAX_CONSIGNMENTS
from borderpost.messages import Message
from borderpost.schemas import Code, CountryCode, Moment, Reasons, ShortText, field_error
from borderpost.vocab import Category, Decision, Direction, Kind, VehicleType

DocumentNumber = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, to_upper=True, min_length=1, max_length=32, pattern=r"^[A-Z0-9<]+$"
    ),
]
DocumentType = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, to_upper=True, max_length=2, pattern=r"^[A-Z][A-Z<]?$"
    ),
]
Plate = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=32, pattern=r"\w"),
]
Name = ShortText
# A longer wait is far more likely a mistyped date than a queue.
MAX_WAIT = dt.timedelta(days=31)


class DocumentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: DocumentType = "P"
    number: DocumentNumber
    issuer: CountryCode
    expiry: dt.date | None = None


class TravellerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    surname: Annotated[Name, Field(min_length=1)]
    given_names: Name = ""
    birth_date: dt.date | None = None
    nationality: CountryCode | None = None
    document: DocumentIn | None = None


class VehicleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    plate: Plate
    country: CountryCode
    type: VehicleType = VehicleType.CAR


class CrossingCreate(BaseModel):
    """One crossing as the booth, the API and the importer give it."""

    model_config = ConfigDict(extra="forbid")

    id: uuid.UUID | None = Field(
        default=None,
        description="Makes sending again idempotent: the same crossing with its id answers the "
        "one recorded (200); any other crossing with a recorded id is a 409 on `id`",
    )
    post: Code
    direction: Direction
    time: Moment
    arrived_at: Moment | None = Field(
        default=None,
        description="When the traveller or vehicle joined the queue at the post (a queue "
        "ticket's time); the waiting time is `time` minus this. Leave out when not known.",
    )
    kind: Kind
    category: Category
    organisation: Code | None = None
    vehicle: VehicleIn | None = None
    traveller: TravellerIn | None = None
    carried_by: uuid.UUID | None = Field(default=None, description="Id of the vehicle crossing")
    convoy: Annotated[str, StringConstraints(strip_whitespace=True, max_length=64)] | None = None
    lane: Code | None = None
    decision: Decision = Decision.ADMITTED
    reasons: Reasons = Field(default_factory=list)
    # Each consignment is read by the cargo rules' JSON reader, which bounds every text, number
    # and list in it (cargo/rules/jsonread.py).
    consignments: list[Any] = Field(
        default_factory=list,
        max_length=MAX_CONSIGNMENTS,
        description="Declared consignments of a vehicle crossing (JSON of cargo/README.md)",
    )

    @model_validator(mode="after")
    def _consistent(self) -> CrossingCreate:
        if self.kind is Kind.PERSON:
            if self.traveller is None:
                raise field_error("traveller", "is required for a person crossing")
            if self.vehicle is not None:
                raise field_error("vehicle", "must be empty for a person crossing")
        else:
            if self.vehicle is None:
                raise field_error("vehicle", "is required for a vehicle crossing")
            if self.carried_by is not None:
                raise field_error("carried_by", "applies to a person crossing only")
        if self.consignments and self.kind is not Kind.VEHICLE:
            raise field_error("consignments", "are carried by a vehicle crossing only")
        if self.decision is not Decision.ADMITTED and not self.reasons:
            raise field_error(
                "reasons",
                Message(
                    "are required when the decision is {decision}",
                    decision=Message.of(self.decision.value),
                ),
            )
        if self.arrived_at is not None:
            if self.arrived_at > self.time:
                raise field_error("arrived_at", "is after the crossing time")
            if self.time - self.arrived_at > MAX_WAIT:
                raise field_error(
                    "arrived_at",
                    Message(
                        "is more than {days} days before the crossing time", days=MAX_WAIT.days
                    ),
                )
        born = self.traveller.birth_date if self.traveller else None
        if born is not None and born > self.time.date():
            raise field_error("traveller.birth_date", "is after the crossing time")
        return self


class CrossingRead(BaseModel):
    id: uuid.UUID
    post: str
    direction: str
    time: dt.datetime
    arrived_at: dt.datetime | None = None
    kind: str
    category: str
    organisation: str | None
    organisation_type: str | None
    traveller: TravellerIn | None
    vehicle: VehicleIn | None
    carried_by: uuid.UUID | None
    convoy: str | None
    lane: str | None
    officer: str
    decision: str
    reasons: list[str]
    flags: list[str]
    recorded_at: dt.datetime
    cargo: list[dict[str, Any]] = Field(
        default_factory=list, description="Each consignment's lane, rules and items"
    )


class CrossingPage(BaseModel):
    items: list[CrossingRead]
    next_cursor: str | None = Field(
        description="Pass as `cursor` to get the next (older) page; null on the last page"
    )


class CrossingCorrection(BaseModel):
    """A correction of a recorded crossing: the corrected facts and why (a supervisor's)."""

    model_config = ConfigDict(extra="forbid")

    category: Category | None = None
    decision: Decision | None = None
    direction: Direction | None = None
    reasons: Reasons | None = Field(
        default=None, description="The decision's reasons, when the decision changes"
    )
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=500)]

    @model_validator(mode="after")
    def _something(self) -> CrossingCorrection:
        if self.category is None and self.decision is None and self.direction is None:
            raise field_error("category", "or decision or direction must be given to correct")
        if self.decision not in (None, Decision.ADMITTED) and not self.reasons:
            raise field_error(
                "reasons",
                Message(
                    "are required when the decision is {decision}",
                    decision=Message.of(str(self.decision)),
                ),
            )
        return self
