"""What a supervisor sends: a hold on a crossing, its release, a person to export."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict

from borderpost.crossings.schemas import DocumentNumber
from borderpost.schemas import BoundedText, CountryCode


class HoldCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    crossing: uuid.UUID
    reason: BoundedText


class HoldRelease(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: BoundedText


class PersonQuery(BaseModel):
    """A person is found by a travel document: its number and issuing country."""

    model_config = ConfigDict(extra="forbid")

    document: DocumentNumber
    issuer: CountryCode
