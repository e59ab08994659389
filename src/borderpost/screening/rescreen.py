"""Re-screening: after a list import, recent crossings against the list's new version.

Hits found this way are alerts (origin ``rescreen``): the crossing is in the past, so they
refer nothing; supervisors see them on the alerts page and resolve them like other hits. A
(crossing, list entry, subject) that already has a hit is not raised twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

from sqlalchemy import Table, or_, select

from borderpost import clock
from borderpost.crossings.model import Crossing
from borderpost.db import SessionFactory, insert_at_commit
from borderpost.errors import NotFound
from borderpost.messages import Message
from borderpost.people.model import TravelDocument, Traveller
from borderpost.screening import screener as screeners
from borderpost.screening import services, shipping
from borderpost.screening.model import HitOrigin, ScreeningHit
from borderpost.unit_of_work import UnitOfWork
from borderpost.vehicles.model import Vehicle

BATCH = 1000
_C = cast(Table, Crossing.__table__).c
_T = cast(Table, Traveller.__table__)
_D = cast(Table, TravelDocument.__table__)
_V = cast(Table, Vehicle.__table__)
_H = cast(Table, ScreeningHit.__table__).c


@dataclass
class RescreenReport:
    watchlist: str
    crossings: int = 0
    alerts: int = 0

    def to_dict(self) -> dict[str, object]:
        return {"watchlist": self.watchlist, "crossings": self.crossings, "alerts": self.alerts}


def rescreen(
    factory: SessionFactory,
    name: str,
    days: int,
    *,
    actor: str = "system:rescreen",
    progress: Callable[[int, int], None] | None = None,
    recorded_since: dt.datetime | None = None,
) -> RescreenReport:
    """Screen the crossings of the last ``days`` days against list ``name``; commits per batch.

    With ``recorded_since``, also the crossings recorded since then (whatever their time):
    those a booth screened against the list's previous version while the new one was built
    (``days`` 0: only those)."""
    report = RescreenReport(name)
    since = clock.now() - dt.timedelta(days=days)
    with UnitOfWork(factory, actor=actor) as uow:
        session = uow.session
        screener = screeners.for_session(session, wait=True)  # never a stale version
        index = next((li for li in screener.lists if li.name == name), None)
        if index is None:
            raise NotFound("list", Message("no active list {name!r}", name=name))
        only = screeners.Screener((index,))
        seen = {
            (row.crossing_id, row.entry_key, row.subject)
            for row in session.execute(
                select(_H.crossing_id, _H.entry_key, _H.subject).where(
                    _H.watchlist_id == index.watchlist_id
                )
            )
        }
        rows = session.execute(
            select(
                _C.id,
                _C.post_id,
                _C.traveller_id,
                _C.document_id,
                _C.vehicle_id,
                _T.c.surname,
                _T.c.given_names,
                _T.c.birth_date,
                _T.c.nationality,
                _D.c.number,
                _D.c.issuer,
                _V.c.plate,
            )
            .select_from(Crossing.__table__)
            .outerjoin(_T, _T.c.id == _C.traveller_id)
            .outerjoin(_D, _D.c.id == _C.document_id)
            .outerjoin(_V, _V.c.id == _C.vehicle_id)
            .where(
                _C.time >= since
                if recorded_since is None
                else (_C.recorded_at >= recorded_since)
                if days <= 0
                else or_(_C.time >= since, _C.recorded_at >= recorded_since)
            )
            .order_by(_C.time)
        ).all()
        total = len(rows)
        for row in rows:
            report.crossings += 1
            found = services.find(
                only,
                row.surname,
                row.given_names,
                row.birth_date,
                row.nationality,
                (row.number, row.issuer) if row.number else None,
                row.plate,
            )
            subjects = {
                "traveller_id": row.traveller_id,
                "document_id": row.document_id,
                "vehicle_id": row.vehicle_id,
            }
            for f in found:
                if (row.id, f.match.entry_id, f.subject.value) in seen:
                    continue
                new = services.NewHit(f, services.prior_false_match(session, f, subjects))
                hit = services.hit_row(new, row.id, row.post_id, HitOrigin.RESCREEN, subjects)
                insert_at_commit(session, services.INSERT_HIT, hit)
                services.audit_hit(session, hit, name)
                shipping.queue_hit(session, hit, row.post_id, defer=True)
                report.alerts += 1
            if report.crossings % BATCH == 0:
                uow.commit()
                if progress is not None:
                    progress(report.crossings, total)
        uow.commit()
        if progress is not None:
            progress(report.crossings, total)
    return report
