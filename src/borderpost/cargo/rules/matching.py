"""Rules compiled for evaluation: indexed by HS heading and chapter, keyword and origin.

A goods item is only checked against the rules that can concern it: those filed under its HS
heading or chapter, those whose keywords occur in its description, those filed under its origin,
and the few rules that look at none of these. The filtering by crossing context (category,
organisation type, direction, date) is done once per context and kept, so evaluating one item
costs a handful of dictionary look-ups.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from borderpost.cargo.rules.declaration import DeclaredGoodsItem
from borderpost.cargo.rules.enums import Category, Direction, Effect, OrganisationType
from borderpost.cargo.rules.ruleset import HSRange, Keyword, Rule, RuleSet
from borderpost.cargo.rules.text import words

# Contexts seen are few (categories x organisation types x directions x days in use); the cap
# only guards against a caller that evaluates across years of dates in one process.
_MAX_VIEWS = 1024
# A range over more headings than this is filed under its chapters rather than each heading.
_MAX_HEADINGS = 100
_NO_HITS: Mapping[str, Keyword] = {}


@dataclass(frozen=True, slots=True)
class Context:
    """The crossing facts a rule can depend on besides the goods."""

    category: Category
    organisation_type: OrganisationType | None
    direction: Direction
    on: date


@dataclass(frozen=True, slots=True)
class _View:
    by_heading: Mapping[str, tuple[Rule, ...]]  # HS rules within a few headings, and chapter's
    by_chapter: Mapping[str, tuple[Rule, ...]]  # rules with wider HS ranges
    keyword_only: frozenset[str]  # ids of rules with keywords and no HS ranges
    by_origin: Mapping[str, tuple[Rule, ...]]  # rules with origins and neither of the above
    general: tuple[Rule, ...]  # rules with none of these


def _headings(span: HSRange) -> list[str] | None:
    """The headings a range of headings or subheadings covers; None for a wide range."""
    if len(span.start) == 2:
        return None
    first, last = int(span.start[:4]), int(span.end[:4])
    if last - first >= _MAX_HEADINGS:
        return None
    return [f"{h:04d}" for h in range(first, last + 1)]


def applies(rule: Rule, context: Context) -> bool:
    """True if the rule's crossing conditions (not its goods conditions) hold."""
    if rule.categories is not None and context.category not in rule.categories:
        return False
    if rule.organisation_types is not None and (
        context.organisation_type not in rule.organisation_types
    ):
        return False
    if rule.direction is not None and rule.direction is not context.direction:
        return False
    if rule.valid_from is not None and context.on < rule.valid_from:
        return False
    return rule.valid_until is None or context.on <= rule.valid_until


class KeywordIndex:
    """Finds which rules' keywords occur in a list of folded words."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        self._exact: dict[str, list[tuple[Keyword, str]]] = {}
        self._prefix: dict[str, list[tuple[Keyword, str]]] = {}
        for rule in rules:
            for keyword in rule.keywords:
                if keyword.prefix and len(keyword.words) == 1:
                    self._prefix.setdefault(keyword.words[0], []).append((keyword, rule.id))
                else:
                    self._exact.setdefault(keyword.words[0], []).append((keyword, rule.id))
        self._lengths = tuple(sorted({len(p) for p in self._prefix}))
        self._firsts = frozenset(self._exact)

    def __bool__(self) -> bool:
        return bool(self._exact or self._prefix)

    def match(self, text: Sequence[str]) -> dict[str, Keyword]:
        """Map each rule id with a keyword in the folded words ``text`` to its first keyword."""
        hits: dict[str, Keyword] = {}
        # Most descriptions hold no keyword at all: a set intersection (in C) says so at once.
        common = self._firsts.intersection(text)
        if common:
            exact = self._exact
            for position, word in enumerate(text):
                if word in common:
                    for keyword, rule_id in exact[word]:
                        if rule_id not in hits and _follows(keyword, text, position):
                            hits[rule_id] = keyword
        if self._lengths:
            prefix, lengths, shortest = self._prefix, self._lengths, self._lengths[0]
            for word in text:
                if len(word) < shortest:
                    continue
                for length in lengths:
                    if length > len(word):
                        break
                    for keyword, rule_id in prefix.get(word[:length], ()):
                        hits.setdefault(rule_id, keyword)
        return hits


def _follows(keyword: Keyword, text: Sequence[str], position: int) -> bool:
    wanted = keyword.words
    if position + len(wanted) > len(text):
        return False
    last = len(wanted) - 1
    for offset in range(1, len(wanted)):
        word = text[position + offset]
        if offset == last and keyword.prefix:
            if not word.startswith(wanted[offset]):
                return False
        elif word != wanted[offset]:
            return False
    return True


def _amount_ok(
    limits: Mapping[str, Decimal], item: DeclaredGoodsItem, restrictive: bool, at_least: bool
) -> bool:
    limit = limits.get(item.currency)
    if limit is None:
        # No exchange rates here: a value in a currency the rule does not list cannot be
        # compared. Fail safe: restrictive rules apply, exemptions do not.
        return restrictive
    return item.value >= limit if at_least else item.value <= limit


def goods_match(rule: Rule, item: DeclaredGoodsItem, keyword_hits: Mapping[str, Keyword]) -> bool:
    """True if the rule's goods conditions hold for the item."""
    spans = rule.hs
    if spans and not (
        spans[0].contains(item.hs_code)
        or (len(spans) > 1 and any(r.contains(item.hs_code) for r in spans[1:]))
    ):
        return False
    if rule.keywords and rule.id not in keyword_hits:
        return False
    if rule.origins is not None and item.origin not in rule.origins:
        return False
    if not rule.has_bounds:
        return True
    if rule.min_gross_kg is not None and item.gross_kg < rule.min_gross_kg:
        return False
    if rule.max_gross_kg is not None and item.gross_kg > rule.max_gross_kg:
        return False
    if rule.min_net_kg is not None and item.net_kg < rule.min_net_kg:
        return False
    if rule.max_net_kg is not None and item.net_kg > rule.max_net_kg:
        return False
    restrictive = rule.effect is not Effect.ALLOW
    if rule.min_value is not None and not _amount_ok(rule.min_value, item, restrictive, True):
        return False
    return rule.max_value is None or _amount_ok(rule.max_value, item, restrictive, False)


