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
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Connection, Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

from borderpost.crossings.schemas import TravellerIn, VehicleIn
from borderpost.db import READS_QUEUE, insert_at_commit, queued_index
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
    .execution_options(**{READS_QUEUE: True})  # the rows queued are looked up in ``Queued``
)
_VEHICLE_BY_PLATE = (
    select(_VEHICLES.c.id, _VEHICLES.c.type, _VEHICLES.c.plate)
    .where(_VEHICLES.c.country == bindparam("country"), _VEHICLES.c.plate_key == bindparam("key"))
    .limit(1)
    .execution_options(**{READS_QUEUE: True})
)
_DOCUMENTS_FOR_MANY = (
    select(
        _DOCUMENTS.c.post_id,
        _DOCUMENTS.c.issuer,
        _DOCUMENTS.c.number,
        _DOCUMENTS.c.type,
        *_DOCUMENTS_BY_NUMBER.selected_columns,
    )
    .join(_TRAVELLERS, _TRAVELLERS.c.id == _DOCUMENTS.c.traveller_id)
    .where(
        _DOCUMENTS.c.post_id.in_(bindparam("posts", expanding=True)),
        _DOCUMENTS.c.number.in_(bindparam("numbers", expanding=True)),
    )
    .execution_options(**{READS_QUEUE: True})
)
_VEHICLES_FOR_MANY = (
    select(
        _VEHICLES.c.country,
        _VEHICLES.c.plate_key,
        _VEHICLES.c.id,
        _VEHICLES.c.type,
        _VEHICLES.c.plate,
    )
    .where(_VEHICLES.c.plate_key.in_(bindparam("keys", expanding=True)))
    .execution_options(**{READS_QUEUE: True})
)
_INSERT = {t.name: insert(t) for t in (_TRAVELLERS, _DOCUMENTS, _VEHICLES)}
INSERTS = [_INSERT[t.name] for t in (_TRAVELLERS, _DOCUMENTS, _VEHICLES)]  # in this order


@dataclass
class _QueuedDocument:
    """A document queued for the commit in this transaction, as its look-up returns it."""

    id: uuid.UUID
    traveller_id: uuid.UUID
    expiry: dt.date | None
    surname: str
    given_names: str | None
    birth_date: dt.date | None
    nationality: str | None
    row: dict[str, Any]  # the queued row itself: a renewed expiry is written into it


@dataclass
class _QueuedVehicle:
    id: uuid.UUID
    type: str
    plate: str
    row: dict[str, Any]


class Queued:
    """The travellers, documents and vehicles of a transaction's crossings, queued for its
    commit (``db.insert_at_commit``) and found again here by the transaction's next crossings
    (a traveller seen twice in one import), without a round trip to write them first."""

    def __init__(self, session: Session) -> None:
        self.session = session
        index = queued_index(session)
        self.documents: dict[tuple[Any, ...], list[_QueuedDocument]] = index.setdefault(
            "documents", {}
        )
        self.vehicles: dict[tuple[str, str], _QueuedVehicle] = index.setdefault("vehicles", {})

        # Read ahead for the next crossings (``prefetch``): the database's rows for these keys
        # (none is an answer too); dropped with the rest when the queue is written.
        self.fetched_documents: dict[tuple[Any, ...], list[Any]] = index.setdefault(
            "fetched_documents", {}
        )
        self.fetched_vehicles: dict[tuple[str, str], Any] = index.setdefault("fetched_vehicles", {})

    def insert(self, table: Table, row: dict[str, Any]) -> None:
        insert_at_commit(self.session, _INSERT[table.name], row, read_back=True)


_CHUNK = 1000  # keys per look-up statement


