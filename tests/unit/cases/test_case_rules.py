"""Cases without a database: the allowed steps, approval, and the public figures' arithmetic."""

from __future__ import annotations

import datetime as dt

import pytest

from borderpost.cases.figures import CaseFacts, case_figures, nearest_rank
from borderpost.cases.model import (
    OPEN_STATUSES,
    TRANSITIONS,
    Case,
    CaseKind,
    CaseStatus,
    Outcome,
    needs_approval,
)
from borderpost.errors import Conflict
from borderpost.ledger.caseleaf import case_leaf, facts_from_leaves
from borderpost.ledger.leaves import LeafError, parse_leaf, with_corrects

D = dt.date(2026, 11, 1)


def test_every_status_has_its_steps_and_nothing_leaves_closed_but_reopening() -> None:
    assert set(TRANSITIONS) == set(CaseStatus)
    assert TRANSITIONS[CaseStatus.CLOSED] == {CaseStatus.REOPENED}
    assert CaseStatus.DECIDED not in OPEN_STATUSES
    case = Case(status=CaseStatus.RECEIVED.value)
    with pytest.raises(Conflict) as refused:
        case.move(CaseStatus.DECIDED)
    assert refused.value.problems[0].field == "status"
    case.move(CaseStatus.ASSIGNED)
    assert case.status == "assigned"


@pytest.mark.parametrize(
    ("kind", "outcome", "waits"),
    [
        (CaseKind.APPEAL, Outcome.GRANTED, True),
        (CaseKind.APPEAL, Outcome.PARTLY_GRANTED, True),
        (CaseKind.APPEAL, Outcome.REJECTED, False),
        (CaseKind.PASSAGE_REQUEST, Outcome.GRANTED, True),
        (CaseKind.CONTESTED_SEIZURE, Outcome.GRANTED, True),
        (CaseKind.COMPLAINT, Outcome.GRANTED, False),
        (CaseKind.MISSING_PERSON, Outcome.ANSWERED, False),
    ],
)
def test_which_decisions_wait_for_approval(kind: CaseKind, outcome: Outcome, waits: bool) -> None:
    assert needs_approval(kind, outcome) is waits


def test_nearest_rank() -> None:
    assert nearest_rank([], 0.5) is None
    assert nearest_rank([7], 0.9) == 7
    assert nearest_rank([4, 1, 3, 2], 0.5) == 2  # the lower middle of an even count
    assert nearest_rank(list(range(1, 11)), 0.9) == 9


def _fact(received: int, due: int, decided: int | None, kind: str = "appeal") -> CaseFacts:
    day = lambda n: D + dt.timedelta(days=n)  # noqa: E731 - a short local helper
    return CaseFacts(
        "P-A", kind, day(received), day(due), day(decided) if decided is not None else None, None
    )


def test_figures_of_a_period() -> None:
    facts = [
        _fact(-5, 25, 2),  # received before, decided in the period: 7 days
        _fact(0, 30, None),  # open, not yet due
        _fact(1, 3, None),  # open, past due at the end
        _fact(2, 4, 12),  # decided after the period: overdue at its end
        _fact(20, 50, None),  # received after the period: not counted
    ]
    figures = case_figures(facts, D, D + dt.timedelta(days=9))
    assert figures["total"] == {
        "received": 3,
        "decided": 1,
        "overdue": 2,
        "median_days": 7,
        "p90_days": 7,
    }


def test_case_leaves_read_back_the_latest_facts() -> None:
    received = case_leaf(
        post="P-A",
        zone="Asia/Baku",
        kind="inquiry",
        received=D,
        due=D + dt.timedelta(days=15),
        decided=None,
        outcome=None,
        commitment_hex="00" * 32,
    )
    decided = case_leaf(
        post="P-A",
        zone="Asia/Baku",
        kind="inquiry",
        received=D,
        due=D + dt.timedelta(days=15),
        decided=D + dt.timedelta(days=4),
        outcome="answered",
        commitment_hex="11" * 32,
    )
    assert parse_leaf(received)["type"] == "case"
    [fact] = facts_from_leaves([received, with_corrects(decided, 0)])
    assert (fact.decided, fact.outcome) == (D + dt.timedelta(days=4), "answered")
    with pytest.raises(LeafError):
        parse_leaf(received.replace(b'"type":"case"', b'"type":"cases"'))
