"""Property tests: any declaration that parses can be evaluated, under any rule set, safely."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from borderpost.cargo.rules import (
    Category,
    DeclarationError,
    Direction,
    LaneColour,
    OrganisationType,
    Outcome,
    RuleSet,
    evaluate,
    load_default_ruleset,
    parse_consignment,
    parse_ruleset,
)
from borderpost.cargo.rules.declaration import MAX_SEALS
from borderpost.cargo.rules.hs import dotted, nomenclature
from borderpost.cargo.rules.iso import COUNTRIES, CURRENCIES

CODES = sorted(nomenclature().subheadings())
WORDS = [
    "gold", "copper", "concentrate", "drone", "drones", "mine", "night", "vision", "antique",
    "medicine", "laptop", "wheat", "flour", "ammunition", "золото", "дрон", "ոսկի", "ნაღმი",
    "Qızıl", "café", "spare", "parts",
]  # fmt: skip
PERMITS = ["export_licence", "arms_transfer_authorisation", "cultural_property_permit", "other"]
SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])

decimals = st.one_of(
    st.integers(min_value=0, max_value=10**9),
    st.floats(min_value=0, max_value=1e9, allow_nan=False, allow_infinity=False),
    st.decimals(min_value=0, max_value=10**9, places=3).map(str),
)
descriptions = st.one_of(
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=6).map(" ".join),
    st.text(min_size=1, max_size=60).filter(lambda t: t.strip() != ""),
)


@st.composite
def goods(draw: st.DrawFn) -> dict[str, Any]:
    net = draw(decimals)
    return {
        "hs_code": dotted(draw(st.sampled_from(CODES))),
        "description": draw(descriptions),
        "quantity": draw(st.integers(min_value=1, max_value=10**6)),
        "unit": draw(st.sampled_from(["kg", "pcs", "t", "l"])),
        "gross_kg": float(net) + draw(st.integers(min_value=1, max_value=1000)),
        "net_kg": net,
        "value": draw(decimals),
        "currency": draw(st.sampled_from(sorted(CURRENCIES))),
        "origin": draw(st.sampled_from(sorted(COUNTRIES))),
    }


@st.composite
def consignments(draw: st.DrawFn) -> dict[str, Any]:
    humanitarian = draw(st.booleans())
    data: dict[str, Any] = {
        "id": draw(st.text(min_size=1, max_size=20).filter(lambda t: t.strip() != "")),
        "carrier": {"name": "Carrier"},
        "consignor": {"name": "Consignor", "country": draw(st.sampled_from(sorted(COUNTRIES)))},
        "consignee": {"name": "Consignee"},
        "seals": draw(
            st.lists(
                st.from_regex(r"S-[0-9]{1,6}", fullmatch=True), unique=True, max_size=MAX_SEALS
            )
        ),
        "permits": [
            {
                "type": draw(st.sampled_from(PERMITS)),
                "number": "P-1",
                "issuer": "Issuer",
                "valid_until": draw(st.dates(date(2024, 1, 1), date(2027, 1, 1))).isoformat(),
            }
            for _ in range(draw(st.integers(min_value=0, max_value=2)))
        ],
        "humanitarian": humanitarian,
        "items": draw(st.lists(goods(), min_size=1, max_size=8)),
    }
    if humanitarian or draw(st.booleans()):
        data["sending_organisation"] = {
            "code": "ORG",
            "type": draw(st.sampled_from([t.value for t in OrganisationType])),
        }
    return data


@st.composite
def rulesets(draw: st.DrawFn) -> RuleSet:
    """A valid rule set of random rules, exemptions and all."""
    lines = [
        "[ruleset]",
        'id = "gen"',
        'version = "1"',
        "effective_from = 2025-01-01",
        'network = "gen"',
    ]
    count = draw(st.integers(min_value=1, max_value=15))
    for n in range(count):
        effect = draw(st.sampled_from(["prohibit", "require_permit", "inspect", "allow"]))
        lines += ["[[rule]]", f'id = "G-{n}"', f'effect = "{effect}"', 'legal_basis = "Gen"']
        code = draw(st.sampled_from(CODES))
        hs = draw(st.sampled_from([code[:2], dotted(code[:4]), dotted(code), None]))
        if hs:
            lines.append(f'hs = ["{hs}"]')
        if draw(st.booleans()):
            keywords = draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=3))
            keywords += ["drone*"] if draw(st.booleans()) else []
            lines.append(f"keywords = {json.dumps(keywords, ensure_ascii=False)}")
        if draw(st.booleans()):
            cats = draw(st.lists(st.sampled_from([c.value for c in Category]), min_size=1))
            lines.append(f"categories = {json.dumps(cats)}")
        if draw(st.booleans()):
            orgs = draw(st.lists(st.sampled_from([o.value for o in OrganisationType]), min_size=1))
            lines.append(f"organisation_types = {json.dumps(orgs)}")
        if draw(st.booleans()):
            lines.append(f'direction = "{draw(st.sampled_from(["in", "out"]))}"')
        if draw(st.booleans()):
            lines.append(f"min_gross_kg = {draw(st.integers(min_value=0, max_value=10**6))}")
        if draw(st.booleans()):
            lines.append(
                f"max_value = {{ USD = {draw(st.integers(min_value=0, max_value=10**6))} }}"
            )
        if effect == "require_permit":
            lines.append(f'permit = "{draw(st.sampled_from(PERMITS))}"')
        if effect != "prohibit" and n > 0 and draw(st.booleans()):
            lines.append(f'exempts = ["G-{draw(st.integers(min_value=0, max_value=n - 1))}"]')
        lines.append(f"priority = {draw(st.integers(min_value=-5, max_value=5))}")
    return parse_ruleset("\n".join(lines))


contexts = st.fixed_dictionaries(
    {
        "category": st.sampled_from([c.value for c in Category]),
        "organisation_type": st.one_of(
            st.none(), st.sampled_from([o.value for o in OrganisationType])
        ),
        "direction": st.sampled_from([d.value for d in Direction]),
        "on": st.dates(date(2025, 1, 1), date(2030, 12, 31)),
        "random_share": st.floats(min_value=0, max_value=1),
        "seed": st.binary(min_size=1, max_size=32),
    }
)

_SEVERITY = [Outcome.RELEASE, Outcome.DOCUMENTS, Outcome.INSPECT, Outcome.PROHIBITED]
_LANES = [LaneColour.GREEN, LaneColour.YELLOW, LaneColour.RED]


def check(assessment: Any, items: int) -> None:
    assert len(assessment.items) == items
    worst = max(_SEVERITY.index(i.outcome) for i in assessment.items)
    lane = {0: LaneColour.GREEN, 1: LaneColour.YELLOW}.get(worst, LaneColour.RED)
    expected = LaneColour.RED if assessment.random.selected else lane
    assert assessment.lane is expected
    assert assessment.refused == (worst == 3)
    assert json.loads(json.dumps(assessment.to_dict())) == assessment.to_dict()
    for item in assessment.items:
        for reason in item.reasons:
            assert reason.legal_basis


@SETTINGS
@given(data=consignments(), context=contexts)
def test_evaluation_under_the_default_rules_never_raises(
    data: dict[str, Any], context: dict[str, Any]
) -> None:
    consignment = parse_consignment(data)
    check(evaluate(consignment, load_default_ruleset(), **context), len(data["items"]))


@SETTINGS
@given(data=consignments(), ruleset=rulesets(), context=contexts)
def test_evaluation_under_any_valid_rules_never_raises(
    data: dict[str, Any], ruleset: RuleSet, context: dict[str, Any]
) -> None:
    consignment = parse_consignment(data)
    check(evaluate(consignment, ruleset, **context), len(data["items"]))


@SETTINGS
@given(data=consignments())
def test_declarations_read_back_equal(data: dict[str, Any]) -> None:
    consignment = parse_consignment(data)
    assert parse_consignment(consignment.to_dict()) == consignment


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=20,
)


@SETTINGS
@given(junk=json_values)
def test_any_json_is_parsed_or_refused_with_reasons(junk: Any) -> None:
    problems: tuple[object, ...] = ("parsed",)
    try:
        parse_consignment(junk)
    except DeclarationError as error:
        problems = error.problems
    assert problems


@SETTINGS
@given(data=consignments(), junk=json_values, where=st.data())
def test_a_bad_item_field_is_named(data: dict[str, Any], junk: Any, where: st.DataObject) -> None:
    position = where.draw(st.integers(min_value=0, max_value=len(data["items"]) - 1))
    key = where.draw(st.sampled_from(sorted(data["items"][position])))
    data["items"][position][key] = junk
    fields: set[str] = set()
    try:
        parse_consignment(data)
    except DeclarationError as error:
        fields = {p.field for p in error.problems}
    assert fields <= {f"items[{position}].{key}", f"items[{position}].net_kg"}


def test_dates_far_ahead_still_evaluate() -> None:
    ruleset = load_default_ruleset()
    data = {
        "carrier": {"name": "c"},
        "consignor": {"name": "c"},
        "consignee": {"name": "c"},
        "items": [
            {"hs_code": "930690", "description": "mines", "quantity": 1, "unit": "pcs",
             "gross_kg": 1, "net_kg": 1, "value": 1, "currency": "USD", "origin": "ARM"}
        ],
    }  # fmt: skip
    on = ruleset.effective_from + timedelta(days=365 * 50)
    result = evaluate(parse_consignment(data), ruleset, category="civilian", direction="in", on=on)
    assert result.refused
