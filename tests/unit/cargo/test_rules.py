"""Rule set files: loading, precise errors, HS ranges and keywords, network and post merge."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from borderpost.cargo.rules import Effect, RuleSet, RuleSetError, load_ruleset, parse_ruleset
from borderpost.cargo.rules.ruleset import HSRange

WriteRules = Callable[[str, str], Path]

NETWORK = """
[ruleset]
id = "net"
version = "7"
effective_from = 2025-01-01
network = "north"

[[rule]]
id = "N-ARMS"
effect = "prohibit"
hs = ["93"]
legal_basis = "Network rule set, section 1"

[[rule]]
id = "N-DRONE"
effect = "inspect"
keywords = ["drone*"]
legal_basis = "Network rule set, section 2"

[[rule]]
id = "N-ORE"
effect = "require_permit"
permit = "Export licence"
direction = "out"
hs = ["26.03"]
legal_basis = "Network rule set, section 3"
"""


def errors(text: str, base: RuleSet | None = None) -> list[str]:
    with pytest.raises(RuleSetError) as caught:
        parse_ruleset(text, source="rules.toml", base=base)
    return [str(p) for p in caught.value.problems]


def test_default_rule_set_loads(default_rules: RuleSet) -> None:
    assert default_rules.id == "borderpost-default"
    assert default_rules.network == "default"
    assert len(default_rules) >= 10
    assert all(rule.legal_basis for rule in default_rules.rules)
    assert default_rules.rule("R-ARMS-1").effect is Effect.PROHIBIT


def test_a_rule_file_with_an_error_names_line_and_field(write_rules: WriteRules) -> None:
    path = write_rules(
        "post.toml",
        NETWORK
        + """
[[rule]]
id = "N-BAD"
effect = "forbid"
hs = ["93"]
legal_basis = "x"
""",
    )
    with pytest.raises(RuleSetError) as caught:
        load_ruleset(path)
    (problem,) = caught.value.problems
    assert problem.file == str(path)
    assert problem.rule_index == 3
    assert problem.rule_id == "N-BAD"
    assert problem.field == "effect"
    assert problem.line == 30
    assert path.read_text().splitlines()[problem.line - 1] == 'effect = "forbid"'
    assert str(problem) == (
        f"{path}:30: rule[3] N-BAD: effect: unknown effect 'forbid'"
        " (expected one of prohibit, require_permit, inspect, allow)"
    )


def test_every_problem_is_listed() -> None:
    text = NETWORK.replace('hs = ["93"]', 'hs = ["98", "2616.9", "36.04-36.01"]').replace(
        'keywords = ["drone*"]', 'keywords = ["dr*one", "ab*"]\ncategories = ["tourist"]'
    )
    assert errors(text) == [
        "rules.toml:11: rule[0] N-ARMS: hs: '98': HS 2022 has no chapter 98",
        "rules.toml:11: rule[0] N-ARMS: hs: '2616.9' is not an HS chapter, heading, subheading"
        " or range (write 93, 36.01, 7108.12 or 36.01-36.04)",
        "rules.toml:11: rule[0] N-ARMS: hs: '36.04-36.01': the range runs backwards",
        "rules.toml:17: rule[1] N-DRONE: keywords: 'dr*one': write words, with at most one *"
        " at the end",
        "rules.toml:17: rule[1] N-DRONE: keywords: 'ab*': a word ending in * needs 3 letters"
        " or more",
        "rules.toml:18: rule[1] N-DRONE: categories: unknown value 'tourist' (expected one of"
        " civilian, commercial, humanitarian, medical_evacuation, international_force, official)",
    ]


def test_syntax_error_gives_the_line() -> None:
    text = NETWORK.replace('hs = ["26.03"]', 'hs = ["26.03"')
    (problem,) = errors(text)
    # tomllib notices the unclosed array on the next line, inside the same rule.
    assert problem == "rules.toml:26: rule[2]: legal_basis: TOML syntax: Unclosed array"


def test_missing_required_fields_and_unknown_keys() -> None:
    text = """
