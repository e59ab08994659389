"""Rule sets: the model (rules, HS ranges, keywords, the set in force) and its errors.

Reading a file and merging a post's set over the network's is ``loading``; compiling the rules
for evaluation is ``matching``. The file format, the precedence of effects and the merge are
documented in ``cargo/README.md``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from borderpost.cargo.rules.enums import Category, Direction, Effect, OrganisationType
from borderpost.cargo.rules.hs import dotted


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
