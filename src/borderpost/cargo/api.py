"""JSON routes of cargo: check a declaration or a rule set, look up the HS nomenclature."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request

from borderpost.accounts.authz import require
from borderpost.accounts.bodies import SignInFirst
from borderpost.accounts.permissions import Permission
from borderpost.api_support import Uow
from borderpost.cargo.recording import check_declaration
from borderpost.cargo.rules import hs
from borderpost.cargo.rules.ruleset import RuleSetError
from borderpost.cargo.schemas import (
    CargoCheck,
    HSDescriptionRead,
    HSEntry,
    RuleProblemRead,
    RulesCheck,
    RulesCheckRead,
)
from borderpost.cargo.services import check_ruleset_text
from borderpost.errors import NotFound

router = APIRouter(prefix="/cargo", tags=["cargo"], route_class=SignInFirst)
rules_router = APIRouter(prefix="/rules", tags=["cargo"], route_class=SignInFirst)


@router.post("/check", dependencies=[require(Permission.RECORD_CROSSING, post_from="body")])
def check(data: CargoCheck, uow: Uow) -> dict[str, Any]:
    """Lane, rules (id, effect, legal basis) and each item's outcome; nothing is recorded."""
    return check_declaration(uow, data)


# The nomenclature is public reference data: anyone signed in may look codes up.
@router.get("/hs", response_model=list[HSEntry], dependencies=[require(None)])
def search_hs(
    q: str = Query("", max_length=200), limit: int = Query(10, ge=1, le=50)
) -> list[HSEntry]:
    """HS 2022 subheadings matching words (or the beginning of a code)."""
    return [HSEntry(code=h.code, dotted=h.dotted, description=h.description) for h in
            hs.search(q, limit)]  # fmt: skip


@router.get("/hs/{hs_code}", response_model=HSDescriptionRead, dependencies=[require(None)])
def describe_hs(hs_code: str) -> HSDescriptionRead:
    """A subheading with the words of its heading and chapter."""
    try:
        found = hs.describe(hs_code)
    except hs.HSCodeError as exc:
        raise NotFound("code", exc.message) from exc
    return HSDescriptionRead(
        code=found.code,
        dotted=found.dotted,
        subheading=found.subheading,
        heading_code=found.heading_code,
        heading=found.heading,
        chapter_code=found.chapter_code,
        chapter=found.chapter,
        section=found.section,
        text=found.text(),
    )


@rules_router.post("/check", response_model=RulesCheckRead, dependencies=[require(None)])
def check_rules(data: RulesCheck, request: Request) -> RulesCheckRead:
    """Validate a rule set file as it would load here; every mistake with line, rule, field."""
    try:
        ruleset = check_ruleset_text(request.app.state.settings.home, data.toml, data.source)
    except RuleSetError as exc:
        return RulesCheckRead(
            ok=False,
            errors=[
                RuleProblemRead(
                    file=p.file,
                    line=p.line,
                    rule_index=p.rule_index,
                    rule=p.rule_id,
                    field=p.field,
                    message=p.message,
                )
                for p in exc.problems
            ],
        )
    return RulesCheckRead(ok=True, id=ruleset.id, version=ruleset.version, rules=len(ruleset))
