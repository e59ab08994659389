"""Answers the fuzzer meets that another change on its way fixes: each named, narrow, with why.

Remove an entry once the change it waits for is merged; the fuzz test then holds that case too.
An entry excuses one check (the error shape, a server error or a write), never the others.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import schemathesis

Check = Literal["shape", "server error", "write"]
Matcher = Callable[[schemathesis.Case, schemathesis.Response], bool]


@dataclass(frozen=True)
class Allowed:
    name: str
    check: Check
    reason: str
    matches: Matcher


ALLOWED: list[Allowed] = []  # nothing excused today


def allowed(check: Check, case: schemathesis.Case, response: schemathesis.Response) -> str | None:
    """The name of the allow-list entry that excuses ``check`` for this answer, or None."""
    for entry in ALLOWED:
        if entry.check == check and entry.matches(case, response):
            return entry.name
    return None
