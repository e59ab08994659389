"""Queries of stored cargo: the consignments and goods items of one crossing."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from borderpost.cargo.model import Consignment, GoodsItem
from borderpost.unit_of_work import UnitOfWork


def consignments_of(uow: UnitOfWork, crossing_id: uuid.UUID) -> list[Consignment]:
    """The consignments declared with a crossing, in declaration order."""
    return list(
        uow.session.scalars(
            select(Consignment)
            .where(Consignment.crossing_id == crossing_id)
            .order_by(Consignment.position)
        )
    )


def goods_of(uow: UnitOfWork, crossing_id: uuid.UUID) -> list[tuple[Consignment, GoodsItem]]:
    """The declared goods items of a crossing, in declaration order."""
    return [(c, item) for c in consignments_of(uow, crossing_id) for item in c.items]
