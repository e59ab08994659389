from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from borderpost.accounts.model import LANGUAGES, Role
from borderpost.schemas import MAX_LIST, Code, field_error

UserName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=2, max_length=100, pattern=r"^[\w.@-]+$"),
]
# argon2 hashes whatever it is given; the bounds keep a password guessable by no one and a
# request of bounded size.
Password = Annotated[str, Field(min_length=8, max_length=200)]
Posts = Annotated[list[Code], Field(max_length=MAX_LIST, description="Posts in scope")]


def _check_scope(posts: list[str], network: bool) -> None:
    if not network and not posts:
        raise field_error("posts", "needs at least one post, or network scope")


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: UserName
    role: Role
    posts: Posts = Field(default_factory=list)
    network: bool = Field(default=False, description="Every post is in scope")
    language: Annotated[str, StringConstraints(max_length=16)] = "en"
    password: Password | None = None

    @model_validator(mode="after")
    def _scoped(self) -> UserCreate:
        if self.name.lower() == "new":  # /users/new is the page that adds one
            raise field_error("name", "is the name of a page: choose another")
        if self.language not in LANGUAGES:
            raise field_error("language", "is not one of the languages offered")
        _check_scope(self.posts, self.network)
        return self


class UserAccess(BaseModel):
    """A user's role and scope, changed together: what they may do, and where."""

    model_config = ConfigDict(extra="forbid")

    role: Role
    posts: Posts = Field(default_factory=list)
    network: bool = False

    @model_validator(mode="after")
    def _scoped(self) -> UserAccess:
        _check_scope(self.posts, self.network)
        return self


class PasswordSet(BaseModel):
    model_config = ConfigDict(extra="forbid")

    password: Password


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
