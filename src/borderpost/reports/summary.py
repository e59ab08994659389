"""The summary report's arithmetic: grouped crossing counts into the report's shape.

Pure: no database. ``reports.services.summary`` counts a node's crossings into it; the
ledger's recount and its bulletins count the public leaves into it, so the figures a post
publishes and the figures anyone recounts from its log come out of the same function.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from borderpost.vocab import Category, Decision, Direction, Kind, OrganisationType

NO_ORGANISATION = "none"  # organisation_type of a crossing without an organisation

# (kind, category, direction, decision, organisation type or None): what a count is grouped by.
Shape = tuple[str, str, str, str, str | None]


def _empty_block() -> dict[str, Any]:
    return {
        "total": 0,
        "by_category": dict.fromkeys((c.value for c in Category), 0),
        "by_direction": dict.fromkeys((d.value for d in Direction), 0),
        "by_decision": dict.fromkeys((d.value for d in Decision), 0),
        "by_organisation_type": dict.fromkeys(
            [*(t.value for t in OrganisationType), NO_ORGANISATION], 0
        ),
    }


def build_summary(
    counts: Counter[Shape],
    first: dt.date,
    last: dt.date,
    post_codes: list[str],
) -> dict[str, Any]:
    """The report's shape from grouped counts; the ledger's recount builds the same shape."""
    blocks = {Kind.PERSON.value: _empty_block(), Kind.VEHICLE.value: _empty_block()}
    for (kind, category, direction, decision, org_type), n in counts.items():
        block = blocks[kind]
        block["total"] += n
        for name, key in (
            ("by_category", category),
            ("by_direction", direction),
            ("by_decision", decision),
            ("by_organisation_type", org_type or NO_ORGANISATION),
        ):
            block[name][key] = block[name].get(key, 0) + n
    return {
        "from": first.isoformat(),
        "to": last.isoformat(),
        "posts": post_codes,
        "persons": blocks[Kind.PERSON.value],
        "vehicles": blocks[Kind.VEHICLE.value],
    }
