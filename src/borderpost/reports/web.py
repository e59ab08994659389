"""HTML routes for reports: the summary with its chart, CSV export, the observer's overview."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from borderpost import clock
from borderpost.accounts.authz import Me, require
from borderpost.accounts.permissions import Permission
from borderpost.api_support import Uow
from borderpost.posts import repository as posts_repository
from borderpost.posts import services as posts
from borderpost.reports.chart import COLOURS, stacked_bars
from borderpost.reports.daily import daily_by_category
from borderpost.reports.services import summary
from borderpost.web.templating import csv_download, render

router = APIRouter(include_in_schema=False)
AGGREGATES = require(Permission.VIEW_AGGREGATES, post_from="query")
GROUPS = ("by_category", "by_direction", "by_decision", "by_organisation_type")


def date_range(first: dt.date | None, last: dt.date | None) -> tuple[dt.date, dt.date]:
    today = clock.now().date()
    last = last or today
    return first or last - dt.timedelta(days=13), last


def _report(uow: Uow, first: dt.date, last: dt.date, post: str | None) -> dict[str, Any]:
    codes = [post] if post else [p.code for p in posts_repository.all_posts(uow.session)]
    daily = daily_by_category(uow, first, last, codes)
    return {
        "summary": summary(uow, first, last, post),
        "chart": stacked_bars(daily.days, daily.counts),
        "colours": COLOURS,
        "groups": GROUPS,
    }


@router.get("/reports", dependencies=[AGGREGATES])
def reports_page(
    request: Request,
    me: Me,
    uow: Uow,
    from_: Annotated[dt.date | None, Query(alias="from")] = None,
    to: dt.date | None = None,
    post: str | None = None,
) -> Response:
    first, last = date_range(from_, to)
    choices = [p for p in posts_repository.all_posts(uow.session) if me.covers(p.code)]
    context = {**_report(uow, first, last, post), "post": post, "posts": choices}
    return render(request, "reports/summary.html", context)


@router.get("/reports/summary.csv", dependencies=[AGGREGATES])
def summary_csv(
    uow: Uow,
    from_: Annotated[dt.date | None, Query(alias="from")] = None,
    to: dt.date | None = None,
    post: str | None = None,
) -> Response:
    first, last = date_range(from_, to)
    result = summary(uow, first, last, post)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["from", "to", "posts", "breakdown", "value", "persons", "vehicles"])
    posts_label = " ".join(result["posts"])
    writer.writerow(
        [
            result["from"],
            result["to"],
            posts_label,
            "total",
            "",
            result["persons"]["total"],
            result["vehicles"]["total"],
        ]
    )
    for group in GROUPS:
        for key in result["persons"][group]:
            writer.writerow(
                [
                    result["from"],
                    result["to"],
                    posts_label,
                    group.removeprefix("by_"),
                    key,
                    result["persons"][group][key],
                    result["vehicles"][group][key],
                ]
            )
    name = f"borderpost-summary-{first.isoformat()}-{last.isoformat()}.csv"
    return csv_download(out.getvalue(), name)


@router.get("/observer", dependencies=[require(Permission.VIEW_AGGREGATES)])
def observer_page(request: Request, me: Me, uow: Uow) -> Response:
    """Aggregates only: post status and counts, for the posts in the observer's scope."""
    first, last = date_range(None, None)
    mine = [p for p in posts_repository.all_posts(uow.session) if me.covers(p.code)]
    status = {p.code: posts.current_closure(uow, p.code) for p in mine}
    codes = [p.code for p in mine]
    daily = daily_by_category(uow, first, last, codes)
    week = daily_by_category(uow, last - dt.timedelta(days=6), last, codes)
    context = {
        "posts": mine,
        "status": status,
        "chart": stacked_bars(daily.days, daily.counts),
        "colours": COLOURS,
        "today": daily.total(last),
        "week": sum(week.total(d) for d in week.days),
        "summary": summary(uow, last - dt.timedelta(days=6), last, None) if me.network else None,
        "first": first,
        "last": last,
        "bulletins": _bulletins(request, [p.code for p in mine]),
    }
    return render(request, "reports/observer.html", context)


def _bulletins(request: Request, codes: list[str]) -> list[Any]:
    """The latest ledger bulletin of each post, checked against its log on this node."""
    from borderpost.ledger.bulletins import bulletin_status
    from borderpost.ledger.errors import LedgerError

    out = []
    for code in codes:
        try:
            out.append(bulletin_status(request.app.state.settings.home, code))
        except LedgerError:  # a post code that cannot name a log has no bulletin
            continue
    return out
