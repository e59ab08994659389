"""The traveller, travel document and vehicle of a crossing at its post: found again, or
recorded as typed.

Travellers and documents are the post's own: a document is found again only among those
recorded at the same post and only with the same holder, so a crossing is never linked to a
person recorded elsewhere and no other post's record changes. Vehicles are found again across
posts by country and ``plates.normalise_plate`` (transits pair a vehicle's crossings at both
ends of a corridor).

Each function also fills ``stored`` with the rows as they stand after the crossing (a known
traveller keeps the name first recorded, a renewed document its new expiry): the crossing's
outbox event carries them, and headquarters stores them as given, under the same ids.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, cast

from sqlalchemy import Connection, Table, bindparam, insert, select, update

from borderpost.crossings.schemas import TravellerIn, VehicleIn
from borderpost.ids import new_id
from borderpost.people.model import TravelDocument, Traveller
from borderpost.plates import normalise_plate
from borderpost.posts.model import Post
from borderpost.vehicles.model import Vehicle

_TRAVELLERS = cast(Table, Traveller.__table__)
_DOCUMENTS = cast(Table, TravelDocument.__table__)
_VEHICLES = cast(Table, Vehicle.__table__)

# Statements built once: building them per call costs more than running them on SQLite.
# The documents of one number known at this post, each with its holder as recorded (see
# ``traveller_and_document``): a number typed with several holders' names has a row for each.
_DOCUMENTS_BY_NUMBER = (
    select(
        _DOCUMENTS.c.id,
        _DOCUMENTS.c.traveller_id,
        _DOCUMENTS.c.expiry,
        _TRAVELLERS.c.surname,
        _TRAVELLERS.c.given_names,
        _TRAVELLERS.c.birth_date,
        _TRAVELLERS.c.nationality,
    )
    .join(_TRAVELLERS, _TRAVELLERS.c.id == _DOCUMENTS.c.traveller_id)
    .where(
        _DOCUMENTS.c.post_id == bindparam("post_id"),
        _DOCUMENTS.c.issuer == bindparam("issuer"),
        _DOCUMENTS.c.number == bindparam("number"),
        _DOCUMENTS.c.type == bindparam("type"),
    )
)
_VEHICLE_BY_PLATE = (
    select(_VEHICLES.c.id, _VEHICLES.c.type, _VEHICLES.c.plate)
    .where(_VEHICLES.c.country == bindparam("country"), _VEHICLES.c.plate_key == bindparam("key"))
    .limit(1)
)
_INSERT = {t.name: insert(t) for t in (_TRAVELLERS, _DOCUMENTS, _VEHICLES)}


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _same_holder(known: Any, data: TravellerIn) -> bool:
    """Whether the typed traveller is, field for field, the holder recorded with the document."""
    return bool(
        known.surname == data.surname
        and known.given_names == data.given_names
        and known.birth_date == data.birth_date
        and known.nationality == data.nationality
    )


def traveller_and_document(
    conn: Connection, post: Post, data: TravellerIn, now: dt.datetime, stored: dict[str, Any]
) -> tuple[uuid.UUID, uuid.UUID | None, dt.date | None]:
    """Ids of the traveller and document, and the document's expiry.

    A document already known at this post is reused when the traveller typed is its holder as
    recorded, field for field; its expiry is then updated to the one typed. Anything else (a
    document known only at another post, or the same number with another name or birth date)
    records the traveller and the document as typed: a crossing keeps what the officer saw,
    is never linked to a person recorded elsewhere, and changes no other post's records.
    ``stored`` receives the rows as they now stand: what headquarters stores, under the same
    ids.
    """
    doc = data.document
    if doc is not None:
        found = conn.execute(
            _DOCUMENTS_BY_NUMBER,
            {"post_id": post.id, "issuer": doc.issuer, "number": doc.number, "type": doc.type},
        )
        known = next((row for row in found if _same_holder(row, data)), None)
        if known is not None:
            if doc.expiry is not None and doc.expiry != known.expiry:
                # A renewed document keeps its number in some countries: the new date wins.
                conn.execute(
                    update(_DOCUMENTS).where(_DOCUMENTS.c.id == known.id).values(expiry=doc.expiry)
                )
            expiry = doc.expiry or known.expiry
            stored["traveller"] = {
                "id": str(known.traveller_id),
                "surname": known.surname,
                "given_names": known.given_names,
                "birth_date": _iso(known.birth_date),
                "nationality": known.nationality,
            }
            stored["document"] = {
                "id": str(known.id),
                "type": doc.type,
                "number": doc.number,
                "issuer": doc.issuer,
                "expiry": _iso(expiry),
            }
            return known.traveller_id, known.id, expiry
    traveller_id = new_id()
    row = {
        "id": traveller_id,
        "post_id": post.id,
        "surname": data.surname,
        "given_names": data.given_names,
        "birth_date": data.birth_date,
        "nationality": data.nationality,
        "created_at": now,
    }
    conn.execute(_INSERT[_TRAVELLERS.name], row)
    stored["traveller"] = {
        "id": str(traveller_id),
        "surname": data.surname,
        "given_names": data.given_names,
        "birth_date": _iso(data.birth_date),
        "nationality": data.nationality,
    }
    if doc is None:
        return traveller_id, None, None
    document_id = new_id()
    conn.execute(
        _INSERT[_DOCUMENTS.name],
        {
            "id": document_id,
            "post_id": post.id,
            "traveller_id": traveller_id,
            "type": doc.type,
            "number": doc.number,
            "issuer": doc.issuer,
            "expiry": doc.expiry,
            "created_at": now,
        },
    )
    stored["document"] = {
        "id": str(document_id),
        "type": doc.type,
        "number": doc.number,
        "issuer": doc.issuer,
        "expiry": _iso(doc.expiry),
    }
    return traveller_id, document_id, doc.expiry


def vehicle(
    conn: Connection, post: Post, data: VehicleIn, now: dt.datetime, stored: dict[str, Any]
) -> uuid.UUID:
    key = normalise_plate(data.plate)
    known = conn.execute(_VEHICLE_BY_PLATE, {"country": data.country, "key": key}).one_or_none()
    if known is not None:
        if known.type != data.type.value:
            conn.execute(
                update(_VEHICLES).where(_VEHICLES.c.id == known.id).values(type=data.type.value)
            )
        vehicle_id = uuid.UUID(str(known.id))
        plate = known.plate  # as first written at this post
    else:
        vehicle_id, plate = new_id(), data.plate
        conn.execute(
            _INSERT[_VEHICLES.name],
            {
                "id": vehicle_id,
                "post_id": post.id,
                "plate": data.plate,
                "plate_key": key,
                "country": data.country,
                "type": data.type.value,
                "created_at": now,
            },
        )
    stored["vehicle"] = {
        "id": str(vehicle_id),
        "plate": plate,
        "plate_key": key,
        "country": data.country,
        "type": data.type.value,
    }
    return vehicle_id
