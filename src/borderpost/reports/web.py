"""HTML routes for reports: the summary with its chart, CSV export, the observer's overview."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from borderpost import clock
from borderpost.accounts.authz import Me, require
from borderpost.accounts.permissions import Permission
from borderpost.api_support import Uow
from borderpost.csvfile import Cell
from borderpost.errors import invalid
from borderpost.messages import N_
from borderpost.posts import repository as posts_repository
from borderpost.posts import services as posts
from borderpost.posts.model import Post
from borderpost.reports.chart import COLOURS, stacked_bars
from borderpost.reports.daily import daily_by_category
from borderpost.reports.services import summary
from borderpost.web.documents import pdf_download, svg_download
from borderpost.web.params import DateFrom, DateTo
from borderpost.web.templating import csv_download, render

router = APIRouter(include_in_schema=False)
AGGREGATES = require(Permission.VIEW_AGGREGATES, post_from="query")
MAX_DAYS = 366  # a leap year; a longer span is a mistyped year far more often than a wish
GROUPS = ("by_category", "by_direction", "by_decision", "by_organisation_type")


def local_today(session: Session, post: str | None = None) -> dt.date:
    """Today where it is latest among the posts a report covers (``post``, else all).

    Days in reports are the posts' local days: at 22:00 UTC a post at UTC+4 is already on
    tomorrow, and a default range ending on the UTC date would leave its crossings out."""
    if post is None:
        return latest_date(posts_repository.all_posts(session))
    one = posts_repository.post_by_code(session, post)
    return latest_date([one] if one is not None else [])


def latest_date(posts: Iterable[Post]) -> dt.date:
    """The latest of the posts' local dates now; UTC's date when there are none."""
    now = clock.now()
    return max((now.astimezone(p.zone).date() for p in posts), default=now.date())


def date_range(
    first: dt.date | None, last: dt.date | None, today: dt.date | None = None
) -> tuple[dt.date, dt.date]:
    """The days asked for; by default the fourteen days ending ``today`` (UTC's if unsaid).

    Dates out of order, or a span longer than a page can chart, are named at their field."""
    asked_last = last
    last = last or today or clock.now().date()
    first = first or last - dt.timedelta(days=13)
    if last < first:
        # The field at fault is the one typed: a start after today's default end is "from".
        if asked_last is None:
            raise invalid("from", N_("must not be after to"))
        raise invalid("to", N_("must not be before from"))
    if (last - first).days >= MAX_DAYS:
        raise invalid("from", N_("a report covers at most 366 days"))
    return first, last


def _daily_chart(uow: Uow, first: dt.date, last: dt.date, post: str | None) -> Any:
    """Crossings a day by category, for the post or every post: the summary's chart."""
    codes = [post] if post else [p.code for p in posts_repository.all_posts(uow.session)]
    daily = daily_by_category(uow, first, last, codes)
    return stacked_bars(daily.days, daily.counts)


def _report(uow: Uow, first: dt.date, last: dt.date, post: str | None) -> dict[str, Any]:
    return {
        "summary": summary(uow, first, last, post),
        "chart": _daily_chart(uow, first, last, post),
        "colours": COLOURS,
        "groups": GROUPS,
    }


@router.get("/reports", dependencies=[AGGREGATES])
def reports_page(
    request: Request,
    me: Me,
    uow: Uow,
    from_: DateFrom = None,
    to: DateTo = None,
    post: str | None = None,
) -> Response:
    first, last = date_range(from_, to, local_today(uow.session, post))
    choices = [p for p in posts_repository.all_posts(uow.session) if me.covers(p.code)]
    context = {**_report(uow, first, last, post), "post": post, "posts": choices}
    return render(request, "reports/summary.html", context)


@router.get("/reports/summary.pdf", dependencies=[AGGREGATES])
def summary_pdf(
    request: Request,
    uow: Uow,
    from_: DateFrom = None,
    to: DateTo = None,
    post: str | None = None,
) -> Response:
    """The summary report as the page shows it, with its chart, in the print layout."""
    first, last = date_range(from_, to, local_today(uow.session, post))
    context = {**_report(uow, first, last, post), "post": post, "posts": []}
    name = f"borderpost-summary-{first.isoformat()}-{last.isoformat()}.pdf"
    return pdf_download(request, "reports/summary.html", context, name)


@router.get("/reports/chart.svg", dependencies=[AGGREGATES])
def summary_chart_svg(
    request: Request,
    uow: Uow,
    from_: DateFrom = None,
    to: DateTo = None,
    post: str | None = None,
) -> Response:
    """The summary's chart (crossings a day by category) as an SVG file."""
    first, last = date_range(from_, to, local_today(uow.session, post))
    name = f"borderpost-crossings-{first.isoformat()}-{last.isoformat()}.svg"
    chart = _daily_chart(uow, first, last, post)
    return svg_download(request, chart, "Crossings a day by category", name)


@router.get("/reports/summary.csv", dependencies=[AGGREGATES])
def summary_csv(
    uow: Uow,
    from_: DateFrom = None,
    to: DateTo = None,
    post: str | None = None,
) -> Response:
    first, last = date_range(from_, to, local_today(uow.session, post))
    result = summary(uow, first, last, post)
    header = ["from", "to", "posts", "breakdown", "value", "persons", "vehicles"]
    posts_label = " ".join(result["posts"])
    rows: list[list[Cell]] = [
        [
            result["from"],
            result["to"],
            posts_label,
            "total",
            None,
            result["persons"]["total"],
            result["vehicles"]["total"],
        ]
    ]
    for group in GROUPS:
        for key in result["persons"][group]:
            rows.append(
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
    return csv_download(header, rows, name)


@router.get("/observer", dependencies=[require(Permission.VIEW_AGGREGATES)])
def observer_page(request: Request, me: Me, uow: Uow) -> Response:
    """Aggregates only: post status and counts, for the posts in the observer's scope."""
    mine = [p for p in posts_repository.all_posts(uow.session) if me.covers(p.code)]
    first, last = date_range(None, None, latest_date(mine))
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
    from borderpost.ledger.bulletins.services import bulletin_status
    from borderpost.ledger.tlog.errors import LedgerError

    out = []
    for code in codes:
        try:
            out.append(bulletin_status(request.app.state.settings.home, code))
        except LedgerError:  # a post code that cannot name a log has no bulletin
            continue
    return out
