"""Loading rule sets: a TOML file (or text) to a validated RuleSet, and a post's set merged
over the network's.

Loading never returns a half-valid rule set: any mistake raises RuleSetError with every
problem found (file, rule index and id, field, line), and the caller keeps the rule set it had.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from importlib.resources import files
from pathlib import Path

from borderpost.cargo.rules.limits import MAX_FILE_BYTES
from borderpost.cargo.rules.matching import index_of
from borderpost.cargo.rules.rulefile import read_ruleset
from borderpost.cargo.rules.ruleset import Rule, RuleProblem, RuleSet, RuleSetError


def load_ruleset(path: Path, *, base: RuleSet | None = None) -> RuleSet:
    """Load a rule set file; with ``base`` (a network rule set), apply it as a post's overrides.

    Raises RuleSetError listing every problem; nothing is returned half-valid.
    """
    try:
        # Not read at all when it cannot be a rule set: a huge file would fill the memory first.
        if (size := Path(path).stat().st_size) > MAX_FILE_BYTES:
            message = f"the file has {size:,} bytes; a rule set may have {MAX_FILE_BYTES:,}"
            raise RuleSetError([RuleProblem(str(path), message)])
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise RuleSetError([RuleProblem(str(path), f"cannot read the file: {error}")]) from None
    return parse_ruleset(text, source=str(path), base=base)


def parse_ruleset(text: str, *, source: str = "<text>", base: RuleSet | None = None) -> RuleSet:
    """Parse rule set TOML held in a string; see :func:`load_ruleset`."""
    ruleset, problems = read_ruleset(text, source)
    if ruleset is not None and not problems:
        ruleset, problems = _merge(ruleset, base) if base is not None else _alone(ruleset)
    if problems or ruleset is None:
        raise RuleSetError(problems)
    index_of(ruleset)  # compiled now, so the first crossing pays nothing
    return ruleset


_DEFAULT: RuleSet | None = None


def load_default_ruleset() -> RuleSet:
    """The rule set shipped with Borderpost (``default_rules.toml``), loaded once."""
    global _DEFAULT
    if _DEFAULT is None:
        resource = files("borderpost.cargo.rules") / "default_rules.toml"
        _DEFAULT = parse_ruleset(resource.read_text(encoding="utf-8"), source="default_rules.toml")
    return _DEFAULT


def _problem(rule: Rule, message: str, field_name: str | None = None) -> RuleProblem:
    return RuleProblem(rule.source, message, rule.line, None, rule.id, field_name)


def _check_exemptions(rules: Sequence[Rule], known: set[str]) -> list[RuleProblem]:
    by_id = {r.id: r for r in rules}
    problems: list[RuleProblem] = []
    for rule in rules:
        for target in rule.exempts:
            if target not in by_id and target not in known:
                problems.append(_problem(rule, f"exempts unknown rule {target}", "exempts"))
            elif target in by_id and rule.id in by_id[target].exempts and rule.id < target:
                problems.append(
                    _problem(rule, f"{rule.id} and {target} exempt each other", "exempts")
                )
    return problems


def _alone(ruleset: RuleSet) -> tuple[RuleSet, list[RuleProblem]]:
    problems: list[RuleProblem] = []
    if ruleset.disabled:
        problems.append(
            RuleProblem(
                ruleset.source,
                "disable needs the network rule set it overrides (load with base=...)",
                field="ruleset.disable",
            )
        )
    for rule in ruleset.rules:
        if rule.replace:
            problems.append(
                _problem(
                    rule,
                    "replace needs the network rule set it overrides (load with base=...)",
                    "replace",
                )
            )
    problems += _check_exemptions(ruleset.rules, set())
    return ruleset, problems


def _merge(post: RuleSet, base: RuleSet) -> tuple[RuleSet, list[RuleProblem]]:
    """Apply a post's file to a network rule set: disable, replace, then add."""
    src = post.source
    problems: list[RuleProblem] = []
    if base.post is not None:
        problems.append(
            RuleProblem(src, f"base {base.id} is a post rule set, not a network one", None)
        )
    if post.post is None:
        problems.append(
            RuleProblem(
                src,
                "only a post rule set (post = ...) can override a network one",
                field="ruleset.post",
            )
        )
    if post.network is not None and post.network != base.network:
        problems.append(
            RuleProblem(
                src,
                f"names network {post.network!r} but the base rule set is for {base.network!r}",
                field="ruleset.network",
            )
        )
    for rule_id in post.disabled:
        if rule_id not in base:
            problems.append(
                RuleProblem(
                    src,
                    f"disables {rule_id}, which the network rule set {base.id} does not have",
                    field="ruleset.disable",
                )
            )
    replacements: dict[str, Rule] = {}
    additions: list[Rule] = []
    for rule in post.rules:
        if rule.replace:
            if rule.id not in base:
                problems.append(
                    _problem(
                        rule,
                        f"replaces {rule.id}, which the network rule set {base.id} does not have",
                        "replace",
                    )
                )
            elif rule.id in post.disabled:
                problems.append(_problem(rule, "is both disabled and replaced", "replace"))
            replacements[rule.id] = rule
        elif rule.id in base:
            problems.append(
                _problem(
                    rule,
                    f"id {rule.id} is already in the network rule set {base.id};"
                    " set replace = true to replace it, or choose another id",
                    "id",
                )
            )
        else:
            additions.append(rule)
    merged = [
        replacements.get(r.id, r) for r in base.rules if r.id not in post.disabled
    ] + additions
    problems += _check_exemptions(merged, set(post.disabled) | set(base.disabled))
    return (
        replace(
            post,
            rules=tuple(merged),
            effective_from=max(post.effective_from, base.effective_from),
            network=base.network,
            base=(base.id, base.version),
            disabled=tuple(dict.fromkeys((*base.disabled, *post.disabled))),
        ),
        problems,
    )
