"""The demo's watchlist: invented, like everything in the demo.

The watchlist lists three travellers who cross now and then, each written on the list in
another script than their passport's (Cyrillic, Armenian, Georgian), a passport reported lost
and a car's plate written with Cyrillic look-alike letters, so that screening refers a few
demo crossings and the booth shows why.

None of this draws from the traffic's random generator: the rest of the demo is the same with
or without it.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

from borderpost.screening.importing import ListFormat, import_version
from borderpost.unit_of_work import UnitOfWork

LIST_NAME = "demo-watchlist"

# Travellers who cross now and then (on the days ``crosses_on`` picks), as their passports
# give their names; ``listed_as`` is how the watchlist writes them.
LISTED: list[dict[str, Any]] = [
    {
        "surname": "KARIMOV",
        "given_names": "FARID",
        "birth_date": "1979-03-14",
        "nationality": "AZE",
        "document": {"type": "P", "number": "C4417702", "issuer": "AZE", "expiry": "2031-05-01"},
        "listed_as": "Каримов Фарид",
    },
    {
        "surname": "VARDANYAN",
        "given_names": "GOHAR",
        "birth_date": "1985-11-02",
        "nationality": "ARM",
        "document": {"type": "P", "number": "AM0912345", "issuer": "ARM", "expiry": "2030-01-20"},
        "listed_as": "Վարդանյան Գոհար",
    },
    {
        "surname": "NADIRADZE",
        "given_names": "ZURAB",
        "birth_date": "1971-07-30",
        "nationality": "GEO",
        "document": {"type": "P", "number": "13GE41887", "issuer": "GEO", "expiry": "2029-09-09"},
        "listed_as": "ნადირაძე ზურაბ",
    },
]
# A traveller whose passport was reported lost: the document is listed, not the person.
LOST_PASSPORT: dict[str, Any] = {
    "surname": "SARGSYAN",
    "given_names": "LILIT",
    "birth_date": "1990-04-18",
    "nationality": "ARM",
    "document": {"type": "P", "number": "AN7730021", "issuer": "ARM", "expiry": "2032-02-11"},
}
_CYRILLIC_LOOKALIKES = str.maketrans("ABCEHKMOPTX", "АВСЕНКМОРТХ")


def crosses_on(day: dt.date) -> list[dict[str, Any]]:
    """The listed travellers (and the one with the lost passport) crossing on ``day``."""
    n = day.toordinal()
    people = [LISTED[(n // 9) % 3]] if n % 9 == 0 else []
    if n % 13 == 0:
        people.append(LOST_PASSPORT)
    return [{k: v for k, v in p.items() if k != "listed_as"} for p in people]


def watchlist_lines(plate: str) -> str:
    """The demo list as FollowTheMoney JSON Lines; ``plate`` is a demo car's plate."""
    entities: list[dict[str, Any]] = [
        {
            "id": f"demo-person-{i + 1}",
            "schema": "Person",
            "properties": {
                "name": [p["listed_as"]],
                "birthDate": [p["birth_date"]],
                "nationality": [p["nationality"].lower()],
            },
        }
        for i, p in enumerate(LISTED)
    ]
    entities.append(
        {
            "id": "demo-passport-1",
            "schema": "Passport",
            "properties": {
                "number": [LOST_PASSPORT["document"]["number"]],
                "country": ["am"],
                "holder": ["demo-holder-1"],
            },
        }
    )
    entities.append(
        {
            "id": "demo-vehicle-1",
            "schema": "Vehicle",
            "properties": {"registrationNumber": [plate.translate(_CYRILLIC_LOOKALIKES)]},
        }
    )
    return "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in entities)


def import_watchlist(uow: UnitOfWork, plate: str) -> int:
    """Import the demo list into ``uow`` (the caller commits); returns its entry count."""
    report = import_version(
        uow,
        LIST_NAME,
        io.BytesIO(watchlist_lines(plate).encode()),
        ListFormat.FTM,
        source="Borderpost demo (fictional)",
        label="1",
    )
    return report.written