[ruleset]
id = "x"
effective_from = 2025-13-01

[[rules]]
id = "R-1"
"""
    (problem,) = errors(text)
    assert "TOML syntax" in problem  # month 13 is not a date
    text = text.replace("2025-13-01", "2025-01-01")
    assert errors(text) == [
        "rules.toml:6: rules: unknown table or key 'rules' (did you mean [[rule]]?)",
        'rules.toml:2: ruleset.version: expected a version such as "2025.1", got None',
        "rules.toml:2: ruleset: name the post (post = ...) or the network (network = ...)"
        " it is for",
    ]


def test_rule_field_checks() -> None:
    text = (
        NETWORK.replace('legal_basis = "Network rule set, section 1"', "colour = 1")
        .replace('effect = "inspect"', 'effect = "inspect"\npermit = "x"\npriority = 1.5')
        .replace('direction = "out"', 'direction = "outbound"\nexempts = ["N-ORE"]')
    )
    assert errors(text) == [
        "rules.toml:12: rule[0] N-ARMS: colour: unknown field",
        "rules.toml:8: rule[0] N-ARMS: legal_basis: required",
        "rules.toml:17: rule[1] N-DRONE: permit: only a require_permit rule names a permit",
        "rules.toml:18: rule[1] N-DRONE: priority: expected a whole number from -1000 to 1000,"
        " got 1.5",
        "rules.toml:26: rule[2] N-ORE: direction: unknown direction 'outbound'"
        " (expected in or out)",
        "rules.toml:27: rule[2] N-ORE: exempts: a rule cannot exempt itself",
    ]


def test_duplicate_ids_and_unknown_exemptions() -> None:
    text = NETWORK.replace('id = "N-DRONE"', 'id = "N-ARMS"')
    assert errors(text) == [
        "rules.toml:15: rule[1] N-ARMS: id: duplicate id N-ARMS (first at line 8)"
    ]
    text = NETWORK.replace('effect = "inspect"', 'effect = "allow"\nexempts = ["N-NONE"]')
    assert errors(text) == ["rules.toml:14: rule N-DRONE: exempts: exempts unknown rule N-NONE"]


@pytest.mark.parametrize(
    ("spec", "start", "end"),
    [
        ("93", "93", "93"),
        ("36.01-36.04", "3601", "3604"),
        ("3601..3604", "3601", "3604"),
        ("7108.12", "710812", "710812"),
        ("25-27", "25", "27"),
    ],
)
def test_hs_range_forms(spec: str, start: str, end: str) -> None:
    ruleset = parse_ruleset(NETWORK.replace('hs = ["93"]', f'hs = ["{spec}"]'))
    assert ruleset.rule("N-ARMS").hs == (HSRange(start, end),)


def test_hs_range_contains() -> None:
    headings = HSRange("3601", "3604")
    assert headings.contains("360100")
    assert headings.contains("360490")
    assert not headings.contains("360500")
    assert not headings.contains("350790")
    assert HSRange("7108", "7108").contains("710812")
    assert HSRange("25", "27").chapters() == ["25", "26", "27"]


def test_keywords_are_folded() -> None:
    ruleset = parse_ruleset(NETWORK.replace('"drone*"', '"Night-Vision", "Тепловизор*"'))
    night, thermal = ruleset.rule("N-DRONE").keywords
    assert night.words == ("night", "vision")
    assert not night.prefix
    assert thermal.words == ("тепловизор",)
    assert thermal.prefix


def test_permit_type_is_folded() -> None:
    assert parse_ruleset(NETWORK).rule("N-ORE").permit == "export_licence"


POST = """
[ruleset]
id = "post-7"
version = "3"
effective_from = 2025-03-01
post = "P-07"
network = "north"
disable = ["N-DRONE"]

[[rule]]
id = "N-ARMS"
replace = true
effect = "inspect"
hs = ["93.03"]
legal_basis = "Post rule set, section 1"

