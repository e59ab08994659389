from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from borderpost.posts.hours import check_opening_hours
from borderpost.schemas import MAX_LIST, Code, CountryCode, Moment, ShortText, Text200
from borderpost.vocab import Category


def _known_zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown IANA time zone {name!r}") from exc
    return name


# IANA names are 30 characters at most today (America/Argentina/ComodRivadavia).
TimeZoneName = Annotated[str, StringConstraints(max_length=64), AfterValidator(_known_zone)]
Weekday = Annotated[str, StringConstraints(max_length=16)]
HourOfDay = Annotated[str, StringConstraints(max_length=5)]
OpeningHours = Annotated[
    dict[Weekday, Annotated[list[HourOfDay], Field(max_length=2)]],
    Field(max_length=7),
    AfterValidator(check_opening_hours),
]
Language = Annotated[str, StringConstraints(strip_whitespace=True, max_length=16)]
Categories = Annotated[list[Category], Field(max_length=len(Category))]


class LaneCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: Code
    name: Text200
    categories: Categories = Field(default_factory=list)


class PostCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: Code
    name: Text200
    names: dict[Language, ShortText] = Field(
        default_factory=dict, max_length=MAX_LIST, description="Names by language code"
    )
    timezone: TimeZoneName
    side_a: CountryCode | None = None
    side_b: CountryCode | None = None
    exempt_categories: Categories = Field(
        default_factory=lambda: [Category.MEDICAL_EVACUATION],
        description="Categories that still pass while the post is closed",
    )
    opening_hours: OpeningHours = Field(
        default_factory=dict,
        description='Weekday (mon..sun) -> ["HH:MM", "HH:MM"] local time, 24:00 for midnight; '
        "empty means round the clock, a weekday left out means closed that day",
    )
    lanes: list[LaneCreate] = Field(default_factory=list, max_length=MAX_LIST)


class LaneRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str
    name: str
    categories: list[str]
    is_open: bool


class PostRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    code: str
    name: str
    names: dict[str, str]
    timezone: str
    side_a: str | None
    side_b: str | None
    exempt_categories: list[str]
    opening_hours: dict[str, list[str]]
    lanes: list[LaneRead]


class PostStatus(BaseModel):
    code: str
    open: bool
    closure: ClosureRead | None


# Why a post is closed or reopened: a sentence, not a letter and not a file.
ClosureReason = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=3, max_length=2000)
]


class ClosureCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    starts_at: Moment
    ends_at: Moment | None = None
    reason: ClosureReason
    authority: Text200

    @model_validator(mode="after")
    def _ends_after_start(self) -> ClosureCreate:
        if self.ends_at is not None and self.ends_at <= self.starts_at:
            raise ValueError("ends_at must be after starts_at")
        return self


class ClosureEnd(BaseModel):
    """Ending a closure (reopening the post) is an order too: its reason and authority."""

    model_config = ConfigDict(extra="forbid")

    ends_at: Moment | None = Field(default=None, description="Default: now")
    reason: ClosureReason
    authority: Text200


class ClosureRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    starts_at: dt.datetime
    ends_at: dt.datetime | None
    reason: str
    authority: str
    recorded_by: str
    end_reason: str | None = None
    end_authority: str | None = None
    ended_by: str | None = None
