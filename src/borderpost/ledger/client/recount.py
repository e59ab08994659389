"""Recounting the summary report from the leaves of verified logs alone.

What ``borderpost ledger recount`` runs: no database and no account, only the public logs.
The figures come out of the same arithmetic as the post's own report (``reports.summary``).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from typing import Any

from borderpost.cases.figures import CaseFacts, case_figures
from borderpost.ledger.caseleaf import facts_from_leaves
from borderpost.ledger.client.verify import Fetch, verify
from borderpost.ledger.leaves import counts_from_leaves
from borderpost.reports.summary import Shape, build_summary

KEY_PREFIX = "borderpost/"


def recount(
    logs: Sequence[tuple[Fetch, Sequence[str]]], first: dt.date, last: dt.date
) -> dict[str, Any]:
    """The summary report of ``first``..``last`` from verified leaves alone.

    ``logs``: one (fetch, vkeys) per post; the shape is ``reports.summary.build_summary``'s.
    """
    total: Counter[Shape] = Counter()
    codes: list[str] = []
    for fetch, vkeys in logs:
        verified = verify(fetch, vkeys)
        codes.append(verified.checkpoint.origin.removeprefix(KEY_PREFIX))
        total.update(counts_from_leaves(verified.entries or (), first, last))
    return build_summary(total, first, last, sorted(codes))


def recount_cases(
    logs: Sequence[tuple[Fetch, Sequence[str]]], first: dt.date, last: dt.date
) -> dict[str, Any]:
    """The case figures of ``first``..``last`` from the case leaves of verified logs alone:
    received, decided, overdue by post and kind, days to a decision (``cases.figures``)."""
    facts: list[CaseFacts] = []
    for fetch, vkeys in logs:
        facts.extend(facts_from_leaves(verify(fetch, vkeys).entries or ()))
    return case_figures(facts, first, last)
