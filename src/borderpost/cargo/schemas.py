"""Pydantic schemas of the cargo API: checking a declaration or a rule set, HS look-ups."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from borderpost.cargo.rules.limits import MAX_CHARACTERS
from borderpost.schemas import Code
from borderpost.vocab import Category, Direction


class CargoCheck(BaseModel):
    """A declaration to evaluate at a post without recording anything."""

    model_config = ConfigDict(extra="forbid")

    post: Code
    declaration: dict[str, Any] = Field(description="The declared consignment (cargo/README.md)")
    category: Category = Category.COMMERCIAL
    direction: Direction = Direction.IN
    organisation: Code | None = Field(
        default=None, description="Code of the operating organisation; its type is the verified one"
    )
    on: dt.date | None = Field(default=None, description="Date of the check (default today)")


class RulesCheck(BaseModel):
    """A rule set file's text to validate; a post's file is checked over the network's set."""

    model_config = ConfigDict(extra="forbid")

    toml: Annotated[str, StringConstraints(max_length=MAX_CHARACTERS)]
    source: Annotated[str, StringConstraints(max_length=200)] = "rules.toml"


class RuleProblemRead(BaseModel):
    file: str
    line: int | None
    rule_index: int | None
    rule: str | None
    field: str | None
    message: str


class RulesCheckRead(BaseModel):
    ok: bool
    id: str | None = None
    version: str | None = None
    rules: int | None = Field(default=None, description="Rules in force once merged")
    errors: list[RuleProblemRead] = Field(default_factory=list)


class HSEntry(BaseModel):
    code: str
    dotted: str
    description: str


class HSDescriptionRead(BaseModel):
    code: str
    dotted: str
    subheading: str
    heading_code: str
    heading: str
    chapter_code: str
    chapter: str
    section: str
    text: str
