"""JSON routes for reports."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from borderpost.accounts.authz import require
from borderpost.accounts.bodies import SignInFirst
from borderpost.accounts.permissions import Permission
from borderpost.api_support import Uow
from borderpost.reports import services
from borderpost.reports.access import services as access
from borderpost.schemas import Day

router = APIRouter(prefix="/reports", tags=["reports"], route_class=SignInFirst)
# Annotated, so that FastAPI keeps Day's own check of the year beside the Query metadata.
FirstDay = Annotated[Day, Query(alias="from", description="First day, inclusive, post's time zone")]
LastDay = Annotated[Day, Query(description="Last day, inclusive")]


@router.get("/summary", dependencies=[require(Permission.VIEW_AGGREGATES, post_from="query")])
def summary_report(
    uow: Uow,
    from_: Annotated[
        Day, Query(alias="from", description="First day, inclusive, post's time zone")
    ],
    to: Annotated[Day, Query(description="Last day, inclusive")],
    post: str | None = Query(None, description="Post code; every post when absent"),
) -> dict[str, Any]:
    return services.summary(uow, from_, to, post)


@router.get("/access", dependencies=[require(Permission.VIEW_AGGREGATES, post_from="query")])
def access_report(
    uow: Uow,
    from_: Annotated[
        Day, Query(alias="from", description="First day, inclusive, post's time zone")
    ],
    to: Annotated[Day, Query(description="Last day, inclusive")],
    post: str | None = Query(None, description="Post code; every post when absent"),
) -> dict[str, Any]:
    """Hours open, closures, refusals by class and waiting times (see docs/glossary.md)."""
    return access.access(uow, from_, to, post)
