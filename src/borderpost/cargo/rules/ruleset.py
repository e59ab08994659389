"""Rule sets: the model, loading from TOML with precise errors, and network/post merging.

The file format, the precedence of effects and the merge are documented in
``cargo/README.md``. Loading never returns a half-valid rule set: any mistake raises
RuleSetError with every problem found (file, rule index and id, field, line), and the caller
keeps the rule set it had.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from functools import cached_property
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

from borderpost.cargo.rules.enums import Category, Direction, Effect, OrganisationType
from borderpost.cargo.rules.hs import dotted

if TYPE_CHECKING:
    from borderpost.cargo.rules.matching import RuleIndex


@dataclass(frozen=True, slots=True)
class HSRange:
    """Codes from ``start`` to ``end`` inclusive, both of 2, 4 or 6 digits (one level)."""

    start: str
    end: str

    def contains(self, code: str) -> bool:
        """True if the 6-digit ``code`` falls in the range."""
        if self.start == self.end:
            return code.startswith(self.start)
        head = code[: len(self.start)]
        return self.start <= head <= self.end

    def chapters(self) -> list[str]:
        """The chapters the range touches."""
        return [f"{c:02d}" for c in range(int(self.start[:2]), int(self.end[:2]) + 1)]

    def __str__(self) -> str:
        if self.start == self.end:
            return dotted(self.start)
        return f"{dotted(self.start)}-{dotted(self.end)}"


@dataclass(frozen=True, slots=True)
class Keyword:
    """A word or phrase to find in goods descriptions, folded into words.

    ``prefix`` means the last word was written with a trailing ``*`` and matches any word it
    begins ("drone*" matches "drones").
    """

    text: str
    words: tuple[str, ...]
    prefix: bool = False


@dataclass(frozen=True)
class Rule:
    """One rule: conditions (all must hold; a list holds if any entry does) and an effect."""

    id: str
    effect: Effect
    legal_basis: str
    title: str = ""
    hs: tuple[HSRange, ...] = ()
    keywords: tuple[Keyword, ...] = ()
    categories: frozenset[Category] | None = None
    organisation_types: frozenset[OrganisationType] | None = None
    origins: frozenset[str] | None = None
    direction: Direction | None = None
    min_gross_kg: Decimal | None = None
    max_gross_kg: Decimal | None = None
    min_net_kg: Decimal | None = None
    max_net_kg: Decimal | None = None
    min_value: Mapping[str, Decimal] | None = None
    max_value: Mapping[str, Decimal] | None = None
    permit: str | None = None
    exempts: tuple[str, ...] = ()
    priority: int = 0
    valid_from: date | None = None
    valid_until: date | None = None
    replace: bool = False
    source: str = ""
    line: int | None = None
    # Derived once, read on every match: whether a weight or value bound is set, the HS ranges
    # as they are written in reasons, and whether the rule can lift others.
    has_bounds: bool = field(init=False, repr=False, compare=False)
    hs_labels: tuple[str, ...] = field(init=False, repr=False, compare=False)
    may_lift: bool = field(init=False, repr=False, compare=False)  # exempts, or is an allow

    def __post_init__(self) -> None:
        bounds = (self.min_gross_kg, self.max_gross_kg, self.min_net_kg, self.max_net_kg)
        object.__setattr__(
            self,
            "has_bounds",
            any(b is not None for b in (*bounds, self.min_value, self.max_value)),
        )
        object.__setattr__(self, "hs_labels", tuple(f"HS {span}" for span in self.hs))
        object.__setattr__(self, "may_lift", bool(self.exempts) or self.effect is Effect.ALLOW)


@dataclass(frozen=True, eq=False)
class RuleSet:
    """A versioned, validated set of rules in force at a post (or across a network)."""

    id: str
    version: str
    effective_from: date
    rules: tuple[Rule, ...]
    network: str | None = None
    post: str | None = None
    description: str = ""
    base: tuple[str, str] | None = None
    disabled: tuple[str, ...] = ()
    source: str = ""
    _by_id: dict[str, Rule] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        self._by_id.update((r.id, r) for r in self.rules)

    def rule(self, rule_id: str) -> Rule:
        """The rule with this id; raises KeyError."""
        return self._by_id[rule_id]

    def __contains__(self, rule_id: object) -> bool:
        return rule_id in self._by_id

    def __len__(self) -> int:
        return len(self.rules)

    @cached_property
    def index(self) -> RuleIndex:
        """The rules compiled for evaluation (built once, on first use)."""
        from borderpost.cargo.rules.matching import RuleIndex

        return RuleIndex(self.rules)


@dataclass(frozen=True, slots=True)
class RuleProblem:
    """One mistake in a rule set file, located as precisely as the file allows."""

    file: str
    message: str
    line: int | None = None
    rule_index: int | None = None
    rule_id: str | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        parts = [where]
        if self.rule_index is not None:
            parts.append(f"rule[{self.rule_index}]" + (f" {self.rule_id}" if self.rule_id else ""))
        elif self.rule_id:
            parts.append(f"rule {self.rule_id}")
        if self.field:
            parts.append(self.field)
        return ": ".join([*parts, self.message])


class RuleSetError(ValueError):
    """A rule set that cannot be used; ``problems`` lists every mistake found."""

    def __init__(self, problems: Sequence[RuleProblem]) -> None:
        self.problems = tuple(problems)
        count = len(self.problems)
        lines = "\n".join(f"  {p}" for p in self.problems)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} in rule set:\n{lines}")


def load_ruleset(path: Path, *, base: RuleSet | None = None) -> RuleSet:
    """Load a rule set file; with ``base`` (a network rule set), apply it as a post's overrides.

    Raises RuleSetError listing every problem; nothing is returned half-valid.
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise RuleSetError([RuleProblem(str(path), f"cannot read the file: {error}")]) from None
    return parse_ruleset(text, source=str(path), base=base)


def parse_ruleset(text: str, *, source: str = "<text>", base: RuleSet | None = None) -> RuleSet:
    """Parse rule set TOML held in a string; see :func:`load_ruleset`."""
    from borderpost.cargo.rules.rulefile import read_ruleset

    ruleset, problems = read_ruleset(text, source)
    if ruleset is not None and not problems:
        ruleset, problems = _merge(ruleset, base) if base is not None else _alone(ruleset)
    if problems or ruleset is None:
        raise RuleSetError(problems)
    ruleset.index  # noqa: B018 - compile now, so the first crossing pays nothing
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
