"""HTML routes of the access report: the page with its two charts, and the CSV export."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from borderpost.accounts.authz import Me, require
from borderpost.accounts.permissions import Permission
from borderpost.api_support import Uow
from borderpost.messages import Message
from borderpost.posts import repository as posts_repository
from borderpost.posts.model import Post
from borderpost.reports.access.services import access
from borderpost.reports.chart import stacked_bars
from borderpost.reports.web import date_range, local_today
from borderpost.web.documents import pdf_download
from borderpost.web.params import DateFrom, DateTo
from borderpost.web.templating import csv_download, render

router = APIRouter(include_in_schema=False)
AGGREGATES = require(Permission.VIEW_AGGREGATES, post_from="query")
HOURS_COLOURS = {"open": "#59a14f", "closed": "#e15759"}
WAIT_COLOURS = {"median": "#4e79a7", "p90": "#a0cbe8"}


def _hours_title(day: dt.date, key: str, value: float) -> str:
    return Message("{day} {key}: {hours} h", day=day, key=Message.of(key), hours=f"{value:.2f}")


def _charts(report: dict[str, Any]) -> dict[str, Any]:
    """Hours open vs closed a day (summed over the posts) and, for one post, waiting a day."""
    days = [dt.date.fromisoformat(d) for d in _day_names(report)]
    hours = {day: {"open": 0.0, "closed": 0.0} for day in days}
    for block in report["by_post"]:
        for row in block["days"]:
            day = dt.date.fromisoformat(row["day"])
            hours[day]["open"] += row["hours_open"]
            hours[day]["closed"] += row["hours_closed"]
    charts: dict[str, Any] = {
        "hours": stacked_bars(days, hours, colours=HOURS_COLOURS, title=_hours_title)
    }
    if len(report["by_post"]) == 1:
        # Percentiles of several posts do not add up: the waiting chart is per post.
        waits: dict[dt.date, dict[str, float]] = {}
        labels: dict[dt.date, tuple[str, str]] = {}
        for row in report["by_post"][0]["days"]:
            day, wait = dt.date.fromisoformat(row["day"]), row["waiting"]
            median, p90 = wait["median_seconds"], wait["p90_seconds"]
            if median is None or p90 is None:
                waits[day] = {}
                continue
            # Drawn as the median with the rest of the way to the 90th percentile above it.
            waits[day] = {"median": median / 60, "p90": (p90 - median) / 60}
            labels[day] = (f"{median / 60:.1f}", f"{p90 / 60:.1f}")

        def title(day: dt.date, key: str, _value: float) -> str:
            median, p90 = labels[day]
            if key == "median":
                return Message("{day} median: {minutes} min", day=day, minutes=median)
            return Message("{day} 90th percentile: {minutes} min", day=day, minutes=p90)

        charts["waiting"] = stacked_bars(days, waits, colours=WAIT_COLOURS, title=title)
    return charts


def _day_names(report: dict[str, Any]) -> list[str]:
    first, last = dt.date.fromisoformat(report["from"]), dt.date.fromisoformat(report["to"])
    return [(first + dt.timedelta(days=n)).isoformat() for n in range((last - first).days + 1)]


def _context(
    request: Request,
    uow: Uow,
    first: dt.date,
    last: dt.date,
    post: str | None,
    choices: list[Post],
) -> dict[str, Any]:
    """What the access report's page and its PDF show."""
    from borderpost.ledger.attestations.services import attested_figures

    report = access(uow, first, last, post)
    home = request.app.state.settings.home
    return {
        "report": report,
        # Each post's figures as its parties attested them in its log (docs/attestations.md).
        "attested": {code: attested_figures(home, code, first, last) for code in report["posts"]},
        "charts": _charts(report),
        "post": post,
        "posts": choices,
        "hours_colours": HOURS_COLOURS,
        "wait_colours": WAIT_COLOURS,
    }


@router.get("/reports/access", dependencies=[AGGREGATES])
def access_page(
    request: Request,
    me: Me,
    uow: Uow,
    from_: DateFrom = None,
    to: DateTo = None,
    post: str | None = None,
) -> Response:
    first, last = date_range(from_, to, local_today(uow.session, post))
    choices = [p for p in posts_repository.all_posts(uow.session) if me.covers(p.code)]
    context = _context(request, uow, first, last, post, choices)
    return render(request, "reports/access.html", context)


@router.get("/reports/access.pdf", dependencies=[AGGREGATES])
def access_pdf(
    request: Request,
    uow: Uow,
    from_: DateFrom = None,
    to: DateTo = None,
    post: str | None = None,
) -> Response:
    """The access report with its charts, in the print layout."""
    first, last = date_range(from_, to, local_today(uow.session, post))
    context = _context(request, uow, first, last, post, [])  # the print layout shows no post choice
    name = f"borderpost-access-{first.isoformat()}-{last.isoformat()}.pdf"
    return pdf_download(request, "reports/access.html", context, name)


CSV_COLUMNS = [
    "post",
    "day",
    "hours_scheduled",
    "hours_open",
    "hours_closed",
    "crossings",
    "refused",
    "waiting_known",
    "waiting_unknown",
    "waiting_median_seconds",
    "waiting_p90_seconds",
]


@router.get("/reports/access.csv", dependencies=[AGGREGATES])
def access_csv(
    uow: Uow,
    from_: DateFrom = None,
    to: DateTo = None,
    post: str | None = None,
) -> Response:
    """One row per post and day; an unknown waiting time is an empty cell, never 0."""
    first, last = date_range(from_, to, local_today(uow.session, post))
    report = access(uow, first, last, post)
    rows = [
        [
            block["post"],
            row["day"],
            row["hours_scheduled"],
            row["hours_open"],
            row["hours_closed"],
            row["crossings"],
            row["refused"],
            row["waiting"]["known"],
            row["waiting"]["unknown"],
            row["waiting"]["median_seconds"],
            row["waiting"]["p90_seconds"],
        ]
        for block in report["by_post"]
        for row in block["days"]
    ]
    name = f"borderpost-access-{first.isoformat()}-{last.isoformat()}.csv"
    return csv_download(CSV_COLUMNS, rows, name)
