"""Consignments on the crossing hot path: assessed before anything is written, stored after.

``assess_declared`` parses and evaluates the declared consignments of a vehicle crossing
against the post's rule set in force (raising ``InvalidInput`` with field paths such as
``consignments[0].items[3].hs_code``); ``Assessed.decide`` lets the lane colours drive the
crossing's decision; ``Assessed.write`` queues the rows for the commit, with their audit
entries.
A crossing without consignments never reaches this module.
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from borderpost import clock, outbox, reference
from borderpost.audit import hook as audit
from borderpost.cargo.model import Consignment, GoodsItem
from borderpost.cargo.rules.declaration import (
    MAX_GOODS_ITEMS,
    DeclarationError,
    DeclaredConsignment,
    parse_consignment,
)
from borderpost.cargo.rules.enums import Effect, LaneColour
from borderpost.cargo.rules.loading import load_default_ruleset
from borderpost.cargo.rules.ruleset import RuleSetError
from borderpost.cargo.rules.selectivity import Assessment, RuleSetNotInForce, evaluate
from borderpost.cargo.schemas import CargoCheck
from borderpost.cargo.services import ruleset_for
from borderpost.db import insert_at_commit
from borderpost.errors import FieldProblem, InvalidInput, NotFound, invalid
from borderpost.ids import new_id
from borderpost.messages import Message
from borderpost.unit_of_work import UnitOfWork
from borderpost.vocab import Decision

_CONSIGNMENTS = cast(Table, Consignment.__table__)
_ITEMS = cast(Table, GoodsItem.__table__)
_INSERT_CONSIGNMENT = insert(_CONSIGNMENTS)
_INSERT_ITEM = insert(_ITEMS)
SEED_FILE = Path("keys") / "selectivity.seed"
RANDOM_REASON = "cargo selected at random for inspection"
# Decisions from mildest to strictest: cargo may make a decision stricter, never milder.
# The columns' scales (cargo.model), rounded here: the value written is the value shipped, and
# every backend stores it alike (SQLite would round a float, PostgreSQL the decimal).
_GRAM, _CENT = Decimal("0.001"), Decimal("0.01")
_STRICTNESS = {Decision.ADMITTED: 0, Decision.REFERRED: 1, Decision.REFUSED: 2}
_SEEDS: dict[Path, bytes] = {}


def selectivity_seed(home: Path) -> bytes:
    """The node's secret seed of random selection, made on first use (kept out of the DB)."""
    path = (home / SEED_FILE).resolve()
    seed = _SEEDS.get(path)
    if seed is None:
        if not path.is_file():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(secrets.token_bytes(32))
            path.chmod(0o600)
        seed = _SEEDS[path] = path.read_bytes()
    return seed


