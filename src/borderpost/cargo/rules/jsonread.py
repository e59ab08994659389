"""Reading untrusted JSON field by field, with a problem per bad field instead of an exception.

Used by the declaration parser; kept apart so the data classes and the parser stay readable.
Paths are written as in the declaration: ``items[2].hs_code``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TypeVar

MAX_ITEMS = 1000
MAX_TEXT = 500
# Beyond this a figure is a typing accident, not a consignment (and it bounds Decimal work).
MAX_NUMBER = Decimal("1e12")

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class DeclarationProblem:
    """One thing wrong with a declaration: the path of the field and the reason."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


class Reader:
    """Reads fields out of untrusted JSON, recording a problem per bad field instead of raising."""

    def __init__(self) -> None:
        self.problems: list[DeclarationProblem] = []

    def fail(self, path: str, message: str) -> None:
        """Record a problem with the field at ``path``."""
        self.problems.append(DeclarationProblem(path, message))

    def table(
        self, value: object, path: str, allowed: frozenset[str]
    ) -> Mapping[str, object] | None:
        """The object at ``path``, recording its unknown keys; None if it is not an object."""
        if not isinstance(value, dict | Mapping):
            self.fail(path, f"expected an object, got {kind(value)}")
            return None
        for key in value:
            if key not in allowed:
                self.fail(join(path, str(key)), "unknown field")
        return value

    def text(
        self,
        data: Mapping[str, object],
        key: str,
        path: str,
        *,
        required: bool = True,
        max_len: int = MAX_TEXT,
    ) -> str | None:
        """Stripped, non-empty text of at most ``max_len`` characters, or None and a problem."""
        value = data.get(key)
        if type(value) is str:
            value = value.strip()
            if value and len(value) <= max_len:
                return value
        # The path is only built on this slower path: most fields are fine.
        here = join(path, key)
        if value is None:
            if required:
                self.fail(here, "required")
        elif not isinstance(value, str):
            self.fail(here, f"expected text, got {kind(value)}")
        elif not value:
            self.fail(here, "must not be empty")
        else:
            self.fail(here, f"longer than {max_len} characters")
        return None

    def code(
        self,
        data: Mapping[str, object],
        key: str,
        path: str,
        check: Callable[[str], bool],
        what: str,
        *,
        required: bool = True,
    ) -> str | None:
        """An upper-cased code that ``check`` accepts, or None and a problem."""
        raw = data.get(key)
        if type(raw) is str and check(fast := raw.strip().upper()):
            return fast
        value = self.text(data, key, path, required=required, max_len=8)
        if value is None:
            return None
        upper = value.upper()
        if not check(upper):
            self.fail(join(path, key), f"unknown {what} {value!r}")
            return None
        return upper

    def number(
        self, data: Mapping[str, object], key: str, path: str, *, positive: bool = False
    ) -> Decimal | None:
        """A number from 0 to MAX_NUMBER (above 0 if ``positive``), or None and a problem."""
        value = data.get(key)
        number: Decimal | None = None
        if type(value) is int:
            number = Decimal(value)
        elif type(value) is float:
            number = Decimal(repr(value)) if math.isfinite(value) else None
        elif type(value) is str:
            try:
                number = Decimal(value.strip())
            except InvalidOperation:
                number = None
        if (
            number is not None
            and number.is_finite()
            and 0 <= number <= MAX_NUMBER
            and (number or not positive)
        ):
            return number
        here = join(path, key)
        if value is None:
            self.fail(here, "required")
        elif number is None or not number.is_finite():
            self.fail(here, f"expected a number, got {kind(value)}")
        elif number < 0 or number == 0:
            self.fail(here, "must be greater than zero" if positive else "must not be negative")
        else:
            self.fail(here, f"{number} is implausibly large")
        return None

    def items(
        self,
        data: Mapping[str, object],
        key: str,
        path: str,
        read: Callable[[object, str], T | None],
        *,
        required: bool = False,
        max_items: int = MAX_ITEMS,
    ) -> list[T]:
        """The entries of a list, each read by ``read``; the ones that failed are left out."""
        here = join(path, key)
        value = data.get(key)
        if value is None:
            if required:
                self.fail(here, "required")
            return []
        if not isinstance(value, list):
            self.fail(here, f"expected a list, got {kind(value)}")
            return []
        if required and not value:
            self.fail(here, "must list at least one entry")
        if len(value) > max_items:
            self.fail(here, f"more than {max_items} entries")
            return []
        out: list[T] = []
        for position, entry in enumerate(value):
            result = read(entry, f"{here}[{position}]")
            if result is not None:
                out.append(result)
        return out


def join(path: str, key: str) -> str:
    """The path of ``key`` inside the object at ``path``."""
    return f"{path}.{key}" if path else key


def kind(value: object) -> str:
    """A short description of a JSON value, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"text {value[:40]!r}"
    if isinstance(value, int | float):
        return f"number {value}"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__
