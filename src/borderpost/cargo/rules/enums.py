"""Closed sets of values of the cargo modules.

Category, Direction and OrganisationType are the project's own (``borderpost.vocab``), re-exported
here so the cargo modules import their vocabulary from one place.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

from borderpost.vocab import Category, Direction, OrganisationType

__all__ = [
    "Category",
    "Direction",
    "Effect",
    "LaneColour",
    "OrganisationType",
    "Outcome",
    "parse_enum",
]


class Effect(StrEnum):
    """What a rule does to a goods item it matches."""

    PROHIBIT = "prohibit"
    REQUIRE_PERMIT = "require_permit"
    INSPECT = "inspect"
    ALLOW = "allow"


class LaneColour(StrEnum):
    """Where selectivity sends goods: green releases, yellow checks documents, red inspects.

    Not to be confused with a post's lanes (``posts.Lane``), the physical ones.
    """

    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"


class Outcome(StrEnum):
    """What happens to one goods item, from mildest to most severe."""

    RELEASE = "release"
    DOCUMENTS = "documents"
    INSPECT = "inspect"
    PROHIBITED = "prohibited"


E = TypeVar("E", bound=StrEnum)


# Value -> member, per enum: a dict look-up, where calling the enum class goes through several
# Python-level hooks (this runs for every evaluation).
_MEMBERS: dict[type[StrEnum], dict[str, StrEnum]] = {}


def parse_enum(enum: type[E], value: object, what: str) -> E:
    """Return ``value`` as a member of ``enum``, or raise ValueError listing the allowed values."""
    if isinstance(value, enum):
        return value
    if isinstance(value, str):
        members = _MEMBERS.get(enum)
        if members is None:
            members = _MEMBERS[enum] = {m.value: m for m in enum}
        member = members.get(value)
        if isinstance(member, enum):
            return member
    allowed = ", ".join(m.value for m in enum)
    raise ValueError(f"unknown {what} {value!r} (expected one of {allowed})")
