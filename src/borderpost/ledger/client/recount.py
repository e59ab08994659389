"""Recounting the summary report from the leaves of verified logs alone.

What ``borderpost ledger recount`` runs: no database and no account, only the public logs.
The figures come out of the same arithmetic as the post's own report (``reports.summary``).
"""

from __future__ import annotations

import datetime as dt
import gc
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from borderpost.cases.figures import CaseFacts, case_figures
from borderpost.ledger.attestations.figures import Tally
from borderpost.ledger.caseleaf import facts_from_leaves
from borderpost.ledger.client.verify import Fetch, verify
from borderpost.ledger.leaves import counts_from_facts
from borderpost.reports.summary import Shape, build_summary

KEY_PREFIX = "borderpost/"


def recount(
    logs: Sequence[tuple[Fetch, Sequence[str]]],
    first: dt.date,
    last: dt.date,
    *,
    attested: bool = False,
) -> dict[str, Any]:
    """The summary report of ``first``..``last`` from verified leaves alone.

    ``logs``: one (fetch, vkeys) per post; the shape is ``reports.summary.build_summary``'s.
    ``attested``: with ``attestations``, each figure's confirmed, disputed, not yet attested
    and missing per party, from the attestation leaves of the same logs
    (``ledger.attestations.figures``).
    """
    with _without_cycle_collection():
        return _recount(logs, first, last, attested, Tally())


@contextmanager
def _without_cycle_collection() -> Iterator[None]:
    # A million parsed leaves and none in a reference cycle: the cyclic collector would walk
    # them all again at every full collection (measured: about half of a recount's time).
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _recount(
    logs: Sequence[tuple[Fetch, Sequence[str]]],
    first: dt.date,
    last: dt.date,
    attested: bool,
    tally: Tally,
) -> dict[str, Any]:
    total: Counter[Shape] = Counter()
    codes: list[str] = []
    for fetch, vkeys in logs:
        verified = verify(fetch, vkeys)
        codes.append(verified.checkpoint.origin.removeprefix(KEY_PREFIX))
        facts = verified.facts or ()
        total.update(counts_from_facts(facts, first, last))
        if attested:
            tally.add_log(verified.checkpoint.origin, facts, first, last)
    summary = build_summary(total, first, last, sorted(codes))
    if attested:
        summary["attestations"] = tally.figures_json()
    return summary


def recount_cases(
    logs: Sequence[tuple[Fetch, Sequence[str]]], first: dt.date, last: dt.date
) -> dict[str, Any]:
    """The case figures of ``first``..``last`` from the case leaves of verified logs alone:
    received, decided, overdue by post and kind, days to a decision (``cases.figures``)."""
    facts: list[CaseFacts] = []
    for fetch, vkeys in logs:
        facts.extend(facts_from_leaves(verify(fetch, vkeys).entries or ()))
    return case_figures(facts, first, last)
