"""Reading one rule set TOML file into a RuleSet, collecting every problem with its line.

tomllib reports the line of a syntax error; for mistakes in the values, ``tomllines`` finds the
line of the rule's table, and of the key inside it, in the text.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import TypeVar

from borderpost.cargo.rules import iso
from borderpost.cargo.rules.enums import Category, Direction, Effect, OrganisationType
from borderpost.cargo.rules.hs import digits, nomenclature
from borderpost.cargo.rules.limits import MAX_ITEMS, MAX_RULES, TooDeep, load_toml, too_long
from borderpost.cargo.rules.ruleset import HSRange, Keyword, Rule, RuleProblem, RuleSet
from borderpost.cargo.rules.text import identifier, words
from borderpost.cargo.rules.tomllines import Locator, syntax_error_line

E = TypeVar("E", bound=StrEnum)

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$")

_RULESET_FIELDS = ("id", "version", "effective_from", "network", "post", "description", "disable")
_RULE_FIELDS = (
    "id",
    "title",
    "effect",
    "legal_basis",
    "hs",
    "keywords",
    "categories",
    "organisation_types",
    "origins",
    "direction",
    "min_gross_kg",
    "max_gross_kg",
    "min_net_kg",
    "max_net_kg",
    "min_value",
    "max_value",
    "permit",
    "exempts",
    "priority",
    "valid_from",
    "valid_until",
    "replace",
)
_MAX_NUMBER = Decimal("1e12")


class _RuleReader:
    """Reads the fields of one ``[[rule]]`` table, recording problems with their lines."""

    def __init__(self, raw: Mapping[str, object], index: int, source: str, where: Locator):
        self.raw = raw
        self.index = index
        self.source = source
        self.where = where
        self.rule_id = raw.get("id") if isinstance(raw.get("id"), str) else None
        self.problems: list[RuleProblem] = []

    def fail(self, key: str, message: str) -> None:
        self.problems.append(
            RuleProblem(
                self.source,
                message,
                self.where.rule(self.index, key),
                self.index,
                self.rule_id if isinstance(self.rule_id, str) else None,
                key,
            )
        )

    def text(self, key: str, *, required: bool = False, limit: int = 500) -> str | None:
        value = self.raw.get(key)
        if value is None:
            if required:
                self.fail(key, "required")
            return None
        if not isinstance(value, str) or not value.strip():
            self.fail(key, f"expected non-empty text, got {value!r}")
            return None
        if len(value) > limit:
            self.fail(key, f"longer than {limit} characters")
            return None
        return value.strip()

    def strings(self, key: str) -> list[str] | None:
        value = self.raw.get(key)
        if value is None:
            return None
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(key, "expected a list of text values")
            return None
        if not value:
            self.fail(key, "an empty list matches nothing; leave the key out to match any")
            return None
        if len(value) > MAX_ITEMS:
            self.fail(key, f"{len(value)} values; a list may have {MAX_ITEMS}")
            return None
        return [v.strip() for v in value]

    def choices(self, key: str, enum: type[E]) -> frozenset[E] | None:
        values = self.strings(key)
        if values is None:
            return None
        out: set[E] = set()
        allowed = ", ".join(m.value for m in enum)
        for value in values:
            try:
                out.add(enum(value))
            except ValueError:
                self.fail(key, f"unknown value {value!r} (expected one of {allowed})")
        return frozenset(out)

    def number(self, key: str) -> Decimal | None:
        value = self.raw.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(key, f"expected a number, got {value!r}")
            return None
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        if not number.is_finite() or number < 0 or number > _MAX_NUMBER:
            self.fail(key, f"expected a number from 0 to {_MAX_NUMBER:,.0f}, got {value!r}")
            return None
        return number

    def amounts(self, key: str) -> dict[str, Decimal] | None:
        value = self.raw.get(key)
        if value is None:
            return None
        if not isinstance(value, Mapping) or not value:
            self.fail(key, "expected a table of amounts by currency, e.g. { USD = 10000 }")
            return None
        out: dict[str, Decimal] = {}
        for currency, amount in value.items():
            if not iso.is_currency(currency):
                self.fail(key, f"unknown currency {currency!r}")
            elif isinstance(amount, bool) or not isinstance(amount, int | float) or amount < 0:
                self.fail(key, f"expected a non-negative amount for {currency}, got {amount!r}")
            else:
                out[currency] = (
                    Decimal(repr(amount)) if isinstance(amount, float) else Decimal(amount)
                )
        return out

    def day(self, key: str) -> date | None:
        value = self.raw.get(key)
        if value is None:
            return None
        return _as_date(value, lambda message: self.fail(key, message))

    def hs(self) -> tuple[HSRange, ...]:
        values = self.strings("hs")
        ranges: list[HSRange] = []
        for spec in values or ():
            parsed = _hs_range(spec)
            if isinstance(parsed, str):
                self.fail("hs", parsed)
            else:
                ranges.append(parsed)
        return tuple(ranges)

    def keywords(self) -> tuple[Keyword, ...]:
        out: list[Keyword] = []
        for text in self.strings("keywords") or ():
            prefix = text.endswith("*")
            folded = words(text[:-1] if prefix else text)
            if "*" in text[:-1] or not folded:
                self.fail("keywords", f"{text!r}: write words, with at most one * at the end")
            elif prefix and len(folded[-1]) < 3:
                self.fail("keywords", f"{text!r}: a word ending in * needs 3 letters or more")
            else:
                out.append(Keyword(text, tuple(folded), prefix))
        return tuple(out)


def _as_date(value: object, fail: Callable[[str], None]) -> date | None:
    if value is None:
        fail("required")
        return None
    if isinstance(value, datetime):
        fail(f"expected a date (YYYY-MM-DD), got a date and time {value}")
        return None
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    fail(f"expected a date (YYYY-MM-DD), got {value!r}")
    return None


def _hs_range(spec: str) -> HSRange | str:
    """Parse ``93``, ``36.01``, ``7108.12``, ``36.01-36.04`` or ``3601..3604``."""
    parts = spec.split("..") if ".." in spec else spec.split("-")
    codes = [digits(p) for p in parts]
    example = "write 93, 36.01, 7108.12 or 36.01-36.04"
    if len(codes) > 2 or not all(
        c.isascii() and c.isdigit() and len(c) in (2, 4, 6) for c in codes
    ):
        return f"{spec!r} is not an HS chapter, heading, subheading or range ({example})"
    if len(codes) == 2 and len(codes[0]) != len(codes[1]):
        return f"{spec!r}: both ends of a range must be at the same level ({example})"
    if codes[0] > codes[-1]:
        return f"{spec!r}: the range runs backwards"
    known = nomenclature()
    for code in dict.fromkeys(codes):
        if not known.has(code):
            level = {2: "chapter", 4: "heading", 6: "subheading"}[len(code)]
            return f"{spec!r}: HS 2022 has no {level} {code}"
    return HSRange(codes[0], codes[-1])


def _read_rule(reader: _RuleReader) -> Rule | None:
    raw = reader.raw
    for key in raw:
        if key not in _RULE_FIELDS:
            reader.fail(key, "unknown field")
    rule_id = reader.text("id", required=True, limit=64)
    if rule_id is not None and not _ID.match(rule_id):
        reader.fail("id", f"{rule_id!r}: use letters, digits and . _ : - (at most 64)")
    effect: Effect | None = None
    effect_text = reader.text("effect", required=True)
    if effect_text is not None:
        try:
            effect = Effect(effect_text)
        except ValueError:
            allowed = ", ".join(e.value for e in Effect)
            reader.fail("effect", f"unknown effect {effect_text!r} (expected one of {allowed})")
    legal_basis = reader.text("legal_basis", required=True)
    title = reader.text("title") or ""
    hs = reader.hs()
    keywords = reader.keywords()
    categories = reader.choices("categories", Category)
    organisation_types = reader.choices("organisation_types", OrganisationType)
    origins: frozenset[str] | None = None
    if (origin_list := reader.strings("origins")) is not None:
        for origin in origin_list:
            if not iso.is_country(origin):
                reader.fail("origins", f"unknown ISO 3166 alpha-3 code {origin!r}")
        origins = frozenset(origin_list)
    direction: Direction | None = None
    if (direction_text := reader.text("direction")) is not None:
        try:
            direction = Direction(direction_text)
        except ValueError:
            reader.fail("direction", f"unknown direction {direction_text!r} (expected in or out)")
    bounds = {
        k: reader.number(k) for k in ("min_gross_kg", "max_gross_kg", "min_net_kg", "max_net_kg")
    }
    for low, high in (("min_gross_kg", "max_gross_kg"), ("min_net_kg", "max_net_kg")):
        low_value, high_value = bounds[low], bounds[high]
        if low_value is not None and high_value is not None and low_value > high_value:
            reader.fail(low, f"{low} is above {high}")
    min_value, max_value = reader.amounts("min_value"), reader.amounts("max_value")
    permit_text = reader.text("permit", limit=100)
    permit = identifier(permit_text) if permit_text else None
    if effect is Effect.REQUIRE_PERMIT and permit is None:
        reader.fail("permit", "required when effect is require_permit (the permit type)")
    if effect is not None and effect is not Effect.REQUIRE_PERMIT and permit_text is not None:
        reader.fail("permit", "only a require_permit rule names a permit")
    exempts = tuple(reader.strings("exempts") or ())
    if exempts and effect is Effect.PROHIBIT:
        reader.fail("exempts", "a prohibit rule cannot exempt others")
    if rule_id is not None and rule_id in exempts:
        reader.fail("exempts", "a rule cannot exempt itself")
    priority = raw.get("priority", 0)
    if isinstance(priority, bool) or not isinstance(priority, int) or abs(priority) > 1000:
        reader.fail("priority", f"expected a whole number from -1000 to 1000, got {priority!r}")
        priority = 0
    valid_from, valid_until = reader.day("valid_from"), reader.day("valid_until")
    if valid_from and valid_until and valid_from > valid_until:
        reader.fail("valid_from", "valid_from is after valid_until")
    replace = raw.get("replace", False)
    if not isinstance(replace, bool):
        reader.fail("replace", f"expected true or false, got {replace!r}")
        replace = False
    if reader.problems or rule_id is None or effect is None or legal_basis is None:
        return None
    return Rule(
        id=rule_id,
        effect=effect,
        legal_basis=legal_basis,
        title=title,
        hs=hs,
        keywords=keywords,
        categories=categories,
        organisation_types=organisation_types,
        origins=origins,
        direction=direction,
        min_value=min_value,
        max_value=max_value,
        permit=permit,
        exempts=exempts,
        priority=priority,
        valid_from=valid_from,
        valid_until=valid_until,
        replace=replace,
        source=reader.source,
        line=reader.where.rule(reader.index),
        **bounds,
    )


def _syntax_problem(error: tomllib.TOMLDecodeError, source: str, where: Locator) -> RuleProblem:
    line, message = syntax_error_line(error)
    index, key = where.at(line) if line else (None, None)
    return RuleProblem(source, f"TOML syntax: {message}", line, index, None, key)


@dataclass(frozen=True, slots=True)
class _Head:
    id: str
    version: str
    effective_from: date
    network: str | None
    post: str | None
    description: str
    disabled: tuple[str, ...]


def _read_head(head: object, fail: Callable[[str | None, str], None]) -> _Head | None:
    """Read the ``[ruleset]`` table; None (with problems recorded) if it has mistakes."""
    if not isinstance(head, dict):
        fail(None, "the [ruleset] table is required")
        return None
    mistakes: list[str] = []

    def counted(key: str | None, message: str) -> None:
        mistakes.append(message)
        fail(key, message)

    for key in head:
        if key not in _RULESET_FIELDS:
            counted(key, "unknown field")
    ruleset_id = head.get("id")
    if not isinstance(ruleset_id, str) or not _ID.match(ruleset_id):
        counted("id", f"expected an id of letters, digits and . _ : -, got {ruleset_id!r}")
    version = head.get("version")
    if isinstance(version, bool) or not isinstance(version, str | int) or str(version) == "":
        counted("version", f'expected a version such as "2025.1", got {version!r}')
    effective = _as_date(head.get("effective_from"), lambda m: counted("effective_from", m))
    texts = {key: head.get(key) for key in ("network", "post", "description")}
    for key, value in texts.items():
        if value is not None and (not isinstance(value, str) or not value.strip()):
            counted(key, f"expected non-empty text, got {value!r}")
    if texts["network"] is None and texts["post"] is None:
        counted(None, "name the post (post = ...) or the network (network = ...) it is for")
    disabled = head.get("disable", [])
    if not isinstance(disabled, list) or not all(isinstance(d, str) for d in disabled):
        counted("disable", "expected a list of rule ids")
    elif len(disabled) > MAX_ITEMS:
        counted("disable", f"{len(disabled)} rule ids; a list may have {MAX_ITEMS}")
    if mistakes or effective is None:
        return None
    return _Head(
        id=str(ruleset_id),
        version=str(version),
        effective_from=effective,
        network=texts["network"] if isinstance(texts["network"], str) else None,
        post=texts["post"] if isinstance(texts["post"], str) else None,
        description=str(texts["description"] or ""),
        disabled=tuple(disabled),
    )


def read_ruleset(text: str, source: str) -> tuple[RuleSet | None, list[RuleProblem]]:
    """Parse the text of one rule set file; returns the rule set or the problems found."""
    if reason := too_long(text):
        return None, [RuleProblem(source, reason)]
    where = Locator(text)
    try:
        data = load_toml(text)
    except tomllib.TOMLDecodeError as error:
        return None, [_syntax_problem(error, source, where)]
    except TooDeep as error:
        return None, [RuleProblem(source, f"TOML syntax: {error}")]
    problems: list[RuleProblem] = []

    def fail(key: str | None, message: str) -> None:
        problems.append(
            RuleProblem(
                source, message, where.ruleset(key), field=(f"ruleset.{key}" if key else "ruleset")
            )
        )

    for key in data:
        if key not in ("ruleset", "rule"):
            hint = " (did you mean [[rule]]?)" if key in ("rules", "Rule") else ""
            problems.append(
                RuleProblem(
                    source, f"unknown table or key {key!r}{hint}", where.table_line(key), field=key
                )
            )
    head = _read_head(data.get("ruleset"), fail)

    raw_rules = data.get("rule", [])
    if not isinstance(raw_rules, list):
        problems.append(RuleProblem(source, "rules are written as [[rule]] tables", field="rule"))
        raw_rules = []
    if len(raw_rules) > MAX_RULES:
        message = f"{len(raw_rules):,} rules; a rule set may have {MAX_RULES:,}"
        return None, [*problems, RuleProblem(source, message, field="rule")]
    rules: list[Rule] = []
    first_line: dict[str, int] = {}
    for index, raw in enumerate(raw_rules):
        if not isinstance(raw, dict):
            problems.append(RuleProblem(source, "rules are written as [[rule]] tables", None,
                                        index, field="rule"))  # fmt: skip
            continue
        reader = _RuleReader(raw, index, source, where)
        rule = _read_rule(reader)
        problems += reader.problems
        if rule is None:
            continue
        if rule.id in first_line:
            reader.fail("id", f"duplicate id {rule.id} (first at line {first_line[rule.id]})")
            problems += reader.problems
            continue
        first_line[rule.id] = rule.line or 0
        rules.append(rule)
    if problems or head is None:
        return None, problems
    return RuleSet(
        id=head.id,
        version=head.version,
        effective_from=head.effective_from,
        rules=tuple(rules),
        network=head.network,
        post=head.post,
        description=head.description,
        disabled=head.disabled,
        source=source,
    ), problems
