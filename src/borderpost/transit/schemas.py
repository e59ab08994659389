"""Corridors, transits and repeated movements as the API reads and writes them."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from borderpost.schemas import Code, Text200, field_error
from borderpost.transit.pairing import TransitState
from borderpost.vocab import Category

Hours = Annotated[int, Field(ge=1, le=8760, description="Whole hours, 1 to 8760 (a year)")]


class CorridorCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: Code
    name: Text200
    post_a: Code = Field(description="Code of the post at one end")
    post_b: Code = Field(description="Code of the post at the other end")
    deadline_hours: Hours
    deadlines: dict[Category, Hours] = Field(
        default_factory=dict,
        max_length=len(Category),
        description="Hours per category, overriding deadline_hours",
    )
    categories: list[Category] = Field(
        default_factory=list,
        max_length=len(Category),
        description="Categories whose crossings are transits; empty: all",
    )

    @model_validator(mode="after")
    def _two_ends(self) -> CorridorCreate:
        if self.post_a == self.post_b:
            raise field_error("post_b", "must be another post than post_a")
        return self


class CorridorRead(BaseModel):
    code: str
    name: str
    post_a: str
    post_b: str
    deadline_hours: int
    deadlines: dict[str, int]
    categories: list[str]
    created_at: dt.datetime


class CrossingRef(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    crossing_id: uuid.UUID
    post: str
    direction: str
    time: dt.datetime
    category: str


class TransitRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    state: TransitState
    plate: str
    country: str
    vehicle_type: str | None
    category: str
    entry: CrossingRef | None
    exit: CrossingRef | None
    deadline_at: dt.datetime | None
    duration_hours: float | None


class TransitPage(BaseModel):
    corridor: str
    from_: dt.date = Field(alias="from")
    to: dt.date
    total: int
    items: list[TransitRead]

    model_config = ConfigDict(populate_by_name=True)


class CorridorCounts(BaseModel):
    """Counts only: what observers may see."""

    corridor: str
    from_: dt.date = Field(alias="from")
    to: dt.date
    counts: dict[TransitState, int]

    model_config = ConfigDict(populate_by_name=True)


class RepeatedRead(BaseModel):
    plate: str
    country: str
    crossings: list[CrossingRef]