@dataclass
class Assessed:
    """The declared consignments of one crossing, each with its id and its assessment."""

    consignments: list[tuple[uuid.UUID, DeclaredConsignment, Assessment]]

    @property
    def prohibited(self) -> bool:
        """Whether a declared item is prohibited (the crossing is then refused)."""
        return any(assessment.refused for _id, _declared, assessment in self.consignments)

    def decide(self, decision: Decision, reasons: list[str]) -> Decision:
        """The decision the lane colours imply, if stricter than the officer's; adds reasons.

        Refused when an item is prohibited (the rules' legal bases are the reasons), referred
        to inspection when a consignment goes to red, otherwise the officer's decision stands.
        """
        implied, said = Decision.ADMITTED, []
        for _id, _declared, assessment in self.consignments:
            if assessment.refused:
                implied = Decision.REFUSED
                said += [r.legal_basis for r in assessment.rules if r.effect is Effect.PROHIBIT]
            elif assessment.lane is LaneColour.RED:
                implied = max(implied, Decision.REFERRED, key=_STRICTNESS.__getitem__)
                if assessment.random.selected:
                    said.append(RANDOM_REASON)
                said += [
                    r.legal_basis
                    for r in assessment.rules
                    if r.items and r.effect in (Effect.INSPECT, Effect.REQUIRE_PERMIT)
                ]
        if _STRICTNESS[implied] <= _STRICTNESS[decision]:
            return decision
        for reason in said:
            if reason not in reasons:
                reasons.append(reason)
        return implied

    def ledger_cargo(self) -> list[dict[str, str]]:
        """Public facts for the ledger leaf: HS headings (4 digits) with summed gross kg."""
        return headings_and_weights(
            (item.hs_code, item.gross_kg)
            for _id, declared, _a in self.consignments
            for item in declared.items
        )

    def to_read(self) -> list[dict[str, Any]]:
        """Each consignment's id and assessment, as the API shows them."""
        return [
            {"id": str(cid), "declared_id": declared.id, **assessment.to_dict()}
            for cid, declared, assessment in self.consignments
        ]

    def write(
        self, session: Session, crossing_id: uuid.UUID, post_id: uuid.UUID, now: dt.datetime
    ) -> list[dict[str, Any]]:
        """Queue the consignment and goods item rows, and their audit entries, for the commit.

        Returns the rows as headquarters receives them with the crossing (each consignment
        with its ``items``; ids, amounts and times as text; without the post's own id).
        """
        shipped: list[dict[str, Any]] = []
        for position, (cid, declared, assessment) in enumerate(self.consignments):
            data = declared.to_dict()
            rules = [r.to_dict() for r in assessment.rules]
            random = assessment.random.to_dict()
            consignment: dict[str, Any] = {
                "id": cid,
                "crossing_id": crossing_id,
                "post_id": post_id,
                "position": position,
                "declared_id": declared.id,
                "carrier": data["carrier"],
                "consignor": data["consignor"],
                "consignee": data["consignee"],
                "seals": data["seals"],
                "permits": data["permits"],
                "humanitarian": declared.humanitarian,
                "sending_organisation": data.get("sending_organisation"),
                "lane_colour": assessment.lane.value,
                "refused": assessment.refused,
                "rules": rules,
                "random_draw": assessment.random.draw,
                "random": random,
                "ruleset_id": assessment.ruleset_id,
                "ruleset_version": assessment.ruleset_version,
                "created_at": now,
            }
            insert_at_commit(session, _INSERT_CONSIGNMENT, consignment)
            items: list[dict[str, Any]] = []
            for item, result in zip(declared.items, assessment.items, strict=True):
                items.append(
                    {
                        "id": new_id(),
                        "consignment_id": cid,
                        "position": result.index,
                        "hs_code": item.hs_code,
                        "description": item.description,
                        "quantity": item.quantity.quantize(_GRAM, ROUND_HALF_UP),
                        "unit": item.unit,
                        "gross_kg": item.gross_kg.quantize(_GRAM, ROUND_HALF_UP),
                        "net_kg": item.net_kg.quantize(_GRAM, ROUND_HALF_UP),
                        "value": item.value.quantize(_CENT, ROUND_HALF_UP),
                        "currency": item.currency,
                        "origin": item.origin,
                        "outcome": result.outcome.value,
                        "reasons": [r.to_dict() for r in result.reasons],
                    }
                )
                insert_at_commit(session, _INSERT_ITEM, items[-1])
            shipped.append(
                outbox.plain(
                    {
                        **{k: v for k, v in consignment.items() if k != "post_id"},
                        "items": items,
                    }
                )
            )
            # No party names, seals or permit numbers in the trail: the lane colour and its
            # grounds. The trail's field keeps the name "lane" that earlier entries carry.
            audit.record(
                session,
                "create",
                "consignments",
                cid,
                None,
                {
                    "crossing": str(crossing_id),
                    "lane": assessment.lane.value,
                    "refused": assessment.refused,
                    "rules": [r["id"] for r in rules],
                    "random": random,
                    "ruleset": f"{assessment.ruleset_id} {assessment.ruleset_version}",
                },
                post_id,
                defer=True,
            )
        return shipped


def headings_and_weights(items: Any) -> list[dict[str, str]]:
    """``(hs_code, gross_kg)`` pairs summed by HS heading, sorted: ``[{"hs", "kg"}]``."""
    totals: dict[str, Decimal] = {}
    for code, gross in items:
        heading = code[:4]
        totals[heading] = totals.get(heading, Decimal(0)) + Decimal(gross)
    return [{"hs": h, "kg": _kg(totals[h])} for h in sorted(totals)]