def explain(rule: Rule, item: DeclaredGoodsItem, keyword_hits: Mapping[str, Keyword]) -> str:
    """Say which of the rule's conditions the item met, for the officer and the auditor."""
    parts: list[str] = []
    if rule.hs:
        labels = rule.hs_labels
        if len(labels) == 1:
            parts.append(labels[0])
        else:
            code = item.hs_code
            parts.append(
                next(lb for sp, lb in zip(rule.hs, labels, strict=True) if sp.contains(code))
            )
    if rule.keywords:
        parts.append(f"keyword {keyword_hits[rule.id].text!r}")
    if rule.origins is not None:
        parts.append(f"origin {item.origin}")
    if rule.has_bounds:
        parts.append(
            f"weight {item.gross_kg} kg gross, {item.net_kg} kg net;"
            f" value {item.value} {item.currency}"
        )
    return "; ".join(parts) if parts else "crossing conditions"


class RuleIndex:
    """A rule set's rules, compiled once for fast matching."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules = tuple(rules)
        self.by_id = {r.id: r for r in self.rules}
        self.position = {r.id: n for n, r in enumerate(self.rules)}
        self.keywords = KeywordIndex(self.rules)
        self._views: dict[Context, _View] = {}
        self._lock = threading.Lock()

    def view(self, context: Context) -> _View:
        """The rules whose crossing conditions hold in ``context``, indexed for matching."""
        found = self._views.get(context)
        if found is not None:
            return found
        by_heading: dict[str, dict[str, Rule]] = {}
        by_chapter: dict[str, dict[str, Rule]] = {}
        keyword_only: set[str] = set()
        by_origin: dict[str, list[Rule]] = {}
        general: list[Rule] = []
        for rule in self.rules:
            if not applies(rule, context):
                continue
            if rule.hs:
                for span in rule.hs:
                    headings = _headings(span)
                    if headings is None:
                        for chapter in span.chapters():
                            by_chapter.setdefault(chapter, {})[rule.id] = rule
                    else:
                        for heading in headings:
                            by_heading.setdefault(heading, {})[rule.id] = rule
            elif rule.keywords:
                keyword_only.add(rule.id)
            elif rule.origins is not None:
                for origin in sorted(rule.origins):
                    by_origin.setdefault(origin, []).append(rule)
            else:
                general.append(rule)
        # A heading's bucket also holds its chapter's rules, so an item needs one look-up; the
        # chapter's bucket serves the headings that have no rules of their own.
        position = self.position
        for heading, rules in by_heading.items():
            rules.update(by_chapter.get(heading[:2], {}))
        view = _View(
            {
                h: tuple(sorted(rs.values(), key=lambda r: position[r.id]))
                for h, rs in by_heading.items()
            },
            {c: tuple(rs.values()) for c, rs in by_chapter.items()},
            frozenset(keyword_only),
            {o: tuple(rs) for o, rs in by_origin.items()},
            tuple(general),
        )
        with self._lock:
            if len(self._views) >= _MAX_VIEWS:
                self._views.clear()
            self._views[context] = view
        return view

    def match(
        self, view: _View, item: DeclaredGoodsItem
    ) -> tuple[list[Rule], Mapping[str, Keyword]]:
        """The rules that match the item, in rule set order, and the keywords that hit."""
        hits = self.keywords.match(words(item.description)) if self.keywords else _NO_HITS
        code = item.hs_code
        by_code = view.by_heading.get(code[:4]) or view.by_chapter.get(code[:2], ())
        found = [r for r in by_code if goods_match(r, item, hits)]
        for bucket in (view.by_origin.get(item.origin), view.general):
            if bucket:
                found += [r for r in bucket if goods_match(r, item, hits)]
        if hits:
            keyword_only = view.keyword_only
            for rule_id in hits:
                if rule_id in keyword_only:
                    rule = self.by_id[rule_id]
                    if goods_match(rule, item, hits):
                        found.append(rule)
        if len(found) > 1:
            position = self.position
            found.sort(key=lambda r: position[r.id])
        return found, hits


def index_of(ruleset: RuleSet) -> RuleIndex:
    """The rules of ``ruleset`` compiled for evaluation, built once per rule set and kept on it.

    Kept in the instance's ``__dict__`` (as ``functools.cached_property`` would) so that the
    model module does not import this one back.
    """
    cached = ruleset.__dict__.get("_index")
    if cached is None:
        cached = ruleset.__dict__["_index"] = RuleIndex(ruleset.rules)
    return cached
