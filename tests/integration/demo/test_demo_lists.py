"""The demo's watchlist and cargo: listed travellers written in another script are referred,
trucks carry declared consignments judged against the default rules."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from borderpost import clock
from borderpost.cargo.model import Consignment
from borderpost.crossings.schemas import CrossingCreate
from borderpost.crossings.services import record_crossing
from borderpost.demo import watchlists as demo_lists
from borderpost.demo.services import build_demo
from borderpost.screening.model import ScreeningHit, Watchlist
from borderpost.unit_of_work import UnitOfWork

Factory = sessionmaker[Session]


def test_listed_travellers_cross_now_and_then_and_the_list_names_them_in_other_scripts() -> None:
    days = [dt.date(2026, 1, 1) + dt.timedelta(days=i) for i in range(60)]
    crossing = [p["surname"] for day in days for p in demo_lists.crosses_on(day)]
    assert {"KARIMOV", "VARDANYAN", "NADIRADZE", "SARGSYAN"} <= set(crossing)
    assert len(crossing) < 20  # now and then, not every day
    listed = demo_lists.watchlist_lines("12-AB-345")
    for written in ("Каримов", "Վարդանյան", "ნადირაძე"):
        assert written in listed
    assert "12-АВ-345" in listed  # the plate in Cyrillic look-alike letters


def test_the_demo_screens_against_its_list_and_declares_cargo(session_factory: Factory) -> None:
    build_demo(session_factory, days=3)
    with session_factory() as session:
        [watchlist] = session.scalars(select(Watchlist)).all()
        assert watchlist.name == demo_lists.LIST_NAME
        lanes = dict(
            session.execute(
                select(Consignment.lane_colour, func.count()).group_by(Consignment.lane_colour)
            ).all()
        )
        assert lanes.get("green", 0) > 0
    traveller = {k: v for k, v in demo_lists.LISTED[1].items() if k != "listed_as"}
    with UnitOfWork(session_factory, actor="officer") as uow:
        recorded = record_crossing(
            uow,
            CrossingCreate.model_validate(
                {
                    "post": "AST-E",
                    "direction": "in",
                    "time": clock.now().isoformat(),
                    "kind": "person",
                    "category": "civilian",
                    "traveller": traveller,
                    "lane": "P1",
                }
            ),
        )
        uow.commit()
    assert recorded.crossing.decision == "referred"
    with session_factory() as session:
        hit = session.scalars(
            select(ScreeningHit).where(ScreeningHit.crossing_id == recorded.crossing.id)
        ).one()
        assert hit.entry_key == "demo-person-2"
