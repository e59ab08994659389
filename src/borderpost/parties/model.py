"""A party: an organisation registered with its own signed-note key."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import ForeignKey, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from borderpost.db import Base, UTCDateTime
from borderpost.ids import new_id
from borderpost.organisations.model import Organisation


class Party(Base):
    """An organisation's key, and the account that fetches its receipts and sends statements.

    Only the verifier key is kept: the private key stays on the party's own machine.
    """

    __tablename__ = "parties"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    code: Mapped[str] = mapped_column(String(32), unique=True, comment="The party's code")
    organisation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organisations.id"), comment="Whose crossings it attests"
    )
    vkey: Mapped[str] = mapped_column(String(300), comment="C2SP signed-note verifier key")
    account: Mapped[str | None] = mapped_column(
        String(100), unique=True, comment="Login name of the party's account (role party)"
    )
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation] = relationship()
