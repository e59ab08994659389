"""The pure parts of recording cargo: the decision the lanes imply, the ledger's headings."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from borderpost.cargo.recording import RANDOM_REASON, Assessed, headings_and_weights
from borderpost.cargo.rules import evaluate, load_default_ruleset, parse_consignment
from borderpost.vocab import Decision

ItemFactory = Callable[..., dict[str, Any]]
ConsignmentFactory = Callable[..., dict[str, Any]]


def _assessed(data: dict[str, object], direction: str = "in", share: float = 0.0) -> Assessed:
    declared = parse_consignment(data)
    assessment = evaluate(
        declared, load_default_ruleset(), category="commercial", direction=direction,
        on=date(2026, 3, 10), random_share=share, seed=b"s" if share else b"",
        consignment_id="C-1" if share else "",
    )  # fmt: skip
    return Assessed([(uuid.uuid4(), declared, assessment)])


def test_headings_are_summed_sorted_and_written_without_trailing_zeros() -> None:
    pairs = [("261690", Decimal("20500.000")), ("847130", Decimal("12.5")),
             ("261610", Decimal("0.25")), ("847141", Decimal(3))]  # fmt: skip
    assert headings_and_weights(pairs) == [
        {"hs": "2616", "kg": "20500.25"},
        {"hs": "8471", "kg": "15.5"},
    ]


def test_a_prohibited_item_refuses_with_the_legal_basis(
    consignment: ConsignmentFactory, item: ItemFactory
) -> None:
    assessed = _assessed(consignment(item("9306.90", "anti-tank mines")))
    reasons: list[str] = []
    assert assessed.decide(Decision.ADMITTED, reasons) is Decision.REFUSED
    prohibit = [r for r in assessed.consignments[0][2].rules if r.effect.value == "prohibit"]
    assert reasons == [r.legal_basis for r in prohibit]


def test_red_refers_and_green_leaves_the_officer_alone(
    consignment: ConsignmentFactory, item: ItemFactory
) -> None:
    red = _assessed(consignment(item("2616.90", "gold concentrate")), direction="out")
    reasons: list[str] = []
    assert red.decide(Decision.ADMITTED, reasons) is Decision.REFERRED
    assert reasons
    green = _assessed(consignment(item()))
    untouched: list[str] = []
    assert green.decide(Decision.ADMITTED, untouched) is Decision.ADMITTED
    assert untouched == []


def test_the_officers_stricter_decision_is_kept_with_its_reasons(
    consignment: ConsignmentFactory, item: ItemFactory
) -> None:
    red = _assessed(consignment(item("2616.90", "gold concentrate")), direction="out")
    reasons = ["no driving licence"]
    assert red.decide(Decision.REFUSED, reasons) is Decision.REFUSED
    assert reasons == ["no driving licence"]


def test_a_random_draw_refers_and_says_so(consignment: ConsignmentFactory) -> None:
    drawn = _assessed(consignment(), share=1.0)
    reasons: list[str] = []
    assert drawn.decide(Decision.ADMITTED, reasons) is Decision.REFERRED
    assert reasons == [RANDOM_REASON]
