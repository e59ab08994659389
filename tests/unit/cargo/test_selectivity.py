"""Evaluation: lanes, reasons, precedence of effects, and the reproducible random draw."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pytest

from borderpost.cargo.rules import (
    Assessment,
    LaneColour,
    Outcome,
    RuleSet,
    RuleSetNotInForce,
    evaluate,
    parse_consignment,
    parse_ruleset,
)
from borderpost.cargo.rules.selectivity import random_draw, seed_fingerprint

# The factory fixtures of conftest.py: item(hs_code, description, **fields), consignment(*items)
ItemFactory = Callable[..., dict[str, Any]]
ConsignmentFactory = Callable[..., dict[str, Any]]

ON = date(2025, 6, 1)

HEAD = """
[ruleset]
id = "t"
version = "1"
effective_from = 2025-01-01
network = "test"
"""


def rules(body: str) -> RuleSet:
    return parse_ruleset(HEAD + body)


def toml_value(value: Any) -> str:
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {json.dumps(v)}" for k, v in value.items()) + " }"
    return json.dumps(value)


def rule(rule_id: str, effect: str, **fields: Any) -> str:
    lines = ["[[rule]]", f'id = "{rule_id}"', f'effect = "{effect}"']
    lines += [f"{key} = {toml_value(value)}" for key, value in fields.items()]
    lines.append(f'legal_basis = "Test rule set, {rule_id}"')
    return "\n".join(lines) + "\n"


def run(data: dict[str, Any], ruleset: RuleSet, **context: Any) -> Assessment:
    context.setdefault("category", "commercial")
    context.setdefault("direction", "in")
    context.setdefault("on", ON)
    return evaluate(parse_consignment(data), ruleset, **context)


# --- The default rule set -------------------------------------------------------------


def test_gold_concentrate_leaving_without_licence_goes_red(
    consignment: ConsignmentFactory, item: ItemFactory, default_rules: RuleSet
) -> None:
    data = consignment(item("2616.90", "gold concentrate", gross_kg=20600, net_kg=20500))
    result = run(data, default_rules, direction="out")
    assert result.lane is LaneColour.RED
    assert not result.refused
    assert result.items[0].outcome is Outcome.INSPECT
    by_id = {hit.id: hit for hit in result.rules}
    assert by_id["R-ORE-1"].legal_basis == (
        "Post rule set, section 4.1: export of ores and concentrates"
    )
    assert by_id["R-ORE-1"].items == (0,)
    reasons = {r.rule_id: r.detail for r in result.items[0].reasons}
    assert reasons["R-ORE-1"] == "HS 2616.90; no export_licence declared"
    assert reasons["R-ORE-2"] == "HS 26; keyword 'gold'; no export_licence declared"


def test_gold_concentrate_with_a_valid_licence_goes_yellow(
    consignment: ConsignmentFactory, item: ItemFactory, default_rules: RuleSet
) -> None:
    licence = {"type": "export licence", "number": "EL-7", "issuer": "Office",
               "valid_until": "2025-12-31"}  # fmt: skip
    data = consignment(item("2616.90", "gold concentrate"), permits=[licence])
    result = run(data, default_rules, direction="out")
    assert result.lane is LaneColour.YELLOW
    assert result.items[0].outcome is Outcome.DOCUMENTS
    assert "export_licence no. EL-7 valid until 2025-12-31" in result.items[0].reasons[0].detail
    # The same licence, expired on the day of the crossing, does not count.
    expired = run(data, default_rules, direction="out", on=date(2026, 1, 1))
    assert expired.lane is LaneColour.RED
    assert "expired on 2025-12-31" in expired.items[0].reasons[0].detail


def test_gold_concentrate_coming_in_needs_no_licence(
    consignment: ConsignmentFactory, item: ItemFactory, default_rules: RuleSet
) -> None:
    result = run(consignment(item("2616.90", "gold concentrate")), default_rules, direction="in")
    assert result.lane is LaneColour.GREEN
    assert result.rules == ()


def test_humanitarian_medical_supplies_go_green(
    consignment: ConsignmentFactory, item: ItemFactory, default_rules: RuleSet
) -> None:
    data = consignment(
        item("3004.90", "antibiotics and analgesics"),
        humanitarian=True,
        sending_organisation={"code": "ORG-12", "type": "humanitarian"},
    )
    result = run(data, default_rules, category="humanitarian", organisation_type="humanitarian")
    assert result.lane is LaneColour.GREEN
    assert not result.refused
    assert result.items[0].outcome is Outcome.RELEASE
    assert {hit.id for hit in result.rules} == {"R-EX-HUM", "R-EX-MED"}
    assert all(r.status == "exemption" for r in result.items[0].reasons)


def test_a_declared_mine_is_refused(
    consignment: ConsignmentFactory, item: ItemFactory, default_rules: RuleSet
) -> None:
    data = consignment(item("9306.90", "anti-tank mines"))
    for category, organisation in [("commercial", None), ("international_force",
                                                           "international_force")]:  # fmt: skip
        result = run(data, default_rules, category=category, organisation_type=organisation)
        assert result.refused
        assert result.lane is LaneColour.RED
        assert result.items[0].outcome is Outcome.PROHIBITED
        applied = {r.rule_id for r in result.items[0].reasons if r.status == "applied"}
        assert "R-EXPL-3" in applied


def test_international_force_ammunition_under_permit_goes_yellow(
    consignment: ConsignmentFactory, item: ItemFactory, default_rules: RuleSet
) -> None:
    permit = {"type": "arms transfer authorisation", "number": "A-1", "issuer": "Command",
              "valid_until": "2025-12-31"}  # fmt: skip
    data = consignment(item("9306.30", "rifle cartridges"), permits=[permit])
    force = run(data, default_rules, category="international_force",
                organisation_type="international_force")  # fmt: skip
    assert force.lane is LaneColour.YELLOW
    lifted = {r.rule_id: r.detail for r in force.items[0].reasons if r.status == "lifted"}
    assert lifted == {
        "R-ARMS-1": "HS 93; lifted by R-ARMS-2",
        "R-EXPL-2": "HS 93.06; lifted by R-ARMS-2",
    }
    # The same goods for anyone else are refused.
    assert run(data, default_rules).refused


def test_dual_use_keywords_in_several_languages(
    consignment: ConsignmentFactory, item: ItemFactory, default_rules: RuleSet
) -> None:
    for description in ("Quadcopter DRONES, 4 pcs", "прибор ночного видения", "Dronlar"):
        result = run(consignment(item("8525.89", description)), default_rules)
        assert result.lane is LaneColour.RED, description
        assert result.items[0].reasons[0].rule_id == "R-DUAL-1"


def test_dual_use_inspection_survives_the_humanitarian_exemption(
    consignment: ConsignmentFactory, item: ItemFactory, default_rules: RuleSet
) -> None:
    data = consignment(item("8525.89", "thermal imaging camera"))
    result = run(data, default_rules, category="humanitarian", organisation_type="humanitarian")
    assert result.lane is LaneColour.RED  # R-DUAL-1 has priority 10, the exemption 0


# --- Matching -------------------------------------------------------------------------


def test_keywords_match_whole_words_case_insensitively(
    consignment: ConsignmentFactory, item: ItemFactory
) -> None:
    ruleset = rules(rule("K", "inspect", keywords=["mine", "night vision", "dron*"]))

    def lane(description: str) -> LaneColour:
        return run(consignment(item(description=description)), ruleset).lane

    assert lane("Anti-tank MINE") is LaneColour.RED
    assert lane("mining equipment") is LaneColour.GREEN
    assert lane("determine the value") is LaneColour.GREEN
    assert lane("NIGHT-VISION goggles") is LaneColour.RED
    assert lane("night goggles, vision aid") is LaneColour.GREEN
    assert lane("дроны") is LaneColour.GREEN
    assert lane("drones") is LaneColour.RED
    assert lane("android phones") is LaneColour.GREEN


def test_hs_ranges_and_other_conditions(consignment: ConsignmentFactory, item: ItemFactory) -> None:
    ruleset = rules(
        rule("H", "inspect", hs=["36.01-36.04"])
        + rule("S", "inspect", hs=["7108.12"])
        + rule("O", "inspect", origins=["XKX"], min_gross_kg=1000)
        + rule("V", "inspect", hs=["87"], min_value={"USD": 50000})
    )

    def matched(**fields: Any) -> list[str]:
        return [hit.id for hit in run(consignment(item(**fields)), ruleset).rules]

    assert matched(hs_code="3603.60", description="electric detonators") == ["H"]
    assert matched(hs_code="3605.00", description="matches") == []
    assert matched(hs_code="7108.12", description="gold bars") == ["S"]
    assert matched(hs_code="7108.13", description="gold sheets") == []
    assert matched(origin="XKX", gross_kg=1500, net_kg=1400) == ["O"]
    assert matched(origin="XKX", gross_kg=500, net_kg=400) == []
    assert matched(hs_code="8703.23", description="car", value=60000) == ["V"]
    assert matched(hs_code="8703.23", description="car", value=40000) == []
    # A value in a currency the rule does not list cannot be compared: restrictive rules apply.
    assert matched(hs_code="8703.23", description="car", value=1, currency="GEL") == ["V"]


def test_crossing_conditions(consignment: ConsignmentFactory, item: ItemFactory) -> None:
    ruleset = rules(
        rule("C", "inspect", categories=["civilian"], direction="out")
        + rule("G", "inspect", organisation_types=["government"])
        + rule("D", "inspect", valid_from="2025-07-01")
    )
    data = consignment(item())

    def matched(**context: Any) -> list[str]:
        return [hit.id for hit in run(data, ruleset, **context).rules]

    assert matched(category="civilian", direction="out") == ["C"]
    assert matched(category="civilian", direction="in") == []
    assert matched(organisation_type="government") == ["G"]
    assert matched(on=date(2025, 7, 1)) == ["D"]


# --- Precedence -----------------------------------------------------------------------


def test_an_exemption_lifts_inspections_of_lower_or_equal_priority(
    consignment: ConsignmentFactory, item: ItemFactory
) -> None:
    ruleset = rules(
        rule("I0", "inspect", hs=["84"])
        + rule("I9", "inspect", hs=["84"], priority=9, keywords=["laptop*"])
        + rule("A", "allow", hs=["84.71"], priority=5)
    )
    result = run(consignment(item("8471.30", "laptop computers")), ruleset)
    statuses = {r.rule_id: r.status for r in result.items[0].reasons}
    assert statuses == {"I0": "lifted", "I9": "applied", "A": "exemption"}
    assert result.lane is LaneColour.RED
    hits = {hit.id: (hit.items, hit.lifted_items) for hit in result.rules}
    assert hits == {"I0": ((), (0,)), "I9": ((0,), ()), "A": ((0,), ())}


def test_a_prohibition_is_only_lifted_by_name(
    consignment: ConsignmentFactory, item: ItemFactory
) -> None:
    general = rules(rule("P", "prohibit", hs=["93"]) + rule("A", "allow", hs=["93"], priority=99))
    data = consignment(item("9303.20", "hunting shotgun"))
    assert run(data, general).refused
    named = rules(rule("P", "prohibit", hs=["93"]) + rule("A", "allow", hs=["93"], exempts=["P"]))
    result = run(data, named)
    assert not result.refused
    assert result.lane is LaneColour.GREEN
    assert [r.status for r in result.items[0].reasons] == ["lifted", "exemption"]


def test_a_permit_requirement_is_not_lifted_by_a_general_exemption(
    consignment: ConsignmentFactory, item: ItemFactory
) -> None:
    ruleset = rules(rule("R", "require_permit", permit="licence", hs=["97"]) + rule("A", "allow"))
    assert run(consignment(item("9706.10", "antique chest")), ruleset).lane is LaneColour.RED


def test_the_consignment_takes_its_most_severe_item(
    consignment: ConsignmentFactory, item: ItemFactory, default_rules: RuleSet
) -> None:
    data = consignment(item(), item("7113.19", "gold jewellery"), item("9306.90", "landmines"))
    result = run(data, default_rules)
    assert [i.outcome for i in result.items] == [
        Outcome.RELEASE,
        Outcome.INSPECT,
        Outcome.PROHIBITED,
    ]
    assert result.lane is LaneColour.RED
    assert result.refused


# --- Random selection -----------------------------------------------------------------


def test_the_random_draw_is_reproducible(
    consignment: ConsignmentFactory, item: ItemFactory, default_rules: RuleSet
) -> None:
    data = consignment(item())
    seed = b"post-7 2025 seed"
    first = run(data, default_rules, random_share=0.05, seed=seed, consignment_id="C-42")
    again = run(data, default_rules, random_share=0.05, seed=seed, consignment_id="C-42")
    assert first.random == again.random
    assert first.random.draw == random_draw(seed, "C-42")
    assert first.random.seed_id == seed_fingerprint(seed)
    assert seed.hex() not in json.dumps(first.to_dict())
    other = run(data, default_rules, random_share=0.05, seed=b"another seed", consignment_id="C-42")
    assert other.random.draw != first.random.draw


def test_the_random_share_sends_about_that_share_to_red() -> None:
    draws = [random_draw(b"seed", f"C-{n}") for n in range(20000)]
    assert all(0.0 <= d < 1.0 for d in draws)
    share = sum(d < 0.05 for d in draws) / len(draws)
    assert 0.04 < share < 0.06


def test_a_selected_consignment_goes_red_whatever_the_rules(
    consignment: ConsignmentFactory, item: ItemFactory, default_rules: RuleSet
) -> None:
    data = consignment(item())
    everything = run(data, default_rules, random_share=1.0, seed=b"s")
    assert everything.random.selected
    assert everything.random.consignment_id == "C-0001"  # the declared id by default
    assert everything.lane is LaneColour.RED
    assert everything.items[0].outcome is Outcome.RELEASE
    nothing = run(data, default_rules, random_share=0.0, seed=b"s")
    assert not nothing.random.selected
    assert nothing.lane is LaneColour.GREEN


@pytest.mark.parametrize(
    ("context", "message"),
    [
        ({"category": "tourist"}, "unknown category 'tourist'"),
        ({"direction": "up"}, "unknown direction 'up'"),
        ({"organisation_type": "ngo"}, "unknown organisation type 'ngo'"),
        ({"random_share": 1.5, "seed": b"s"}, "random share must be between 0 and 1"),
        ({"random_share": 0.05}, "a random share needs a seed"),
    ],
)
def test_bad_context_is_refused(
    consignment: ConsignmentFactory, default_rules: RuleSet, context: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        run(consignment(), default_rules, **context)


def test_a_datetime_is_taken_as_its_day(
    consignment: ConsignmentFactory, default_rules: RuleSet
) -> None:
    result = run(consignment(), default_rules, on=datetime(2025, 6, 1, 23, 59))
    assert result.on == ON


def test_a_rule_set_not_yet_in_force_is_refused(
    consignment: ConsignmentFactory, default_rules: RuleSet
) -> None:
    with pytest.raises(RuleSetNotInForce):
        run(consignment(), default_rules, on=date(2024, 12, 31))


def test_to_dict_is_json_ready(
    consignment: ConsignmentFactory, item: ItemFactory, default_rules: RuleSet
) -> None:
    data = consignment(item("2616.90", "gold concentrate"))
    out = run(data, default_rules, direction="out", random_share=0.05, seed=b"s").to_dict()
    assert json.loads(json.dumps(out)) == out
    assert out["lane"] == "red"
    assert out["refused"] is False
    assert {k for hit in out["rules"] for k in hit} >= {"id", "effect", "legal_basis", "items"}
    assert [i["outcome"] for i in out["items"]] == ["inspect"]
    assert set(out["random"]) >= {"share", "draw", "selected", "seed_id"}
    assert out["ruleset"] == {"id": "borderpost-default", "version": "1.0.0"}
