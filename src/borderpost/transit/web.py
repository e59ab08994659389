"""HTML routes: a corridor's transits (overdue first), a duration chart, CSV export."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from borderpost.accounts.authz import Me, require
from borderpost.accounts.permissions import Permission
from borderpost.api_support import Uow
from borderpost.reports.chart import histogram
from borderpost.transit import services
from borderpost.transit.pairing import TransitState
from borderpost.web.params import DateFrom, DateTo
from borderpost.web.templating import csv_download, render

router = APIRouter(include_in_schema=False)
READ = require(Permission.READ_CROSSINGS, post_from="query")
PAGE = 100
# Share of the deadline used: bins of a quarter, the last one open-ended.
BINS = [0.25, 0.5, 0.75, 1.0, 1.25, 1.5]
WITHIN, BEYOND = "#59a14f", "#f28e2b"


def duration_chart(items: list[services.TransitView]) -> Any:
    """Completed transits by the share of their deadline they took."""
    counts = [0] * (len(BINS) + 1)
    for t in items:
        if t.entry is None or t.exit is None or t.deadline_at is None:
            continue
        if t.state not in {TransitState.COMPLETED, TransitState.COMPLETED_LATE}:
            continue
        allowed = (t.deadline_at - t.entry.time).total_seconds()
        share = (t.exit.time - t.entry.time).total_seconds() / allowed
        counts[next((i for i, edge in enumerate(BINS) if share <= edge), len(BINS))] += 1
    labels = [f"≤{int(edge * 100)}%" for edge in BINS] + [f">{int(BINS[-1] * 100)}%"]
    colours = [WITHIN if i < BINS.index(1.0) + 1 else BEYOND for i in range(len(counts))]
    return histogram(labels, counts, colours)


def _state(value: str | None) -> TransitState | None:
    return TransitState(value) if value in set(TransitState) else None


@router.get("/corridors", dependencies=[require(Permission.VIEW_POSTS)])
def corridors_page(request: Request, uow: Uow) -> Response:
    found = [services.to_read(c) for c in services.corridors(uow)]
    return render(request, "transit/list.html", {"corridors": found})


@router.get("/corridors/{code}", dependencies=[READ])
def corridor_page(
    request: Request,
    me: Me,
    uow: Uow,
    code: str,
    from_: DateFrom = None,
    to: DateTo = None,
    post: str | None = None,
    state: str | None = None,
    offset: int = Query(0, ge=0, le=1_000_000),
) -> Response:
    corridor = services.get_corridor(uow, code)
    period = services.Period.of(from_, to)
    everything = services.transits(uow, corridor, period, post=post)
    chosen = _state(state)
    shown = [t for t in everything if chosen is None or t.state is chosen]
    counts = {s: sum(1 for t in everything if t.state is s) for s in services.STATE_ORDER}
    context = {
        "corridor": services.to_read(corridor),
        "period": period,
        "post": post,
        "ends": [e for e in corridor.ends if me.covers(e)],
        "state": chosen.value if chosen else "",
        "states": services.STATE_ORDER,
        "counts": counts,
        "items": shown[offset : offset + PAGE],
        "total": len(shown),
        "offset": offset,
        "page": PAGE,
        "chart": duration_chart(everything),
        "within": WITHIN,
        "beyond": BEYOND,
    }
    template = (
        "transit/_transits.html" if request.headers.get("HX-Request") else "transit/corridor.html"
    )
    return render(request, template, context)


@router.get("/corridors/{code}/transits.csv", dependencies=[READ])
def transits_csv(
    uow: Uow,
    code: str,
    from_: DateFrom = None,
    to: DateTo = None,
    post: str | None = None,
    state: str | None = None,
) -> Response:
    corridor = services.get_corridor(uow, code)
    period = services.Period.of(from_, to)
    items = services.transits(uow, corridor, period, post=post, state=_state(state))
    header = ["corridor", "state", "plate", "country", "vehicle_type", "category", "entry_post",
              "entry_time", "exit_post", "exit_time", "deadline", "hours"]  # fmt: skip
    rows = [
        [
            corridor.code,
            t.state.value,
            t.plate,
            t.country,
            t.vehicle_type,
            t.category,
            t.entry.post if t.entry else None,
            t.entry.time.isoformat() if t.entry else None,
            t.exit.post if t.exit else None,
            t.exit.time.isoformat() if t.exit else None,
            t.deadline_at.isoformat() if t.deadline_at else None,
            t.duration_hours,
        ]
        for t in items
    ]
    name = f"borderpost-transits-{corridor.code}-{period.first}-{period.last}.csv"
    return csv_download(header, rows, name)
