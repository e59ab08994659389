"""Pydantic schemas of the document check: what the API and the booth are given."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from borderpost.schemas import field_error

# Generous bounds: an MRZ is at most 3 lines of 44; anything far past that is not an MRZ, and
# the bound keeps one request from making the parser chew megabytes.
MrzLine = Annotated[str, StringConstraints(max_length=200)]


class DocumentCheck(BaseModel):
    """An MRZ to check, as its lines or as one text, and the crossing date."""

    model_config = ConfigDict(extra="forbid")

    lines: list[MrzLine] | None = Field(default=None, max_length=6, description="The MRZ lines")
    text: Annotated[str, StringConstraints(max_length=600)] | None = Field(
        default=None, description="The MRZ as one text, lines separated by newlines"
    )
    on: dt.date | None = Field(default=None, description="Crossing date (today when absent)")
    repair: bool = Field(default=False, description="Undo OCR look-alikes the check digits prove")

    @model_validator(mode="after")
    def _one_source(self) -> DocumentCheck:
        if self.lines is None and self.text is None:
            raise field_error("lines", "are required (or give text)")
        if self.lines is not None and self.text is not None:
            raise field_error("text", "must be empty when lines are given")
        return self

    @property
    def mrz(self) -> str | list[str]:
        """The MRZ as the parser takes it."""
        return self.lines if self.lines is not None else (self.text or "")
