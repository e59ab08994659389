"""The demo's watchlist and declared cargo: invented, like everything in the demo.

The watchlist lists three travellers who cross now and then, each written on the list in
another script than their passport's (Cyrillic, Armenian, Georgian), a passport reported lost
and a car's plate written with Cyrillic look-alike letters, so that screening refers a few
demo crossings and the booth shows why. Trucks carry declared consignments judged against the
default rule set: most go to the green lane, some are inspected, a few need a permit.

None of this draws from the traffic's random generator: the rest of the demo is the same with
or without it.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import random
from typing import Any

from borderpost.db import UnitOfWork
from borderpost.screening.importing import ListFormat, import_version

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


# (HS code, description, unit, gross kg per unit, USD per unit, origin)
_COMMERCIAL = [
    ("0805.10", "oranges", "t", 1000, 900, "TUR"),
    ("2523.29", "portland cement", "t", 1000, 80, "GEO"),
    ("8471.30", "laptop computers", "pcs", 2.5, 600, "CHN"),
    ("6109.10", "cotton T-shirts", "pcs", 0.2, 4, "TUR"),
    ("2202.10", "mineral water", "t", 1000, 300, "GEO"),
    ("8418.10", "refrigerators", "pcs", 60, 350, "TUR"),
    ("7113.19", "gold jewellery", "pcs", 0.05, 900, "ARM"),  # precious metals: inspected
    ("2616.90", "gold concentrate", "t", 1000, 40000, "ARM"),  # ores: a permit is needed
]
_HUMANITARIAN = [
    ("3004.90", "antibiotics and analgesics", "pcs", 0.5, 12, "DEU"),
    ("1101.00", "wheat flour", "t", 1000, 350, "KAZ"),
    ("3005.90", "bandages and dressings", "pcs", 0.1, 1, "FRA"),
]
_PARTIES = [
    "Northgate Trading (fictional)",
    "Riverside Wholesale (fictional)",
    "Cedar Imports (fictional)",
]


def consignment(
    rng: random.Random, carrier: str, *, humanitarian_org: str | None = None
) -> dict[str, Any]:
    """One declared consignment for a demo truck (``rng`` is the cargo's own generator);
    ``humanitarian_org``: the code of the humanitarian organisation sending it."""
    humanitarian = humanitarian_org is not None
    if humanitarian:
        goods = [rng.choice(_HUMANITARIAN) for _ in range(rng.randint(1, 2))]
    else:
        common = _COMMERCIAL[:6]
        goods = [rng.choice(common) for _ in range(rng.randint(1, 3))]
        roll = rng.random()
        if roll < 0.03:
            goods.append(_COMMERCIAL[7])
        elif roll < 0.08:
            goods.append(_COMMERCIAL[6])
    items = []
    for hs, description, unit, kg, usd, origin in goods:
        quantity = rng.randint(1, 20) if unit == "t" else rng.randint(50, 2000)
        gross = round(quantity * kg, 1)
        items.append(
            {
                "hs_code": hs,
                "description": description,
                "quantity": quantity,
                "unit": unit,
                "gross_kg": gross,
                "net_kg": round(gross * 0.95, 1),
                "value": quantity * usd,
                "currency": "USD",
                "origin": origin,
            }
        )
    data: dict[str, Any] = {
        "id": f"DEMO-{rng.randint(100000, 999999)}",
        "carrier": {"name": carrier},
        "consignor": {"name": rng.choice(_PARTIES)},
        "consignee": {"name": rng.choice(_PARTIES)},
        "seals": [f"S-{rng.randint(10000, 99999)}"],
        "items": items,
    }
    if humanitarian_org is not None:
        data["humanitarian"] = True
        data["sending_organisation"] = {"code": humanitarian_org, "type": "humanitarian"}
    return data
