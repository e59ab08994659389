from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict

from borderpost.schemas import Code, Text200
from borderpost.vocab import OrganisationType


class OrganisationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: Code
    name: Text200
    type: OrganisationType


class OrganisationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    code: str
    name: str
    type: str
