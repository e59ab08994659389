"""How big a rule set file may be, and reading its TOML within those bounds.

A rule set is checked by anyone signed in (``POST /api/v1/rules/check``) and loaded from the
node's home, so the work it can cause is bounded: its length, its number of rules, the values
in one list, how deep its values nest. The shipped rule set has 15 rules in 6 kB; a network's
own is expected to hold tens to a few hundred. Reading the largest file accepted takes well
under a second of CPU (``benchmarks/bench_rules_check.py``).

Pure: no framework, no I/O.
"""

from __future__ import annotations

import tomllib
from typing import Any

__all__ = [
    "MAX_CHARACTERS",
    "MAX_FILE_BYTES",
    "MAX_ITEMS",
    "MAX_RULES",
    "TooDeep",
    "load_toml",
    "too_long",
]

MAX_CHARACTERS = 500_000
MAX_FILE_BYTES = 4 * MAX_CHARACTERS  # UTF-8 needs at most 4 bytes a character
MAX_RULES = 1_000
MAX_ITEMS = 500  # values in one list: hs, keywords, categories, origins, exempts, disable


class TooDeep(ValueError):
    """The TOML nests arrays or tables deeper than the parser's recursion allows."""


def too_long(text: str) -> str | None:
    """Why ``text`` is too long to be a rule set file, or None."""
    if len(text) > MAX_CHARACTERS:
        return f"the file has {len(text):,} characters; a rule set may have {MAX_CHARACTERS:,}"
    return None


def load_toml(text: str) -> dict[str, Any]:
    """``tomllib.loads``, with nesting too deep for the parser raised as :class:`TooDeep`.

    tomllib parses nested arrays and inline tables by recursion; a few hundred ``[`` in a row
    exhaust the interpreter's stack. A rule set nests at most two levels (a table of limits per
    currency), so anything that deep is a mistake, answered as one.
    """
    try:
        return tomllib.loads(text)
    except RecursionError:
        raise TooDeep("values are nested too deeply (a rule set nests two levels)") from None
