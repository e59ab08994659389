"""Selectivity: each goods item and the consignment sent to a lane colour, with every reason.

Per item, explicit exemptions (``exempts``) lift the rules they name, whatever their effect;
then ``allow`` rules lift ``inspect`` rules of no higher priority; then the most severe effect
left decides. The consignment takes its most severe item. A configurable share goes to red at
random, drawn as HMAC-SHA256(seed, consignment id) so an auditor with the seed can reproduce it.
The full statement of these rules is in README.md beside this module.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NamedTuple

from borderpost.cargo.rules.declaration import DeclaredConsignment, DeclaredGoodsItem, Permit
from borderpost.cargo.rules.enums import (
    Category,
    Direction,
    Effect,
    LaneColour,
    OrganisationType,
    Outcome,
    parse_enum,
)
from borderpost.cargo.rules.matching import Context, explain, index_of
from borderpost.cargo.rules.ruleset import Keyword, Rule, RuleSet

# Outcomes from mildest to most severe. Severities are compared as positions in this tuple:
# a dict keyed by enum members would call Enum.__hash__, a Python function, on every look-up.
# The per-item and per-reason results are NamedTuples: immutable like the rest, and built
# several times faster than frozen dataclasses, which matters at 50 items x 500 rules.
_BY_SEVERITY = (Outcome.RELEASE, Outcome.DOCUMENTS, Outcome.INSPECT, Outcome.PROHIBITED)
_RELEASE, _DOCUMENTS, _INSPECT, _PROHIBITED = range(4)
_LANE_COLOUR = {
    Outcome.RELEASE: LaneColour.GREEN,
    Outcome.DOCUMENTS: LaneColour.YELLOW,
    Outcome.INSPECT: LaneColour.RED,
    Outcome.PROHIBITED: LaneColour.RED,
}
DRAW_METHOD = "hmac-sha256"


class RuleSetNotInForce(ValueError):
    """The rule set takes effect after the date of the evaluation."""


class Reason(NamedTuple):
    """Why a rule touched a goods item: applied, lifted by another rule, or an exemption."""

    rule_id: str
    effect: Effect
    legal_basis: str
    status: str  # "applied" | "lifted" | "exemption"
    detail: str
    outcome: Outcome

    def to_dict(self) -> dict[str, str]:
        """JSON-ready form."""
        return {
            "rule_id": self.rule_id,
            "effect": self.effect.value,
            "legal_basis": self.legal_basis,
            "status": self.status,
            "detail": self.detail,
            "outcome": self.outcome.value,
        }


class ItemAssessment(NamedTuple):
    """One goods item's outcome and the reasons for it."""

    # The item's position in the declaration. As a field it hides tuple.index, which nothing
    # here calls on an ItemAssessment; the name is the one the JSON and the brief use.
    index: int  # type: ignore[assignment]
    hs_code: str
    description: str
    outcome: Outcome
    reasons: tuple[Reason, ...]

    @property
    def lane(self) -> LaneColour:
        """The lane colour this item alone would take."""
        return _LANE_COLOUR[self.outcome]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "index": self.index,
            "hs_code": self.hs_code,
            "description": self.description,
            "outcome": self.outcome.value,
            "lane": self.lane.value,
            "reasons": [r.to_dict() for r in self.reasons],
        }


class RuleHit(NamedTuple):
    """A rule that matched goods in the consignment, and on which items it took effect."""

    id: str
    effect: Effect
    legal_basis: str
    items: tuple[int, ...]
    lifted_items: tuple[int, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "id": self.id,
            "effect": self.effect.value,
            "legal_basis": self.legal_basis,
            "items": list(self.items),
            "lifted_items": list(self.lifted_items),
        }


@dataclass(frozen=True, slots=True)
class RandomSelection:
    """The random draw, recorded so that an auditor can reproduce it."""

    share: float
    draw: float | None
    selected: bool
    seed_id: str | None
    consignment_id: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "share": self.share,
            "draw": self.draw,
            "selected": self.selected,
            "seed_id": self.seed_id,
            "consignment_id": self.consignment_id,
            "method": DRAW_METHOD,
        }


