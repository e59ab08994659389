"""Users and their API tokens, and the rules on them (scope, lock-out)."""

from __future__ import annotations

import datetime as dt
import uuid
from enum import StrEnum

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from borderpost.db import Base, UTCDateTime
from borderpost.ids import new_id

# After this many wrong passwords in a row the account is locked for LOCK_DURATION.
MAX_FAILED_LOGINS = 5
LOCK_DURATION = dt.timedelta(minutes=15)
LANGUAGES = ("en", "az", "hy", "ru")


class Role(StrEnum):
    OFFICER = "officer"
    INSPECTOR = "inspector"
    SUPERVISOR = "supervisor"
    ANALYST = "analyst"
    CASE_OFFICER = "case_officer"  # appeals, complaints, hotline calls: cases
    OBSERVER = "observer"
    ADMIN = "admin"
    # An organisation's account: its own crossings' receipts, and its signed statements.
    PARTY = "party"


class User(Base):
    """Someone who signs in: one role, scoped to some posts or to the whole network."""

    __tablename__ = "users"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(100), unique=True, comment="Login name")
    role: Mapped[str] = mapped_column(String(16), comment="Role")
    posts: Mapped[list[str]] = mapped_column(
        JSON, default=list, comment="Codes of the posts in scope; ignored when network is set"
    )
    network: Mapped[bool] = mapped_column(Boolean, default=False, comment="Scope: every post")
    language: Mapped[str] = mapped_column(String(8), default="en", comment="UI language")
    password_hash: Mapped[str | None] = mapped_column(String(200), comment="argon2id; None: none")
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    disabled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    @property
    def active(self) -> bool:
        return self.disabled_at is None

    def locked_at(self, moment: dt.datetime) -> bool:
        return self.locked_until is not None and moment < self.locked_until

    def note_failure(self, moment: dt.datetime) -> None:
        """One more wrong password; the MAX_FAILED_LOGINS-th locks the account."""
        self.failed_logins += 1
        if self.failed_logins >= MAX_FAILED_LOGINS:
            self.locked_until = moment + LOCK_DURATION
            self.failed_logins = 0

    def note_success(self) -> None:
        if self.failed_logins or self.locked_until is not None:
            self.failed_logins = 0
            self.locked_until = None


class ApiToken(Base):
    """A bearer token for the API; only its SHA-256 is kept, so a leaked table grants nothing."""

    __tablename__ = "api_tokens"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, comment="SHA-256, hex")
    label: Mapped[str] = mapped_column(String(16), comment="First characters, to tell them apart")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class WebSession(Base):
    """A signed-in browser. Its cookie carries a random token; only the token's SHA-256 is
    kept, so the table cannot be replayed. Signing out deletes the row, and with it the
    session, whatever copies of the cookie exist."""

    __tablename__ = "web_sessions"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, comment="SHA-256, hex")
    client: Mapped[str | None] = mapped_column(String(64), comment="Address it signed in from")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, comment="Signed in at")
    seen_at: Mapped[dt.datetime] = mapped_column(
        UTCDateTime, comment="Last request, to the minute: the idle limit counts from it"
    )
