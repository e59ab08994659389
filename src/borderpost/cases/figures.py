"""The public figures of cases: received, decided and overdue by post and kind, and the days
to a decision (median and 90th percentile). Pure: the access report computes them from the
database, an observer from the ledger's case leaves, with this same arithmetic.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class CaseFacts:
    """The public facts of one case: what its latest ledger leaf holds."""

    post: str
    kind: str
    received: dt.date
    due: dt.date
    decided: dt.date | None
    outcome: str | None


def nearest_rank(values: list[int], share: float) -> int | None:
    """The nearest-rank percentile of ``values`` (``share`` 0.5 is the median); None if none."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def case_figures(facts: Iterable[CaseFacts], first: dt.date, last: dt.date) -> dict[str, Any]:
    """Figures of ``first``..``last``: cases received and decided in the period, overdue at the
    end of its last day (received, not decided by then, due that day or before), and the days
    from receipt to the decisions of the period, per post and kind and in total."""
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    everything: dict[str, Any] = {"received": 0, "decided": 0, "overdue": 0, "days": []}
    outcomes: dict[str, int] = {}
    for fact in facts:
        group = groups.setdefault(
            (fact.post, fact.kind), {"received": 0, "decided": 0, "overdue": 0, "days": []}
        )
        counted = []
        if first <= fact.received <= last:
            counted.append("received")
        if fact.decided is not None and first <= fact.decided <= last:
            counted.append("decided")
            for bucket in (group, everything):
                bucket["days"].append((fact.decided - fact.received).days)
            if fact.outcome is not None:
                outcomes[fact.outcome] = outcomes.get(fact.outcome, 0) + 1
        open_at_end = fact.decided is None or fact.decided > last
        if fact.received <= last and open_at_end and fact.due <= last:
            counted.append("overdue")
        for name in counted:
            group[name] += 1
            everything[name] += 1
    rows = [
        {"post": post, "kind": kind, **_shape(group)}
        for (post, kind), group in sorted(groups.items())
        if group["received"] or group["decided"] or group["overdue"]
    ]
    return {
        "from": first.isoformat(),
        "to": last.isoformat(),
        "rows": rows,
        "total": _shape(everything),
        "outcomes": dict(sorted(outcomes.items())),
    }


def _shape(group: dict[str, Any]) -> dict[str, Any]:
    return {
        "received": group["received"],
        "decided": group["decided"],
        "overdue": group["overdue"],
        "median_days": nearest_rank(group["days"], 0.5),
        "p90_days": nearest_rank(group["days"], 0.9),
    }