@dataclass(frozen=True, slots=True)
class Assessment:
    """The lane colour of a consignment, whether it is refused, and every reason."""

    # A lane colour, named ``lane`` as in the JSON this engine gives (to_dict); inside the
    # engine there is no physical lane to confuse it with.
    lane: LaneColour
    refused: bool
    rules: tuple[RuleHit, ...]
    items: tuple[ItemAssessment, ...]
    random: RandomSelection
    ruleset_id: str
    ruleset_version: str
    on: date
    category: Category
    organisation_type: OrganisationType | None
    direction: Direction

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: lane, refused, rules, items, random, and the context used."""
        return {
            "lane": self.lane.value,
            "refused": self.refused,
            "rules": [r.to_dict() for r in self.rules],
            "items": [i.to_dict() for i in self.items],
            "random": self.random.to_dict(),
            "ruleset": {"id": self.ruleset_id, "version": self.ruleset_version},
            "on": self.on.isoformat(),
            "category": self.category.value,
            "organisation_type": self.organisation_type.value if self.organisation_type else None,
            "direction": self.direction.value,
        }


def random_draw(seed: bytes, consignment_id: str) -> float:
    """HMAC-SHA256(seed, consignment id) as a uniform number in [0, 1) (53 bits)."""
    digest = hmac.new(seed, consignment_id.encode("utf-8"), hashlib.sha256).digest()
    return (int.from_bytes(digest[:8], "big") >> 11) / float(1 << 53)


def seed_fingerprint(seed: bytes) -> str:
    """A short public name for a seed, safe to record: it does not reveal the seed."""
    return hashlib.sha256(b"borderpost/selectivity-seed/" + seed).hexdigest()[:16]


def _permit_check(kind: str, permits: tuple[Permit, ...], on: date) -> tuple[bool, str]:
    of_type = [p for p in permits if p.type == kind]
    valid = [p for p in of_type if p.valid_on(on)]
    if valid:
        best = max(valid, key=lambda p: p.valid_until)
        return True, f"{kind} no. {best.number} valid until {best.valid_until}"
    if of_type:
        latest = max(of_type, key=lambda p: p.valid_until)
        return False, f"{kind} no. {latest.number} expired on {latest.valid_until}"
    return False, f"no {kind} declared"


def _assess_item(
    index: int,
    item: DeclaredGoodsItem,
    matched: list[Rule],
    hits: Mapping[str, Keyword],
    permit_check: Callable[[Rule], tuple[bool, str]],
) -> ItemAssessment:
    lifted: dict[str, str] = {}
    if any(r.may_lift for r in matched):
        ids = {r.id for r in matched}
        for rule in matched:
            for target in rule.exempts:
                if target in ids:
                    lifted.setdefault(target, rule.id)
        allows = [r for r in matched if r.effect is Effect.ALLOW and r.id not in lifted]
        for rule in matched:
            if allows and rule.effect is Effect.INSPECT and rule.id not in lifted:
                lifter = next((a for a in allows if a.priority >= rule.priority), None)
                if lifter is not None:
                    lifted[rule.id] = lifter.id
    worst = _RELEASE
    reasons: list[Reason] = []
    for rule in matched:
        matched_on = explain(rule, item, hits)
        effect = rule.effect
        status, severity = "applied", _RELEASE
        if rule.id in lifted:
            status, matched_on = "lifted", f"{matched_on}; lifted by {lifted[rule.id]}"
        elif effect is Effect.PROHIBIT:
            severity = _PROHIBITED
        elif effect is Effect.INSPECT:
            severity = _INSPECT
        elif effect is Effect.REQUIRE_PERMIT:
            ok, said = permit_check(rule)
            severity = _DOCUMENTS if ok else _INSPECT
            matched_on = f"{matched_on}; {said}"
        else:
            status = "exemption"
        reasons.append(
            Reason(rule.id, effect, rule.legal_basis, status, matched_on, _BY_SEVERITY[severity])
        )
        worst = max(worst, severity)
    return ItemAssessment(
        index, item.hs_code, item.description, _BY_SEVERITY[worst], tuple(reasons)
    )


def evaluate(
    consignment: DeclaredConsignment,
    ruleset: RuleSet,
    *,
    category: str,
    organisation_type: str | None = None,
    direction: str,
    on: date,
    random_share: float = 0.0,
    seed: bytes = b"",
    consignment_id: str = "",
) -> Assessment:
    """Send a consignment to a lane colour under ``ruleset``, with every reason.

    ``category``, ``organisation_type`` and ``direction`` are the facts established at the
    booth; ``organisation_type`` is the verified type of the organisation behind the
    consignment (None if none), never taken from the declaration alone. ``consignment_id``
    defaults to the declared id. Raises ValueError for an unknown category, organisation type
    or direction, a share outside [0, 1], a random share without a seed or an id, and
    RuleSetNotInForce for a date before the rule set's effective date.
    """
    if isinstance(on, datetime):
        on = on.date()  # a datetime does not compare with the rule set's dates
    context = Context(
        parse_enum(Category, category, "category"),
        None
        if organisation_type is None
        else parse_enum(OrganisationType, organisation_type, "organisation type"),
        parse_enum(Direction, direction, "direction"),
        on,
    )
    if on < ruleset.effective_from:
        raise RuleSetNotInForce(
            f"rule set {ruleset.id} {ruleset.version} takes effect on {ruleset.effective_from}"
        )
    random = _select(random_share, seed, consignment_id or consignment.id or "")
    index = index_of(ruleset)
    view = index.view(context)
    checked: dict[str | None, tuple[bool, str]] = {}

    def permit_check(rule: Rule) -> tuple[bool, str]:
        # Several rules often ask for the same permit: look it up once per consignment.
        if rule.permit not in checked:
            checked[rule.permit] = _permit_check(rule.permit or "", consignment.permits, on)
        return checked[rule.permit]

    assessed: list[ItemAssessment] = []
    for position, item in enumerate(consignment.items):
        matched, hits = index.match(view, item)
        if matched:
            assessed.append(_assess_item(position, item, matched, hits, permit_check))
        else:
            assessed.append(
                ItemAssessment(position, item.hs_code, item.description, Outcome.RELEASE, ())
            )
    worst = max((_BY_SEVERITY.index(a.outcome) for a in assessed), default=_RELEASE)
    return Assessment(
        lane=LaneColour.RED if random.selected else _LANE_COLOUR[_BY_SEVERITY[worst]],
        refused=worst == _PROHIBITED,
        rules=_rule_hits(assessed, ruleset),
        items=tuple(assessed),
        random=random,
        ruleset_id=ruleset.id,
        ruleset_version=ruleset.version,
        on=on,
        category=context.category,
        organisation_type=context.organisation_type,
        direction=context.direction,
    )


def _select(share: float, seed: bytes, consignment_id: str) -> RandomSelection:
    if not 0.0 <= share <= 1.0:
        raise ValueError(f"random share must be between 0 and 1, got {share}")
    if share > 0 and not seed:
        raise ValueError("a random share needs a seed, or the draws could be predicted")
    if share > 0 and not consignment_id:
        raise ValueError("a random share needs a consignment id to draw from")
    if not seed or not consignment_id:
        return RandomSelection(share, None, False, None, consignment_id)
    draw = random_draw(seed, consignment_id)
    return RandomSelection(share, draw, draw < share, seed_fingerprint(seed), consignment_id)


def _rule_hits(assessed: list[ItemAssessment], ruleset: RuleSet) -> tuple[RuleHit, ...]:
    touched: dict[str, tuple[Reason, list[int], list[int]]] = {}
    for item_assessment in assessed:
        for reason in item_assessment.reasons:
            entry = touched.get(reason.rule_id)
            if entry is None:
                entry = touched[reason.rule_id] = (reason, [], [])
            (entry[2] if reason.status == "lifted" else entry[1]).append(item_assessment.index)
    position = index_of(ruleset).position
    return tuple(
        RuleHit(first.rule_id, first.effect, first.legal_basis, tuple(applied), tuple(lifted))
        for first, applied, lifted in sorted(
            touched.values(), key=lambda entry: position[entry[0].rule_id]
        )
    )