[[rule]]
id = "P-1"
effect = "inspect"
hs = ["87.03"]
min_gross_kg = 3500
legal_basis = "Post rule set, section 2"
"""


def test_post_overrides_disable_replace_and_add(write_rules: WriteRules) -> None:
    network = load_ruleset(write_rules("net.toml", NETWORK))
    post = load_ruleset(write_rules("post.toml", POST), base=network)
    assert [r.id for r in post.rules] == ["N-ARMS", "N-ORE", "P-1"]
    assert post.rule("N-ARMS").effect is Effect.INSPECT
    assert post.rule("N-ARMS").source.endswith("post.toml")
    assert post.rule("N-ORE").source.endswith("net.toml")
    assert "N-DRONE" not in post
    assert post.disabled == ("N-DRONE",)
    assert post.base == ("net", "7")
    assert post.post == "P-07"
    assert post.network == "north"
    assert post.effective_from == date(2025, 3, 1)
    # The network rule set itself is untouched.
    assert network.rule("N-ARMS").effect is Effect.PROHIBIT
    assert "N-DRONE" in network


def test_post_override_mistakes(write_rules: WriteRules) -> None:
    network = parse_ruleset(NETWORK)
    text = (
        POST.replace('disable = ["N-DRONE"]', 'disable = ["N-GONE"]')
        .replace("replace = true\n", "")
        .replace('id = "P-1"', 'id = "P-1"\nreplace = true')
        .replace('network = "north"', 'network = "south"')
    )
    assert errors(text, base=network) == [
        "rules.toml: ruleset.network: names network 'south' but the base rule set is for 'north'",
        "rules.toml: ruleset.disable: disables N-GONE, which the network rule set net"
        " does not have",
        "rules.toml:10: rule N-ARMS: id: id N-ARMS is already in the network rule set net;"
        " set replace = true to replace it, or choose another id",
        "rules.toml:16: rule P-1: replace: replaces P-1, which the network rule set net does not"
        " have",
    ]


def test_overrides_need_a_base() -> None:
    assert errors(POST) == [
        "rules.toml: ruleset.disable: disable needs the network rule set it overrides"
        " (load with base=...)",
        "rules.toml:10: rule N-ARMS: replace: replace needs the network rule set it overrides"
        " (load with base=...)",
    ]


def test_only_a_post_overrides_a_network() -> None:
    network = parse_ruleset(NETWORK)
    assert errors(NETWORK.replace('id = "net"', 'id = "other"'), base=network)[0] == (
        "rules.toml: ruleset.post: only a post rule set (post = ...) can override a network one"
    )


def test_a_post_rule_may_exempt_a_network_rule() -> None:
    network = parse_ruleset(NETWORK)
    text = POST + '\n[[rule]]\nid = "P-2"\neffect = "allow"\nexempts = ["N-ORE"]\nhs = ["26.03"]\n'
    text += 'legal_basis = "Post rule set, section 3"\n'
    assert parse_ruleset(text, base=network).rule("P-2").exempts == ("N-ORE",)


def test_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(RuleSetError) as caught:
        load_ruleset(tmp_path / "missing.toml")
    assert "cannot read the file" in str(caught.value)


def test_a_rule_set_file_too_big_is_refused_unread(tmp_path: Path) -> None:
    from borderpost.cargo.rules.limits import MAX_FILE_BYTES

    huge = tmp_path / "network.toml"
    with huge.open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)  # sparse: nothing to read, only its size
    with pytest.raises(RuleSetError) as error:
        load_ruleset(huge)
    assert "a rule set may have" in error.value.problems[0].message


def test_a_rule_set_text_nested_too_deeply_is_one_problem() -> None:
    with pytest.raises(RuleSetError) as error:
        parse_ruleset("a = " + "[" * 3000 + "]" * 3000)
    assert "nested too deeply" in error.value.problems[0].message