def prefetch(
    conn: Connection,
    queued: Queued,
    documents: set[tuple[Any, ...]],
    vehicles: set[tuple[str, str]],
) -> None:
    """Read the rows of many crossings' documents ((post id, issuer, number, type)) and
    vehicles ((country, plate key)) in a few statements, for ``traveller_and_document`` and
    ``vehicle`` to find them without a statement each."""
    wanted = sorted(documents - queued.fetched_documents.keys(), key=str)
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        rows = conn.execute(
            _DOCUMENTS_FOR_MANY,
            {"posts": sorted({k[0] for k in chunk}), "numbers": sorted({k[2] for k in chunk})},
        )
        found: dict[tuple[Any, ...], list[Any]] = {key: [] for key in chunk}
        for row in rows:
            key = (row.post_id, row.issuer, row.number, row.type)
            if key in found:
                found[key].append(row)
        queued.fetched_documents.update(found)
    plates = sorted(vehicles - queued.fetched_vehicles.keys())
    for start in range(0, len(plates), _CHUNK):
        chunk = plates[start : start + _CHUNK]
        seen: dict[tuple[str, str], Any] = dict.fromkeys(chunk)
        for row in conn.execute(_VEHICLES_FOR_MANY, {"keys": sorted({k[1] for k in chunk})}):
            plate = (row.country, row.plate_key)
            if plate in seen and seen[plate] is None:  # the first one, as ``_VEHICLE_BY_PLATE``
                seen[plate] = row
        queued.fetched_vehicles.update(seen)


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
    conn: Connection,
    post: Post,
    data: TravellerIn,
    now: dt.datetime,
    stored: dict[str, Any],
    queued: Queued | None = None,
) -> tuple[uuid.UUID, uuid.UUID | None, dt.date | None]:
    """Ids of the traveller and document, and the document's expiry.

    A document already known at this post is reused when the traveller typed is its holder as
    recorded, field for field; its expiry is then updated to the one typed. Anything else (a
    document known only at another post, or the same number with another name or birth date)
    records the traveller and the document as typed: a crossing keeps what the officer saw,
    is never linked to a person recorded elsewhere, and changes no other post's records.
    ``stored`` receives the rows as they now stand: what headquarters stores, under the same
    ids. With ``queued`` the new rows are queued for the commit, and found there again.
    """
    doc = data.document
    if doc is not None:
        key = (post.id, doc.issuer, doc.number, doc.type)
        fetched = queued.fetched_documents.get(key) if queued is not None else None
        if fetched is not None:
            found: list[Any] = list(fetched)
        else:
            found = list(
                conn.execute(
                    _DOCUMENTS_BY_NUMBER,
                    {
                        "post_id": post.id,
                        "issuer": doc.issuer,
                        "number": doc.number,
                        "type": doc.type,
                    },
                )
            )
        if queued is not None:
            found += queued.documents.get(key, [])
        known = next((row for row in found if _same_holder(row, data)), None)
        if known is not None:
            if doc.expiry is not None and doc.expiry != known.expiry:
                # A renewed document keeps its number in some countries: the new date wins.
                if isinstance(known, _QueuedDocument):
                    known.expiry = known.row["expiry"] = doc.expiry
                else:
                    conn.execute(
                        update(_DOCUMENTS)
                        .where(_DOCUMENTS.c.id == known.id)
                        .values(expiry=doc.expiry)
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
    if queued is not None:
        queued.insert(_TRAVELLERS, row)
    else:
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
    document = {
        "id": document_id,
        "post_id": post.id,
        "traveller_id": traveller_id,
        "type": doc.type,
        "number": doc.number,
        "issuer": doc.issuer,
        "expiry": doc.expiry,
        "created_at": now,
    }
    if queued is not None:
        queued.insert(_DOCUMENTS, document)
        queued.documents.setdefault(key, []).append(
            _QueuedDocument(
                document_id,
                traveller_id,
                doc.expiry,
                data.surname,
                data.given_names,
                data.birth_date,
                data.nationality,
                document,
            )
        )
    else:
        conn.execute(_INSERT[_DOCUMENTS.name], document)
    stored["document"] = {
        "id": str(document_id),
        "type": doc.type,
        "number": doc.number,
        "issuer": doc.issuer,
        "expiry": _iso(doc.expiry),
    }
    return traveller_id, document_id, doc.expiry


def vehicle(
    conn: Connection,
    post: Post,
    data: VehicleIn,
    now: dt.datetime,
    stored: dict[str, Any],
    queued: Queued | None = None,
) -> uuid.UUID:
    key = normalise_plate(data.plate)
    known: Any = queued.vehicles.get((data.country, key)) if queued is not None else None
    if known is None and queued is not None and (data.country, key) in queued.fetched_vehicles:
        known = queued.fetched_vehicles[(data.country, key)]
    elif known is None:
        known = conn.execute(_VEHICLE_BY_PLATE, {"country": data.country, "key": key}).one_or_none()
    if known is not None:
        if known.type != data.type.value:
            if isinstance(known, _QueuedVehicle):
                known.type = known.row["type"] = data.type.value
            else:
                conn.execute(
                    update(_VEHICLES).where(_VEHICLES.c.id == known.id).values(type=data.type.value)
                )
        vehicle_id = uuid.UUID(str(known.id))
        plate = known.plate  # as first written at this post
    else:
        vehicle_id, plate = new_id(), data.plate
        row = {
            "id": vehicle_id,
            "post_id": post.id,
            "plate": data.plate,
            "plate_key": key,
            "country": data.country,
            "type": data.type.value,
            "created_at": now,
        }
        if queued is not None:
            queued.insert(_VEHICLES, row)
            queued.vehicles[(data.country, key)] = _QueuedVehicle(
                vehicle_id, data.type.value, data.plate, row
            )
        else:
            conn.execute(_INSERT[_VEHICLES.name], row)
    stored["vehicle"] = {
        "id": str(vehicle_id),
        "plate": plate,
        "plate_key": key,
        "country": data.country,
        "type": data.type.value,
    }
    return vehicle_id