def _kg(value: Decimal) -> str:
    # Canonical text of a weight: no exponent, no trailing zeros ("20500", "12.5").
    text = format(value.quantize(Decimal("0.001")), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def assess_declared(
    uow: UnitOfWork,
    declared: Sequence[Any],
    *,
    post_code: str,
    category: str,
    organisation_type: str | None,
    direction: str,
    on: dt.date,
    draw: bool = True,
) -> Assessed:
    """Parse and evaluate declared consignments at a post; nothing is written.

    Raises InvalidInput naming every bad field (``consignments[0].items[3].hs_code``).
    """
    parsed: list[DeclaredConsignment] = []
    problems: list[FieldProblem] = []
    for position, raw in enumerate(declared):
        where = f"consignments[{position}]"
        try:
            if not isinstance(raw, dict):
                raise DeclarationError([])
            parsed.append(parse_consignment(raw))
        except DeclarationError as exc:
            if not exc.problems:
                problems.append(FieldProblem(where, "expected an object"))
            problems += [
                FieldProblem(f"{where}.{p.field}" if p.field else where, p.message)
                for p in exc.problems
            ]
    goods = sum(len(c.items) for c in parsed)
    if goods > MAX_GOODS_ITEMS:
        reason = f"{goods} goods items: at most {MAX_GOODS_ITEMS} on one crossing"
        problems.append(FieldProblem("consignments", reason))
    if problems:
        raise InvalidInput(problems)
    home = uow.home
    try:
        ruleset = ruleset_for(home, post_code) if home is not None else load_default_ruleset()
    except RuleSetError as exc:
        raise invalid(
            "consignments",
            Message("no rule set in force at {post_code}: {exc}", post_code=post_code, exc=exc),
        ) from exc
    # No share, or a check without recording: nothing is drawn (and no seed file is made).
    share = uow.cargo_random_share if home is not None and draw else 0.0
    seed = selectivity_seed(home) if home is not None and share > 0 else b""
    out: list[tuple[uuid.UUID, DeclaredConsignment, Assessment]] = []
    for consignment in parsed:
        cid = new_id()
        try:
            assessment = evaluate(
                consignment,
                ruleset,
                category=category,
                organisation_type=organisation_type,
                direction=direction,
                on=on,
                random_share=share,
                seed=seed,
                # The stored id, not the declared one: unique, and the auditor has it.
                consignment_id=str(cid),
            )
        except RuleSetNotInForce as exc:
            raise invalid("consignments", str(exc)) from exc
        out.append((cid, consignment, assessment))
    return Assessed(out)


def check_declaration(uow: UnitOfWork, data: CargoCheck) -> dict[str, Any]:
    """Evaluate one declaration at a post as the booth would, writing nothing.

    The organisation's type is the one on record, never the declaration's own claim.
    Problems in the declaration are named ``declaration.<path>``.
    """
    ref = reference.for_session(uow.session)
    post = ref.posts.get(data.post)
    if post is None:
        raise NotFound("post", Message("no post with code {code!r}", code=data.post))
    organisation_type = None
    if data.organisation is not None:
        organisation = ref.organisations.get(data.organisation)
        if organisation is None:
            raise NotFound(
                "organisation",
                Message("no organisation with code {code!r}", code=data.organisation),
            )
        organisation_type = organisation.type
    on = data.on or clock.now().astimezone(post.zone).date()
    try:
        assessed = assess_declared(
            uow,
            [data.declaration],
            post_code=post.code,
            category=data.category.value,
            organisation_type=organisation_type,
            direction=data.direction.value,
            on=on,
            draw=False,
        )
    except InvalidInput as exc:
        raise InvalidInput(
            [
                FieldProblem(p.field.replace("consignments[0]", "declaration", 1), p.reason)
                for p in exc.problems
            ]
        ) from exc
    [(_cid, _declared, assessment)] = assessed.consignments
    return assessment.to_dict()
