"""The demo's declared cargo: invented, like everything in the demo.

Trucks carry declared consignments judged against the default rule set: most go to the green
lane, some are inspected, a few need a permit. The cargo draws from a generator of its own
(``traffic.SEED_OF_CARGO``): the rest of the demo's traffic is the same with or without it.
"""

from __future__ import annotations

import random
from typing import Any

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
