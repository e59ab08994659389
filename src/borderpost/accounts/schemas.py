from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from borderpost.accounts.model import LANGUAGES, Role
from borderpost.schemas import MAX_LIST, Code

UserName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=2, max_length=100, pattern=r"^[\w.@-]+$"),
]


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: UserName
    role: Role
    posts: list[Code] = Field(
        default_factory=list, max_length=MAX_LIST, description="Posts in scope"
    )
    network: bool = Field(default=False, description="Every post is in scope")
    language: Annotated[str, StringConstraints(max_length=16)] = "en"
    password: Annotated[str, Field(min_length=8, max_length=200)] | None = None

    @model_validator(mode="after")
    def _scoped(self) -> UserCreate:
        if self.language not in LANGUAGES:
            raise ValueError(f"language must be one of {', '.join(LANGUAGES)}")
        if not self.network and not self.posts:
            raise ValueError("a user needs at least one post, or network scope")
        return self


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    role: str
    posts: list[str]
    network: bool
    language: str
    active: bool
    locked_until: dt.datetime | None
    created_at: dt.datetime
