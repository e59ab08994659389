"""HTML routes: a corridor's transits (overdue first), a duration chart, CSV export."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response, StreamingResponse

from borderpost import clock
from borderpost.accounts.authz import Me, require
from borderpost.accounts.permissions import Permission
from borderpost.api_support import Uow
from borderpost.csvfile import Cell, csv_chunks
from borderpost.reports.chart import histogram
from borderpost.transit import services
from borderpost.transit.pairing import TransitState
from borderpost.web.params import DateFrom, DateTo
from borderpost.web.templating import render

router = APIRouter(include_in_schema=False)
READ = require(Permission.READ_CROSSINGS, post_from="query")
PAGE = 100
WITHIN, BEYOND = "#59a14f", "#f28e2b"


def duration_chart(durations: list[int]) -> Any:
    """Completed transits by the share of their deadline they took (``services.Tally``)."""
    labels = [f"≤{q * 25}%" for q in services.QUARTERS] + [f">{services.QUARTERS[-1] * 25}%"]
    within = services.QUARTERS.index(4) + 1  # up to 100% of the deadline
    colours = [WITHIN if i < within else BEYOND for i in range(len(durations))]
    return histogram(labels, durations, colours)


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
    now = clock.now()
    chosen = _state(state)
    # The totals and the chart cover the whole period; the rows are one page of it.
    tally = services.tally(uow, corridor, period, post=post, now=now)
    items = services.page(
        uow, corridor, period, post=post, state=chosen, now=now, offset=offset, limit=PAGE,
        counts=tally.counts,
    )  # fmt: skip
    context = {
        "corridor": services.to_read(corridor),
        "period": period,
        "post": post,
        "ends": [e for e in corridor.ends if me.covers(e)],
        "state": chosen.value if chosen else "",
        "states": services.STATE_ORDER,
        "counts": tally.counts,
        "items": items,
        "total": tally.total(chosen),
        "offset": offset,
        "page": PAGE,
        "chart": duration_chart(tally.durations),
        "within": WITHIN,
        "beyond": BEYOND,
    }
    template = (
        "transit/_transits.html" if request.headers.get("HX-Request") else "transit/corridor.html"
    )
    return render(request, template, context)


@router.get("/corridors/{code}/transits.csv", dependencies=[READ])
def transits_csv(
    request: Request,
    uow: Uow,
    code: str,
    from_: DateFrom = None,
    to: DateTo = None,
    post: str | None = None,
    state: str | None = None,
) -> Response:
    """Every transit of the period, streamed: read by a session of the answer's own, a batch
    at a time, so that a year of a corridor is never held whole."""
    corridor = services.get_corridor(uow, code)
    period = services.Period.of(from_, to)
    factory = request.app.state.session_factory
    header = ["corridor", "state", "plate", "country", "vehicle_type", "category", "entry_post",
              "entry_time", "exit_post", "exit_time", "deadline", "hours"]  # fmt: skip
    name = f"borderpost-transits-{corridor.code}-{period.first}-{period.last}.csv"
    corridor_code = corridor.code

    def rows(batch: list[services.TransitView]) -> list[list[Cell]]:
        return [
            [
                corridor_code,
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
            for t in batch
        ]

    session = factory()
    try:  # the post is checked here, before the first byte
        batches = services.transit_batches(
            session, corridor, period, post=post, state=_state(state)
        )
    except Exception:
        session.close()
        raise

    def body() -> Iterator[bytes]:
        try:
            for text in csv_chunks(header, (rows(b) for b in batches)):
                yield text.encode()
        finally:
            session.close()

    return StreamingResponse(
        body(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
