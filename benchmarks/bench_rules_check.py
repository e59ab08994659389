"""Checking a rule set file at the limits: the CPU one ``POST /api/v1/rules/check`` can cost.

The check is open to every signed-in user, observers included, so its work is bounded
(``cargo/rules/limits.py``: characters, rules, values in a list, nesting). Each shape below is
as large as the limits accept, or just past them, and is checked by the service the route
calls (``check_ruleset_text``); the figure is process CPU time, the worst of three runs.

Run: ``python -m benchmarks.bench_rules_check``.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from benchmarks.common import machine
from borderpost.cargo.rules.limits import MAX_CHARACTERS, MAX_ITEMS, MAX_RULES
from borderpost.cargo.rules.ruleset import RuleSetError
from borderpost.cargo.services import check_ruleset_text

HEAD = '[ruleset]\nid = "bench"\nversion = "1"\neffective_from = 2025-01-01\nnetwork = "n"\n\n'
POST_HEAD = HEAD.replace('id = "bench"', 'id = "bench-post"').replace('network = "n"', 'post = "P"')


def _fill(head: str, rule: Callable[[int], str]) -> str:
    """As many rules as fit in the limits, in order."""
    parts, size = [head], len(head)
    for index in range(MAX_RULES):
        text = rule(index)
        if size + len(text) > MAX_CHARACTERS:
            break
        parts.append(text)
        size += len(text)
    return "".join(parts)


def _keywords(index: int, count: int) -> str:
    return ", ".join(f'"kw{index}x{k}"' for k in range(count))


def _valid(index: int) -> str:
    return (
        f'[[rule]]\nid = "R-{index}"\ntitle = "Rule {index}"\neffect = "inspect"\n'
        f'hs = ["93", "36.01-36.04"]\nkeywords = [{_keywords(index, 30)}]\n'
        f'legal_basis = "section {index}"\n\n'
    )


def _many_hs(index: int) -> str:
    codes = ", ".join(f'"{c:02d}"' for c in range(1, 98) if c != 77)
    return (
        f'[[rule]]\nid = "R-{index}"\ntitle = "t"\neffect = "inspect"\nhs = [{codes}]\n'
        f'legal_basis = "b"\n\n'
    )


def _wrong(index: int) -> str:
    fields = "\n".join(
        [
            'effect = "forbid"',
            'categories = ["nobody"]',
            'organisation_types = ["nobody"]',
            'origins = ["XX1"]',
            'direction = "sideways"',
            "min_gross_kg = -1",
            "max_net_kg = -1",
            'valid_from = "someday"',
            'hs = ["999999"]',
            'keywords = ["a*"]',
            'exempts = ["R-NOPE"]',
            'colour = "red"',
        ]
    )
    return f'[[rule]]\nid = "R-{index}"\n{fields}\n\n'


def shapes() -> dict[str, str]:
    longest = MAX_ITEMS * 10
    return {
        f"{MAX_RULES} valid rules, 30 keywords each": _fill(HEAD, _valid),
        "the same as a post's file over the default set": _fill(POST_HEAD, _valid),
        "rules with 96 HS chapters each": _fill(HEAD, _many_hs),
        "every field of every rule wrong": _fill(HEAD, _wrong),
        f"one rule, lists of {MAX_ITEMS} values": HEAD
        + '[[rule]]\nid = "R-1"\ntitle = "t"\neffect = "inspect"\nlegal_basis = "b"\n'
        + f"keywords = [{_keywords(1, MAX_ITEMS)}]\n",
        "a syntax error on the last line": _fill(HEAD, _valid)[: MAX_CHARACTERS - 20] + "\n= x\n",
        "brackets nested as deep as the length allows": "a = " + "[" * (MAX_CHARACTERS - 4),
        f"{longest:,} values in one list (past the limit)": HEAD
        + '[[rule]]\nid = "R-1"\nkeywords = ['
        + ",".join(f'"k{k}"' for k in range(longest))
        + "]\n",
        "one character past the length": "#" * (MAX_CHARACTERS + 1),
    }


def _cpu(text: str) -> tuple[float, str]:
    worst, outcome = 0.0, ""
    for _ in range(3):
        start = time.process_time()
        try:
            outcome = f"ok, {len(check_ruleset_text(None, text, 'bench.toml'))} rules"
        except RuleSetError as error:
            outcome = f"{len(error.problems):,} problems"
        worst = max(worst, time.process_time() - start)
    return worst, outcome


def main() -> None:
    print(f"Rule set check at the limits; {machine()}")
    print(f"limits: {MAX_CHARACTERS:,} characters, {MAX_RULES:,} rules, {MAX_ITEMS} values/list")
    print("| shape | characters | CPU, worst of 3 | outcome |")
    print("|---|---|---|---|")
    for name, text in shapes().items():
        seconds, outcome = _cpu(text)
        print(f"| {name} | {len(text):,} | {seconds * 1000:,.0f} ms | {outcome} |")


if __name__ == "__main__":
    main()
